/* Appending: the group committer. One thread per process writes pending
 * entries in batches, each batch one transaction holding the entries, the
 * tiles they complete or grow, and a newly signed checkpoint. */
#include "ledger.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tiles.h"

/* Rows per multi-row INSERT statement. */
#define INSERT_CHUNK 200
/* Group commit under load: when the previous batch held several entries and
 * ended less than LINGER_LOAD_NS ago (concurrent appenders keep coming), the
 * committer lets the next batch gather until it is as large as the previous
 * one, for at most LINGER_NS after its first entry arrived. Each batch costs
 * a signature and an fsync whatever its size, so gathering for a moment lets
 * one of each serve many deliveries. An idle log, or one appender appending
 * one entry after another, writes at once. */
#define LINGER_NS (4 * 1000 * 1000)
#define LINGER_LOAD_NS (5 * 1000 * 1000)
/* The ledger's PostgreSQL advisory lock: an arbitrary constant ("ywang"). */
#define PG_LEDGER_LOCK_SQL "SELECT pg_advisory_xact_lock(521241358951)"

/* One entry waiting for its batch. A synchronous append keeps it on the
 * caller's stack and waits for `done`; an asynchronous one is allocated here,
 * owns a copy of the entry and is freed after its callback. */
struct pending {
    const void *entry;
    size_t n;
    uint64_t index;
    int rc;
    bool done;
    struct yw_err *err;
    yw_ledger_done_fn callback; /* NULL for a synchronous append */
    void *cls;
    struct pending *next;
};

struct yw_ledger {
    struct yw_ledger_config cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* committer waits for entries */
    pthread_cond_t done_cv; /* appenders wait for their batch */
    struct pending *head, *tail;
    size_t n_pending;
    int64_t first_ns;    /* when the oldest pending entry arrived */
    bool idle;           /* the committer waits for work: appenders wake it */
    size_t linger_until; /* the committer gathers a batch: woken at this many entries */
    bool stopping;
    struct yw__edge edge, backup; /* backup restores the edge if a batch fails */
};

/* ---- one batch ----------------------------------------------------------- */

struct batch_ctx {
    struct yw_txn *txn;
    struct yw_err *err;
    int rc;
};

static int upsert_tile(struct yw_txn *txn, int level, uint64_t index, int width,
                       uint8_t hashes[][YW_HASH_SIZE], struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "INSERT INTO yw_ledger_tiles (level, idx, width, hashes) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT (level, idx) DO UPDATE SET "
                            "width = excluded.width, hashes = excluded.hashes",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_int64(st, 1, level);
        yw_stmt_bind_int64(st, 2, (int64_t)index);
        yw_stmt_bind_int64(st, 3, width);
        yw_stmt_bind_blob(st, 4, hashes, (size_t)width * YW_HASH_SIZE);
        rc = yw_stmt_step(st, err);
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

static void on_tile_done(void *cls, int level, uint64_t index, uint8_t hashes[][YW_HASH_SIZE])
{
    struct batch_ctx *b = cls;
    if (b->rc == YW_OK)
        b->rc = upsert_tile(b->txn, level, index, YW__TILE_WIDTH, hashes, b->err);
}

static int insert_entries(struct yw_txn *txn, uint64_t first, struct pending **items, size_t n,
                          struct yw_err *err)
{
    struct yw_buf sql;
    struct yw_stmt *st = NULL;
    int rc = YW_OK;

    yw_buf_init(&sql, 64 * 1024);
    for (size_t done = 0; done < n && rc == YW_OK; done += INSERT_CHUNK) {
        size_t rows = n - done < INSERT_CHUNK ? n - done : INSERT_CHUNK;
        yw_buf_reset(&sql);
        rc = yw_buf_append_c(&sql, "INSERT INTO yw_ledger_entries (idx, entry) VALUES ");
        for (size_t i = 0; i < rows && rc == YW_OK; i++)
            rc = yw_buf_append_c(&sql, i ? ",(?,?)" : "(?,?)");
        if (rc == YW_OK)
            rc = yw_txn_prepare(txn, sql.data, &st, err);
        for (size_t i = 0; i < rows && rc == YW_OK; i++) {
            yw_stmt_bind_int64(st, (int)(2 * i + 1), (int64_t)(first + done + i));
            yw_stmt_bind_blob(st, (int)(2 * i + 2), items[done + i]->entry, items[done + i]->n);
        }
        if (rc == YW_OK && (rc = yw_stmt_step(st, err)) > 0)
            rc = YW_OK;
        yw_stmt_finalize(&st);
    }
    yw_buf_free(&sql);
    return rc;
}

/* Reads the stored tree size: -1 when the log has no checkpoint yet. */
static int stored_size(struct yw_txn *txn, int64_t *size, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT MAX(size) FROM yw_ledger_checkpoints", &st, err);
    if (rc == YW_OK && (rc = yw_stmt_step(st, err)) == 1) {
        *size = yw_stmt_column_is_null(st, 0) ? -1 : yw_stmt_column_int64(st, 0);
        rc = YW_OK;
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* Rebuilds the in-memory edge from the stored partial tiles at `size`. */
static int load_edge(struct yw_txn *txn, uint64_t size, struct yw__edge *e, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = YW_OK;

    yw__edge_reset(e);
    e->size = size;
    for (int level = 0; level < YW__TILE_LEVELS && rc == YW_OK; level++) {
        int width = (int)yw__tile_width_at(size, level);
        e->complete[level] = yw__tile_index_at(size, level);
        if (width == 0)
            continue;
        if ((rc = yw_txn_prepare(txn,
                                 "SELECT width, hashes FROM yw_ledger_tiles WHERE level = ? AND "
                                 "idx = ?",
                                 &st, err)) < 0)
            break;
        yw_stmt_bind_int64(st, 1, level);
        yw_stmt_bind_int64(st, 2, (int64_t)e->complete[level]);
        rc = yw_stmt_step(st, err);
        if (rc == 1) {
            struct yw_str h = yw_stmt_column_blob(st, 1);
            if (yw_stmt_column_int64(st, 0) < width || h.n < (size_t)width * YW_HASH_SIZE) {
                rc = yw_err_set(err, YW_EINTERNAL, NULL,
                                "ledger tile (%d, %llu) is shorter than the tree needs", level,
                                (unsigned long long)e->complete[level]);
            } else {
                memcpy(e->hashes[level], h.p, (size_t)width * YW_HASH_SIZE);
                e->width[level] = width;
                rc = YW_OK;
            }
        } else if (rc == 0) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "ledger tile (%d, %llu) is missing", level,
                            (unsigned long long)e->complete[level]);
        }
        yw_stmt_finalize(&st);
    }
    return rc;
}

static int sign_checkpoint(struct yw_ledger *l, struct yw_txn *txn, struct yw_err *err)
{
    struct yw_buf text, note;
    struct yw_stmt *st = NULL;
    uint8_t root[YW_HASH_SIZE];
    int rc;

    yw_buf_init(&text, 1024);
    yw_buf_init(&note, 4096);
    yw__edge_root(&l->edge, l->cfg.profile, root);
    rc = yw__checkpoint_text(l->cfg.origin, l->edge.size, root, &text);
    if (rc == YW_OK)
        rc = yw__note_sign(l->cfg.key, l->cfg.origin, (struct yw_str){text.data, text.len}, &note);
    if (rc < 0) {
        rc = yw_err_set(err, rc, NULL, "cannot sign the ledger checkpoint");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn, "INSERT INTO yw_ledger_checkpoints (size, note) VALUES (?, ?)",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, (int64_t)l->edge.size);
    yw_stmt_bind_text(st, 2, note.data, note.len);
    if ((rc = yw_stmt_step(st, err)) > 0)
        rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&text);
    yw_buf_free(&note);
    return rc;
}

/* Takes the log's write lock for this transaction and makes the edge match
 * the stored tree (another process may have appended since). */
static int lock_and_sync(struct yw_ledger *l, struct yw_txn *txn, int64_t *size, struct yw_err *err)
{
    int rc;
    if (yw_txn_dialect(txn) == YW_DIALECT_POSTGRES &&
        (rc = yw_txn_exec(txn, PG_LEDGER_LOCK_SQL, err)) < 0)
        return rc;
    if ((rc = stored_size(txn, size, err)) < 0)
        return rc;
    if (*size >= 0 && (uint64_t)*size != l->edge.size)
        return load_edge(txn, (uint64_t)*size, &l->edge, err);
    return YW_OK;
}

/* Writes items as one batch; on success assigns their indexes. */
static int write_batch(struct yw_ledger *l, struct pending **items, size_t n, struct yw_err *err)
{
    struct batch_ctx b = {.err = err};
    uint8_t leaf[YW_HASH_SIZE];
    int64_t size = -1;
    int rc;

    l->backup = l->edge;
    if ((rc = yw_store_begin(l->cfg.store, YW_TXN_WRITE, &b.txn, err)) < 0)
        goto out;
    if ((rc = lock_and_sync(l, b.txn, &size, err)) < 0)
        goto out;
    uint64_t first = l->edge.size;
    if ((rc = insert_entries(b.txn, first, items, n, err)) < 0)
        goto out;
    for (size_t i = 0; i < n && b.rc == YW_OK; i++) {
        yw__leaf_hash(l->cfg.profile, items[i]->entry, items[i]->n, leaf);
        yw__edge_add(&l->edge, l->cfg.profile, leaf, on_tile_done, &b);
    }
    if ((rc = b.rc) < 0)
        goto out;
    for (int level = 0; level < YW__TILE_LEVELS; level++)
        if (l->edge.width[level] > 0 &&
            (rc = upsert_tile(b.txn, level, l->edge.complete[level], l->edge.width[level],
                              l->edge.hashes[level], err)) < 0)
            goto out;
    if ((rc = sign_checkpoint(l, b.txn, err)) < 0)
        goto out;
    if ((rc = yw_store_commit(&b.txn, err)) < 0)
        goto out;
    for (size_t i = 0; i < n; i++)
        items[i]->index = first + i;
out:
    yw_store_rollback(&b.txn);
    if (rc < 0)
        l->edge = l->backup;
    return rc;
}

/* Wakes the committer if it waits for this entry. Locked. */
static void enqueue(struct yw_ledger *l, struct pending *p)
{
    if (l->tail)
        l->tail->next = p;
    else
        l->head = p;
    l->tail = p;
    if (l->n_pending++ == 0)
        l->first_ns = yw_monotonic_ns();
    if (l->idle || (l->linger_until && l->n_pending == l->linger_until))
        pthread_cond_signal(&l->work_cv);
}

static struct timespec monotonic_at(int64_t ns)
{
    return (struct timespec){(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
}

static void *committer_main(void *arg)
{
    struct yw_ledger *l = arg;
    struct pending *items[YW_LEDGER_BATCH_MAX];
    int64_t last_end = 0;
    size_t last_n = 0;

    pthread_mutex_lock(&l->mu);
    for (;;) {
        while (l->head == NULL && !l->stopping) {
            l->idle = true;
            pthread_cond_wait(&l->work_cv, &l->mu);
            l->idle = false;
        }
        if (l->head == NULL)
            break; /* stopping, nothing pending */
        /* Under load, let the batch gather (see LINGER_NS). */
        if (!l->stopping && last_n > 1 && l->n_pending < last_n &&
            yw_monotonic_ns() - last_end < LINGER_LOAD_NS) {
            struct timespec until = monotonic_at(l->first_ns + LINGER_NS);
            l->linger_until = last_n;
            while (!l->stopping && l->n_pending < last_n &&
                   pthread_cond_timedwait(&l->work_cv, &l->mu, &until) == 0)
                ;
            l->linger_until = 0;
        }
        size_t n = 0;
        while (l->head != NULL && n < YW_LEDGER_BATCH_MAX) {
            items[n++] = l->head;
            l->head = l->head->next;
        }
        if (l->head == NULL)
            l->tail = NULL;
        l->n_pending -= n;
        l->first_ns = yw_monotonic_ns(); /* the rest waited at most this batch */
        pthread_mutex_unlock(&l->mu);

        struct yw_err err = {0};
        int rc = write_batch(l, items, n, &err);
        if (rc < 0)
            yw_log(YW_LOG_ERROR, "ledger_batch_failed", "\"entries\":%zu,\"code\":\"%s\"", n,
                   yw_err_name(rc));

        /* Asynchronous appenders hear first, outside the lock. */
        for (size_t i = 0; i < n; i++)
            if (items[i]->callback != NULL) {
                items[i]->callback(items[i]->cls, rc, items[i]->index, rc < 0 ? &err : NULL);
                free(items[i]);
                items[i] = NULL;
            }
        last_end = yw_monotonic_ns();
        last_n = n;
        pthread_mutex_lock(&l->mu);
        for (size_t i = 0; i < n; i++) {
            if (items[i] == NULL)
                continue;
            items[i]->rc = rc;
            if (rc < 0 && items[i]->err != NULL)
                *items[i]->err = err;
            items[i]->done = true;
        }
        pthread_cond_broadcast(&l->done_cv);
    }
    pthread_mutex_unlock(&l->mu);
    return NULL;
}

/* ---- public -------------------------------------------------------------- */

int yw_ledger_open(const struct yw_ledger_config *cfg, struct yw_ledger **out, struct yw_err *err)
{
    struct yw_ledger *l = calloc(1, sizeof(*l));
    struct yw_txn *txn = NULL;
    int64_t size = -1;
    int rc;

    if (l == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    l->cfg = *cfg;
    pthread_mutex_init(&l->mu, NULL);
    /* The committer's lingering waits on the monotonic clock (yw_monotonic_ns). */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&l->work_cv, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&l->done_cv, NULL);
    if ((rc = yw_store_begin(cfg->store, YW_TXN_WRITE, &txn, err)) < 0)
        goto fail;
    if ((rc = lock_and_sync(l, txn, &size, err)) < 0)
        goto fail;
    if (size < 0 && (rc = sign_checkpoint(l, txn, err)) < 0) /* a new log: size 0 */
        goto fail;
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto fail;
    if (pthread_create(&l->thread, NULL, committer_main, l) != 0) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "cannot start the ledger committer");
        goto fail;
    }
    *out = l;
    return YW_OK;
fail:
    yw_store_rollback(&txn);
    pthread_cond_destroy(&l->work_cv);
    pthread_cond_destroy(&l->done_cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
    return rc;
}

void yw_ledger_close(struct yw_ledger *l)
{
    if (l == NULL)
        return;
    pthread_mutex_lock(&l->mu);
    l->stopping = true;
    pthread_cond_signal(&l->work_cv);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    pthread_cond_destroy(&l->work_cv);
    pthread_cond_destroy(&l->done_cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

int yw_ledger_append(struct yw_ledger *l, const void *entry, size_t n, uint64_t *index,
                     struct yw_err *err)
{
    struct pending p = {.entry = entry, .n = n, .err = err};

    if (n == 0 || n > YW_LEDGER_ENTRY_MAX)
        return yw_err_set(err, n ? YW_ETOOBIG : YW_EINVAL, NULL,
                          "ledger entry must be 1 to %d bytes", YW_LEDGER_ENTRY_MAX);
    pthread_mutex_lock(&l->mu);
    if (l->stopping) {
        pthread_mutex_unlock(&l->mu);
        return yw_err_set(err, YW_EBUSY, NULL, "the ledger is closing");
    }
    enqueue(l, &p);
    while (!p.done)
        pthread_cond_wait(&l->done_cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
    if (p.rc == YW_OK)
        *index = p.index;
    return p.rc;
}

int yw_ledger_append_async(struct yw_ledger *l, const void *entry, size_t n, yw_ledger_done_fn done,
                           void *cls, struct yw_err *err)
{
    if (n == 0 || n > YW_LEDGER_ENTRY_MAX)
        return yw_err_set(err, n ? YW_ETOOBIG : YW_EINVAL, NULL,
                          "ledger entry must be 1 to %d bytes", YW_LEDGER_ENTRY_MAX);
    struct pending *p = malloc(sizeof(*p) + n);
    if (p == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    memcpy(p + 1, entry, n);
    *p = (struct pending){.entry = p + 1, .n = n, .callback = done, .cls = cls};
    pthread_mutex_lock(&l->mu);
    if (l->stopping) {
        pthread_mutex_unlock(&l->mu);
        free(p);
        return yw_err_set(err, YW_EBUSY, NULL, "the ledger is closing");
    }
    enqueue(l, p);
    pthread_mutex_unlock(&l->mu);
    return YW_OK;
}

int yw_ledger_canonical(const json_t *value, struct yw_buf *out)
{
    return yw__jcs(value, out);
}

/* The canonical bytes of {"type", "time", "origin", ...fields} (stolen). */
static int event_bytes(struct yw_ledger *l, const char *type, json_t *fields_new,
                       struct yw_buf *bytes, struct yw_err *err)
{
    char now[32];
    int rc;
    json_t *entry = fields_new ? fields_new : json_object();

    yw_time_rfc3339(yw_now_ms(), now);
    if (entry == NULL || !json_is_object(entry) ||
        json_object_set_new(entry, "type", json_string(type)) < 0 ||
        json_object_set_new(entry, "time", json_string(now)) < 0 ||
        json_object_set_new(entry, "origin", json_string(l->cfg.origin)) < 0) {
        json_decref(entry);
        return yw_err_set(err, YW_EINVAL, NULL, "bad ledger event");
    }
    rc = yw__jcs(entry, bytes);
    json_decref(entry);
    if (rc < 0)
        return yw_err_set(err, rc, NULL, "ledger event %s cannot be made canonical", type);
    return YW_OK;
}

int yw_ledger_event(struct yw_ledger *l, const char *type, json_t *fields_new, uint64_t *index,
                    struct yw_err *err)
{
    struct yw_buf bytes;
    yw_buf_init(&bytes, YW_LEDGER_ENTRY_MAX);
    int rc = event_bytes(l, type, fields_new, &bytes, err);
    if (rc == YW_OK)
        rc = yw_ledger_append(l, bytes.data, bytes.len, index, err);
    yw_buf_free(&bytes);
    return rc;
}

int yw_ledger_event_async(struct yw_ledger *l, const char *type, json_t *fields_new,
                          yw_ledger_done_fn done, void *cls, struct yw_err *err)
{
    struct yw_buf bytes;
    yw_buf_init(&bytes, YW_LEDGER_ENTRY_MAX);
    int rc = event_bytes(l, type, fields_new, &bytes, err);
    if (rc == YW_OK)
        rc = yw_ledger_append_async(l, bytes.data, bytes.len, done, cls, err);
    yw_buf_free(&bytes);
    return rc;
}

int yw_ledger_vkey(const struct yw_key *key, const char *origin, char *out, size_t out_size)
{
    return yw__note_vkey(key, origin, out, out_size);
}
