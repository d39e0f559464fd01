/*
 * exchange — data sharing between departments (一网共享): applications (共享
 * 申请), grants (授权) with the conditions the provider sets, the records a
 * provider loads, delivery of records masked by grade, the data sandbox, and
 * "who used my data" for citizens. Design note: docs/internals/exchange.md.
 *
 * The hot path (DESIGN.md §4): a delivery checks its grant in memory, counts
 * the use under a lock, reads the records, masks each field, and hands one
 * ledger entry to the group committer; the answer leaves only once that entry
 * is durable, and carries its index. Counts are never written per request:
 * they become durable with the ledger entry, a snapshot of them is written
 * four times a second, and at start-up the entries after the snapshot are replayed,
 * so a use is neither lost nor counted twice across a crash (kill -9).
 *
 * One yw_exchange per process serving the node; counts are exact within it
 * (several processes sharing one PostgreSQL would each count their own).
 */
#ifndef YW_EXCHANGE_H
#define YW_EXCHANGE_H

#include <jansson.h>

#include "catalog/catalog.h"
#include "crypto/crypto.h"
#include "util/util.h"

struct yw_exchange;
struct yw_principal;
struct yw_calendar;
struct yw_txn;

struct yw_exchange_config {
    struct yw_catalog catalog;          /* store, ledger, code rule, profile */
    const struct yw_key *key;           /* the node's key: derives the keyed-hash secrets */
    const struct yw_calendar *calendar; /* working days; NULL: weekends only */
    int answer_days;                    /* working days a provider has to answer (10) */
    int k_min;                          /* sandbox: smallest group shown (10) */
};

/* Loads the use counts (snapshot, then the ledger entries after it) and
 * starts the snapshot writer. The config is copied; what it points to is
 * lent and must outlive the exchange. */
int yw_exchange_open(const struct yw_exchange_config *cfg, struct yw_exchange **out,
                     struct yw_err *err) YW_MUST_USE;
/* Writes the last snapshot and frees. NULL-safe. Call before closing the
 * ledger, after the last delivery has finished. */
void yw_exchange_close(struct yw_exchange *ex);

/* ---- applications and grants (applications.c, grants.c) ---------------------
 * Bodies and answers are JSON (docs/internals/exchange.md). who NULL is the
 * console. Every step is one transaction and then a ledger entry. */

/* A consumer organisation's staff apply for a published resource. 无条件共享
 * is granted at once; 有条件 waits for the provider's answer within
 * answer_days working days; 不予共享 is refused (409). */
int yw_exchange_apply(struct yw_exchange *ex, const struct yw_principal *who, const json_t *body,
                      const char *actor, json_t **out, struct yw_err *err) YW_MUST_USE;
/* approve (body may narrow fields and set conditions), refuse (reason), by the
 * provider's approvers; withdraw, by the consumer. */
int yw_exchange_decide(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str id,
                       struct yw_str step, const json_t *body, const char *actor, json_t **out,
                       struct yw_err *err) YW_MUST_USE;
/* Applications who may see (own organisation as consumer or provider; the
 * data authority and auditors all), newest first, each with overdue. filter:
 * status ("" for all), overdue only. */
int yw_exchange_applications(struct yw_exchange *ex, const struct yw_principal *who,
                             struct yw_str status, bool overdue_only, json_t **out,
                             struct yw_err *err) YW_MUST_USE;
/* Grants who may see, with their use counts. */
int yw_exchange_grants(struct yw_exchange *ex, const struct yw_principal *who, json_t **out,
                       struct yw_err *err) YW_MUST_USE;
/* suspend, resume or revoke a grant (reason required), by the provider or
 * the data authority; effective for the next request. */
int yw_exchange_grant_step(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str id,
                           struct yw_str step, struct yw_str reason, const char *actor,
                           json_t **out, struct yw_err *err) YW_MUST_USE;

/* ---- records (records.c) ------------------------------------------------------
 * A provider's data for one of its published resources, keyed by the
 * resource's key fields and checked against its current version's fields. */

enum yw_records_format { YW_RECORDS_CSV = 1, YW_RECORDS_JSONL = 2 };
/* Loads a whole file (header row of columns for CSV; one JSON object per line
 * for JSONL), replacing records with the same key; all or nothing, with
 * line-numbered errors (at most 100) in *errors. Records the load time in the
 * catalog (timeliness). */
int yw_exchange_load(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                     enum yw_records_format format, const char *data, size_t n, const char *actor,
                     size_t *count, json_t **errors, struct yw_err *err) YW_MUST_USE;
/* Upserts one record (a JSON object of columns), or deletes the record with
 * this key (record NULL; key is the key fields' values as an object). */
int yw_exchange_put(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                    const json_t *record, const char *actor, struct yw_err *err) YW_MUST_USE;
int yw_exchange_delete(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                       const json_t *key, const char *actor, struct yw_err *err) YW_MUST_USE;

/* ---- delivery (delivery.c) ----------------------------------------------------- */

/* What a system asks for: records of code by key values. keys is an array of
 * objects {column: value} naming every key field. */
struct yw_delivery_request {
    const struct yw_principal *who; /* the calling system */
    const char *remote;             /* its address */
    struct yw_str code;
    const json_t *keys;
    struct yw_str purpose; /* optional: must match the grant's when given */
    struct yw_txn *txn; /* a read transaction to read in (taken: the delivery ends it), or NULL */
};

/* Called once, from a committer or worker thread, when the answer is ready:
 * rc 0 with body_take (n bytes of JSON, malloc'd, the callee frees it:
 * {"resource", "version", "grant", "masks", "records": […], "digest",
 * "ledger_index"}), or rc < 0 with err (a refusal is YW_EPERM with its reason
 * code in err->field, and was ledgered as exchange.refusal before this call). */
typedef void (*yw_delivery_done_fn)(void *cls, int rc, char *body_take, size_t n,
                                    const struct yw_err *err);

/* Checks, counts, reads, masks and ledgers; done is called exactly once
 * (possibly before this returns). Returns YW_OK when done will be called. */
int yw_exchange_deliver(struct yw_exchange *ex, const struct yw_delivery_request *req,
                        yw_delivery_done_fn done, void *cls) YW_MUST_USE;

/* ---- the sandbox (sandbox.c) ------------------------------------------------- */
/* An aggregate over the records of code under a sandbox grant: body
 * {"group_by": [columns], "measures": [{"op": count|sum|avg|min|max,
 * "column": c}], "filters": [{"column": c, "op": "eq"|"in"|"range", …}],
 * "purpose", "epsilon_milli": optional Laplace noise, spent from the grant's
 * budget}. Groups smaller than k_min are suppressed; the query (never the
 * filter values) is ledgered. docs/internals/exchange.md has the details. */
int yw_exchange_aggregate(struct yw_exchange *ex, const struct yw_principal *who,
                          const char *remote, struct yw_str code, const json_t *body, json_t **out,
                          struct yw_err *err) YW_MUST_USE;

/* ---- tracing (trace.c) -------------------------------------------------------- */
/* Every delivery that touched records of the citizen with this identity
 * number, newest first, each with its ledger index. */
int yw_exchange_data_uses(struct yw_exchange *ex, struct yw_str id_number, json_t **out,
                          struct yw_err *err) YW_MUST_USE;
/* Who received what: by resource (its provider, the data authority,
 * auditors) or by consumer organisation. */
int yw_exchange_lineage(struct yw_exchange *ex, const struct yw_principal *who,
                        struct yw_str resource, struct yw_str org, json_t **out,
                        struct yw_err *err) YW_MUST_USE;

/* ---- standing grants (standing.c) ----------------------------------------------
 * The API key of consumer's standing grant (常态化授权) for the resource code,
 * under which the node's one-stop services fetch case materials for the
 * implementing organisation, into key_id: its newest records grant, an active
 * one before a suspended one (whose delivery is then refused, and ledgered,
 * with the grant's own reason). YW_ENOTFOUND when it has none but revoked
 * ones. The delivery checks the grant as for any system. */
int yw_exchange_standing_key(struct yw_exchange *ex, const char *consumer, const char *code,
                             char key_id[48], struct yw_err *err) YW_MUST_USE;

#endif
