/* Internal to src/services/. */
#ifndef YW_SERVICES_INTERNAL_H
#define YW_SERVICES_INTERNAL_H

#include <pthread.h>

#include "services.h"
#include "store/store.h"

#define YW__CASE_ID_SIZE 24    /* "case-" + 16 hex digits */
#define YW__MATERIALS_MAX 30   /* materials of one item */
#define YW__UPLOAD_MAX 1048576 /* bytes of one uploaded material, decoded */

extern const struct yw_domain yw__item_types[], yw__channels[], yw__cross_modes[];

/* ---- shared by the module's files (common.c) ---- */

/* Column col of the row as a C string into out (cut to size). */
void yw__text_col(struct yw_stmt *st, int col, char *out, size_t size);
/* Today in China (UTC+8), as a day number. */
int64_t yw__today(void);
/* v as compact JSON text, replacing what out held (how this module stores
 * its documents; reals allowed, unlike the ledger's canonical form).
 * YW_ETOOBIG past out's limit, YW_ENOMEM. */
int yw__json_store(const json_t *v, struct yw_buf *out) YW_MUST_USE;
/* A list's paging: limit 0 means 50; 1-200 and offset 0-100000, or YW_EINVAL. */
int yw__check_page(int64_t *limit, int64_t offset, struct yw_err *err) YW_MUST_USE;
/* Runs sql in a read transaction, its placeholders bound to params[0..n)
 * (NULL binds NULL), then limit and offset, and sets *out to {key: [row(st)
 * for each row]}; a row that comes back NULL fails with YW_EINTERNAL. */
int yw__list_rows(const struct yw_services *s, const char *sql, const char *const *params, int n,
                  int64_t limit, int64_t offset, json_t *(*row)(struct yw_stmt *st),
                  const char *key, json_t **out, struct yw_err *err) YW_MUST_USE;

/* The item code's canonical form "XK-00012-001" from "XK-00012-001" or
 * "XK00012001" into out; YW_EINVAL naming field otherwise. */
int yw__item_code(struct yw_str in, const char *field, char out[16],
                  struct yw_err *err) YW_MUST_USE;

/* The published catalog resource code with fields: YW_OK when the resource is
 * published and has every column in columns (a JSON array of strings),
 * YW_EINVAL naming field otherwise. */
int yw__check_resource(const struct yw_services *s, const char *code, const json_t *columns,
                       const char *field, struct yw_err *err) YW_MUST_USE;

/* Things finishing on other threads, waited for once (await.c). */
struct yw__group {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t pending; /* incremented by the starter before each start */
};
void yw__group_init(struct yw__group *g);
void yw__group_done(struct yw__group *g); /* one finished (from any thread) */
void yw__group_wait(struct yw__group *g); /* until none is pending; then g is done with */

#define YW__EVENTS_MAX 16 /* ledger entries of one step */
/* Appends the ledger entries types[i] with fields[i] (stolen; a NULL one
 * means it could not be built: YW_ENOMEM) together and waits once until all
 * are durable; the first failure is returned. Entries are committed in
 * order. */
int yw__ledger_events(const struct yw_services *s, size_t n, const char *const *types,
                      json_t **fields, struct yw_err *err) YW_MUST_USE;

/* One material to fetch (materials.c): in, material (an item material naming
 * a resource); out, content (the record with the material's fields, owned,
 * NULL when the fetch failed), grant, index (the delivery's ledger index, -1
 * when none) and note (why it failed, bilingual). */
struct yw__fetch {
    const json_t *material;
    json_t *content;
    char grant[48];
    int64_t index;
    char note[256];
    /* private */
    struct yw__group *group;
    int rc;
    json_t *body;
    struct yw_err err;
};
/* Fetches the materials f[0..n) of an applicant through the exchange, as
 * the implementing organisation org, all at once: one wait for every
 * delivery. A failed fetch is not an error (its note says why). Call without
 * a transaction open. */
void yw__fetch_materials(const struct yw_services *s, const char *org, const char *applicant_id,
                         struct yw__fetch *f, size_t n);

/* Approving a case, in its transaction: a task for each supervising
 * organisation (审管联动) with the case's elements; pushed gets
 * [{"task", "supervisor_org"}], each ledgered after the commit with its
 * yw__pushed_entry. (supervision.c) */
int yw__push_tasks(const struct yw_services *s, struct yw_txn *txn, const char *case_id,
                   const char *approving_org, const json_t *supervisors, const json_t *elements,
                   const char *actor, json_t *pushed, struct yw_err *err) YW_MUST_USE;
/* The ledger entry of a pushed task (an element of pushed). */
json_t *yw__pushed_entry(const char *case_id, const char *approving_org, const json_t *task,
                         const char *actor);

#endif
