/* Internal to src/exchange/. */
#ifndef YW_EXCHANGE_INTERNAL_H
#define YW_EXCHANGE_INTERNAL_H

#include <pthread.h>

#include "exchange.h"

struct yw_txn;
struct yw_stmt;

#define YW__ID_SIZE 40           /* "grant-" / "app-" + 16 hex, and room */
#define YW__KEYS_MAX 100         /* records asked for in one request */
#define YW__ERRORS_MAX 100       /* line-numbered errors reported by a load */
#define YW__FIELDS_MAX_GRANT 500 /* columns named in one grant */
#define YW__DOCS_CACHED 64       /* published resource versions kept in memory */
#define YW__GRANTS_CACHED 256    /* grants' parsed conditions and masks kept in memory */

/* A grant as its row says, conditions parsed. */
struct yw__grant {
    char id[YW__ID_SIZE];
    char application[YW__ID_SIZE];
    char consumer[65];
    char key_id[YW__ID_SIZE];
    char provider[65];
    char code[65];
    char kind[12];            /* records sandbox */
    char status[12];          /* active suspended revoked */
    char resource_status[16]; /* the catalog's: published deprecated archived … */
    int64_t current_version;  /* the resource's current version (its masks apply) */
    int64_t version;
    json_t *conditions;     /* owned: the stored object */
    json_t *fields;         /* borrowed from conditions: granted columns */
    json_t *clear_masks;    /* borrowed: columns delivered unmasked */
    const char *purpose;    /* borrowed */
    int64_t valid_from_day; /* China days, inclusive */
    int64_t valid_to_day;
    int hours_from, hours_to; /* minutes of the day, [from, to); -1: any time */
    unsigned weekdays;        /* bit d for ISO weekday d (1 Monday … 7 Sunday); 0: any day */
    int64_t total_uses;       /* 0: no limit */
    int64_t daily_uses;       /* 0: no limit */
    int64_t records_per_request;
    const char *source_ips; /* borrowed; "" for any */
    int64_t epsilon_micro;  /* sandbox privacy budget, millionths; 0: no noise */
};

void yw__grant_free(struct yw__grant *g);
/* The first condition of g a request from remote breaks at now_ms, as a
 * refusal reason code (*message the bilingual text), or NULL when it keeps
 * them all; n_records 0 skips the records-per-request limit (the sandbox). */
const char *yw__grant_broken(const struct yw__grant *g, const char *remote, struct yw_str purpose,
                             int64_t now_ms, size_t n_records, const char **message);
/* The grant of key_id for code and kind (the active one first), or
 * YW_ENOTFOUND. */
int yw__grant_for(struct yw_txn *txn, const char *key_id, const char *code, const char *kind,
                  struct yw__grant *out, struct yw_err *err) YW_MUST_USE;
int yw__grant_load(struct yw_txn *txn, const char *id, struct yw__grant *out,
                   struct yw_err *err) YW_MUST_USE;
/* As yw__grant_for, for deliveries: the row is read as always, but its
 * conditions are parsed once per (grant, stored bytes) and shared, so
 * out->conditions is read-only. A grant whose row changed (suspended,
 * revoked, narrowed) is seen at once: the status is the row's, and changed
 * conditions bytes are parsed anew. */
int yw__grant_for_shared(struct yw_exchange *ex, struct yw_txn *txn, const char *key_id,
                         const char *code, const char *kind, struct yw__grant *out,
                         struct yw_err *err) YW_MUST_USE;
/* The masks computed for g (shared conditions from yw__grant_for_shared) and
 * its version and current version, a new reference, or NULL; and remembering
 * them (masks stolen). Read-only once remembered. */
json_t *yw__grant_masks_get(struct yw_exchange *ex, const struct yw__grant *g);
void yw__grant_masks_put(struct yw_exchange *ex, const struct yw__grant *g, json_t *masks_new);
void yw__grant_cache_free(struct yw_exchange *ex);
/* Checks conditions (a request body's, or an approver's narrowing) against
 * the resource document and builds the stored object. */
int yw__conditions_check(const json_t *in, const json_t *doc, const json_t *base, json_t **out,
                         struct yw_err *err) YW_MUST_USE;
/* Creates the grant of an approved application in txn; id_out gets its id. */
int yw__grant_create(struct yw_txn *txn, const char *application, const char *consumer,
                     const char *key_id, const char *provider, const char *code, int64_t version,
                     const char *kind, const json_t *conditions, char id_out[YW__ID_SIZE],
                     struct yw_err *err) YW_MUST_USE;

/* ---- use counts (counts.c) -------------------------------------------------------
 * Reserved counts decide admissions; durable counts follow the ledger (they
 * move only when a delivery's entry is durable) and are what the snapshot
 * writes. */
struct yw__count {
    char grant[YW__ID_SIZE];
    char code[65];               /* the resource, for the catalog's delivery count */
    int64_t written_uses;        /* durable uses already added to the catalog's count */
    int64_t uses, day, day_uses; /* reserved, including deliveries in flight */
    int64_t durable_uses, durable_day, durable_day_uses, durable_records, durable_epsilon;
    int64_t epsilon_micro; /* reserved */
    bool dirty;
};

enum yw__admit { YW__ADMIT_OK = 0, YW__ADMIT_TOTAL = 1, YW__ADMIT_DAILY = 2, YW__ADMIT_BUDGET = 3 };

/* Reserves one use (and epsilon millionths of privacy budget) of g today. */
enum yw__admit yw__count_reserve(struct yw_exchange *ex, const struct yw__grant *g, int64_t today,
                                 int64_t epsilon_micro);
/* Gives back a reservation whose delivery failed. */
void yw__count_release(struct yw_exchange *ex, const char *grant, int64_t today,
                       int64_t epsilon_micro);
/* A reservation became durable at ledger index. subjects (may be NULL) are
 * the entry's subject hashes, queued for the subject index. */
void yw__count_durable(struct yw_exchange *ex, const char *grant, const char *code, int64_t day,
                       int64_t records, int64_t epsilon_micro, uint64_t index,
                       const json_t *subjects);
/* The counts of grant: uses (total), today's uses, records delivered. */
void yw__count_get(struct yw_exchange *ex, const char *grant, int64_t today, int64_t *uses,
                   int64_t *day_uses, int64_t *records);

/* ---- the exchange ------------------------------------------------------------------ */
struct yw__pending_subject {
    char subject[65];
    uint64_t index;
};

struct yw_exchange {
    struct yw_exchange_config cfg;
    uint8_t subject_key[YW_HASH_SIZE];   /* keyed hashes of data subjects */
    uint8_t pseudonym_key[YW_HASH_SIZE]; /* the "hash" masking operator */
    char id_element[33];                 /* the data element of identity numbers */

    pthread_mutex_t lock; /* everything below */
    struct yw__count *counts;
    size_t n_counts, cap_counts;
    struct yw__pending_subject *subjects;
    size_t n_subjects, cap_subjects;
    int64_t through_index; /* the newest durable delivery entry counted; -1 none */
    struct yw__cached_doc {
        char code[65];
        int64_t version;
        json_t *doc; /* a published version never changes: kept until close */
    } docs[YW__DOCS_CACHED];
    size_t n_docs;
    struct yw__cached_grant {
        char id[YW__ID_SIZE];
        char *text; /* the stored conditions bytes, NUL-terminated */
        size_t n;
        json_t *conditions; /* parsed text, read-only */
        int64_t version, current_version;
        json_t *masks; /* for those versions, or NULL */
    } grants[YW__GRANTS_CACHED];
    size_t n_grants, next_grant; /* next_grant: the slot replaced when full */
    bool dirty;
    bool stopping;
    pthread_cond_t wake;
    pthread_t writer;
    bool writer_started;
};

/* A subject's keyed hash (hex) from an identity number. */
void yw__subject_hash(const struct yw_exchange *ex, struct yw_str id_number, char out[65]);

/* Applies a finished entry of type exchange.delivery / exchange.sandbox to
 * the counts (replay at start-up). */
int yw__count_replay(struct yw_exchange *ex, uint64_t index, struct yw_str entry);

/* The resource's document (a new reference): version 0 the current one,
 * which must be published or deprecated; another version must have been
 * published. Published versions are cached (they never change) and shared
 * between threads: read the document, never modify it. */
int yw__published_doc(struct yw_exchange *ex, struct yw_str code, int64_t version, json_t **doc,
                      struct yw_err *err) YW_MUST_USE;
/* The cached document of (code, version) (a new reference), or NULL when it
 * is not cached; never reads the database, so it may be called while holding
 * a pooled connection. */
json_t *yw__cached_doc(struct yw_exchange *ex, struct yw_str code, int64_t version);

/* A new random identifier "<prefix>-<16 hex>". */
int yw__new_id(const char *prefix, char out[YW__ID_SIZE], struct yw_err *err) YW_MUST_USE;

/* The identifier of the data element of identity numbers (公民身份号码)
 * into out ("" when none is registered), cached once found. */
int yw__id_element(struct yw_exchange *ex, struct yw_txn *txn, char out[33],
                   struct yw_err *err) YW_MUST_USE;

/* The record key of values (object column → value) for the document's key
 * fields, joined by U+001F, identity numbers (fields carrying id_element)
 * with an upper-case X; YW_EINVAL naming the missing key field. */
int yw__record_key(const json_t *doc, const json_t *values, const char *id_element,
                   struct yw_buf *out, struct yw_err *err) YW_MUST_USE;

#endif
