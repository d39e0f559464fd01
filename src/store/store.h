/*
 * store — the database behind yiwang: one interface, two drivers (SQLite, the
 * embedded default, and PostgreSQL through libpq), a pool of connections for
 * the thread-per-connection HTTP server, and numbered schema migrations.
 * Design note: docs/internals/store.md.
 *
 * Threads: a yw_store is shared by all threads. A yw_txn (and every yw_stmt
 * prepared in it) belongs to the one thread that began it until it is
 * committed or rolled back.
 *
 * The same SQL runs on both drivers: write `?` placeholders (the PostgreSQL
 * driver rewrites them to $1, $2, ...) and keep to what both dialects accept;
 * use yw_txn_dialect() where they differ.
 *
 * After a statement fails, the transaction is dead on both drivers (this is
 * PostgreSQL's rule, applied to SQLite too so that code tested on one behaves
 * the same on the other): later statements fail with YW_EDB and commit rolls
 * back and fails. Roll back and, if it makes sense, start again.
 */
#ifndef YW_STORE_H
#define YW_STORE_H

#include "util/util.h"

struct yw_store;
struct yw_txn;
struct yw_stmt;

enum yw_dialect { YW_DIALECT_SQLITE = 1, YW_DIALECT_POSTGRES = 2 };

/* SQLite: BEGIN vs BEGIN IMMEDIATE (one writer at a time, queued);
 * PostgreSQL: BEGIN READ ONLY vs BEGIN READ WRITE (READ COMMITTED).
 * Writing in a READ transaction fails with YW_EDB on both.
 * YW_TXN_WRITE_DERIVED writes data the node rebuilds from the ledger at
 * start-up (the exchange's counts and subject index): its commit is atomic
 * and ordered like any other but does not wait for the disk (SQLite
 * synchronous=NORMAL in WAL mode, PostgreSQL synchronous_commit=off); the
 * next durable commit makes it durable too, and a crash before that loses
 * only what the replay writes again. */
enum yw_txn_mode { YW_TXN_READ = 0, YW_TXN_WRITE = 1, YW_TXN_WRITE_DERIVED = 2 };

struct yw_store_stats {
    int pool_size;     /* connections in the pool */
    int in_use;        /* connections lent to open transactions right now */
    uint64_t waits;    /* yw_store_begin calls that found no free connection */
    uint64_t timeouts; /* ... and gave up after 5 s (YW_EBUSY) */
};

/* How long yw_store_begin waits for a free connection. */
#define YW_STORE_WAIT_MS 5000

/* Opens "sqlite:PATH" or "postgres://..." / "postgresql://..." (libpq URI
 * syntax) with pool_size connections (1..256), all connected up front so that
 * a bad URL, an unreachable server or a missing directory fails here with a
 * clear message (passwords in the URL never appear in it). SQLite files are
 * created if missing and put in WAL mode with synchronous=FULL, foreign keys
 * on and a 5 s busy timeout.
 * Errors: YW_EINVAL (bad URL or pool size), YW_EDB (cannot open or connect),
 * YW_ENOMEM. On success the caller owns *out (yw_store_close). */
int yw_store_open(const char *url, int pool_size, struct yw_store **out,
                  struct yw_err *err) YW_MUST_USE;

/* Closes every connection and frees the store. NULL-safe. Waits for nothing:
 * the caller makes sure no transaction is open. */
void yw_store_close(struct yw_store *store);

enum yw_dialect yw_store_dialect(const struct yw_store *store);

/* A consistent snapshot of the pool counters. Thread-safe. */
void yw_store_stats(struct yw_store *store, struct yw_store_stats *out);

/* Brings the schema up to date.
 *
 * files are migrations named NNNN_name.sql (both dialects), or
 * NNNN_name.sqlite.sql and NNNN_name.postgres.sql (one per dialect, same
 * name): a version has either the common file or both dialect files. Order
 * in `files` does not matter (usually yw_migration_files).
 *
 * All pending versions are applied in version order in ONE write transaction
 * and each is recorded in yw_schema_migrations(version, name, applied_at),
 * which this function creates. On PostgreSQL it first takes a transaction
 * advisory lock, so processes starting together apply each version once.
 *
 * Errors (and nothing is changed): YW_ESCHEMA when the database records a
 * version above the highest in files ("database schema is version 7 but this
 * yiwang knows up to 3: upgrade yiwang"); YW_EINVAL for a badly named or
 * inconsistent file set; YW_EINTERNAL when a version below the database's is
 * missing from it; YW_EDB (message names the file) when a migration fails.
 * *schema_version (may be NULL) gets the resulting version (0 for none). */
int yw_store_migrate(struct yw_store *store, const struct yw_asset *files, size_t n_files,
                     int *schema_version, struct yw_err *err) YW_MUST_USE;

/* Takes a pooled connection (waiting up to YW_STORE_WAIT_MS for one, then
 * YW_EBUSY) and begins a transaction. Errors: YW_EBUSY, YW_EDB. The caller
 * ends it with yw_store_commit or yw_store_rollback. Thread-safe. */
int yw_store_begin(struct yw_store *store, enum yw_txn_mode mode, struct yw_txn **out,
                   struct yw_err *err) YW_MUST_USE;

/* Commits, returns the connection to the pool and sets *txn = NULL. On
 * failure (YW_EDB, YW_EBUSY, or an earlier failed statement) it rolls back
 * and still releases. Statements not yet finalized are closed: their handles
 * stay valid for yw_stmt_finalize only. */
int yw_store_commit(struct yw_txn **txn, struct yw_err *err) YW_MUST_USE;

/* Rolls back and releases, like commit. NULL-safe and a no-op when *txn is
 * NULL (e.g. after commit), so it belongs on every cleanup path. */
void yw_store_rollback(struct yw_txn **txn);

/* Runs one or more statements without parameters (e.g. DDL). Do not use it
 * for BEGIN/COMMIT/ROLLBACK. Errors as for yw_stmt_step. */
int yw_txn_exec(struct yw_txn *txn, const char *sql, struct yw_err *err) YW_MUST_USE;

enum yw_dialect yw_txn_dialect(const struct yw_txn *txn);

/* Prepares one statement with `?` placeholders. On PostgreSQL a `?` inside
 * '...' or E'...' strings, "..." identifiers, $tag$...$tag$ strings and
 * comments is left alone; every other `?` is a parameter (so PostgreSQL's
 * jsonb ? operators must be written as functions, e.g. jsonb_exists).
 * Syntax errors surface here on SQLite and at the first step on PostgreSQL.
 * The statement belongs to txn; finalize it before the end of txn. */
int yw_txn_prepare(struct yw_txn *txn, const char *sql, struct yw_stmt **out,
                   struct yw_err *err) YW_MUST_USE;

/* Binding, idx from 1. Values are copied. Binds stay until replaced (also
 * across yw_stmt_reset); unbound parameters are NULL. Bind before the first
 * step or after a reset. Text must be valid UTF-8 without NUL bytes (both
 * dialects then store the same thing). Errors: YW_EINVAL (bad index, bad
 * text, statement running), YW_ENOMEM. A failed bind also makes the next
 * step fail with the same code, so checking the step alone is enough.
 * On PostgreSQL int64 parameters are typed bigint, blobs bytea, and text is
 * left for the server to infer from the context (as SQLite would). */
int yw_stmt_bind_int64(struct yw_stmt *st, int idx, int64_t v);
int yw_stmt_bind_text(struct yw_stmt *st, int idx, const char *p, size_t n);
int yw_stmt_bind_blob(struct yw_stmt *st, int idx, const void *p, size_t n);
int yw_stmt_bind_null(struct yw_stmt *st, int idx);

/* Runs the statement or moves to the next row: 1 = a row is ready, 0 = done,
 * < 0 error: YW_ECONFLICT for a unique or primary key violation, YW_EBUSY
 * when the database stayed locked or PostgreSQL reports a serialization
 * failure or deadlock, YW_EDB otherwise, with the database's message (never
 * the bound values) in err. Once done it stays done until yw_stmt_reset.
 * On PostgreSQL the whole result is fetched by the first step. */
int yw_stmt_step(struct yw_stmt *st, struct yw_err *err) YW_MUST_USE;

/* Rows inserted, updated or deleted by the statement (not counting triggers),
 * once it has run to completion; 0 for anything else. */
int yw_stmt_changes(struct yw_stmt *st);

/* Columns of the current row, col from 0. Out of range or no row: NULL.
 * yw_stmt_column_int64 gives 0 for NULL; PostgreSQL booleans give 0/1 and
 * its integer-valued numerics (SUM) parse, other non-integers give 0 there
 * (SQLite converts them its own way: do not rely on either). Text and blob slices are lent
 * until the next step, reset or finalize; NULL gives {NULL, 0}, an empty
 * value {"", 0}. Blobs from PostgreSQL bytea are decoded (read them with
 * column_blob: column_text shows PostgreSQL's \x hex form); read booleans
 * with column_int64 (PostgreSQL's text form is t/f, SQLite's 1/0). */
bool yw_stmt_column_is_null(struct yw_stmt *st, int col);
int64_t yw_stmt_column_int64(struct yw_stmt *st, int col);
/* A number as a double: NULL gives 0, as does PostgreSQL text that is not
 * a number. */
double yw_stmt_column_double(struct yw_stmt *st, int col);
struct yw_str yw_stmt_column_text(struct yw_stmt *st, int col);
struct yw_str yw_stmt_column_blob(struct yw_stmt *st, int col);

/* Makes the statement ready to run again (binds are kept) and clears a
 * failed bind. YW_EINVAL when the transaction has ended. */
int yw_stmt_reset(struct yw_stmt *st);

/* Frees the statement. NULL-safe; sets *st = NULL. */
void yw_stmt_finalize(struct yw_stmt **st);

#endif
