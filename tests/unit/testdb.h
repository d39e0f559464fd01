/*
 * testdb.h — a fresh, throwaway database for a test, on the driver the test
 * run asks for:
 *
 *   YW_TEST_DB=sqlite (or unset)  a new file in a new mkdtemp directory
 *   YW_TEST_DB=postgres           a new database (CREATE DATABASE) on the
 *                                 server at YW_TEST_PG_URL, which
 *                                 scripts/with-postgres.sh provides
 *
 * A PostgreSQL run without YW_TEST_PG_URL is skipped: main() calls
 * yw_testdb_skip() first and returns 77 (ctest's SKIP_RETURN_CODE) if told.
 *
 *     char url[512];
 *     if (yw_testdb_create(url, sizeof(url)) != 0) fail();
 *     ... yw_store_open(url, ...) ... yw_store_close(...)
 *     yw_testdb_drop(url);
 *
 * Header-only (static functions) so every test binary can include it.
 */
#ifndef YW_TESTDB_H
#define YW_TESTDB_H

#include <dirent.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define YW_TESTDB_SKIP 77
#define YW_TESTDB_DIR_PREFIX "yw-test-"
#define YW_TESTDB_PG_PREFIX "yw_test_"

static inline bool yw_testdb_is_postgres(void)
{
    const char *db = getenv("YW_TEST_DB");
    return db != NULL && strcmp(db, "postgres") == 0;
}

/* YW_TESTDB_SKIP (with a line on stderr) when this run cannot have its
 * database; 0 otherwise. */
static inline int yw_testdb_skip(void)
{
    const char *db = getenv("YW_TEST_DB");
    if (db != NULL && strcmp(db, "sqlite") != 0 && strcmp(db, "postgres") != 0) {
        fprintf(stderr, "testdb: YW_TEST_DB must be sqlite or postgres, not %s\n", db);
        return 1;
    }
    if (yw_testdb_is_postgres() && getenv("YW_TEST_PG_URL") == NULL) {
        fprintf(stderr, "testdb: YW_TEST_PG_URL is not set (run under scripts/with-postgres.sh): "
                        "skipping\n");
        return YW_TESTDB_SKIP;
    }
    return 0;
}

/* Splits a postgres:// URL into the part before the database name
 * ("postgres://user@host:port"), the name and the rest ("?..." or ""). */
static inline int yw_testdb__split(const char *url, size_t *base_len, const char **name,
                                   size_t *name_len, const char **query)
{
    const char *p = strstr(url, "://");
    if (p == NULL)
        return -1;
    p += 3;
    p += strcspn(p, "/?");
    *base_len = (size_t)(p - url);
    if (*p == '/')
        p++;
    *name = p;
    *name_len = strcspn(p, "?");
    *query = p + *name_len;
    return 0;
}

static inline int yw_testdb__pg_command(const char *admin_url, const char *sql)
{
    PGconn *pg = PQconnectdb(admin_url);
    int rc = -1;

    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "testdb: cannot connect to YW_TEST_PG_URL: %s", PQerrorMessage(pg));
    } else {
        PGresult *res = PQexec(pg, sql);
        if (PQresultStatus(res) == PGRES_COMMAND_OK)
            rc = 0;
        else
            fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(pg));
        PQclear(res);
    }
    PQfinish(pg);
    return rc;
}

/* Fills url with the URL of a new empty database. 0 on success,
 * YW_TESTDB_SKIP when the run has no database server, -1 on failure (the
 * reason is on stderr). */
static inline int yw_testdb_create(char *url, size_t url_size)
{
    int n;

    if (yw_testdb_skip() != 0)
        return YW_TESTDB_SKIP;
    if (!yw_testdb_is_postgres()) {
        char dir[] = "/tmp/" YW_TESTDB_DIR_PREFIX "XXXXXX";
        if (mkdtemp(dir) == NULL) {
            perror("testdb: mkdtemp");
            return -1;
        }
        n = snprintf(url, url_size, "sqlite:%s/test.db", dir);
        if (n < 0 || (size_t)n >= url_size) {
            rmdir(dir);
            return -1;
        }
        return 0;
    }

    const char *admin = getenv("YW_TEST_PG_URL");
    const char *old_name, *query;
    size_t base_len, old_len;
    uint32_t random = 0;
    char name[64], sql[128];

    if (yw_testdb__split(admin, &base_len, &old_name, &old_len, &query) != 0) {
        fprintf(stderr, "testdb: YW_TEST_PG_URL is not a postgres:// URL\n");
        return -1;
    }
    if (getrandom(&random, sizeof(random), 0) != (ssize_t)sizeof(random))
        random = (uint32_t)(uintptr_t)&random;
    snprintf(name, sizeof(name), YW_TESTDB_PG_PREFIX "%ld_%08x", (long)getpid(), random);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
    n = snprintf(url, url_size, "%.*s/%s%s", (int)base_len, admin, name, query);
    if (n < 0 || (size_t)n >= url_size)
        return -1;
    return yw_testdb__pg_command(admin, sql);
}

/* Removes what yw_testdb_create made (and whatever the test left in the
 * SQLite directory). Refuses anything it did not make. */
static inline void yw_testdb_drop(const char *url)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        char dir[512];
        const char *path = url + 7;
        const char *slash = strrchr(path, '/');
        if (slash == NULL || (size_t)(slash - path) >= sizeof(dir))
            return;
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
        const char *base = strrchr(dir, '/');
        if (base == NULL || strncmp(base + 1, YW_TESTDB_DIR_PREFIX, strlen(YW_TESTDB_DIR_PREFIX)))
            return;
        DIR *d = opendir(dir);
        if (d == NULL)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char file[1024];
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (snprintf(file, sizeof(file), "%s/%s", dir, e->d_name) < (int)sizeof(file))
                unlink(file);
        }
        closedir(d);
        rmdir(dir);
        return;
    }

    const char *admin = getenv("YW_TEST_PG_URL");
    const char *name, *query;
    size_t base_len, name_len;
    char sql[160];

    if (admin == NULL || yw_testdb__split(url, &base_len, &name, &name_len, &query) != 0)
        return;
    if (name_len >= 64 || strncmp(name, YW_TESTDB_PG_PREFIX, strlen(YW_TESTDB_PG_PREFIX)) != 0)
        return;
    /* FORCE: a test that failed halfway may have left a connection open. */
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %.*s WITH (FORCE)", (int)name_len, name);
    (void)yw_testdb__pg_command(admin, sql);
}

#endif
