/*
 * sqlite.c — the SQLite driver. One sqlite3 handle per pooled connection,
 * opened with SQLITE_OPEN_NOMUTEX: the pool guarantees that one thread at a
 * time uses it, so SQLite's own per-connection mutex would be wasted work.
 */
#include "store/driver.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Statements compiled once per connection and kept for the next use of the
 * same SQL text: the hot paths run the same few statements all the time, and
 * compiling them is a large share of their cost. */
#define STMT_CACHE 48

struct yw__conn {
    sqlite3 *db;
    bool read_only;                  /* the open transaction is YW_TXN_READ */
    bool relaxed;                    /* synchronous=NORMAL, for YW_TXN_WRITE_DERIVED */
    int wal_pages;                   /* the WAL's size after this connection's last commit */
    sqlite3_stmt *cache[STMT_CACHE]; /* idle, reset, bindings cleared */
    size_t n_cache;
};

enum { ST_READY, ST_ROW, ST_DONE };

struct sq_stmt {
    struct yw_stmt base; /* must be first */
    struct yw__conn *conn;
    sqlite3_stmt *stmt;
    int state;
    sqlite3_int64 total_before; /* sqlite3_total_changes64 when it started */
    int changes;
};

static struct sq_stmt *sq(struct yw_stmt *st)
{
    return (struct sq_stmt *)st;
}

/* Maps a (extended) result code to ours, with SQLite's message, which names
 * the constraint or the syntax problem but never a bound value. */
static int sq_error(sqlite3 *db, int rc, struct yw_err *err)
{
    int code = YW_EDB;

    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: code = YW_ECONFLICT; break;
    default:
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            code = YW_EBUSY;
        else if ((rc & 0xff) == SQLITE_NOMEM)
            code = YW_ENOMEM;
        break;
    }
    return yw_err_set(err, code, NULL, "%s", db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* A compiled statement for sql: from the cache, or compiled now. */
static int sq_compile(struct yw__conn *conn, const char *sql, sqlite3_stmt **out, const char **tail)
{
    for (size_t i = 0; i < conn->n_cache; i++)
        if (strcmp(sqlite3_sql(conn->cache[i]), sql) == 0) {
            *out = conn->cache[i];
            conn->cache[i] = conn->cache[--conn->n_cache];
            if (tail)
                *tail = NULL;
            return SQLITE_OK;
        }
    return sqlite3_prepare_v3(conn->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, tail);
}

/* Gives a statement back: kept for its next use, or finalized when the cache
 * is full. */
static void sq_release(struct yw__conn *conn, sqlite3_stmt *stmt)
{
    if (stmt == NULL)
        return;
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (conn->n_cache == STMT_CACHE) {
        sqlite3_finalize(conn->cache[0]); /* the oldest goes */
        memmove(conn->cache, conn->cache + 1, (STMT_CACHE - 1) * sizeof(conn->cache[0]));
        conn->n_cache--;
    }
    conn->cache[conn->n_cache++] = stmt;
}

/* Runs one statement without parameters and results (BEGIN, COMMIT …). */
static int sq_exec_plain(struct yw__conn *conn, const char *sql, struct yw_err *err)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sq_compile(conn, sql, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
    }
    int result = rc == SQLITE_OK ? YW_OK : sq_error(conn->db, rc, err);
    sq_release(conn, stmt);
    return result;
}

static void sq_disconnect(struct yw__conn *conn)
{
    if (conn == NULL)
        return;
    for (size_t i = 0; i < conn->n_cache; i++)
        sqlite3_finalize(conn->cache[i]);
    sqlite3_close_v2(conn->db);
    free(conn);
}

/* ---- yw_bm25: FTS5's bm25 over the text alone ------------------------------------
 * yw_bm25(table, sizes, n_phrases, key, w0, w1, …) ranks exactly as FTS5's
 * bm25(table, w0, w1, …) would over a table of the weighted columns only and
 * an expression of its first n_phrases phrases only:
 *
 * - Columns without a weight do not exist for it: their instances are not
 *   counted and their tokens are part of neither a row's length nor the
 *   average length. A table may then carry columns that only filter (the
 *   catalog's tags) without changing any score.
 * - Phrases from the n_phrases-th on are not scored and their IDF is never
 *   computed (a scan of the phrase's whole doclist): the expression may go on
 *   with filters and exclusions, as long as the scored text comes first.
 * - sizes is the row's sz from the table's docsize table (FTS5's token count
 *   of each column, SQLite varints), joined by the caller. FTS5 reads that
 *   same record for xColumnSize, but with a statement of its own per row,
 *   which was half of the cost of ranking 2 000 matches. NULL, or a record
 *   that does not decode, falls back to xColumnSize.
 * - key, when not NULL, names the scored phrases (their columns included):
 *   the number of rows each occurs in, which the IDF needs and FTS5 finds
 *   by reading the phrase's whole doclist (for common words most of the
 *   cost of ranking), is then kept for the next statement with the same key
 *   on the connection, until the database changes (below).
 *
 * The code follows fts5Bm25Function (ext/fts5/fts5_aux.c) step by step, so
 * that the scores are the same doubles. */

#define BM25_COLS_MAX 16
#define BM25_CACHE 64 /* keys kept per connection */

/* The phrase counts of recent keys, one per connection (the function's user
 * data). Any change to the database file, committed by this connection or
 * another, moves SQLite's data version (SQLITE_FCNTL_DATA_VERSION), and a
 * cache filled under another version is emptied before use; within a write
 * transaction the cache is not used at all, as its changes are not
 * committed yet. */
struct bm25_counts {
    char *key;
    int n_phrases;
    sqlite3_int64 hits[]; /* n_phrases */
};

struct bm25_cache {
    sqlite3 *db;
    unsigned int data_version;
    size_t next; /* the slot to fill next, the oldest */
    struct bm25_counts *slots[BM25_CACHE];
};

static void bm25_cache_clear(struct bm25_cache *c)
{
    for (size_t i = 0; i < BM25_CACHE; i++) {
        if (c->slots[i] != NULL)
            sqlite3_free(c->slots[i]->key);
        sqlite3_free(c->slots[i]);
        c->slots[i] = NULL;
    }
    c->next = 0;
}

static void bm25_cache_free(void *p)
{
    if (p == NULL)
        return;
    bm25_cache_clear(p);
    sqlite3_free(p);
}

/* The counts kept for key (n_phrases of them), or NULL; *usable false when
 * the cache may not be used now. */
static const struct bm25_counts *bm25_cache_find(struct bm25_cache *c, const char *key,
                                                 int n_phrases, bool *usable)
{
    unsigned int version = 0;

    *usable = false;
    if (c == NULL || key == NULL || sqlite3_txn_state(c->db, "main") == SQLITE_TXN_WRITE ||
        sqlite3_file_control(c->db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK)
        return NULL;
    *usable = true;
    if (version != c->data_version) {
        bm25_cache_clear(c);
        c->data_version = version;
    }
    for (size_t i = 0; i < BM25_CACHE; i++)
        if (c->slots[i] != NULL && c->slots[i]->n_phrases == n_phrases &&
            strcmp(c->slots[i]->key, key) == 0)
            return c->slots[i];
    return NULL;
}

/* Keeps a copy of key's counts in the oldest slot; out of memory, it does
 * not. */
static void bm25_cache_keep(struct bm25_cache *c, const char *key, int n_phrases,
                            const sqlite3_int64 *hits)
{
    size_t n = strlen(key);
    struct bm25_counts *e = sqlite3_malloc64(sizeof(*e) + (size_t)n_phrases * sizeof(e->hits[0]));
    char *copy = sqlite3_malloc64(n + 1);

    if (e == NULL || copy == NULL) {
        sqlite3_free(e);
        sqlite3_free(copy);
        return;
    }
    memcpy(copy, key, n + 1);
    e->key = copy;
    e->n_phrases = n_phrases;
    memcpy(e->hits, hits, (size_t)n_phrases * sizeof(e->hits[0]));
    if (c->slots[c->next] != NULL)
        sqlite3_free(c->slots[c->next]->key);
    sqlite3_free(c->slots[c->next]);
    c->slots[c->next] = e;
    c->next = (c->next + 1) % BM25_CACHE;
}

struct bm25_data {
    int n_phrases, n_cols;
    double avgdl;
    double *idf, *freq;
};

static int bm25_count_hit(const Fts5ExtensionApi *api, Fts5Context *fts, void *hits)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)hits)++;
    return SQLITE_OK;
}

static void bm25_data_free(void *p)
{
    sqlite3_free(p);
}

/* The statement's constants, computed for its first row and kept as the
 * cursor's auxdata. */
static int bm25_data(const Fts5ExtensionApi *api, Fts5Context *fts, int n_cols, int n_scored,
                     const char *key, struct bm25_data **out)
{
    struct bm25_data *d = api->xGetAuxdata(fts, 0);
    const struct bm25_counts *kept = NULL;
    sqlite3_int64 n_rows = 0, n_tokens = 0, n, *hits = NULL;
    bool usable = false;
    int rc = SQLITE_OK;

    if (d != NULL) {
        *out = d;
        return SQLITE_OK;
    }
    int n_phrases = api->xPhraseCount(fts);
    if (n_scored < n_phrases)
        n_phrases = n_scored < 0 ? 0 : n_scored;
    size_t size = sizeof(*d) + 2 * (size_t)n_phrases * sizeof(double);
    if ((d = sqlite3_malloc64(size)) == NULL ||
        (hits = sqlite3_malloc64((size_t)n_phrases * sizeof(*hits) + 1)) == NULL) {
        sqlite3_free(d);
        return SQLITE_NOMEM;
    }
    memset(d, 0, size);
    kept = bm25_cache_find(api->xUserData(fts), key, n_phrases, &usable);
    d->n_phrases = n_phrases;
    d->n_cols = n_cols;
    d->idf = (double *)&d[1];
    d->freq = &d->idf[n_phrases];
    rc = api->xRowCount(fts, &n_rows);
    for (int i = 0; rc == SQLITE_OK && i < n_cols; i++)
        if ((rc = api->xColumnTotalSize(fts, i, &n)) == SQLITE_OK)
            n_tokens += n;
    if (rc == SQLITE_OK)
        d->avgdl = (double)n_tokens / (double)n_rows;
    for (int i = 0; rc == SQLITE_OK && i < n_phrases; i++) {
        hits[i] = 0;
        if (kept != NULL)
            hits[i] = kept->hits[i];
        else
            rc = api->xQueryPhrase(fts, i, &hits[i], bm25_count_hit);
        if (rc == SQLITE_OK) {
            double idf = log((n_rows - hits[i] + 0.5) / (hits[i] + 0.5));
            d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
        }
    }
    if (rc == SQLITE_OK && kept == NULL && usable)
        bm25_cache_keep(api->xUserData(fts), key, n_phrases, hits);
    sqlite3_free(hits);
    if (rc == SQLITE_OK)
        rc = api->xSetAuxdata(fts, d, bm25_data_free);
    else
        sqlite3_free(d);
    *out = rc == SQLITE_OK ? d : NULL;
    return rc;
}

/* The first n_cols token counts of a docsize record into sizes; false when
 * it does not hold that many (SQLite varints: 7 bits a byte, high bit set on
 * all but the last, the ninth byte whole). */
static bool bm25_sizes(sqlite3_value *record, int n_cols, sqlite3_int64 *sizes)
{
    const unsigned char *p =
        sqlite3_value_type(record) == SQLITE_BLOB ? sqlite3_value_blob(record) : NULL;
    int n = p ? sqlite3_value_bytes(record) : 0, at = 0;

    for (int col = 0; col < n_cols; col++) {
        sqlite3_uint64 v = 0;
        int k = 0;
        while (at < n && k < 8 && (p[at] & 0x80)) {
            v = (v << 7) | (p[at++] & 0x7f);
            k++;
        }
        if (at >= n)
            return false;
        v = k == 8 ? (v << 8) | p[at++] : (v << 7) | p[at++];
        sizes[col] = (sqlite3_int64)v;
    }
    return true;
}

static void bm25_weighted(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                          int n_vals, sqlite3_value **vals)
{
    const double k1 = 1.2, b = 0.75;
    struct bm25_data *d = NULL;
    double score = 0.0, length = 0.0, weights[BM25_COLS_MAX];
    sqlite3_int64 sizes[BM25_COLS_MAX];
    int n_cols = n_vals - 3, rc;

    if (n_cols < 1 || n_cols > BM25_COLS_MAX) {
        sqlite3_result_error(ctx, "yw_bm25: (table, sizes, n_phrases, key, w0 … w15)", -1);
        return;
    }
    for (int i = 0; i < n_cols; i++)
        weights[i] = sqlite3_value_double(vals[3 + i]);
    rc = bm25_data(api, fts, n_cols, sqlite3_value_int(vals[1]),
                   (const char *)sqlite3_value_text(vals[2]), &d);
    /* Each scored phrase's instances in the weighted columns. */
    for (int i = 0; rc == SQLITE_OK && i < d->n_phrases; i++) {
        Fts5PhraseIter it;
        int col = -1, offset = 0;
        d->freq[i] = 0.0;
        for (rc = api->xPhraseFirst(fts, i, &it, &col, &offset); rc == SQLITE_OK && col >= 0;
             api->xPhraseNext(fts, &it, &col, &offset))
            if (col < n_cols)
                d->freq[i] += weights[col];
    }
    if (rc == SQLITE_OK && bm25_sizes(vals[0], n_cols, sizes)) {
        for (int i = 0; i < n_cols; i++)
            length += (double)sizes[i];
    } else {
        for (int i = 0; rc == SQLITE_OK && i < n_cols; i++) {
            int n_tokens = 0;
            if ((rc = api->xColumnSize(fts, i, &n_tokens)) == SQLITE_OK)
                length += n_tokens;
        }
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    for (int i = 0; i < d->n_phrases; i++)
        score += d->idf[i] *
                 ((d->freq[i] * (k1 + 1.0)) / (d->freq[i] + k1 * (1 - b + b * length / d->avgdl)));
    sqlite3_result_double(ctx, -1.0 * score);
}

/* ---- WAL checkpoints ----------------------------------------------------------------
 * By default SQLite checkpoints inside the commit that grows the WAL past 1000
 * pages: that commit (usually the ledger's, with every delivery of its batch
 * waiting for it) then also copies the WAL into the database and fsyncs it,
 * 5 to 25 ms under load, 15 times a second. Here a commit only notes the WAL's
 * size, and store.c's checkpointer runs PASSIVE checkpoints on a connection of
 * its own; they do not block writers, and a checkpoint already running in
 * another process just makes this one a no-op. */
#define WAL_CHECKPOINT_PAGES 1000

static int note_wal_size(void *cls, sqlite3 *db, const char *name, int pages)
{
    struct yw__conn *conn = cls;
    (void)db;
    (void)name;
    conn->wal_pages = pages;
    return SQLITE_OK;
}

static bool sq_wants_checkpoint(struct yw__conn *conn)
{
    bool wanted = conn->wal_pages >= WAL_CHECKPOINT_PAGES;
    conn->wal_pages = 0;
    return wanted;
}

static int sq_checkpoint(struct yw__conn *conn, struct yw_err *err)
{
    int rc = sqlite3_wal_checkpoint_v2(conn->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? YW_OK : sq_error(conn->db, rc, err);
}

/* Registers yw_bm25 on db with its cache, which FTS5 frees with db (FTS5
 * hands its API out through a pointer binding). */
static int register_bm25(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    struct bm25_cache *cache = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        (void)sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (api == NULL || api->iVersion < 2)
        return rc == SQLITE_OK ? SQLITE_ERROR : rc;
    if ((cache = sqlite3_malloc64(sizeof(*cache))) == NULL)
        return SQLITE_NOMEM;
    memset(cache, 0, sizeof(*cache));
    cache->db = db;
    rc = api->xCreateFunction(api, "yw_bm25", cache, bm25_weighted, bm25_cache_free);
    if (rc != SQLITE_OK) /* not taken */
        bm25_cache_free(cache);
    return rc;
}

static int sq_connect(const char *path, struct yw__conn **out, struct yw_err *err)
{
    struct yw__conn *conn = NULL;
    sqlite3_stmt *stmt = NULL;
    int rc;

    *out = NULL;
    if ((conn = calloc(1, sizeof(*conn))) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    rc = sqlite3_open_v2(path, &conn->db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        int sys = conn->db != NULL ? sqlite3_system_errno(conn->db) : 0;
        if (sys != 0)
            rc = yw_err_set(err, YW_EDB, "db", "cannot open SQLite database %s: %s (%s)", path,
                            conn->db != NULL ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc),
                            strerror(sys));
        else
            rc = yw_err_set(err, YW_EDB, "db", "cannot open SQLite database %s: %s", path,
                            conn->db != NULL ? sqlite3_errmsg(conn->db) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_extended_result_codes(conn->db, 1);
    /* Before the journal mode: switching to WAL needs a moment of exclusive
     * access when another process has the file open. */
    sqlite3_busy_timeout(conn->db, 5000);

    /* WAL lets readers go on while one writer writes. The mode is stored in
     * the file; asking again on later connections just reads it back. */
    rc = sqlite3_prepare_v2(conn->db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW) {
        yw_err_set(err, YW_EDB, "db", "cannot open SQLite database %s: %s", path,
                   sqlite3_errmsg(conn->db));
        rc = YW_EDB;
        goto out;
    }
    const unsigned char *mode = sqlite3_column_text(stmt, 0);
    if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
        rc = yw_err_set(err, YW_EDB, "db", "SQLite database %s cannot use WAL mode (got %s)", path,
                        mode != NULL ? (const char *)mode : "nothing");
        goto out;
    }
    /* FULL: a commit is on disk when COMMIT returns; the ledger relies on it.
     * No mmap_size: SQLite drops a connection's mapping whenever another
     * connection has committed since its last read transaction, and the
     * ledger commits many times a second, so every delivery paid an munmap
     * and the page faults to map the file again (measured: 15 % of a
     * delivery's CPU). Reads copy pages into the connection's cache. */
    if ((rc = sqlite3_exec(conn->db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", NULL, NULL,
                           NULL)) != SQLITE_OK &&
        (rc = sq_error(conn->db, rc, err)) < 0)
        goto out;
    sqlite3_wal_hook(conn->db, note_wal_size, conn); /* replaces the automatic checkpoints */
    if ((rc = register_bm25(conn->db)) != SQLITE_OK) {
        rc =
            yw_err_set(err, YW_EDB, "db", "SQLite at %s has no FTS5: %s", path, sqlite3_errstr(rc));
        goto out;
    }
    *out = conn;
    conn = NULL;
    rc = YW_OK;
out:
    sqlite3_finalize(stmt);
    sq_disconnect(conn);
    return rc;
}

static int sq_begin(struct yw__conn *conn, enum yw_txn_mode mode, struct yw_err *err)
{
    /* The safety level cannot change inside a transaction: each write sets
     * the one it needs first (a derived write's commit does not fsync; the
     * next FULL commit's fsync of the WAL covers its frames too). */
    bool relaxed = mode == YW_TXN_WRITE_DERIVED;
    int rc;
    if (mode != YW_TXN_READ && conn->relaxed != relaxed) {
        if ((rc = sq_exec_plain(
                 conn, relaxed ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL", err)) < 0)
            return rc;
        conn->relaxed = relaxed;
    }
    /* IMMEDIATE takes the write lock now rather than at the first write, so
     * a write transaction cannot fail halfway for want of it. */
    rc = sq_exec_plain(conn, mode == YW_TXN_READ ? "BEGIN" : "BEGIN IMMEDIATE", err);
    conn->read_only = mode == YW_TXN_READ;
    return rc;
}

static int sq_commit(struct yw__conn *conn, struct yw_err *err)
{
    return sq_exec_plain(conn, "COMMIT", err);
}

static void sq_rollback(struct yw__conn *conn)
{
    /* SQLite may have rolled back by itself (e.g. after SQLITE_FULL). */
    if (!sqlite3_get_autocommit(conn->db))
        (void)sq_exec_plain(conn, "ROLLBACK", NULL);
}

/* PostgreSQL refuses writes in a READ ONLY transaction; do the same here so
 * that code tested on SQLite cannot rely on writing in a read transaction. */
static int check_read_only(struct yw__conn *conn, sqlite3_stmt *stmt, struct yw_err *err)
{
    if (conn->read_only && !sqlite3_stmt_readonly(stmt))
        return yw_err_set(err, YW_EDB, NULL, "cannot write in a read-only transaction");
    return YW_OK;
}

static int sq_exec(struct yw__conn *conn, const char *sql, struct yw_err *err)
{
    const char *tail = sql;
    int rc = YW_OK;

    while (tail != NULL && *tail != '\0') {
        sqlite3_stmt *stmt = NULL;
        int src = sqlite3_prepare_v2(conn->db, tail, -1, &stmt, &tail);
        if (src != SQLITE_OK)
            return sq_error(conn->db, src, err);
        if (stmt == NULL) /* only spaces or comments were left */
            break;
        if ((rc = check_read_only(conn, stmt, err)) == YW_OK) {
            while ((src = sqlite3_step(stmt)) == SQLITE_ROW)
                ;
            if (src != SQLITE_DONE)
                rc = sq_error(conn->db, src, err);
        }
        sqlite3_finalize(stmt);
        if (rc < 0)
            return rc;
    }
    return YW_OK;
}

static int sq_prepare(struct yw__conn *conn, const char *sql, struct yw_stmt **out,
                      struct yw_err *err)
{
    struct sq_stmt *st = NULL;
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    int rc;

    *out = NULL;
    rc = sq_compile(conn, sql, &stmt, &tail);
    if (rc != SQLITE_OK)
        return sq_error(conn->db, rc, err);
    if (stmt == NULL) {
        rc = yw_err_set(err, YW_EINVAL, NULL, "empty SQL statement");
        goto out;
    }
    for (; tail != NULL && *tail != '\0'; tail++) {
        if (*tail != ' ' && *tail != '\t' && *tail != '\n' && *tail != '\r' && *tail != ';') {
            rc = yw_err_set(err, YW_EINVAL, NULL,
                            "prepare takes one SQL statement; use yw_txn_exec for several");
            goto out;
        }
    }
    if ((rc = check_read_only(conn, stmt, err)) < 0)
        goto out;
    if ((st = calloc(1, sizeof(*st))) == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    st->conn = conn;
    st->stmt = stmt;
    st->state = ST_READY;
    stmt = NULL;
    *out = &st->base;
    rc = YW_OK;
out:
    sq_release(conn, stmt);
    return rc;
}

static int sq_bind(struct yw_stmt *base, int idx, const struct yw__value *v)
{
    struct sq_stmt *st = sq(base);
    int rc;

    if (st->state != ST_READY)
        return YW_EINVAL; /* bind before the first step or after a reset */
    switch (v->type) {
    case YW__NULL: rc = sqlite3_bind_null(st->stmt, idx); break;
    case YW__INT64: rc = sqlite3_bind_int64(st->stmt, idx, v->i64); break;
    case YW__TEXT:
        rc = sqlite3_bind_text64(st->stmt, idx, v->p, v->n, SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    case YW__BLOB:
        /* A zero-length blob given as a pointer would bind NULL. */
        if (v->n == 0)
            rc = sqlite3_bind_zeroblob(st->stmt, idx, 0);
        else
            rc = sqlite3_bind_blob64(st->stmt, idx, v->p, v->n, SQLITE_TRANSIENT);
        break;
    default: return YW_EINVAL;
    }
    switch (rc) {
    case SQLITE_OK: return YW_OK;
    case SQLITE_NOMEM: return YW_ENOMEM;
    case SQLITE_TOOBIG: return YW_ETOOBIG;
    default: return YW_EINVAL; /* SQLITE_RANGE, SQLITE_MISUSE */
    }
}

static int sq_step(struct yw_stmt *base, struct yw_err *err)
{
    struct sq_stmt *st = sq(base);
    sqlite3 *db = st->conn->db;
    int rc;

    /* SQLite would silently start over after DONE; stay done instead. */
    if (st->state == ST_DONE)
        return 0;
    if (st->state == ST_READY)
        st->total_before = sqlite3_total_changes64(db);
    rc = sqlite3_step(st->stmt);
    if (rc == SQLITE_ROW) {
        st->state = ST_ROW;
        return 1;
    }
    st->state = ST_DONE;
    if (rc != SQLITE_DONE)
        return sq_error(db, rc, err);
    /* sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE on
     * the connection, whatever ran since; trust it only if this statement
     * changed something. */
    if (sqlite3_total_changes64(db) != st->total_before) {
        sqlite3_int64 n = sqlite3_changes64(db);
        st->changes = n > INT32_MAX ? INT32_MAX : (int)n;
    }
    return 0;
}

static int sq_changes(struct yw_stmt *base)
{
    return sq(base)->changes;
}

static bool sq_column_is_null(struct yw_stmt *base, int col)
{
    struct sq_stmt *st = sq(base);
    if (st->state != ST_ROW || col >= sqlite3_column_count(st->stmt))
        return true;
    return sqlite3_column_type(st->stmt, col) == SQLITE_NULL;
}

static int64_t sq_column_int64(struct yw_stmt *base, int col)
{
    if (sq_column_is_null(base, col))
        return 0;
    return sqlite3_column_int64(sq(base)->stmt, col);
}

static double sq_column_double(struct yw_stmt *base, int col)
{
    if (sq_column_is_null(base, col))
        return 0.0;
    return sqlite3_column_double(sq(base)->stmt, col);
}

static struct yw_str sq_column_text(struct yw_stmt *base, int col)
{
    struct sq_stmt *st = sq(base);
    if (sq_column_is_null(base, col))
        return (struct yw_str){NULL, 0};
    const unsigned char *p = sqlite3_column_text(st->stmt, col);
    if (p == NULL) /* out of memory converting */
        return (struct yw_str){NULL, 0};
    return (struct yw_str){(const char *)p, (size_t)sqlite3_column_bytes(st->stmt, col)};
}

static struct yw_str sq_column_blob(struct yw_stmt *base, int col)
{
    struct sq_stmt *st = sq(base);
    if (sq_column_is_null(base, col))
        return (struct yw_str){NULL, 0};
    const void *p = sqlite3_column_blob(st->stmt, col);
    size_t n = (size_t)sqlite3_column_bytes(st->stmt, col);
    if (n == 0 || p == NULL)
        return (struct yw_str){"", 0};
    return (struct yw_str){p, n};
}

static void sq_reset(struct yw_stmt *base)
{
    struct sq_stmt *st = sq(base);
    sqlite3_reset(st->stmt);
    st->state = ST_READY;
    st->changes = 0;
}

static void sq_stmt_close(struct yw_stmt *base)
{
    struct sq_stmt *st = sq(base);
    sq_release(st->conn, st->stmt);
    st->stmt = NULL;
    st->state = ST_DONE;
}

const struct yw__driver yw__store_sqlite = {
    .dialect = YW_DIALECT_SQLITE,
    .single_writer = true,
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .wants_checkpoint = sq_wants_checkpoint,
    .checkpoint = sq_checkpoint,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .bind = sq_bind,
    .step = sq_step,
    .changes = sq_changes,
    .column_is_null = sq_column_is_null,
    .column_int64 = sq_column_int64,
    .column_double = sq_column_double,
    .column_text = sq_column_text,
    .column_blob = sq_column_blob,
    .reset = sq_reset,
    .stmt_close = sq_stmt_close,
};
