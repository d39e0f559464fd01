/*
 * Baseline for bench/ledger_append.sh: raw SQLite inserts of N rows of a
 * given size into a table shaped like yw_ledger_entries, in WAL mode with
 * synchronous=FULL, one transaction per BATCH rows (the group committer's
 * batch size), one prepared single-row INSERT reused. No hashing, no tiles,
 * no checkpoints: what the disk and SQLite allow, nothing more.
 *
 *   raw_insert DB ROWS ENTRY_BYTES [BATCH]
 *
 * Prints "ROWS rows in SECONDS s (RATE rows/s)". Built by the bench script
 * (gcc -O2 raw_insert.c -lsqlite3); not part of the CMake build.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define POOL_BYTES (1 << 20)

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *text, long long min, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min)
        return -1;
    *out = v;
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "raw_insert: %s: %s\n", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long long rows, entry_bytes, batch = 1000;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    unsigned char *pool = NULL;
    int status = 1;

    if (argc < 4 || argc > 5 || parse_count(argv[2], 1, &rows) < 0 ||
        parse_count(argv[3], 1, &entry_bytes) < 0 ||
        (argc == 5 && parse_count(argv[4], 1, &batch) < 0)) {
        fprintf(stderr, "usage: raw_insert DB ROWS ENTRY_BYTES [BATCH]\n");
        return 2;
    }
    /* Rows are windows onto a pool of pseudo-random bytes, so that they
     * differ from one another and cost nothing to make. */
    size_t pool_size = (size_t)entry_bytes + POOL_BYTES;
    if ((pool = malloc(pool_size)) == NULL)
        goto out;
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (size_t b = 0; b < pool_size; b++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        pool[b] = (unsigned char)x;
    }
    if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
        fprintf(stderr, "raw_insert: cannot open %s\n", argv[1]);
        goto out;
    }
    if (exec(db, "PRAGMA journal_mode=WAL") < 0 || exec(db, "PRAGMA synchronous=FULL") < 0 ||
        exec(db, "CREATE TABLE yw_ledger_entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)") <
            0)
        goto out;
    if (sqlite3_prepare_v2(db, "INSERT INTO yw_ledger_entries (idx, entry) VALUES (?, ?)", -1,
                           &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw_insert: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    double start = now_s();
    for (long long idx = 0; idx < rows;) {
        if (exec(db, "BEGIN") < 0)
            goto out;
        for (long long i = 0; i < batch && idx < rows; i++, idx++) {
            const unsigned char *entry = pool + (size_t)idx * 4099 % POOL_BYTES;
            sqlite3_bind_int64(stmt, 1, idx);
            sqlite3_bind_blob(stmt, 2, entry, (int)entry_bytes, SQLITE_STATIC);
            if (sqlite3_step(stmt) != SQLITE_DONE) {
                fprintf(stderr, "raw_insert: %s\n", sqlite3_errmsg(db));
                goto out;
            }
            sqlite3_reset(stmt);
        }
        if (exec(db, "COMMIT") < 0)
            goto out;
    }
    double secs = now_s() - start;
    printf("%lld rows in %.2f s (%.0f rows/s)\n", rows, secs, (double)rows / secs);
    status = 0;
out:
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    free(pool);
    return status;
}
