/*
 * store/driver.h — internal to src/store/: the table of hooks each database
 * driver fills in (sqlite.c, postgres.c) and store.c dispatches through.
 *
 * store.c owns the pool, the transaction bookkeeping (the list of open
 * statements, the "a statement failed" flag), migrations and argument
 * checks; a driver only talks to its database. Driver hooks are called with
 * the connection held by exactly one thread, so they need no locking.
 */
#ifndef YW_STORE_DRIVER_H
#define YW_STORE_DRIVER_H

#include "store/store.h"

/* A driver's connection; each driver defines the struct. */
struct yw__conn;

/* Every driver's statement struct starts with this header; store.c frees the
 * whole thing with free() after the driver's stmt_close hook. */
struct yw_stmt {
    const struct yw__driver *drv;
    struct yw_txn *txn;          /* NULL once the transaction has ended */
    struct yw_stmt *prev, *next; /* the transaction's open statements */
    int bind_rc;                 /* first failed bind since the last reset */
};

enum yw__type { YW__NULL, YW__INT64, YW__TEXT, YW__BLOB };

/* A parameter value; p/n are the caller's bytes, to be copied. */
struct yw__value {
    enum yw__type type;
    int64_t i64;
    const void *p;
    size_t n;
};

struct yw__driver {
    enum yw_dialect dialect;
    /* SQLite allows one writer: store.c queues write transactions itself
     * instead of letting them sleep-poll in the busy handler. */
    bool single_writer;

    /* target is the URL without "sqlite:" for SQLite, the whole URL for
     * PostgreSQL. Errors: YW_EDB, YW_ENOMEM. */
    int (*connect)(const char *target, struct yw__conn **out, struct yw_err *err);
    void (*disconnect)(struct yw__conn *conn); /* NULL-safe */

    /* SQLite only (NULL for PostgreSQL): WAL checkpoints off the writers'
     * path. wants_checkpoint tells, after a commit on conn, whether the WAL
     * has grown enough to want one; checkpoint runs one on store.c's
     * checkpointer connection, without blocking writers. */
    bool (*wants_checkpoint)(struct yw__conn *conn);
    int (*checkpoint)(struct yw__conn *conn, struct yw_err *err);

    int (*begin)(struct yw__conn *conn, enum yw_txn_mode mode, struct yw_err *err);
    int (*commit)(struct yw__conn *conn, struct yw_err *err); /* leaves no txn open */
    void (*rollback)(struct yw__conn *conn);                  /* best effort */
    int (*exec)(struct yw__conn *conn, const char *sql, struct yw_err *err);

    /* Allocates the driver's statement; the header is filled by store.c. */
    int (*prepare)(struct yw__conn *conn, const char *sql, struct yw_stmt **out,
                   struct yw_err *err);
    int (*bind)(struct yw_stmt *st, int idx, const struct yw__value *v); /* idx checked >= 1 */
    int (*step)(struct yw_stmt *st, struct yw_err *err);
    int (*changes)(struct yw_stmt *st);
    bool (*column_is_null)(struct yw_stmt *st, int col); /* col checked >= 0 */
    int64_t (*column_int64)(struct yw_stmt *st, int col);
    double (*column_double)(struct yw_stmt *st, int col);
    struct yw_str (*column_text)(struct yw_stmt *st, int col);
    struct yw_str (*column_blob)(struct yw_stmt *st, int col);
    void (*reset)(struct yw_stmt *st);
    /* Releases everything but the struct itself (the transaction is ending or
     * the statement is being finalized). Called once per statement. */
    void (*stmt_close)(struct yw_stmt *st);
};

extern const struct yw__driver yw__store_sqlite;
extern const struct yw__driver yw__store_postgres;

/* Rewrites `?` placeholders to $1, $2, ... skipping quoted strings,
 * identifiers, dollar-quoted strings and comments. *out is malloc'd (caller
 * frees); *n_params gets the count. Errors: YW_ENOMEM, YW_ETOOBIG (more than
 * 65535 parameters). Exposed for tests. */
int yw__store_pg_rewrite(const char *sql, char **out, int *n_params) YW_MUST_USE;

#endif
