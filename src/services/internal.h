/* Internal to src/services/. */
#ifndef YW_SERVICES_INTERNAL_H
#define YW_SERVICES_INTERNAL_H

#include "services.h"

struct yw_txn;

#define YW__CASE_ID_SIZE 24    /* "case-" + 16 hex digits */
#define YW__MATERIALS_MAX 30   /* materials of one item */
#define YW__UPLOAD_MAX 1048576 /* bytes of one uploaded material, decoded */

extern const struct yw_domain yw__item_types[], yw__channels[], yw__cross_modes[];

/* v as compact JSON text, replacing what out held (how this module stores
 * its documents; reals allowed, unlike the ledger's canonical form).
 * YW_ETOOBIG past out's limit, YW_ENOMEM. */
int yw__json_store(const json_t *v, struct yw_buf *out) YW_MUST_USE;

/* The item code's canonical form "XK-00012-001" from "XK-00012-001" or
 * "XK00012001" into out; YW_EINVAL naming field otherwise. */
int yw__item_code(struct yw_str in, const char *field, char out[16],
                  struct yw_err *err) YW_MUST_USE;

/* The published catalog resource code with fields: YW_OK when the resource is
 * published and has every column in columns (a JSON array of strings),
 * YW_EINVAL naming field otherwise. */
int yw__check_resource(const struct yw_services *s, const char *code, const json_t *columns,
                       const char *field, struct yw_err *err) YW_MUST_USE;

/* Fetches material m (an item material naming a resource) of an applicant
 * through the exchange, as the implementing organisation org. On YW_OK
 * *content is the record (only m's fields), *grant and *index name the
 * delivery; any failure leaves why in *note (bilingual) and returns YW_OK
 * with *content NULL: the material falls back to upload. Errors of the node
 * itself (out of memory) return < 0. Call without a transaction open. */
int yw__fetch_material(const struct yw_services *s, const char *org, const json_t *m,
                       const char *applicant_id, json_t **content, char grant[48], int64_t *index,
                       char note[256], struct yw_err *err) YW_MUST_USE;

/* Approving a case, in its transaction: a task for each supervising
 * organisation (审管联动) with the case's elements; pushed gets
 * [{"task", "supervisor_org"}]. yw__record_pushed ledgers them after the
 * commit. (supervision.c) */
int yw__push_tasks(const struct yw_services *s, struct yw_txn *txn, const char *case_id,
                   const char *approving_org, const json_t *supervisors, const json_t *elements,
                   const char *actor, json_t *pushed, struct yw_err *err) YW_MUST_USE;
int yw__record_pushed(const struct yw_services *s, const char *case_id, const char *approving_org,
                      const json_t *pushed, const char *actor, struct yw_err *err) YW_MUST_USE;

#endif
