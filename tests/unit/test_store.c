/*
 * The store suite. Every test runs on the driver YW_TEST_DB names (see
 * testdb.h), each against a fresh database; ctest runs the binary once per
 * driver. PostgreSQL: scripts/with-postgres.sh env YW_TEST_DB=postgres ...
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/driver.h"
#include "store/store.h"
#include "testdb.h"

#define ASSET(path, sql)                                                                           \
    {                                                                                              \
        (path), (const unsigned char *)(sql), sizeof(sql) - 1                                      \
    }
#define N(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
    char url[512];
    struct yw_store *store;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct yw_err err = {0};

    if (fx == NULL || yw_testdb_create(fx->url, sizeof(fx->url)) != 0) {
        free(fx);
        return -1;
    }
    if (yw_store_open(fx->url, 4, &fx->store, &err) < 0) {
        fprintf(stderr, "open %s: %s\n", fx->url, err.message);
        yw_testdb_drop(fx->url);
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    yw_store_close(fx->store);
    yw_testdb_drop(fx->url);
    free(fx);
    return 0;
}

static bool str_is(struct yw_str s, const char *c)
{
    return s.p != NULL && yw_str_eq_c(s, c);
}

/* Runs a query that returns one integer, in its own read transaction. */
static int64_t query_int(struct yw_store *store, const char *sql)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    int64_t v = -1;

    assert_int_equal(yw_store_begin(store, YW_TXN_READ, &txn, &err), 0);
    if (yw_txn_prepare(txn, sql, &st, &err) < 0)
        fail_msg("%s: %s", sql, err.message);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    v = yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
    return v;
}

/* True if the statement runs at all (e.g. the table it names exists). */
static bool runs(struct yw_store *store, const char *sql)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    int rc;

    assert_int_equal(yw_store_begin(store, YW_TXN_READ, &txn, &err), 0);
    rc = yw_txn_prepare(txn, sql, &st, &err);
    if (rc == 0)
        rc = yw_stmt_step(st, &err);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc >= 0;
}

static void exec_write(struct yw_store *store, const char *sql)
{
    struct yw_txn *txn = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(store, YW_TXN_WRITE, &txn, &err), 0);
    if (yw_txn_exec(txn, sql, &err) < 0)
        fail_msg("%s: %s", sql, err.message);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
}

/* The schema most tests use: version 1 differs by dialect (BLOB vs BYTEA),
 * version 3 records which dialect file ran. */
static const struct yw_asset schema[] = {
    ASSET("0003_dialect.postgres.sql", "INSERT INTO names VALUES ('ran', 'postgres');"),
    ASSET("0001_things.sqlite.sql",
          "CREATE TABLE things (id INTEGER PRIMARY KEY, i BIGINT, s TEXT, b BLOB);\n"
          "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);\n"
          "INSERT INTO counter VALUES (1, 0);\n"),
    ASSET("0001_things.postgres.sql",
          "CREATE TABLE things (id INTEGER PRIMARY KEY, i BIGINT, s TEXT, b BYTEA);\n"
          "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);\n"
          "INSERT INTO counter VALUES (1, 0);\n"),
    ASSET("0002_names.sql", "-- a comment with a ? in it\n"
                            "CREATE TABLE names (name TEXT PRIMARY KEY, value TEXT NOT NULL);"),
    ASSET("0003_dialect.sqlite.sql", "INSERT INTO names VALUES ('ran', 'sqlite');"),
};

static void migrate_schema(struct yw_store *store)
{
    struct yw_err err = {0};
    int version = -1;

    if (yw_store_migrate(store, schema, N(schema), &version, &err) < 0)
        fail_msg("migrate: %s", err.message);
    assert_int_equal(version, 3);
}

/* ---- open ---------------------------------------------------------------- */

static void expect_open_fails(const char *url, int code, const char *needle)
{
    struct yw_store *store = (struct yw_store *)1;
    struct yw_err err = {0};

    assert_int_equal(yw_store_open(url, 2, &store, &err), code);
    assert_null(store);
    assert_int_equal(err.code, code);
    if (strstr(err.message, needle) == NULL)
        fail_msg("open %s: message \"%s\" lacks \"%s\"", url, err.message, needle);
    if (strstr(err.message, "s3cretpw") != NULL)
        fail_msg("open %s: message \"%s\" shows the password", url, err.message);
}

static void test_open_bad_urls(void **state)
{
    struct yw_store *store = NULL;
    struct yw_err err = {0};
    (void)state;

    expect_open_fails("mysql://root:s3cretpw@localhost/db", YW_EINVAL, "\"mysql\"");
    expect_open_fails("/var/lib/yiwang.db", YW_EINVAL, "sqlite:PATH");
    expect_open_fails("", YW_EINVAL, "sqlite:PATH");
    expect_open_fails("sqlite:", YW_EINVAL, "sqlite:PATH");
    expect_open_fails("sqlite:/nonexistent-yw-dir/sub/node.db", YW_EDB,
                      "/nonexistent-yw-dir/sub/node.db");
    expect_open_fails("sqlite:/nonexistent-yw-dir/sub/node.db", YW_EDB, "No such file");
    /* Port 1 on the loopback: nothing listens, the refusal is immediate. */
    expect_open_fails("postgres://yw:s3cretpw@127.0.0.1:1/yiwang", YW_EDB,
                      "cannot connect to PostgreSQL");
    expect_open_fails("postgresql://yw:s3cretpw@127.0.0.1:1/yiwang", YW_EDB, "127.0.0.1");
    /* libpq quotes a malformed percent-escape; the password must not show. */
    expect_open_fails("postgres://yw:s3cretpw%zz@127.0.0.1:1/yiwang", YW_EDB,
                      "cannot connect to PostgreSQL");
    expect_open_fails("postgres://127.0.0.1:1/yiwang?password=s3cretpw&port=x", YW_EDB,
                      "cannot connect to PostgreSQL");
    expect_open_fails("postgres://127.0.0.1:1/yiwang?password=s3cretpw%zz", YW_EDB,
                      "cannot connect to PostgreSQL");

    assert_int_equal(yw_store_open("sqlite:/tmp/x.db", 0, &store, &err), YW_EINVAL);
    assert_int_equal(yw_store_open("sqlite:/tmp/x.db", 100000, &store, &err), YW_EINVAL);
    yw_store_close(NULL);
}

static void test_dialect_and_wal(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    enum yw_dialect want = yw_testdb_is_postgres() ? YW_DIALECT_POSTGRES : YW_DIALECT_SQLITE;
    assert_int_equal(yw_store_dialect(fx->store), want);
    /* WRITE: SQLite does not count pragmas as read-only statements. */
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_dialect(txn), want);
    if (want == YW_DIALECT_SQLITE) {
        assert_int_equal(yw_txn_prepare(txn, "PRAGMA journal_mode", &st, &err), 0);
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_true(str_is(yw_stmt_column_text(st, 0), "wal"));
        yw_stmt_finalize(&st);
        assert_int_equal(yw_txn_prepare(txn, "PRAGMA foreign_keys", &st, &err), 0);
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_int_equal(yw_stmt_column_int64(st, 0), 1);
        yw_stmt_finalize(&st);
        assert_int_equal(yw_txn_prepare(txn, "PRAGMA synchronous", &st, &err), 0);
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_int_equal(yw_stmt_column_int64(st, 0), 2); /* FULL */
        yw_stmt_finalize(&st);
    } else {
        assert_int_equal(yw_txn_prepare(txn, "SHOW client_encoding", &st, &err), 0);
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_true(str_is(yw_stmt_column_text(st, 0), "UTF8"));
        yw_stmt_finalize(&st);
    }
    yw_store_rollback(&txn);
    assert_null(txn);
    yw_store_rollback(&txn); /* no-op */
}

/* ---- migrations ---------------------------------------------------------- */

static void test_migrate_applies_records_and_is_idempotent(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    int version = -1;

    migrate_schema(fx->store);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_schema_migrations"), 3);

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn,
                                    "SELECT version, name, applied_at FROM yw_schema_migrations "
                                    "ORDER BY version",
                                    &st, &err),
                     0);
    static const char *const names[] = {"things", "names", "dialect"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_int_equal(yw_stmt_column_int64(st, 0), i + 1);
        assert_true(str_is(yw_stmt_column_text(st, 1), names[i]));
        struct yw_str at = yw_stmt_column_text(st, 2);
        assert_int_equal(at.n, 24); /* 2026-01-01T00:00:00.000Z */
        assert_int_equal(at.p[23], 'Z');
    }
    assert_int_equal(yw_stmt_step(st, &err), 0);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);

    /* Again: nothing to do, nothing recorded twice, nothing re-run (the
     * INSERT of version 3 would fail on its primary key). */
    assert_int_equal(yw_store_migrate(fx->store, schema, N(schema), &version, &err), 0);
    assert_int_equal(version, 3);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_schema_migrations"), 3);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM names"), 1);

    /* A later binary with one more version applies just that one. */
    const struct yw_asset more[] = {
        schema[0], schema[1], schema[2],
        schema[3], schema[4], ASSET("0004_more.sql", "INSERT INTO names VALUES ('more', 'yes')"),
    };
    assert_int_equal(yw_store_migrate(fx->store, more, N(more), &version, &err), 0);
    assert_int_equal(version, 4);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_schema_migrations"), 4);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM names"), 2);
}

/* Several processes starting at once against one database: each version is
 * applied once and everyone ends up at the same version. */
struct migrator {
    const char *url;
    int rc;
    int version;
    char message[256];
};

static void *run_migrate(void *arg)
{
    struct migrator *m = arg;
    struct yw_store *store = NULL;
    struct yw_err err = {0};

    m->rc = yw_store_open(m->url, 1, &store, &err);
    if (m->rc == 0)
        m->rc = yw_store_migrate(store, schema, N(schema), &m->version, &err);
    memcpy(m->message, err.message, sizeof(m->message));
    yw_store_close(store);
    return NULL;
}

static void test_concurrent_migrations(void **state)
{
    struct fixture *fx = *state;
    pthread_t threads[4];
    struct migrator migrators[4];

    for (int i = 0; i < 4; i++) {
        migrators[i] = (struct migrator){.url = fx->url, .version = -1};
        assert_int_equal(pthread_create(&threads[i], NULL, run_migrate, &migrators[i]), 0);
    }
    /* Join them all before any check can fail: they use this stack frame. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < 4; i++) {
        if (migrators[i].rc != 0)
            fail_msg("migrator %d: %s", i, migrators[i].message);
        assert_int_equal(migrators[i].version, 3);
    }
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_schema_migrations"), 3);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM names"), 1);
}

static void test_migrate_picks_dialect_file(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELECT value FROM names WHERE name = 'ran'", &st, &err),
                     0);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_true(
        str_is(yw_stmt_column_text(st, 0), yw_testdb_is_postgres() ? "postgres" : "sqlite"));
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
}

static void test_migrate_failure_changes_nothing(void **state)
{
    struct fixture *fx = *state;
    struct yw_err err = {0};
    int version = -1;

    const struct yw_asset broken[] = {
        ASSET("0001_first.sql", "CREATE TABLE first_table (id INTEGER PRIMARY KEY);"),
        ASSET("0002_second.sql", "CREATE TABLE second_table (id INTEGER PRIMARY KEY;"),
    };
    /* On a fresh database: not even the migrations table is left. */
    assert_int_equal(yw_store_migrate(fx->store, broken, N(broken), &version, &err), YW_EDB);
    assert_non_null(strstr(err.message, "0002_second.sql"));
    assert_int_equal(version, -1);
    assert_false(runs(fx->store, "SELECT count(*) FROM first_table"));
    assert_false(runs(fx->store, "SELECT count(*) FROM yw_schema_migrations"));

    /* On a database at version 3: still at 3, with nothing of 4 or 5. */
    migrate_schema(fx->store);
    const struct yw_asset later[] = {
        schema[0],
        schema[1],
        schema[2],
        schema[3],
        schema[4],
        ASSET("0004_ok.sql",
              "CREATE TABLE fourth (id INTEGER); INSERT INTO names VALUES ('4', '4');"),
        ASSET("0005_bad.sql", "INSERT INTO names VALUES ('5', '5'); SELEKT 1;"),
    };
    assert_int_equal(yw_store_migrate(fx->store, later, N(later), &version, &err), YW_EDB);
    assert_non_null(strstr(err.message, "0005_bad.sql"));
    assert_int_equal(query_int(fx->store, "SELECT max(version) FROM yw_schema_migrations"), 3);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM names"), 1);
    assert_false(runs(fx->store, "SELECT count(*) FROM fourth"));
}

static void test_migrate_refuses_newer_schema(void **state)
{
    struct fixture *fx = *state;
    struct yw_err err = {0};
    int version = -1;

    migrate_schema(fx->store);
    exec_write(fx->store, "INSERT INTO yw_schema_migrations VALUES (7, 'future', 'later')");
    assert_int_equal(yw_store_migrate(fx->store, schema, N(schema), &version, &err), YW_ESCHEMA);
    assert_int_equal(err.code, YW_ESCHEMA);
    assert_string_equal(err.message,
                        "database schema is version 7 but this yiwang knows up to 3: upgrade "
                        "yiwang");
    assert_int_equal(version, -1);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_schema_migrations"), 4);

    /* An older binary (knowing only 1 and 2) against a version-3 database. */
    exec_write(fx->store, "DELETE FROM yw_schema_migrations WHERE version = 7");
    assert_int_equal(yw_store_migrate(fx->store, schema + 1, 3, &version, &err), YW_ESCHEMA);
    assert_non_null(strstr(err.message, "version 3"));
    assert_non_null(strstr(err.message, "up to 2"));
}

static void test_migrate_rejects_bad_sets(void **state)
{
    struct fixture *fx = *state;
    struct yw_err err = {0};
    int version = -1;

    /* No files at all: a valid, empty history. */
    assert_int_equal(yw_store_migrate(fx->store, NULL, 0, &version, &err), 0);
    assert_int_equal(version, 0);
    version = -1;

    const struct yw_asset one_dialect[] = {ASSET("0001_a.sqlite.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, one_dialect, 1, &version, &err), YW_EINVAL);
    assert_non_null(strstr(err.message, ".postgres.sql"));

    const struct yw_asset both[] = {ASSET("0001_a.sql", "SELECT 1"),
                                    ASSET("0001_a.postgres.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, both, 2, &version, &err), YW_EINVAL);

    const struct yw_asset twice[] = {ASSET("0001_a.sql", "SELECT 1"),
                                     ASSET("0001_b.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, twice, 2, &version, &err), YW_EINVAL);

    static const char *const bad_names[] = {"a.sql",        "0001.sql",     "0001_.sql",
                                            "0001_a.txt",   "0001_a.b.sql", "x0001_a.sql",
                                            "0000_zero.sql"};
    for (size_t i = 0; i < N(bad_names); i++) {
        const struct yw_asset f = {bad_names[i], (const unsigned char *)"SELECT 1", 8};
        assert_int_equal(yw_store_migrate(fx->store, &f, 1, &version, &err), YW_EINVAL);
        assert_non_null(strstr(err.message, bad_names[i]));
    }
    assert_int_equal(version, -1);

    /* History that does not match: 1 and 3 applied, then a 2 appears. */
    const struct yw_asset gap[] = {ASSET("0001_a.sql", "SELECT 1"),
                                   ASSET("0003_c.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, gap, 2, &version, &err), 0);
    assert_int_equal(version, 3);
    const struct yw_asset filled[] = {ASSET("0001_a.sql", "SELECT 1"),
                                      ASSET("0002_b.sql", "SELECT 1"),
                                      ASSET("0003_c.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, filled, 3, &version, &err), YW_EINTERNAL);
    assert_non_null(strstr(err.message, "0002_b.sql"));
    const struct yw_asset lost[] = {ASSET("0003_c.sql", "SELECT 1")};
    assert_int_equal(yw_store_migrate(fx->store, lost, 1, &version, &err), YW_EINTERNAL);
}

static void test_real_migrations(void **state)
{
    struct fixture *fx = *state;
    struct yw_err err = {0};
    int version = -1;

    assert_true(yw_migration_files_count >= 1);
    if (yw_store_migrate(fx->store, yw_migration_files, yw_migration_files_count, &version, &err) <
        0)
        fail_msg("migrate: %s", err.message);
    assert_true(version >= 1);
    exec_write(fx->store, "INSERT INTO yw_node (id, origin, name, profile, public_key, created_at, "
                          "updated_at) VALUES (1, 'https://a.example', 'A', 'gm', 'k', "
                          "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM yw_node"), 1);

    /* The table's checks hold on both dialects. */
    static const char *const refused[] = {
        ("INSERT INTO yw_node (id, origin, name, profile, public_key, created_at, updated_at) "
         "VALUES (2, 'o', 'n', 'gm', 'k', 't', 't')"),
        "UPDATE yw_node SET profile = 'other'",
        "UPDATE yw_node SET name = NULL",
    };
    for (size_t i = 0; i < N(refused); i++) {
        struct yw_txn *txn = NULL;
        assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
        assert_int_equal(yw_txn_exec(txn, refused[i], &err), YW_EDB);
        yw_store_rollback(&txn);
    }
}

/* ---- values -------------------------------------------------------------- */

static void test_round_trip(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    static const char text[] = "what's ? 中文 \"quoted\" -- not a comment";
    static const unsigned char blob[] = {0, 1, 0, 0xff, 0x5c, 0x78, 0, 0x27, 0x3f};
    static const int64_t ints[] = {INT64_MIN, INT64_MAX, 0, -1, 1, 4294967296LL};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(
        yw_txn_prepare(txn, "INSERT INTO things (id, i, s, b) VALUES (?, ?, ?, ?)", &st, &err), 0);
    for (size_t k = 0; k < N(ints); k++) {
        assert_int_equal(yw_stmt_bind_int64(st, 1, (int64_t)k + 1), 0);
        assert_int_equal(yw_stmt_bind_int64(st, 2, ints[k]), 0);
        assert_int_equal(yw_stmt_bind_text(st, 3, text, strlen(text)), 0);
        assert_int_equal(yw_stmt_bind_blob(st, 4, blob, sizeof(blob)), 0);
        assert_int_equal(yw_stmt_step(st, &err), 0);
        assert_int_equal(yw_stmt_reset(st), 0);
    }
    /* NULLs, and empty text and blob (which are not NULL). */
    assert_int_equal(yw_stmt_bind_int64(st, 1, 100), 0);
    assert_int_equal(yw_stmt_bind_null(st, 2), 0);
    assert_int_equal(yw_stmt_bind_null(st, 3), 0);
    assert_int_equal(yw_stmt_bind_null(st, 4), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    assert_int_equal(yw_stmt_reset(st), 0);
    assert_int_equal(yw_stmt_bind_int64(st, 1, 101), 0);
    assert_int_equal(yw_stmt_bind_text(st, 3, "", 0), 0);
    assert_int_equal(yw_stmt_bind_blob(st, 4, NULL, 0), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    yw_stmt_finalize(&st);
    assert_null(st);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
    assert_null(txn);

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELECT id, i, s, b FROM things ORDER BY id", &st, &err),
                     0);
    for (size_t k = 0; k < N(ints); k++) {
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_int_equal(yw_stmt_column_int64(st, 0), (int64_t)k + 1);
        assert_true(yw_stmt_column_int64(st, 1) == ints[k]);
        assert_false(yw_stmt_column_is_null(st, 1));
        struct yw_str s = yw_stmt_column_text(st, 2);
        assert_int_equal(s.n, strlen(text));
        assert_memory_equal(s.p, text, s.n);
        struct yw_str b = yw_stmt_column_blob(st, 3);
        struct yw_str b_again = yw_stmt_column_blob(st, 3);
        assert_int_equal(b.n, sizeof(blob));
        assert_memory_equal(b.p, blob, sizeof(blob));
        assert_ptr_equal(b.p, b_again.p); /* lent until the next step */
    }
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_int_equal(yw_stmt_column_int64(st, 0), 100);
    for (int col = 1; col <= 3; col++)
        assert_true(yw_stmt_column_is_null(st, col));
    assert_int_equal(yw_stmt_column_int64(st, 1), 0);
    assert_null(yw_stmt_column_text(st, 2).p);
    assert_null(yw_stmt_column_blob(st, 3).p);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_int_equal(yw_stmt_column_int64(st, 0), 101);
    assert_true(yw_stmt_column_is_null(st, 1));
    assert_false(yw_stmt_column_is_null(st, 2));
    assert_false(yw_stmt_column_is_null(st, 3));
    assert_true(str_is(yw_stmt_column_text(st, 2), ""));
    assert_true(str_is(yw_stmt_column_blob(st, 3), ""));
    /* Out of range columns read as NULL. */
    assert_true(yw_stmt_column_is_null(st, 4));
    assert_true(yw_stmt_column_is_null(st, -1));
    assert_null(yw_stmt_column_text(st, 99).p);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0); /* stays done */
    assert_true(yw_stmt_column_is_null(st, 0));
    yw_stmt_finalize(&st);

    /* Selecting by the text value finds the rows (no mangling on the way). */
    assert_int_equal(yw_txn_prepare(txn, "SELECT count(*) FROM things WHERE s = ?", &st, &err), 0);
    assert_int_equal(yw_stmt_bind_text(st, 1, text, strlen(text)), 0);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_int_equal(yw_stmt_column_int64(st, 0), (int64_t)N(ints));
    yw_stmt_finalize(&st);

    /* Aggregates and comparisons read as integers on both (PostgreSQL's SUM
     * of bigint is numeric, its comparisons boolean). */
    assert_int_equal(yw_txn_prepare(txn,
                                    "SELECT sum(id), count(*) > 0, count(*) = 0, max(i) FROM "
                                    "things WHERE id <= 3",
                                    &st, &err),
                     0);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_int_equal(yw_stmt_column_int64(st, 0), 6);
    assert_int_equal(yw_stmt_column_int64(st, 1), 1);
    assert_int_equal(yw_stmt_column_int64(st, 2), 0);
    assert_true(yw_stmt_column_int64(st, 3) == INT64_MAX);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
}

static void test_question_marks_in_sql_text(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn,
                                    "SELECT 'what''s ?', ? AS \"col?\", -- a ? here\n"
                                    " /* and ? here */ ?",
                                    &st, &err),
                     0);
    assert_int_equal(yw_stmt_bind_int64(st, 1, 5), 0);
    assert_int_equal(yw_stmt_bind_text(st, 2, "?", 1), 0);
    assert_int_equal(yw_stmt_bind_int64(st, 3, 7), YW_EINVAL); /* only two parameters */
    assert_int_equal(yw_stmt_reset(st), 0);                    /* forgets the failed bind */
    if (yw_stmt_step(st, &err) != 1)
        fail_msg("step: %s", err.message);
    assert_true(str_is(yw_stmt_column_text(st, 0), "what's ?"));
    assert_int_equal(yw_stmt_column_int64(st, 1), 5);
    assert_true(str_is(yw_stmt_column_text(st, 2), "?"));
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
}

static void test_pg_rewrite(void **state)
{
    static const struct {
        const char *in, *out;
        int n;
    } cases[] = {
        {"SELECT 1", "SELECT 1", 0},
        {"SELECT ?", "SELECT $1", 1},
        {"a = ? AND b = ?", "a = $1 AND b = $2", 2},
        {"'?' ?", "'?' $1", 1},
        {"'it''s ?' ?", "'it''s ?' $1", 1},
        {"\"a?\"\"b?\" ?", "\"a?\"\"b?\" $1", 1},
        {"-- ?\n?", "-- ?\n$1", 1},
        {"/* ? /* ? */ ? */ ?", "/* ? /* ? */ ? */ $1", 1},
        {"E'\\'?' ?", "E'\\'?' $1", 1},
        {"'\\' ?", "'\\' $1", 1}, /* standard strings: a backslash is a backslash */
        {"$$ ? $$ ?", "$$ ? $$ $1", 1},
        {"$fn$ ? $x$ ? $fn$ ?", "$fn$ ? $x$ ? $fn$ $1", 1},
        {"x$1 ?", "x$1 $1", 1},
        {"'unterminated ?", "'unterminated ?", 0},
        {"???", "$1$2$3", 3},
        {"中文 = ?", "中文 = $1", 1},
    };
    (void)state;

    for (size_t i = 0; i < N(cases); i++) {
        char *out = NULL;
        int n = -1;
        assert_int_equal(yw__store_pg_rewrite(cases[i].in, &out, &n), 0);
        if (strcmp(out, cases[i].out) != 0 || n != cases[i].n)
            fail_msg("rewrite(%s) = %s (%d), want %s (%d)", cases[i].in, out, n, cases[i].out,
                     cases[i].n);
        free(out);
    }
}

/* ---- errors -------------------------------------------------------------- */

static void test_unique_violation_is_conflict(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    exec_write(fx->store, "INSERT INTO things (id, s) VALUES (1, 'first')");

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "INSERT INTO things (id, s) VALUES (?, ?)", &st, &err), 0);
    assert_int_equal(yw_stmt_bind_int64(st, 1, 1), 0);
    assert_int_equal(yw_stmt_bind_text(st, 2, "s3cret-value", 12), 0);
    assert_int_equal(yw_stmt_step(st, &err), YW_ECONFLICT);
    assert_int_equal(err.code, YW_ECONFLICT);
    assert_null(strstr(err.message, "s3cret-value"));
    assert_null(strstr(err.message, "INSERT"));
    yw_stmt_finalize(&st);
    /* The transaction is dead: further statements and commit fail alike on
     * both drivers. */
    assert_int_equal(yw_txn_exec(txn, "SELECT 1", &err), YW_EDB);
    assert_int_equal(yw_txn_prepare(txn, "SELECT 1", &st, &err), YW_EDB);
    assert_null(st);
    assert_int_equal(yw_store_commit(&txn, &err), YW_EDB);
    assert_null(txn);

    /* Other constraint failures are plain database errors. */
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_exec(txn, "INSERT INTO counter (id, n) VALUES (2, NULL)", &err),
                     YW_EDB);
    yw_store_rollback(&txn);

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELEC 1", &st, &err) < 0 || yw_stmt_step(st, &err) < 0,
                     1);
    assert_int_equal(err.code, YW_EDB);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 1);
}

static void test_bad_binds_fail_the_step(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELECT ?", &st, &err), 0);
    assert_int_equal(yw_stmt_bind_text(st, 1, "\xff\xfe", 2), YW_EINVAL); /* not UTF-8 */
    assert_int_equal(yw_stmt_bind_text(st, 1, "a\0b", 3), YW_EINVAL);
    assert_int_equal(yw_stmt_bind_text(st, 1, NULL, 3), YW_EINVAL);
    assert_int_equal(yw_stmt_bind_int64(st, 0, 1), YW_EINVAL);
    assert_int_equal(yw_stmt_step(st, &err), YW_EINVAL);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
}

static void test_read_transaction_cannot_write(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    int rc = yw_txn_prepare(txn, "UPDATE counter SET n = 5", &st, &err);
    if (rc == 0)
        rc = yw_stmt_step(st, &err);
    assert_int_equal(rc, YW_EDB);
    assert_non_null(strstr(err.message, "read-only transaction"));
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    assert_int_equal(query_int(fx->store, "SELECT n FROM counter"), 0);
}

/* ---- transactions -------------------------------------------------------- */

static void test_rollback_discards(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_exec(txn,
                                 "INSERT INTO things (id) VALUES (1); "
                                 "UPDATE counter SET n = 42;",
                                 &err),
                     0);
    yw_store_rollback(&txn);
    assert_null(txn);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 0);
    assert_int_equal(query_int(fx->store, "SELECT n FROM counter"), 0);
}

static void test_commit_is_visible_to_others(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *writer = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &writer, &err), 0);
    assert_int_equal(yw_txn_exec(writer, "INSERT INTO things (id) VALUES (1)", &err), 0);
    /* Not yet visible from another connection. */
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 0);
    assert_int_equal(yw_store_commit(&writer, &err), 0);
    assert_null(writer);
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 1);
    yw_store_rollback(&writer); /* no-op after commit */
}

/* The safety level a write transaction runs at: SQLite's synchronous (2 FULL,
 * 1 NORMAL), PostgreSQL's synchronous_commit as 2 (on) or 1 (off). */
static int64_t write_safety(struct yw_txn *txn)
{
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    int64_t level;
    bool pg = yw_txn_dialect(txn) == YW_DIALECT_POSTGRES;
    assert_int_equal(
        yw_txn_prepare(txn, pg ? "SHOW synchronous_commit" : "PRAGMA synchronous", &st, &err), 0);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    level = pg ? (str_is(yw_stmt_column_text(st, 0), "off") ? 1 : 2) : yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    return level;
}

/* A derived write commits without waiting for the disk; every other write,
 * on whichever pooled connection, is back to waiting for it. */
static void test_derived_writes(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    for (int i = 0; i < 12; i++) {
        enum yw_txn_mode mode = i % 3 == 0 ? YW_TXN_WRITE : YW_TXN_WRITE_DERIVED;
        assert_int_equal(yw_store_begin(fx->store, mode, &txn, &err), 0);
        assert_int_equal(write_safety(txn), mode == YW_TXN_WRITE ? 2 : 1);
        char sql[64];
        assert_int_equal(yw_fmt(sql, sizeof(sql), "INSERT INTO things (id) VALUES (%d)", i + 1), 0);
        assert_int_equal(yw_txn_exec(txn, sql, &err), 0);
        assert_int_equal(yw_store_commit(&txn, &err), 0);
    }
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 12);
    assert_int_equal(yw_store_begin(fx->store, (enum yw_txn_mode)3, &txn, &err), YW_EINVAL);
}

/* SQLite: commits leave checkpoints to the store's checkpointer, which keeps
 * the WAL from growing: 24 MB written in 600 commits, and the WAL file stays
 * a fraction of that (with no checkpoints at all it would hold all of it). */
static void test_background_checkpoints(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    static char blob[4000];
    char wal[600];
    struct stat sb;

    if (yw_store_dialect(fx->store) != YW_DIALECT_SQLITE)
        return;
    migrate_schema(fx->store);
    memset(blob, 'x', sizeof(blob));
    for (int i = 0; i < 600; i++) {
        assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
        assert_int_equal(yw_txn_prepare(txn, "INSERT INTO things (id, b) VALUES (?, ?)", &st, &err),
                         0);
        for (int j = 0; j < 10; j++) {
            (void)yw_stmt_reset(st);
            yw_stmt_bind_int64(st, 1, i * 10 + j + 1);
            yw_stmt_bind_blob(st, 2, blob, sizeof(blob));
            assert_int_equal(yw_stmt_step(st, &err), 0);
        }
        yw_stmt_finalize(&st);
        assert_int_equal(yw_store_commit(&txn, &err), 0);
        struct timespec pause = {0, 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    assert_int_equal(query_int(fx->store, "SELECT count(*) FROM things"), 6000);
    assert_int_equal(yw_fmt(wal, sizeof(wal), "%s-wal", fx->url + strlen("sqlite:")), 0);
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size < 8 * 1024 * 1024);
}

/* Doubles come back exact: SQLite's own, PostgreSQL's shortest round-trip text. */
static void test_column_double(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn,
                                    "SELECT CAST(1 AS DOUBLE PRECISION) / 3, CAST(-2.5e-10 AS "
                                    "DOUBLE PRECISION), 42, NULL",
                                    &st, &err),
                     0);
    assert_int_equal(yw_stmt_step(st, &err), 1);
    assert_true(yw_stmt_column_double(st, 0) == 1.0 / 3.0);
    assert_true(yw_stmt_column_double(st, 1) == -2.5e-10);
    assert_true(yw_stmt_column_double(st, 2) == 42.0);
    assert_true(yw_stmt_column_double(st, 3) == 0.0);
    assert_true(yw_stmt_column_double(st, 9) == 0.0);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
}

/* Each row's score by sql (rowid, score; ordered by rowid) into scores;
 * n_phrases < 0: the query is the only parameter. */
static size_t scores_of(struct yw_txn *txn, const char *sql, const char *query, int n_phrases,
                        const char *key, double *scores, size_t max)
{
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};
    size_t n = 0;
    int rc;

    if (yw_txn_prepare(txn, sql, &st, &err) < 0)
        fail_msg("%s: %s", sql, err.message);
    if (n_phrases >= 0) {
        assert_int_equal(yw_stmt_bind_int64(st, 1, n_phrases), 0);
        if (key != NULL)
            assert_int_equal(yw_stmt_bind_text(st, 2, key, strlen(key)), 0);
        assert_int_equal(yw_stmt_bind_text(st, 3, query, strlen(query)), 0);
    } else {
        assert_int_equal(yw_stmt_bind_text(st, 1, query, strlen(query)), 0);
    }
    while ((rc = yw_stmt_step(st, &err)) == 1) {
        assert_true(n < max);
        scores[n++] = yw_stmt_column_double(st, 1);
    }
    if (rc < 0)
        fail_msg("%s: %s", query, err.message);
    yw_stmt_finalize(&st);
    return n;
}

/* Adds rows first … last to both tables: the same two columns, and tags in
 * the third column of "three" that hold the searched words too. */
static void bm25_rows(struct yw_store *store, int first, int last)
{
    static const char *const words[] = {"alpha", "beta", "gamma", "delta", "alphabet", "zeta"};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(store, YW_TXN_WRITE, &txn, &err), 0);
    for (int row = first; row <= last; row++) {
        char a[64], b[4096] = "";
        size_t at = 0;
        (void)snprintf(a, sizeof(a), "%s %s", words[row % 6], words[(row + 1) % 6]);
        /* Up to 400 tokens: lengths that take two bytes as varints; a
         * quarter of the rows repeat the words in their body. */
        for (int k = 0; k < (row * 37) % 400; k++)
            at += (size_t)(row % 4 == 0 && k % 7 == 0
                               ? snprintf(b + at, sizeof(b) - at, "%s ", words[(row + k) % 6])
                               : snprintf(b + at, sizeof(b) - at, "w%d ", (row * k) % 97));
        for (int t = 0; t < 2; t++) {
            assert_int_equal(yw_txn_prepare(txn,
                                            t ? "INSERT INTO three (rowid, a, b, c) VALUES "
                                                "(?, ?, ?, 'tag alpha beta alpha')"
                                              : "INSERT INTO two (rowid, a, b) VALUES (?, ?, ?)",
                                            &st, &err),
                             0);
            assert_int_equal(yw_stmt_bind_int64(st, 1, row), 0);
            assert_int_equal(yw_stmt_bind_text(st, 2, a, strlen(a)), 0);
            assert_int_equal(yw_stmt_bind_text(st, 3, b, strlen(b)), 0);
            assert_int_equal(yw_stmt_step(st, &err), 0);
            yw_stmt_finalize(&st);
        }
    }
    assert_int_equal(yw_store_commit(&txn, &err), 0);
}

/* Every query's scores by yw_bm25 (with and without the docsize record,
 * with and without a key) against bm25's, in one transaction of mode. */
static void bm25_compare(struct yw_store *store, enum yw_txn_mode mode)
{
    /* Texts as the catalog's search makes them (phrases and prefixes, all
     * required), and how many phrases each has. */
    static const struct {
        const char *text;
        int n_phrases;
    } queries[] = {{"\"alpha\"", 1},
                   {"\"alpha beta\"", 1},
                   {"\"al\"*", 1},
                   {"\"alpha\" AND \"gamma\"", 2},
                   {"\"alpha beta\" AND \"ga\"* AND \"delta\"", 3}};
    struct yw_txn *txn = NULL;
    struct yw_err err = {0};
    double want[128], got[128];

    assert_int_equal(yw_store_begin(store, mode, &txn, &err), 0);
    for (size_t i = 0; i < N(queries); i++) {
        char three_q[256];
        (void)snprintf(three_q, sizeof(three_q),
                       "({a b} : (%s) AND c : \"tag\") NOT c : \"none\" NOT (c : \"none\" NOT a "
                       ": \"alpha\")",
                       queries[i].text);
        size_t n = scores_of(txn,
                             "SELECT rowid, bm25(two, 10.0, 1.0) FROM two WHERE two MATCH ? "
                             "ORDER BY rowid",
                             queries[i].text, -1, NULL, want, N(want));
        assert_true(n > 0);
        for (int variant = 0; variant < 4; variant++) {
            size_t m = scores_of(
                txn,
                variant & 1 ? "SELECT s.rowid, yw_bm25(s.three, d.sz, ?, ?, 10.0, 1.0) "
                              "FROM three s LEFT JOIN three_docsize d ON d.id = "
                              "s.rowid WHERE s.three MATCH ? ORDER BY s.rowid"
                            : "SELECT rowid, yw_bm25(three, NULL, ?, ?, 10.0, 1.0) "
                              "FROM three WHERE three MATCH ? ORDER BY rowid",
                three_q, queries[i].n_phrases, variant & 2 ? queries[i].text : NULL, got, N(got));
            assert_int_equal(m, n);
            for (size_t k = 0; k < n; k++)
                if (got[k] != want[k])
                    fail_msg("%s (variant %d), row %zu: yw_bm25 %.17g, bm25 %.17g", queries[i].text,
                             variant, k, got[k], want[k]);
        }
    }
    yw_store_rollback(&txn);
}

/* yw_bm25 over a table with a third, unweighted column, given the docsize
 * record or not, scoring the leading phrases of a longer expression, gives
 * the very doubles of FTS5's bm25 over a table of the two columns alone and
 * the leading phrases alone; and so it does after the table changes, its
 * phrase counts kept under a key or not. */
static void test_bm25_is_fts5_bm25(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_err err = {0};

    if (yw_testdb_is_postgres())
        skip();
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_exec(txn,
                                 "CREATE VIRTUAL TABLE two USING fts5 (a, b); "
                                 "CREATE VIRTUAL TABLE three USING fts5 (a, b, c)",
                                 &err),
                     0);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
    bm25_rows(fx->store, 1, 40);
    for (int i = 0; i < 3; i++) /* filled, then read from the cache */
        bm25_compare(fx->store, YW_TXN_READ);
    bm25_rows(fx->store, 41, 60); /* new counts for every phrase */
    for (int i = 0; i < 3; i++)
        bm25_compare(fx->store, YW_TXN_READ);
    bm25_compare(fx->store, YW_TXN_WRITE);
    /* A change that keeps the row count: the same rows, other words. */
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_exec(txn,
                                 "UPDATE two SET a = 'alpha alpha' WHERE rowid <= 20; "
                                 "UPDATE three SET a = 'alpha alpha' WHERE rowid <= 20",
                                 &err),
                     0);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
    bm25_compare(fx->store, YW_TXN_READ);
    /* Another connection's commit: while this one (the pool's next) is held,
     * the rows are written on another; then this one is the next again. */
    bm25_compare(fx->store, YW_TXN_READ);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    bm25_rows(fx->store, 61, 90);
    yw_store_rollback(&txn);
    bm25_compare(fx->store, YW_TXN_READ);
}

static void test_changes_and_reset(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_err err = {0};

    migrate_schema(fx->store);
    assert_int_equal(yw_store_begin(fx->store, YW_TXN_WRITE, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "INSERT INTO things (id, i) VALUES (?, ?)", &st, &err), 0);
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(yw_stmt_bind_int64(st, 1, i), 0);
        assert_int_equal(yw_stmt_bind_int64(st, 2, i * 10), 0);
        assert_int_equal(yw_stmt_step(st, &err), 0);
        assert_int_equal(yw_stmt_changes(st), 1);
        assert_int_equal(yw_stmt_step(st, &err), 0);                /* done: not inserted again */
        assert_int_equal(yw_stmt_bind_int64(st, 1, 99), YW_EINVAL); /* reset first */
        assert_int_equal(yw_stmt_reset(st), 0);
        assert_int_equal(yw_stmt_changes(st), 0);
    }
    yw_stmt_finalize(&st);

    assert_int_equal(yw_txn_prepare(txn, "UPDATE things SET s = 'x' WHERE i > ?", &st, &err), 0);
    assert_int_equal(yw_stmt_bind_int64(st, 1, 20), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    assert_int_equal(yw_stmt_changes(st), 3);
    assert_int_equal(yw_stmt_reset(st), 0); /* same bind, nothing new above 100 */
    assert_int_equal(yw_stmt_bind_int64(st, 1, 100), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    assert_int_equal(yw_stmt_changes(st), 0);
    yw_stmt_finalize(&st);

    assert_int_equal(yw_txn_prepare(txn, "DELETE FROM things WHERE id <= 2", &st, &err), 0);
    assert_int_equal(yw_stmt_step(st, &err), 0);
    assert_int_equal(yw_stmt_changes(st), 2);
    yw_stmt_finalize(&st);

    assert_int_equal(yw_txn_prepare(txn, "SELECT id FROM things", &st, &err), 0);
    while (yw_stmt_step(st, &err) == 1)
        ;
    assert_int_equal(yw_stmt_changes(st), 0);
    yw_stmt_finalize(&st);

    assert_int_equal(yw_txn_prepare(txn, "SELECT i FROM things WHERE id = ?", &st, &err), 0);
    for (int id = 3; id <= 5; id++) {
        assert_int_equal(yw_stmt_reset(st), 0);
        assert_int_equal(yw_stmt_bind_int64(st, 1, id), 0);
        assert_int_equal(yw_stmt_step(st, &err), 1);
        assert_int_equal(yw_stmt_column_int64(st, 0), id * 10);
    }
    yw_stmt_finalize(&st);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
}

static void test_statement_outliving_its_transaction(void **state)
{
    struct fixture *fx = *state;
    struct yw_txn *txn = NULL;
    struct yw_stmt *a = NULL, *b = NULL;
    struct yw_err err = {0};

    assert_int_equal(yw_store_begin(fx->store, YW_TXN_READ, &txn, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELECT 1", &a, &err), 0);
    assert_int_equal(yw_txn_prepare(txn, "SELECT 2", &b, &err), 0);
    assert_int_equal(yw_stmt_step(a, &err), 1);
    assert_int_equal(yw_store_commit(&txn, &err), 0);
    /* Closed with the transaction; only finalize is left to do. */
    assert_int_equal(yw_stmt_step(a, &err), YW_EINVAL);
    assert_int_equal(yw_stmt_bind_int64(b, 1, 1), YW_EINVAL);
    assert_true(yw_stmt_column_is_null(a, 0));
    assert_int_equal(yw_stmt_reset(b), YW_EINVAL);
    yw_stmt_finalize(&a);
    yw_stmt_finalize(&b);
    yw_stmt_finalize(&b); /* NULL-safe */
}

/* ---- the pool ------------------------------------------------------------ */

#define N_THREADS 8
#define N_INCREMENTS 200

struct worker {
    struct yw_store *store;
    int failures;
    char last_error[256];
};

static void *increment(void *arg)
{
    struct worker *w = arg;

    for (int i = 0; i < N_INCREMENTS; i++) {
        struct yw_txn *txn = NULL;
        struct yw_stmt *st = NULL;
        struct yw_err err = {0};
        int rc;
        if ((rc = yw_store_begin(w->store, YW_TXN_WRITE, &txn, &err)) < 0)
            goto out;
        if ((rc = yw_txn_prepare(txn, "UPDATE counter SET n = n + ? WHERE id = 1", &st, &err)) < 0)
            goto out;
        yw_stmt_bind_int64(st, 1, 1);
        if ((rc = yw_stmt_step(st, &err)) < 0)
            goto out;
        if (yw_stmt_changes(st) != 1) {
            rc = yw_err_set(&err, YW_EINTERNAL, NULL, "changes = %d", yw_stmt_changes(st));
            goto out;
        }
        yw_stmt_finalize(&st);
        rc = yw_store_commit(&txn, &err);
    out:
        yw_stmt_finalize(&st);
        yw_store_rollback(&txn);
        if (rc < 0) {
            w->failures++;
            memcpy(w->last_error, err.message, sizeof(w->last_error));
        }
    }
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    struct fixture *fx = *state;
    pthread_t threads[N_THREADS];
    struct worker workers[N_THREADS];
    struct yw_store_stats stats;

    migrate_schema(fx->store);
    for (int i = 0; i < N_THREADS; i++) {
        workers[i] = (struct worker){.store = fx->store};
        assert_int_equal(pthread_create(&threads[i], NULL, increment, &workers[i]), 0);
    }
    for (int i = 0; i < N_THREADS; i++)
        assert_int_equal(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < N_THREADS; i++) {
        if (workers[i].failures > 0)
            fail_msg("thread %d: %d failures, last: %s", i, workers[i].failures,
                     workers[i].last_error);
    }
    assert_int_equal(query_int(fx->store, "SELECT n FROM counter WHERE id = 1"),
                     N_THREADS * N_INCREMENTS);
    yw_store_stats(fx->store, &stats);
    assert_int_equal(stats.pool_size, 4);
    assert_int_equal(stats.in_use, 0);
    assert_int_equal(stats.timeouts, 0);
    assert_true(stats.waits > 0); /* 8 threads, 4 connections */
}

/* The pool of one, taken: the next begin waits YW_STORE_WAIT_MS and gives up. */
static void test_pool_exhausted(void **state)
{
    struct fixture *fx = *state;
    struct yw_store *store = NULL;
    struct yw_txn *held = NULL, *txn = NULL;
    struct yw_store_stats stats;
    struct yw_err err = {0};

    assert_int_equal(yw_store_open(fx->url, 1, &store, &err), 0);
    assert_int_equal(yw_store_begin(store, YW_TXN_READ, &held, &err), 0);
    yw_store_stats(store, &stats);
    assert_int_equal(stats.in_use, 1);
    int64_t start = yw_monotonic_ns();
    assert_int_equal(yw_store_begin(store, YW_TXN_READ, &txn, &err), YW_EBUSY);
    int64_t waited_ms = (yw_monotonic_ns() - start) / 1000000;
    assert_null(txn);
    assert_true(waited_ms >= YW_STORE_WAIT_MS - 50 && waited_ms < YW_STORE_WAIT_MS + 2000);
    assert_non_null(strstr(err.message, "busy"));
    yw_store_stats(store, &stats);
    assert_int_equal(stats.pool_size, 1);
    assert_int_equal(stats.waits, 1);
    assert_int_equal(stats.timeouts, 1);
    yw_store_rollback(&held);
    assert_int_equal(yw_store_begin(store, YW_TXN_READ, &txn, &err), 0);
    yw_store_rollback(&txn);
    yw_store_stats(store, &stats);
    assert_int_equal(stats.in_use, 0);
    yw_store_close(store);
}

int main(void)
{
    int skip = yw_testdb_skip();
    if (skip != 0)
        return skip;

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_bad_urls),
        cmocka_unit_test(test_pg_rewrite),
        T(test_dialect_and_wal),
        T(test_migrate_applies_records_and_is_idempotent),
        T(test_migrate_picks_dialect_file),
        T(test_concurrent_migrations),
        T(test_migrate_failure_changes_nothing),
        T(test_migrate_refuses_newer_schema),
        T(test_migrate_rejects_bad_sets),
        T(test_real_migrations),
        T(test_round_trip),
        T(test_question_marks_in_sql_text),
        T(test_unique_violation_is_conflict),
        T(test_bad_binds_fail_the_step),
        T(test_read_transaction_cannot_write),
        T(test_rollback_discards),
        T(test_commit_is_visible_to_others),
        T(test_derived_writes),
        T(test_background_checkpoints),
        T(test_changes_and_reset),
        T(test_column_double),
        T(test_bm25_is_fts5_bm25),
        T(test_statement_outliving_its_transaction),
        T(test_concurrent_writers),
        T(test_pool_exhausted),
    };
#undef T
    return cmocka_run_group_tests_name(
        yw_testdb_is_postgres() ? "store (postgres)" : "store (sqlite)", tests, NULL, NULL);
}
