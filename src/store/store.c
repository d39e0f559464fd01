/*
 * store.c — the driver-independent half of the store: URL dispatch, the
 * connection pool, transaction and statement bookkeeping, and migrations.
 * See docs/internals/store.md.
 */
#include "store/store.h"
#include "store/driver.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_MAX 256

struct yw_txn {
    struct yw_store *store;
    struct yw__conn *conn; /* owned by the store; lent while the txn is open */
    bool failed;           /* a statement failed: only rollback is possible */
    bool holds_writer;     /* holds the store's single-writer token */
    struct yw_stmt *stmts; /* open statements, closed when the txn ends */
};

struct yw_store {
    const struct yw__driver *drv;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled when a connection or the writer token is freed */
    int pool_size;
    struct yw_txn *slots;       /* pool_size slots, one per connection */
    struct yw_txn **free_slots; /* stack of n_free free slots */
    int n_free;
    bool writer_active; /* single_writer drivers: a write txn is open */
    uint64_t waits;
    uint64_t timeouts;
    /* The checkpointer (drivers with a checkpoint hook): a thread with a
     * connection of its own, woken by commits that leave the WAL large. */
    struct yw__conn *checkpoint_conn;
    pthread_t checkpoint_thread;
    pthread_cond_t checkpoint_cv;
    bool checkpoint_running, checkpoint_wanted, stopping;
};

static void *checkpointer_main(void *arg)
{
    struct yw_store *store = arg;
    pthread_mutex_lock(&store->mu);
    for (;;) {
        while (!store->checkpoint_wanted && !store->stopping)
            pthread_cond_wait(&store->checkpoint_cv, &store->mu);
        if (store->stopping)
            break;
        store->checkpoint_wanted = false;
        pthread_mutex_unlock(&store->mu);
        struct yw_err err = {0};
        if (store->drv->checkpoint(store->checkpoint_conn, &err) < 0)
            yw_log(YW_LOG_WARN, "db_checkpoint_failed", "\"code\":\"%s\"", yw_err_name(err.code));
        pthread_mutex_lock(&store->mu);
    }
    pthread_mutex_unlock(&store->mu);
    return NULL;
}

/* Starts the checkpointer, if the driver has one. */
static int start_checkpointer(struct yw_store *store, const char *target, struct yw_err *err)
{
    int rc;
    if (store->drv->checkpoint == NULL)
        return YW_OK;
    if (pthread_cond_init(&store->checkpoint_cv, NULL) != 0)
        return yw_err_set(err, YW_ENOMEM, NULL, "cannot create the checkpointer's condition");
    if ((rc = store->drv->connect(target, &store->checkpoint_conn, err)) < 0) {
        pthread_cond_destroy(&store->checkpoint_cv);
        return rc;
    }
    if (pthread_create(&store->checkpoint_thread, NULL, checkpointer_main, store) != 0) {
        store->drv->disconnect(store->checkpoint_conn);
        store->checkpoint_conn = NULL;
        pthread_cond_destroy(&store->checkpoint_cv);
        return yw_err_set(err, YW_ENOMEM, NULL, "cannot start the checkpointer");
    }
    store->checkpoint_running = true;
    return YW_OK;
}

static void stop_checkpointer(struct yw_store *store)
{
    if (!store->checkpoint_running)
        return;
    pthread_mutex_lock(&store->mu);
    store->stopping = true;
    pthread_cond_signal(&store->checkpoint_cv);
    pthread_mutex_unlock(&store->mu);
    pthread_join(store->checkpoint_thread, NULL);
    store->drv->disconnect(store->checkpoint_conn);
    pthread_cond_destroy(&store->checkpoint_cv);
    store->checkpoint_running = false;
}

/* ---- open / close -------------------------------------------------------- */

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The scheme of a URL we cannot use, for the error message: only if it looks
 * like one, so that no part of a password can end up in the message. */
static void scheme_of(const char *url, char *out, size_t out_size)
{
    size_t n = 0;

    while (url[n] != '\0' && url[n] != ':' && n + 1 < out_size &&
           ((url[n] >= 'a' && url[n] <= 'z') || (url[n] >= 'A' && url[n] <= 'Z') ||
            (url[n] >= '0' && url[n] <= '9') || url[n] == '+' || url[n] == '-' || url[n] == '.'))
        n++;
    if (url[n] != ':' || n == 0)
        n = 0;
    memcpy(out, url, n);
    out[n] = '\0';
}

int yw_store_open(const char *url, int pool_size, struct yw_store **out, struct yw_err *err)
{
    struct yw_store *store = NULL;
    const struct yw__driver *drv;
    const char *target;
    pthread_condattr_t cond_attr;
    bool have_mu = false, have_cv = false;
    int rc = YW_OK;

    *out = NULL;
    if (url == NULL || url[0] == '\0')
        return yw_err_set(err, YW_EINVAL, "db",
                          "no database URL: use sqlite:PATH or postgres://...");
    if (pool_size < 1 || pool_size > POOL_MAX)
        return yw_err_set(err, YW_EINVAL, "db", "database pool size must be 1..%d, not %d",
                          POOL_MAX, pool_size);
    if (has_prefix(url, "sqlite:")) {
        drv = &yw__store_sqlite;
        target = url + strlen("sqlite:");
        if (target[0] == '\0')
            return yw_err_set(err, YW_EINVAL, "db", "sqlite URL needs a path: sqlite:PATH");
    } else if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://")) {
        drv = &yw__store_postgres;
        target = url;
    } else {
        char scheme[24];
        scheme_of(url, scheme, sizeof(scheme));
        if (scheme[0] != '\0')
            return yw_err_set(err, YW_EINVAL, "db",
                              "unknown database URL scheme \"%s\": use sqlite:PATH or "
                              "postgres://...",
                              scheme);
        return yw_err_set(err, YW_EINVAL, "db",
                          "database URL has no known scheme: use sqlite:PATH or postgres://...");
    }

    store = calloc(1, sizeof(*store));
    if (store == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    store->drv = drv;
    store->slots = calloc((size_t)pool_size, sizeof(*store->slots));
    store->free_slots = calloc((size_t)pool_size, sizeof(*store->free_slots));
    if (store->slots == NULL || store->free_slots == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if (pthread_mutex_init(&store->mu, NULL) != 0) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "cannot create the pool mutex");
        goto out;
    }
    have_mu = true;
    /* Deadlines are on the monotonic clock so that setting the time of day
     * cannot make a waiting request time out early or hang. */
    if (pthread_condattr_init(&cond_attr) != 0) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "cannot create the pool condition");
        goto out;
    }
    if (pthread_condattr_setclock(&cond_attr, CLOCK_MONOTONIC) == 0 &&
        pthread_cond_init(&store->cv, &cond_attr) == 0)
        have_cv = true;
    pthread_condattr_destroy(&cond_attr);
    if (!have_cv) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "cannot create the pool condition");
        goto out;
    }
    /* Connect everything now: a bad URL should stop the node at start-up, not
     * fail the first request. */
    for (int i = 0; i < pool_size; i++) {
        if ((rc = drv->connect(target, &store->slots[i].conn, err)) < 0)
            goto out;
        store->slots[i].store = store;
        store->free_slots[i] = &store->slots[i];
        store->pool_size = i + 1;
    }
    store->n_free = pool_size;
    if ((rc = start_checkpointer(store, target, err)) < 0)
        goto out;
    *out = store;
    store = NULL;
out:
    if (store != NULL) {
        for (int i = 0; i < store->pool_size; i++)
            drv->disconnect(store->slots[i].conn);
        if (have_cv)
            pthread_cond_destroy(&store->cv);
        if (have_mu)
            pthread_mutex_destroy(&store->mu);
        free(store->slots);
        free(store->free_slots);
        free(store);
    }
    return rc;
}

void yw_store_close(struct yw_store *store)
{
    if (store == NULL)
        return;
    stop_checkpointer(store);
    for (int i = 0; i < store->pool_size; i++)
        store->drv->disconnect(store->slots[i].conn);
    pthread_cond_destroy(&store->cv);
    pthread_mutex_destroy(&store->mu);
    free(store->slots);
    free(store->free_slots);
    free(store);
}

enum yw_dialect yw_store_dialect(const struct yw_store *store)
{
    return store->drv->dialect;
}

void yw_store_stats(struct yw_store *store, struct yw_store_stats *out)
{
    pthread_mutex_lock(&store->mu);
    out->pool_size = store->pool_size;
    out->in_use = store->pool_size - store->n_free;
    out->waits = store->waits;
    out->timeouts = store->timeouts;
    pthread_mutex_unlock(&store->mu);
}

/* ---- transactions -------------------------------------------------------- */

static struct timespec deadline_after_ms(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Takes a free slot, and the writer token when the driver allows only one
 * writer: SQLite's own busy handler would make concurrent writers sleep and
 * poll, so queueing them here is both faster and fair enough. Writers wait
 * for the token before they take a connection, so they never hold one that
 * readers could use. */
static int acquire(struct yw_store *store, enum yw_txn_mode mode, struct yw_txn **out,
                   struct yw_err *err)
{
    bool need_writer = store->drv->single_writer && mode != YW_TXN_READ;
    struct timespec deadline = deadline_after_ms(YW_STORE_WAIT_MS);
    bool waited = false;

    pthread_mutex_lock(&store->mu);
    while (store->n_free == 0 || (need_writer && store->writer_active)) {
        if (!waited) {
            store->waits++;
            waited = true;
        }
        int r = pthread_cond_timedwait(&store->cv, &store->mu, &deadline);
        if (r == ETIMEDOUT && (store->n_free == 0 || (need_writer && store->writer_active))) {
            store->timeouts++;
            bool no_connection = store->n_free == 0;
            int pool_size = store->pool_size;
            pthread_mutex_unlock(&store->mu);
            if (no_connection)
                return yw_err_set(err, YW_EBUSY, NULL,
                                  "database busy: all %d connections stayed in use for %d ms",
                                  pool_size, YW_STORE_WAIT_MS);
            return yw_err_set(err, YW_EBUSY, NULL,
                              "database busy: another write transaction ran for over %d ms",
                              YW_STORE_WAIT_MS);
        }
    }
    struct yw_txn *txn = store->free_slots[--store->n_free];
    if (need_writer)
        store->writer_active = true;
    txn->holds_writer = need_writer;
    pthread_mutex_unlock(&store->mu);
    *out = txn;
    return YW_OK;
}

static void release(struct yw_txn *txn)
{
    struct yw_store *store = txn->store;

    pthread_mutex_lock(&store->mu);
    store->free_slots[store->n_free++] = txn;
    if (txn->holds_writer)
        store->writer_active = false;
    txn->holds_writer = false;
    /* Waiters wait for different things (a connection, the writer token). */
    pthread_cond_broadcast(&store->cv);
    pthread_mutex_unlock(&store->mu);
}

int yw_store_begin(struct yw_store *store, enum yw_txn_mode mode, struct yw_txn **out,
                   struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    int rc;

    *out = NULL;
    if (mode != YW_TXN_READ && mode != YW_TXN_WRITE && mode != YW_TXN_WRITE_DERIVED)
        return yw_err_set(err, YW_EINVAL, NULL, "unknown transaction mode %d", (int)mode);
    if ((rc = acquire(store, mode, &txn, err)) < 0)
        return rc;
    if ((rc = store->drv->begin(txn->conn, mode, err)) < 0) {
        release(txn);
        return rc;
    }
    txn->failed = false;
    txn->stmts = NULL;
    *out = txn;
    return YW_OK;
}

/* Statements still open when their transaction ends lose their database
 * handle now (the connection goes back to the pool and may be in another
 * thread's hands a moment later); the caller still owns the memory. */
static void close_stmts(struct yw_txn *txn)
{
    struct yw_stmt *st = txn->stmts;

    while (st != NULL) {
        struct yw_stmt *next = st->next;
        st->drv->stmt_close(st);
        st->txn = NULL;
        st->prev = st->next = NULL;
        st = next;
    }
    txn->stmts = NULL;
}

int yw_store_commit(struct yw_txn **ptxn, struct yw_err *err)
{
    struct yw_txn *txn = ptxn ? *ptxn : NULL;
    int rc;

    if (txn == NULL)
        return yw_err_set(err, YW_EINVAL, NULL, "commit without a transaction");
    close_stmts(txn);
    if (txn->failed) {
        txn->store->drv->rollback(txn->conn);
        rc = yw_err_set(err, YW_EDB, NULL, "transaction rolled back: a statement in it had failed");
    } else if ((rc = txn->store->drv->commit(txn->conn, err)) < 0) {
        txn->store->drv->rollback(txn->conn);
    } else if (txn->store->checkpoint_running && txn->store->drv->wants_checkpoint(txn->conn)) {
        pthread_mutex_lock(&txn->store->mu);
        txn->store->checkpoint_wanted = true;
        pthread_cond_signal(&txn->store->checkpoint_cv);
        pthread_mutex_unlock(&txn->store->mu);
    }
    release(txn);
    *ptxn = NULL;
    return rc;
}

void yw_store_rollback(struct yw_txn **ptxn)
{
    struct yw_txn *txn = ptxn ? *ptxn : NULL;

    if (txn == NULL)
        return;
    close_stmts(txn);
    txn->store->drv->rollback(txn->conn);
    release(txn);
    *ptxn = NULL;
}

enum yw_dialect yw_txn_dialect(const struct yw_txn *txn)
{
    return txn->store->drv->dialect;
}

static int dead_txn(struct yw_err *err)
{
    return yw_err_set(err, YW_EDB, NULL,
                      "an earlier statement in this transaction failed: roll back");
}

static bool only_space(const char *s)
{
    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != ';')
            return false;
    return true;
}

int yw_txn_exec(struct yw_txn *txn, const char *sql, struct yw_err *err)
{
    int rc;

    if (txn == NULL || sql == NULL)
        return yw_err_set(err, YW_EINVAL, NULL, "exec without a transaction or SQL");
    if (txn->failed)
        return dead_txn(err);
    if ((rc = txn->store->drv->exec(txn->conn, sql, err)) < 0)
        txn->failed = true;
    return rc;
}

int yw_txn_prepare(struct yw_txn *txn, const char *sql, struct yw_stmt **out, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc;

    *out = NULL;
    if (txn == NULL || sql == NULL)
        return yw_err_set(err, YW_EINVAL, NULL, "prepare without a transaction or SQL");
    if (txn->failed)
        return dead_txn(err);
    if (only_space(sql))
        return yw_err_set(err, YW_EINVAL, NULL, "empty SQL statement");
    if ((rc = txn->store->drv->prepare(txn->conn, sql, &st, err)) < 0) {
        txn->failed = true;
        return rc;
    }
    st->drv = txn->store->drv;
    st->txn = txn;
    st->bind_rc = YW_OK;
    st->prev = NULL;
    st->next = txn->stmts;
    if (txn->stmts != NULL)
        txn->stmts->prev = st;
    txn->stmts = st;
    *out = st;
    return YW_OK;
}

/* ---- statements ---------------------------------------------------------- */

static int bind(struct yw_stmt *st, int idx, const struct yw__value *v)
{
    int rc;

    if (st == NULL || st->txn == NULL)
        return YW_EINVAL;
    if (idx < 1)
        rc = YW_EINVAL;
    else if (v->type == YW__TEXT &&
             (memchr(v->p, '\0', v->n) != NULL || !yw_utf8_valid(v->p, v->n)))
        rc = YW_EINVAL;
    else
        rc = st->drv->bind(st, idx, v);
    if (rc < 0 && st->bind_rc == YW_OK)
        st->bind_rc = rc;
    return rc;
}

int yw_stmt_bind_int64(struct yw_stmt *st, int idx, int64_t v)
{
    struct yw__value value = {.type = YW__INT64, .i64 = v};
    return bind(st, idx, &value);
}

/* A NULL pointer with a length is a caller bug; it fails like a bad bind. */
static int bind_bytes(struct yw_stmt *st, int idx, enum yw__type type, const void *p, size_t n)
{
    struct yw__value value = {.type = type, .p = p != NULL ? p : "", .n = n};

    if (p == NULL && n > 0) {
        if (st != NULL && st->bind_rc == YW_OK)
            st->bind_rc = YW_EINVAL;
        return YW_EINVAL;
    }
    return bind(st, idx, &value);
}

int yw_stmt_bind_text(struct yw_stmt *st, int idx, const char *p, size_t n)
{
    return bind_bytes(st, idx, YW__TEXT, p, n);
}

int yw_stmt_bind_blob(struct yw_stmt *st, int idx, const void *p, size_t n)
{
    return bind_bytes(st, idx, YW__BLOB, p, n);
}

int yw_stmt_bind_null(struct yw_stmt *st, int idx)
{
    struct yw__value value = {.type = YW__NULL};
    return bind(st, idx, &value);
}

int yw_stmt_step(struct yw_stmt *st, struct yw_err *err)
{
    int rc;

    if (st == NULL || st->txn == NULL)
        return yw_err_set(err, YW_EINVAL, NULL, "statement used after its transaction ended");
    if (st->txn->failed)
        return dead_txn(err);
    if (st->bind_rc < 0) {
        st->txn->failed = true;
        return yw_err_set(err, st->bind_rc, NULL, "a statement parameter could not be bound (%s)",
                          yw_err_name(st->bind_rc));
    }
    if ((rc = st->drv->step(st, err)) < 0)
        st->txn->failed = true;
    return rc;
}

int yw_stmt_changes(struct yw_stmt *st)
{
    if (st == NULL || st->txn == NULL)
        return 0;
    return st->drv->changes(st);
}

bool yw_stmt_column_is_null(struct yw_stmt *st, int col)
{
    if (st == NULL || st->txn == NULL || col < 0)
        return true;
    return st->drv->column_is_null(st, col);
}

int64_t yw_stmt_column_int64(struct yw_stmt *st, int col)
{
    if (st == NULL || st->txn == NULL || col < 0)
        return 0;
    return st->drv->column_int64(st, col);
}

double yw_stmt_column_double(struct yw_stmt *st, int col)
{
    if (st == NULL || st->txn == NULL || col < 0)
        return 0.0;
    return st->drv->column_double(st, col);
}

struct yw_str yw_stmt_column_text(struct yw_stmt *st, int col)
{
    if (st == NULL || st->txn == NULL || col < 0)
        return (struct yw_str){NULL, 0};
    return st->drv->column_text(st, col);
}

struct yw_str yw_stmt_column_blob(struct yw_stmt *st, int col)
{
    if (st == NULL || st->txn == NULL || col < 0)
        return (struct yw_str){NULL, 0};
    return st->drv->column_blob(st, col);
}

int yw_stmt_reset(struct yw_stmt *st)
{
    if (st == NULL || st->txn == NULL)
        return YW_EINVAL;
    st->bind_rc = YW_OK;
    st->drv->reset(st);
    return YW_OK;
}

void yw_stmt_finalize(struct yw_stmt **pst)
{
    struct yw_stmt *st = pst ? *pst : NULL;

    if (st == NULL)
        return;
    if (st->txn != NULL) {
        if (st->prev != NULL)
            st->prev->next = st->next;
        else
            st->txn->stmts = st->next;
        if (st->next != NULL)
            st->next->prev = st->prev;
        st->drv->stmt_close(st);
    }
    free(st);
    *pst = NULL;
}

/* ---- migrations ---------------------------------------------------------- */

enum mig_kind { MIG_COMMON, MIG_SQLITE, MIG_POSTGRES };

struct mig_file {
    int version;
    enum mig_kind kind;
    struct yw_str name; /* between NNNN_ and the suffix */
    const struct yw_asset *asset;
};

static bool has_suffix(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static int parse_mig_name(const struct yw_asset *asset, struct mig_file *out, struct yw_err *err)
{
    const char *path = asset->path;
    size_t n = strlen(path), digits = 0, end;
    int64_t version;

    while (path[digits] >= '0' && path[digits] <= '9')
        digits++;
    if (has_suffix(path, n, ".sqlite.sql")) {
        out->kind = MIG_SQLITE;
        end = n - strlen(".sqlite.sql");
    } else if (has_suffix(path, n, ".postgres.sql")) {
        out->kind = MIG_POSTGRES;
        end = n - strlen(".postgres.sql");
    } else if (has_suffix(path, n, ".sql")) {
        out->kind = MIG_COMMON;
        end = n - strlen(".sql");
    } else {
        end = 0;
    }
    if (digits == 0 || path[digits] != '_' || end <= digits + 1 ||
        yw_parse_int64((struct yw_str){path, digits}, 1, INT_MAX, &version) < 0)
        goto bad;
    for (size_t i = digits + 1; i < end; i++) {
        char c = path[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            goto bad;
    }
    out->version = (int)version;
    out->name = (struct yw_str){path + digits + 1, end - digits - 1};
    out->asset = asset;
    return YW_OK;
bad:
    return yw_err_set(err, YW_EINVAL, NULL,
                      "migration file %s: the name must be NNNN_name.sql, NNNN_name.sqlite.sql "
                      "or NNNN_name.postgres.sql",
                      path);
}

static int cmp_mig(const void *a, const void *b)
{
    const struct mig_file *x = a, *y = b;
    if (x->version != y->version)
        return x->version < y->version ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/* Sorts the files and keeps, per version, the one this dialect runs, after
 * checking that every version is complete for both dialects. *n_out gets the
 * number of versions; files[0..*n_out) are they, in order. */
static int plan_migrations(struct mig_file *files, size_t n_files, enum yw_dialect dialect,
                           size_t *n_out, struct yw_err *err)
{
    size_t n_versions = 0;

    if (n_files == 0) {
        *n_out = 0;
        return YW_OK;
    }
    qsort(files, n_files, sizeof(*files), cmp_mig);
    for (size_t i = 0; i < n_files;) {
        const struct mig_file *of[3] = {NULL, NULL, NULL};
        size_t j = i;
        for (; j < n_files && files[j].version == files[i].version; j++) {
            if (of[files[j].kind] != NULL)
                return yw_err_set(err, YW_EINVAL, NULL,
                                  "two migration files for version %d: %s and %s", files[j].version,
                                  of[files[j].kind]->asset->path, files[j].asset->path);
            of[files[j].kind] = &files[j];
        }
        const struct mig_file *common = of[MIG_COMMON], *sq = of[MIG_SQLITE],
                              *pg = of[MIG_POSTGRES];
        if (common != NULL && (sq != NULL || pg != NULL))
            return yw_err_set(err, YW_EINVAL, NULL,
                              "migration version %d has both a common file (%s) and a dialect file",
                              files[i].version, common->asset->path);
        if (common == NULL && (sq == NULL || pg == NULL))
            return yw_err_set(err, YW_EINVAL, NULL,
                              "migration %s has no %s counterpart: give a version either one "
                              ".sql file or both .sqlite.sql and .postgres.sql",
                              (sq ? sq : pg)->asset->path, sq ? ".postgres.sql" : ".sqlite.sql");
        if (common == NULL && !yw_str_eq(sq->name, pg->name))
            return yw_err_set(err, YW_EINVAL, NULL, "migrations %s and %s must have the same name",
                              sq->asset->path, pg->asset->path);
        struct mig_file chosen = common ? *common : dialect == YW_DIALECT_SQLITE ? *sq : *pg;
        files[n_versions++] = chosen; /* n_versions <= i: never overwrites unread entries */
        i = j;
    }
    *n_out = n_versions;
    return YW_OK;
}

/* The versions the database records, ascending, in a malloc'd array. */
static int recorded_versions(struct yw_txn *txn, int **out, size_t *n_out, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int *versions = NULL;
    size_t n = 0, cap = 0;
    int rc;

    if ((rc = yw_txn_prepare(txn, "SELECT version FROM yw_schema_migrations ORDER BY version", &st,
                             err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        if (n == cap) {
            size_t new_cap = cap ? cap * 2 : 16;
            int *p = realloc(versions, new_cap * sizeof(*p));
            if (p == NULL) {
                rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
                goto out;
            }
            versions = p;
            cap = new_cap;
        }
        int64_t v = yw_stmt_column_int64(st, 0);
        versions[n++] = v < 0 ? 0 : v > INT_MAX ? INT_MAX : (int)v;
    }
out:
    yw_stmt_finalize(&st);
    if (rc < 0) {
        free(versions);
        return rc;
    }
    *out = versions;
    *n_out = n;
    return YW_OK;
}

static bool contains(const int *sorted, size_t n, int v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] == v)
            return true;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int apply_one(struct yw_txn *txn, const struct mig_file *m, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_err db_err = {0};
    char now[32];
    int rc;

    if ((rc = yw_txn_exec(txn, (const char *)m->asset->data, &db_err)) < 0) {
        yw_err_set(err, rc, NULL, "migration %s failed: %s", m->asset->path, db_err.message);
        goto out;
    }
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_schema_migrations (version, name, applied_at) "
                             "VALUES (?, ?, ?)",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, m->version);
    yw_stmt_bind_text(st, 2, m->name.p, m->name.n);
    yw_stmt_bind_text(st, 3, now, strlen(now));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    return rc;
}

/* An arbitrary constant ("yw" + "migr"), the key of the advisory lock. */
#define MIGRATION_LOCK_KEY "7977006d696772"

int yw_store_migrate(struct yw_store *store, const struct yw_asset *files, size_t n_files,
                     int *schema_version, struct yw_err *err)
{
    struct mig_file *plan = NULL;
    struct yw_txn *txn = NULL;
    int *recorded = NULL;
    size_t n_plan = 0, n_recorded = 0;
    int known = 0, current = 0, applied = 0;
    int rc = YW_OK;

    if (n_files > 0 && (plan = calloc(n_files, sizeof(*plan))) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < n_files; i++)
        if ((rc = parse_mig_name(&files[i], &plan[i], err)) < 0)
            goto out;
    if ((rc = plan_migrations(plan, n_files, store->drv->dialect, &n_plan, err)) < 0)
        goto out;
    known = n_plan > 0 ? plan[n_plan - 1].version : 0;

    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if (store->drv->dialect == YW_DIALECT_POSTGRES &&
        (rc = yw_txn_exec(txn, "SELECT pg_advisory_xact_lock(x'" MIGRATION_LOCK_KEY "'::bigint)",
                          err)) < 0)
        goto out;
    if ((rc = yw_txn_exec(txn,
                          "CREATE TABLE IF NOT EXISTS yw_schema_migrations ("
                          " version INTEGER PRIMARY KEY,"
                          " name TEXT NOT NULL,"
                          " applied_at TEXT NOT NULL)",
                          err)) < 0)
        goto out;
    if ((rc = recorded_versions(txn, &recorded, &n_recorded, err)) < 0)
        goto out;
    current = n_recorded > 0 ? recorded[n_recorded - 1] : 0;
    if (current > known) {
        rc = yw_err_set(err, YW_ESCHEMA, NULL,
                        "database schema is version %d but this yiwang knows up to %d: "
                        "upgrade yiwang",
                        current, known);
        goto out;
    }
    /* The history must match: a version the database has that we lack, or
     * one of ours below its version that it never ran, means the migration
     * files were edited after release. */
    for (size_t i = 0, k = 0; i < n_recorded; i++) {
        while (k < n_plan && plan[k].version < recorded[i])
            k++;
        if (k == n_plan || plan[k].version != recorded[i]) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL,
                            "database records schema migration %d, which this yiwang does not "
                            "have",
                            recorded[i]);
            goto out;
        }
    }
    for (size_t i = 0; i < n_plan; i++) {
        if (contains(recorded, n_recorded, plan[i].version))
            continue;
        if (plan[i].version < current) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL,
                            "migration %s was never applied but the database is at version %d: "
                            "new migrations must be numbered above released ones",
                            plan[i].asset->path, current);
            goto out;
        }
        if ((rc = apply_one(txn, &plan[i], err)) < 0)
            goto out;
        applied++;
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    /* A migration that fills a new column rewrites every row: on PostgreSQL
     * the old versions stay in the table and its indexes, and the planner's
     * statistics describe the table before, until autovacuum comes by. The
     * catalog's search ran 60% slower in that window, so clean up now, once,
     * outside a transaction as VACUUM requires; best effort. */
    if (applied > 0 && store->drv->dialect == YW_DIALECT_POSTGRES &&
        acquire(store, YW_TXN_WRITE, &txn, NULL) == YW_OK) {
        struct yw_err vacuum_err = {0};
        (void)store->drv->exec(txn->conn, "VACUUM ANALYZE", &vacuum_err);
        release(txn);
        txn = NULL;
    }
    if (schema_version != NULL)
        *schema_version = known;
out:
    yw_store_rollback(&txn);
    free(recorded);
    free(plan);
    return rc;
}
