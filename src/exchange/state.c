/* The exchange's state in memory: use counts and the subject index queue,
 * the snapshot writer, and the replay of the ledger at start-up. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

/* How often the counts and subjects are written: often enough that each
 * write is short (it holds the database's write lock, which the ledger's
 * committer also needs). */
#define SNAPSHOT_MS 250
/* How long one transaction of subject rows may hold the database's write
 * lock, which the ledger's committer needs for every batch: the subject index
 * is keyed by a hash, so each row lands on its own index page, and 128 rows
 * held the lock for 7 to 30 ms under load (the committer, and every delivery
 * waiting for it, waited as long). Everything the snapshot writer writes is
 * replayed from the ledger after a crash, so its transactions are
 * YW_TXN_WRITE_DERIVED: no fsync of their own. */
#define SUBJECTS_TXN_NS (1000 * 1000)

/* ---- counts ---------------------------------------------------------------------- */

/* The count of grant, created when absent (code: its resource, when known);
 * NULL when out of memory. Locked. */
static struct yw__count *count_of(struct yw_exchange *ex, const char *grant, const char *code)
{
    for (size_t i = 0; i < ex->n_counts; i++)
        if (strcmp(ex->counts[i].grant, grant) == 0) {
            if (code && !ex->counts[i].code[0])
                (void)yw_copy(ex->counts[i].code, sizeof(ex->counts[i].code), code);
            return &ex->counts[i];
        }
    if (ex->n_counts == ex->cap_counts) {
        size_t cap = ex->cap_counts ? 2 * ex->cap_counts : 64;
        struct yw__count *grown = realloc(ex->counts, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        ex->counts = grown;
        ex->cap_counts = cap;
    }
    struct yw__count *c = &ex->counts[ex->n_counts++];
    memset(c, 0, sizeof(*c));
    (void)yw_copy(c->grant, sizeof(c->grant), grant);
    if (code)
        (void)yw_copy(c->code, sizeof(c->code), code);
    return c;
}

enum yw__admit yw__count_reserve(struct yw_exchange *ex, const struct yw__grant *g, int64_t today,
                                 int64_t epsilon_micro)
{
    enum yw__admit verdict = YW__ADMIT_OK;
    pthread_mutex_lock(&ex->lock);
    struct yw__count *c = count_of(ex, g->id, g->code);
    if (c == NULL) {
        verdict = YW__ADMIT_TOTAL; /* out of memory: refuse rather than over-deliver */
    } else {
        if (c->day != today) {
            c->day = today;
            c->day_uses = 0;
        }
        if (g->total_uses > 0 && c->uses >= g->total_uses)
            verdict = YW__ADMIT_TOTAL;
        else if (g->daily_uses > 0 && c->day_uses >= g->daily_uses)
            verdict = YW__ADMIT_DAILY;
        else if (epsilon_micro > 0 && c->epsilon_micro + epsilon_micro > g->epsilon_micro)
            verdict = YW__ADMIT_BUDGET;
        if (verdict == YW__ADMIT_OK) {
            c->uses++;
            c->day_uses++;
            c->epsilon_micro += epsilon_micro;
        }
    }
    pthread_mutex_unlock(&ex->lock);
    return verdict;
}

void yw__count_release(struct yw_exchange *ex, const char *grant, int64_t today,
                       int64_t epsilon_micro)
{
    pthread_mutex_lock(&ex->lock);
    struct yw__count *c = count_of(ex, grant, NULL);
    if (c != NULL) {
        c->uses--;
        if (c->day == today)
            c->day_uses--;
        c->epsilon_micro -= epsilon_micro;
    }
    pthread_mutex_unlock(&ex->lock);
}

/* Adds a durable use to c (the reserved side too when replaying). Locked. */
static void add_durable(struct yw__count *c, int64_t day, int64_t records, int64_t epsilon_micro)
{
    c->durable_uses++;
    if (c->durable_day != day) {
        c->durable_day = day;
        c->durable_day_uses = 0;
    }
    c->durable_day_uses++;
    c->durable_records += records;
    c->durable_epsilon += epsilon_micro;
    c->dirty = true;
}

static int queue_subjects(struct yw_exchange *ex, const json_t *subjects, uint64_t index)
{
    size_t i;
    json_t *s;
    json_array_foreach(subjects, i, s)
    {
        if (ex->n_subjects == ex->cap_subjects) {
            size_t cap = ex->cap_subjects ? 2 * ex->cap_subjects : 256;
            struct yw__pending_subject *grown = realloc(ex->subjects, cap * sizeof(*grown));
            if (grown == NULL)
                return YW_ENOMEM;
            ex->subjects = grown;
            ex->cap_subjects = cap;
        }
        struct yw__pending_subject *p = &ex->subjects[ex->n_subjects++];
        (void)yw_copy(p->subject, sizeof(p->subject),
                      json_string_value(s) ? json_string_value(s) : "");
        p->index = index;
    }
    return YW_OK;
}

void yw__count_durable(struct yw_exchange *ex, const char *grant, const char *code, int64_t day,
                       int64_t records, int64_t epsilon_micro, uint64_t index,
                       const json_t *subjects)
{
    pthread_mutex_lock(&ex->lock);
    struct yw__count *c = count_of(ex, grant, code);
    if (c != NULL)
        add_durable(c, day, records, epsilon_micro);
    if (queue_subjects(ex, subjects, index) != YW_OK)
        yw_log(YW_LOG_ERROR, "subject_index_full", NULL); /* rebuilt by the next replay */
    if ((int64_t)index > ex->through_index)
        ex->through_index = (int64_t)index;
    ex->dirty = true;
    pthread_mutex_unlock(&ex->lock);
}

void yw__count_get(struct yw_exchange *ex, const char *grant, int64_t today, int64_t *uses,
                   int64_t *day_uses, int64_t *records)
{
    pthread_mutex_lock(&ex->lock);
    struct yw__count *c = count_of(ex, grant, NULL);
    *uses = c ? c->durable_uses : 0;
    *day_uses = c && c->durable_day == today ? c->durable_day_uses : 0;
    *records = c ? c->durable_records : 0;
    pthread_mutex_unlock(&ex->lock);
}

/* ---- the snapshot ------------------------------------------------------------------- */

static int subject_order(const void *a, const void *b)
{
    const struct yw__pending_subject *x = a, *y = b;
    int c = strcmp(x->subject, y->subject);
    return c ? c : x->index < y->index ? -1 : x->index > y->index;
}

/* Writes queued subjects (in short transactions), then dirty counts and
 * through_index in one. What it took is put back when a write fails. */
static int write_snapshot(struct yw_exchange *ex, struct yw_err *err)
{
    struct yw__count *counts = NULL;
    struct yw__pending_subject *subjects = NULL;
    size_t n_counts = 0, n_subjects = 0;
    int64_t through;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc = YW_OK;

    pthread_mutex_lock(&ex->lock);
    if (!ex->dirty) {
        pthread_mutex_unlock(&ex->lock);
        return YW_OK;
    }
    counts = malloc((ex->n_counts ? ex->n_counts : 1) * sizeof(*counts));
    if (counts == NULL) {
        pthread_mutex_unlock(&ex->lock);
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    }
    for (size_t i = 0; i < ex->n_counts; i++)
        if (ex->counts[i].dirty) {
            counts[n_counts++] = ex->counts[i];
            ex->counts[i].dirty = false;
            ex->counts[i].written_uses = ex->counts[i].durable_uses;
        }
    subjects = ex->subjects;
    n_subjects = ex->n_subjects;
    ex->subjects = NULL;
    ex->n_subjects = ex->cap_subjects = 0;
    through = ex->through_index;
    ex->dirty = false;
    pthread_mutex_unlock(&ex->lock);

    struct yw_store *store = ex->cfg.catalog.store;
    /* Subjects first, in short transactions, in key order (neighbouring
     * index pages). The counts and through_index come last, in one
     * transaction: a crash between leaves through_index older than some
     * subject rows, and the replay adds those again (ON CONFLICT DO NOTHING). */
    if (n_subjects > 1)
        qsort(subjects, n_subjects, sizeof(*subjects), subject_order);
    for (size_t i = 0; i < n_subjects;) {
        if ((rc = yw_store_begin(store, YW_TXN_WRITE_DERIVED, &txn, err)) < 0 ||
            (rc = yw_txn_prepare(txn,
                                 "INSERT INTO yw_exchange_subjects (subject, ledger_index) "
                                 "VALUES (?, ?) ON CONFLICT DO NOTHING",
                                 &st, err)) < 0)
            goto out;
        int64_t until = yw_monotonic_ns() + SUBJECTS_TXN_NS;
        do {
            (void)yw_stmt_reset(st);
            yw_stmt_bind_text(st, 1, subjects[i].subject, strlen(subjects[i].subject));
            yw_stmt_bind_int64(st, 2, (int64_t)subjects[i].index);
            if ((rc = yw_stmt_step(st, err)) < 0)
                goto out;
        } while (++i < n_subjects && (i % 8 != 0 || yw_monotonic_ns() < until));
        yw_stmt_finalize(&st);
        if ((rc = yw_store_commit(&txn, err)) < 0)
            goto out;
    }
    if ((rc = yw_store_begin(store, YW_TXN_WRITE_DERIVED, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_exchange_counts (grant_id, uses, day, day_uses, "
                             "records, epsilon_micro) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT "
                             "(grant_id) DO UPDATE SET uses = excluded.uses, day = excluded.day, "
                             "day_uses = excluded.day_uses, records = excluded.records, "
                             "epsilon_micro = excluded.epsilon_micro",
                             &st, err)) < 0)
        goto out;
    for (size_t i = 0; i < n_counts; i++) {
        const struct yw__count *c = &counts[i];
        (void)yw_stmt_reset(st);
        yw_stmt_bind_text(st, 1, c->grant, strlen(c->grant));
        yw_stmt_bind_int64(st, 2, c->durable_uses);
        yw_stmt_bind_int64(st, 3, c->durable_day);
        yw_stmt_bind_int64(st, 4, c->durable_day_uses);
        yw_stmt_bind_int64(st, 5, c->durable_records);
        yw_stmt_bind_int64(st, 6, c->durable_epsilon);
        if ((rc = yw_stmt_step(st, err)) < 0)
            goto out;
    }
    yw_stmt_finalize(&st);
    /* The catalog counts deliveries per resource (its quality). */
    for (size_t i = 0; i < n_counts; i++)
        if (counts[i].code[0] && counts[i].durable_uses > counts[i].written_uses &&
            (rc = yw_catalog_count_use(txn, yw_str_c(counts[i].code), 0,
                                       counts[i].durable_uses - counts[i].written_uses, err)) < 0)
            goto out;
    if ((rc = yw_txn_prepare(txn, "UPDATE yw_exchange_state SET through_index = ? WHERE id = 1",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, through);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) { /* put it back for the next try */
        pthread_mutex_lock(&ex->lock);
        for (size_t i = 0; i < n_counts; i++) {
            struct yw__count *c = count_of(ex, counts[i].grant, NULL);
            if (c) {
                c->dirty = true;
                c->written_uses = counts[i].written_uses;
            }
        }
        for (size_t i = 0; i < n_subjects; i++) {
            json_t *one = json_pack("[s]", subjects[i].subject);
            (void)queue_subjects(ex, one, subjects[i].index);
            json_decref(one);
        }
        ex->dirty = true;
        pthread_mutex_unlock(&ex->lock);
    }
    free(counts);
    free(subjects);
    return rc;
}

static void *writer_main(void *arg)
{
    struct yw_exchange *ex = arg;
    pthread_mutex_lock(&ex->lock);
    while (!ex->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)SNAPSHOT_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&ex->wake, &ex->lock, &until);
        if (ex->stopping)
            break;
        pthread_mutex_unlock(&ex->lock);
        struct yw_err err = {0};
        if (write_snapshot(ex, &err) < 0)
            yw_log(YW_LOG_WARN, "exchange_snapshot_failed", NULL);
        pthread_mutex_lock(&ex->lock);
    }
    pthread_mutex_unlock(&ex->lock);
    return NULL;
}

/* ---- replay -------------------------------------------------------------------------- */

int yw__count_replay(struct yw_exchange *ex, uint64_t index, struct yw_str entry)
{
    json_t *e = json_loadb(entry.p, entry.n, 0, NULL);
    const char *type = json_string_value(json_object_get(e, "type"));
    int rc = YW_OK;
    if (type && (strcmp(type, "exchange.delivery") == 0 || strcmp(type, "exchange.sandbox") == 0)) {
        const char *grant = json_string_value(json_object_get(e, "grant"));
        int64_t day = json_integer_value(json_object_get(e, "day"));
        int64_t records = json_integer_value(json_object_get(e, "records"));
        int64_t eps = json_integer_value(json_object_get(e, "epsilon_micro"));
        pthread_mutex_lock(&ex->lock);
        struct yw__count *c =
            grant ? count_of(ex, grant, json_string_value(json_object_get(e, "resource"))) : NULL;
        if (c) {
            add_durable(c, day, records, eps);
            c->uses = c->durable_uses;
            c->day = c->durable_day;
            c->day_uses = c->durable_day_uses;
            c->epsilon_micro = c->durable_epsilon;
        }
        rc = queue_subjects(ex, json_object_get(e, "subjects"), index);
        ex->through_index = (int64_t)index;
        ex->dirty = true;
        pthread_mutex_unlock(&ex->lock);
    }
    json_decref(e);
    return rc;
}

struct replay {
    struct yw_exchange *ex;
    uint64_t seen;
};

static int replay_entry(void *cls, uint64_t index, struct yw_str entry)
{
    struct replay *r = cls;
    r->seen++;
    return yw__count_replay(r->ex, index, entry);
}

/* Loads the snapshot, then replays the ledger after it. */
static int load(struct yw_exchange *ex, struct yw_err *err)
{
    struct yw_store *store = ex->cfg.catalog.store;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "SELECT through_index FROM yw_exchange_state WHERE id = 1", &st,
                             err)) < 0)
        goto out;
    if ((rc = yw_stmt_step(st, err)) != 1) {
        rc = rc < 0 ? rc : yw_err_set(err, YW_EINTERNAL, NULL, "exchange state row missing");
        goto out;
    }
    ex->through_index = yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT grant_id, uses, day, day_uses, records, epsilon_micro FROM "
                             "yw_exchange_counts",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str g = yw_stmt_column_text(st, 0);
        char grant[YW__ID_SIZE];
        (void)yw_fmt(grant, sizeof(grant), "%.*s", (int)g.n, g.p);
        struct yw__count *c = count_of(ex, grant, NULL);
        if (c == NULL) {
            rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
            goto out;
        }
        c->uses = c->durable_uses = c->written_uses = yw_stmt_column_int64(st, 1);
        c->day = c->durable_day = yw_stmt_column_int64(st, 2);
        c->day_uses = c->durable_day_uses = yw_stmt_column_int64(st, 3);
        c->durable_records = yw_stmt_column_int64(st, 4);
        c->epsilon_micro = c->durable_epsilon = yw_stmt_column_int64(st, 5);
    }
    if (rc < 0)
        goto out;
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);

    /* Every durable entry after the snapshot, page by page to the end. */
    for (uint64_t start = (uint64_t)(ex->through_index + 1);; start += YW_LEDGER_PAGE_MAX) {
        struct replay r = {ex, 0};
        if ((rc = yw_ledger_entries(store, start, YW_LEDGER_PAGE_MAX, replay_entry, &r, err)) < 0)
            goto out;
        if (r.seen == 0)
            break;
    }
    rc = write_snapshot(ex, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_exchange_open(const struct yw_exchange_config *cfg, struct yw_exchange **out,
                     struct yw_err *err)
{
    struct yw_exchange *ex = calloc(1, sizeof(*ex));
    int rc;

    *out = NULL;
    if (ex == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    ex->cfg = *cfg;
    if (ex->cfg.answer_days <= 0)
        ex->cfg.answer_days = 10;
    if (ex->cfg.k_min <= 0)
        ex->cfg.k_min = 10;
    ex->through_index = -1;
    pthread_mutex_init(&ex->lock, NULL);
    pthread_cond_init(&ex->wake, NULL);
    if ((rc = yw_key_derive_secret(cfg->key, "yiwang exchange subject index", ex->subject_key)) <
            0 ||
        (rc = yw_key_derive_secret(cfg->key, "yiwang exchange pseudonyms", ex->pseudonym_key)) <
            0) {
        yw_err_set(err, rc, NULL, "cannot derive the exchange's keys");
        goto fail;
    }
    if ((rc = load(ex, err)) < 0)
        goto fail;
    if (pthread_create(&ex->writer, NULL, writer_main, ex) != 0) {
        rc = yw_err_set(err, YW_EINTERNAL, NULL, "cannot start the snapshot writer");
        goto fail;
    }
    ex->writer_started = true;
    *out = ex;
    return YW_OK;
fail:
    yw_exchange_close(ex);
    return rc;
}

void yw_exchange_close(struct yw_exchange *ex)
{
    if (ex == NULL)
        return;
    if (ex->writer_started) {
        pthread_mutex_lock(&ex->lock);
        ex->stopping = true;
        pthread_cond_signal(&ex->wake);
        pthread_mutex_unlock(&ex->lock);
        pthread_join(ex->writer, NULL);
        struct yw_err err = {0};
        if (write_snapshot(ex, &err) < 0)
            yw_log(YW_LOG_WARN, "exchange_snapshot_failed", NULL);
    }
    for (size_t i = 0; i < ex->n_docs; i++)
        json_decref(ex->docs[i].doc);
    yw__grant_cache_free(ex);
    explicit_bzero(ex->subject_key, sizeof(ex->subject_key));
    explicit_bzero(ex->pseudonym_key, sizeof(ex->pseudonym_key));
    pthread_cond_destroy(&ex->wake);
    pthread_mutex_destroy(&ex->lock);
    free(ex->counts);
    free(ex->subjects);
    free(ex);
}

void yw__subject_hash(const struct yw_exchange *ex, struct yw_str id_number, char out[65])
{
    uint8_t mac[YW_HASH_SIZE];
    if (yw_hmac(ex->cfg.catalog.profile, ex->subject_key, sizeof(ex->subject_key), id_number.p,
                id_number.n, mac) != YW_OK)
        memset(mac, 0, sizeof(mac));
    yw_hex(mac, sizeof(mac), out);
}

int yw__new_id(const char *prefix, char out[YW__ID_SIZE], struct yw_err *err)
{
    uint8_t r[8];
    char hex[17];
    int rc = yw_random(r, sizeof(r));
    if (rc < 0)
        return yw_err_set(err, rc, NULL, "no randomness");
    yw_hex(r, sizeof(r), hex);
    return yw_fmt(out, YW__ID_SIZE, "%s-%s", prefix, hex);
}
