/*
 * Baseline for bench/ledger_proofs.sh: reads every entry of a yiwang SQLite
 * database (yw_ledger_entries, in index order) into memory, then hashes each
 * once as an RFC 9162 leaf, SHA-256(0x00 || entry), through OpenSSL with one
 * reused digest context. The least `yiwang ledger verify` has to do.
 *
 *   hash_entries DB
 *
 * Prints the entries and bytes, the time to read them, the time to hash them,
 * and the total. Built by the bench script (gcc -O2 hash_entries.c -lsqlite3
 * -lcrypto); not part of the CMake build.
 */
#define _POSIX_C_SOURCE 200809L
#include <openssl/evp.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* All entries back to back; entry i is bytes [offsets[i], offsets[i + 1]). */
struct entries {
    unsigned char *bytes;
    size_t n_bytes, cap_bytes;
    size_t *offsets;
    size_t n, cap;
};

/* The next capacity of at least need, doubling from cap (or 1024). */
static size_t next_cap(size_t cap, size_t need)
{
    size_t cap_new = cap ? cap : 1024;
    while (cap_new < need)
        cap_new *= 2;
    return cap_new;
}

static int add(struct entries *e, const void *p, size_t n)
{
    if (e->n_bytes + n > e->cap_bytes) {
        size_t cap = next_cap(e->cap_bytes, e->n_bytes + n);
        unsigned char *bytes = realloc(e->bytes, cap);
        if (bytes == NULL)
            return -1;
        e->bytes = bytes;
        e->cap_bytes = cap;
    }
    if (e->n + 2 > e->cap) {
        size_t cap = next_cap(e->cap, e->n + 2);
        size_t *offsets = realloc(e->offsets, cap * sizeof(size_t));
        if (offsets == NULL)
            return -1;
        e->offsets = offsets;
        e->cap = cap;
    }
    if (n > 0)
        memcpy(e->bytes + e->n_bytes, p, n);
    e->offsets[e->n] = e->n_bytes;
    e->n_bytes += n;
    e->offsets[++e->n] = e->n_bytes;
    return 0;
}

int main(int argc, char **argv)
{
    struct entries e = {0};
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    EVP_MD_CTX *ctx = NULL;
    unsigned char digest[EVP_MAX_MD_SIZE], check[32] = {0};
    static const unsigned char leaf_prefix = 0x00;
    int status = 1, rc;

    if (argc != 2) {
        fprintf(stderr, "usage: hash_entries DB\n");
        return 2;
    }
    double start = now_s();
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT entry FROM yw_ledger_entries ORDER BY idx", -1, &stmt,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "hash_entries: %s: %s\n", argv[1], sqlite3_errmsg(db));
        goto out;
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        if (add(&e, sqlite3_column_blob(stmt, 0), (size_t)sqlite3_column_bytes(stmt, 0)) < 0) {
            fprintf(stderr, "hash_entries: out of memory\n");
            goto out;
        }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "hash_entries: %s\n", sqlite3_errmsg(db));
        goto out;
    }
    double read_done = now_s();

    if ((ctx = EVP_MD_CTX_new()) == NULL)
        goto out;
    for (size_t i = 0; i < e.n; i++) {
        unsigned int len = 0;
        if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
            EVP_DigestUpdate(ctx, &leaf_prefix, 1) != 1 ||
            EVP_DigestUpdate(ctx, e.bytes + e.offsets[i], e.offsets[i + 1] - e.offsets[i]) != 1 ||
            EVP_DigestFinal_ex(ctx, digest, &len) != 1 || len != 32) {
            fprintf(stderr, "hash_entries: SHA-256 failed\n");
            goto out;
        }
        for (int k = 0; k < 32; k++)
            check[k] ^= digest[k];
    }
    double end = now_s();
    printf("%zu entries, %zu bytes: read %.3f s, hash %.3f s, total %.3f s (check %02x%02x)\n", e.n,
           e.n_bytes, read_done - start, end - read_done, end - start, check[0], check[1]);
    status = 0;
out:
    EVP_MD_CTX_free(ctx);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    free(e.bytes);
    free(e.offsets);
    return status;
}
