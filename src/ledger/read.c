/* Reading the ledger: the newest checkpoint, pages of entries, proofs. Any
 * process may read at any time; nothing here writes. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tiles.h"

int yw_ledger_checkpoint(struct yw_store *store, struct yw_buf *note_out, uint64_t *size,
                         struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "SELECT size, note FROM yw_ledger_checkpoints ORDER BY size DESC "
                             "LIMIT 1",
                             &st, err)) < 0)
        goto out;
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, NULL, "账本尚无检查点 / the ledger has no checkpoint");
        goto out;
    }
    struct yw_str note = yw_stmt_column_text(st, 1);
    *size = (uint64_t)yw_stmt_column_int64(st, 0);
    if ((rc = yw_buf_append(note_out, note.p, note.n)) < 0)
        yw_err_set(err, rc, NULL, "checkpoint too large");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc < 0 ? rc : YW_OK;
}

int yw_ledger_entries(struct yw_store *store, uint64_t start, uint64_t count, yw_ledger_entry_fn fn,
                      void *cls, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if (count > YW_LEDGER_PAGE_MAX)
        count = YW_LEDGER_PAGE_MAX;
    if (start > (uint64_t)INT64_MAX - count)
        return yw_err_set(err, YW_EINVAL, "start", "start 超出范围 / start out of range");
    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "SELECT idx, entry FROM yw_ledger_entries WHERE idx >= ? AND idx < ? "
                             "ORDER BY idx",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, (int64_t)start);
    yw_stmt_bind_int64(st, 2, (int64_t)(start + count));
    while ((rc = yw_stmt_step(st, err)) == 1)
        if ((rc = fn(cls, (uint64_t)yw_stmt_column_int64(st, 0), yw_stmt_column_blob(st, 1))) != 0)
            break;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc < 0 ? rc : YW_OK;
}

/* Tiles read during one proof, each at most once. */
#define PROOF_TILE_CACHE 24

struct tile_reader {
    struct yw_txn *txn;
    struct yw_err *err;
    int n;
    struct {
        int level;
        uint64_t index;
        int width;
        uint8_t hashes[YW__TILE_WIDTH][YW_HASH_SIZE];
    } tiles[PROOF_TILE_CACHE];
};

static int read_tile(void *cls, int level, uint64_t index, const uint8_t (**hashes)[YW_HASH_SIZE],
                     int *width)
{
    struct tile_reader *r = cls;
    struct yw_stmt *st = NULL;
    int rc;

    for (int i = 0; i < r->n; i++)
        if (r->tiles[i].level == level && r->tiles[i].index == index) {
            *hashes = (const uint8_t(*)[YW_HASH_SIZE])r->tiles[i].hashes;
            *width = r->tiles[i].width;
            return YW_OK;
        }
    int slot = r->n < PROOF_TILE_CACHE ? r->n++ : PROOF_TILE_CACHE - 1;
    if ((rc = yw_txn_prepare(
             r->txn, "SELECT width, hashes FROM yw_ledger_tiles WHERE level = ? AND idx = ?", &st,
             r->err)) < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, level);
    yw_stmt_bind_int64(st, 2, (int64_t)index);
    rc = yw_stmt_step(st, r->err);
    if (rc == 1) {
        struct yw_str h = yw_stmt_column_blob(st, 1);
        int w = (int)yw_stmt_column_int64(st, 0);
        if (w < 1 || w > YW__TILE_WIDTH || h.n != (size_t)w * YW_HASH_SIZE) {
            rc = yw_err_set(r->err, YW_EINTERNAL, NULL, "ledger tile (%d, %llu) is malformed",
                            level, (unsigned long long)index);
        } else {
            r->tiles[slot].level = level;
            r->tiles[slot].index = index;
            r->tiles[slot].width = w;
            memcpy(r->tiles[slot].hashes, h.p, h.n);
            *hashes = (const uint8_t(*)[YW_HASH_SIZE])r->tiles[slot].hashes;
            *width = w;
            rc = YW_OK;
        }
    } else if (rc == 0) {
        rc = yw_err_set(r->err, YW_EINTERNAL, NULL, "ledger tile (%d, %llu) is missing", level,
                        (unsigned long long)index);
    }
    yw_stmt_finalize(&st);
    return rc;
}

struct subtree_source {
    enum yw_profile profile;
    struct tile_reader *reader;
};

static int subtree_from_tiles(void *cls, int level, uint64_t index, uint8_t out[YW_HASH_SIZE])
{
    struct subtree_source *s = cls;
    return yw__tile_subtree(s->profile, level, index, read_tile, s->reader, out);
}

enum proof_kind { PROOF_INCLUSION, PROOF_CONSISTENCY };

static int prove(struct yw_store *store, enum yw_profile profile, enum proof_kind kind, uint64_t a,
                 uint64_t size, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof, struct yw_err *err)
{
    struct tile_reader *reader = calloc(1, sizeof(*reader));
    struct subtree_source src = {profile, reader};
    struct yw_stmt *st = NULL;
    int rc;

    if (reader == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    reader->err = err;
    if ((rc = yw_store_begin(store, YW_TXN_READ, &reader->txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(reader->txn, "SELECT MAX(size) FROM yw_ledger_checkpoints", &st,
                             err)) < 0 ||
        (rc = yw_stmt_step(st, err)) < 0)
        goto out;
    uint64_t signed_size = (uint64_t)yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    if (size > signed_size) {
        rc = yw_err_set(err, YW_EINVAL, "size",
                        "size %llu 超过已签名的树大小 %llu / size %llu exceeds the signed tree "
                        "size %llu",
                        (unsigned long long)size, (unsigned long long)signed_size,
                        (unsigned long long)size, (unsigned long long)signed_size);
        goto out;
    }
    if (kind == PROOF_INCLUSION) {
        if (a >= size) {
            rc =
                yw_err_set(err, YW_EINVAL, "index", "index 须小于 size / index must be below size");
            goto out;
        }
        rc = yw__merkle_inclusion(profile, a, size, subtree_from_tiles, &src, proof, n_proof);
    } else {
        if (a == 0 || a > size) {
            rc = yw_err_set(err, YW_EINVAL, "from",
                            "from 须在 1 与 size 之间 / from must be between 1 and size");
            goto out;
        }
        rc = yw__merkle_consistency(profile, a, size, subtree_from_tiles, &src, proof, n_proof);
    }
    if (rc < 0 && err != NULL && err->message[0] == 0)
        yw_err_set(err, rc, NULL, "cannot build the proof");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&reader->txn);
    free(reader);
    return rc;
}

int yw_ledger_prove_inclusion(struct yw_store *store, enum yw_profile profile, uint64_t index,
                              uint64_t size, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof,
                              struct yw_err *err)
{
    return prove(store, profile, PROOF_INCLUSION, index, size, proof, n_proof, err);
}

int yw_ledger_prove_consistency(struct yw_store *store, enum yw_profile profile, uint64_t from,
                                uint64_t size, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof,
                                struct yw_err *err)
{
    return prove(store, profile, PROOF_CONSISTENCY, from, size, proof, n_proof, err);
}
