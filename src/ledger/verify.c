/* Full verification of a stored ledger: everything recomputed from the entry
 * bytes, every stored derived byte compared. Memory stays constant: entries
 * are streamed in pages and the tree is kept as its right edge. */
#include "ledger.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tiles.h"

#define ENTRY_PAGE 8192
#define CHECKPOINT_PAGE 1024
#define PROGRESS_EVERY 65536

struct checkpoint_row {
    uint64_t size;
    char *note;
    size_t note_len;
};

struct verifier {
    struct yw_txn *txn;
    enum yw_profile profile;
    char origin[256];
    struct yw_key *key;
    bool all_signatures;
    uint64_t newest;      /* the newest checkpoint's size: what is verified */
    struct yw__edge edge; /* recomputed */
    uint8_t stored0[YW__TILE_WIDTH][YW_HASH_SIZE]; /* the level-0 tile being walked */
    int stored0_width;
    uint8_t scratch[YW__TILE_WIDTH][YW_HASH_SIZE];
    struct yw_ledger_verify_report *report;
    struct yw_err *err;
    int rc; /* first failure, from the tile callback */
    /* a window onto the checkpoints, ascending by size */
    struct checkpoint_row rows[CHECKPOINT_PAGE];
    size_t n_rows, next_row;
    bool rows_done;
    uint64_t rows_after; /* fetch sizes above this next (starts below 0 via first flag) */
    bool rows_started;
};

static void free_rows(struct verifier *v)
{
    for (size_t i = 0; i < v->n_rows; i++)
        free(v->rows[i].note);
    v->n_rows = v->next_row = 0;
}

/* The next stored checkpoint (size <= newest), or NULL when there is none. */
static int next_checkpoint(struct verifier *v, struct checkpoint_row **out)
{
    struct yw_stmt *st = NULL;
    int rc;

    *out = NULL;
    if (v->next_row < v->n_rows) {
        *out = &v->rows[v->next_row++];
        return YW_OK;
    }
    if (v->rows_done)
        return YW_OK;
    free_rows(v);
    if ((rc = yw_txn_prepare(v->txn,
                             "SELECT size, note FROM yw_ledger_checkpoints WHERE size >= ? AND "
                             "size <= ? ORDER BY size LIMIT 1024",
                             &st, v->err)) < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, v->rows_started ? (int64_t)v->rows_after + 1 : 0);
    yw_stmt_bind_int64(st, 2, (int64_t)v->newest);
    while ((rc = yw_stmt_step(st, v->err)) == 1) {
        struct checkpoint_row *r = &v->rows[v->n_rows];
        struct yw_str note = yw_stmt_column_text(st, 1);
        r->size = (uint64_t)yw_stmt_column_int64(st, 0);
        r->note = malloc(note.n + 1);
        if (r->note == NULL) {
            rc = yw_err_set(v->err, YW_ENOMEM, NULL, "out of memory");
            break;
        }
        memcpy(r->note, note.p, note.n);
        r->note[note.n] = '\0';
        r->note_len = note.n;
        v->n_rows++;
        v->rows_after = r->size;
        v->rows_started = true;
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    if (v->n_rows < CHECKPOINT_PAGE)
        v->rows_done = true;
    if (v->n_rows > 0)
        *out = &v->rows[v->next_row++];
    return YW_OK;
}

/* The text part of a note: up to its first blank line (a checkpoint's text
 * has none of its own). */
static int note_text(const struct checkpoint_row *r, struct yw_str *text)
{
    const char *sep = strstr(r->note, "\n\n");
    if (sep == NULL)
        return YW_EINVAL;
    *text = (struct yw_str){r->note, (size_t)(sep - r->note) + 1};
    return YW_OK;
}

static int check_checkpoint(struct verifier *v, const struct checkpoint_row *r)
{
    struct yw_str text;
    char origin[256];
    uint64_t size = 0;
    uint8_t root[YW_HASH_SIZE], want[YW_HASH_SIZE];
    struct yw_err inner = {0};
    int rc;

    if (v->all_signatures || r->size == v->newest) {
        rc = yw__note_verify((struct yw_str){r->note, r->note_len}, v->origin, v->key, &text,
                             &inner);
        if (rc < 0)
            return yw_err_set(v->err, YW_EVERIFY, NULL,
                              "检查点 %llu 的签名无效 / the signature of checkpoint %llu does not "
                              "verify: %s",
                              (unsigned long long)r->size, (unsigned long long)r->size,
                              inner.message);
        v->report->signatures++;
    } else if (note_text(r, &text) < 0) {
        return yw_err_set(v->err, YW_EVERIFY, NULL, "checkpoint %llu is not a signed note",
                          (unsigned long long)r->size);
    }
    rc = yw__checkpoint_parse(text, origin, sizeof(origin), &size, root, &inner);
    yw__edge_root(&v->edge, v->profile, want);
    if (rc < 0 || strcmp(origin, v->origin) != 0 || size != r->size ||
        memcmp(root, want, YW_HASH_SIZE) != 0)
        return yw_err_set(v->err, YW_EVERIFY, NULL,
                          "检查点 %llu 与重新计算的树不符 / checkpoint %llu does not match the "
                          "recomputed tree (origin, size or root differs)",
                          (unsigned long long)r->size, (unsigned long long)r->size);
    v->report->checkpoints++;
    return YW_OK;
}

static uint64_t first_leaf_of(int level, uint64_t tile_index, int position)
{
    uint64_t span = 1;
    for (int i = 0; i < level; i++)
        span *= YW__TILE_WIDTH;
    return ((tile_index * YW__TILE_WIDTH) + (uint64_t)position) * span;
}

/* Reads the stored tile (level, index) into buf; *width 0 when absent. */
static int load_tile(struct verifier *v, int level, uint64_t index,
                     uint8_t buf[YW__TILE_WIDTH][YW_HASH_SIZE], int *width)
{
    struct yw_stmt *st = NULL;
    int rc;

    *width = 0;
    if ((rc = yw_txn_prepare(
             v->txn, "SELECT width, hashes FROM yw_ledger_tiles WHERE level = ? AND idx = ?", &st,
             v->err)) < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, level);
    yw_stmt_bind_int64(st, 2, (int64_t)index);
    rc = yw_stmt_step(st, v->err);
    if (rc == 1) {
        struct yw_str stored = yw_stmt_column_blob(st, 1);
        int64_t w = yw_stmt_column_int64(st, 0);
        rc = YW_OK;
        if (w < 1 || w > YW__TILE_WIDTH || stored.n != (size_t)w * YW_HASH_SIZE) {
            uint64_t first = first_leaf_of(level, index, 0);
            rc = yw_err_set(v->err, YW_EVERIFY, NULL,
                            "第一个不符的位置 %llu：哈希瓦片 (%d, %llu) 长度不符 / first bad index "
                            "%llu: hash tile (%d, %llu) has the wrong length",
                            (unsigned long long)first, level, (unsigned long long)index,
                            (unsigned long long)first, level, (unsigned long long)index);
        } else {
            memcpy(buf, stored.p, stored.n);
            *width = (int)w;
        }
    }
    yw_stmt_finalize(&st);
    return rc;
}

static int tile_mismatch(struct verifier *v, int level, uint64_t index, int position,
                         const char *what_zh, const char *what_en)
{
    uint64_t bad = first_leaf_of(level, index, position);
    return yw_err_set(v->err, YW_EVERIFY, NULL,
                      "第一个不符的位置 %llu：%s（瓦片 %d/%llu）/ first bad index %llu: %s (tile "
                      "%d/%llu)",
                      (unsigned long long)bad, what_zh, level, (unsigned long long)index,
                      (unsigned long long)bad, what_en, level, (unsigned long long)index);
}

/* The stored tile (level, index) must hold exactly these hashes: the walk
 * reads one snapshot in which tiles never run ahead of the newest checkpoint. */
static int compare_tile(struct verifier *v, int level, uint64_t index, int width,
                        uint8_t hashes[][YW_HASH_SIZE])
{
    int stored_width = 0;
    int rc = load_tile(v, level, index, v->scratch, &stored_width);
    if (rc < 0)
        return rc;
    if (stored_width == 0)
        return tile_mismatch(v, level, index, 0, "哈希瓦片缺失", "a hash tile is missing");
    if (stored_width != width)
        return tile_mismatch(v, level, index, 0, "哈希瓦片长度不符",
                             "a hash tile has the wrong length");
    for (int i = 0; i < width; i++)
        if (memcmp(v->scratch[i], hashes[i], YW_HASH_SIZE) != 0)
            return tile_mismatch(v, level, index, i, "存储的子树哈希不符",
                                 "a stored subtree hash differs");
    return YW_OK;
}

static void on_tile_done(void *cls, int level, uint64_t index, uint8_t hashes[][YW_HASH_SIZE])
{
    struct verifier *v = cls;
    if (v->rc < 0)
        return;
    if (level == 0) /* its hashes were compared one by one as the leaves came */
        v->rc = v->stored0_width == YW__TILE_WIDTH
                    ? YW_OK
                    : tile_mismatch(v, 0, index, 0, "哈希瓦片长度不符",
                                    "a hash tile has the wrong length");
    else
        v->rc = compare_tile(v, level, index, YW__TILE_WIDTH, hashes);
}

/* Compares one leaf hash with the stored level-0 tile at once, so that a
 * changed entry is named by its own index. */
static int check_leaf(struct verifier *v, const uint8_t leaf[YW_HASH_SIZE])
{
    uint64_t index = v->edge.size;
    int pos = (int)(index % YW__TILE_WIDTH);
    int rc;

    if (pos == 0 &&
        (rc = load_tile(v, 0, index / YW__TILE_WIDTH, v->stored0, &v->stored0_width)) < 0)
        return rc;
    if (pos >= v->stored0_width)
        return tile_mismatch(v, 0, index / YW__TILE_WIDTH, pos, "缺少存储的叶哈希",
                             "its stored leaf hash is missing");
    if (memcmp(v->stored0[pos], leaf, YW_HASH_SIZE) != 0)
        return tile_mismatch(v, 0, index / YW__TILE_WIDTH, pos, "条目与其存储的哈希不符",
                             "the entry and its stored leaf hash differ");
    return YW_OK;
}

/* Nothing in the snapshot beyond what the newest checkpoint covers. */
static int check_counts(struct verifier *v)
{
    static const char *const sql[] = {"SELECT COUNT(*) FROM yw_ledger_entries",
                                      "SELECT COUNT(*) FROM yw_ledger_tiles",
                                      "SELECT COUNT(*) FROM yw_ledger_checkpoints WHERE size < 0"};
    static const char *const what_zh[] = {"条目", "哈希瓦片", "负大小的检查点"};
    static const char *const what_en[] = {"entries", "hash tiles", "checkpoints of negative size"};
    uint64_t want[3] = {v->newest, 0, 0};
    struct yw_stmt *st = NULL;
    int rc = YW_OK;

    for (int level = 0; level < YW__TILE_LEVELS; level++)
        want[1] += v->edge.complete[level] + (v->edge.width[level] > 0);
    for (int i = 0; i < 3 && rc == YW_OK; i++) {
        if ((rc = yw_txn_prepare(v->txn, sql[i], &st, v->err)) < 0 ||
            (rc = yw_stmt_step(st, v->err)) < 0)
            break;
        uint64_t have = (uint64_t)yw_stmt_column_int64(st, 0);
        yw_stmt_finalize(&st);
        rc = YW_OK;
        if (have != want[i])
            rc = yw_err_set(v->err, YW_EVERIFY, NULL,
                            "存储了 %llu 个%s，最新检查点只涵盖 %llu 个 / %llu %s stored where the "
                            "newest checkpoint accounts for %llu",
                            (unsigned long long)have, what_zh[i], (unsigned long long)want[i],
                            (unsigned long long)have, what_en[i], (unsigned long long)want[i]);
    }
    yw_stmt_finalize(&st);
    return rc;
}

static int walk_entries(struct verifier *v, yw_ledger_progress_fn progress, void *cls)
{
    struct checkpoint_row *cp = NULL;
    struct yw_stmt *st = NULL;
    uint8_t leaf[YW_HASH_SIZE];
    int rc;

    if ((rc = next_checkpoint(v, &cp)) < 0)
        return rc;
    while (cp != NULL && cp->size == 0) {
        if ((rc = check_checkpoint(v, cp)) < 0 || (rc = next_checkpoint(v, &cp)) < 0)
            return rc;
    }
    for (uint64_t start = 0; start < v->newest; start += ENTRY_PAGE) {
        uint64_t end = start + ENTRY_PAGE < v->newest ? start + ENTRY_PAGE : v->newest;
        if ((rc = yw_txn_prepare(v->txn,
                                 "SELECT idx, entry FROM yw_ledger_entries WHERE idx >= ? AND "
                                 "idx < ? ORDER BY idx",
                                 &st, v->err)) < 0)
            return rc;
        yw_stmt_bind_int64(st, 1, (int64_t)start);
        yw_stmt_bind_int64(st, 2, (int64_t)end);
        while ((rc = yw_stmt_step(st, v->err)) == 1) {
            uint64_t idx = (uint64_t)yw_stmt_column_int64(st, 0);
            struct yw_str entry = yw_stmt_column_blob(st, 1);
            if (idx != v->edge.size) {
                rc = yw_err_set(v->err, YW_EVERIFY, NULL,
                                "第一个不符的位置 %llu：条目缺失 / first bad index %llu: the entry "
                                "is missing",
                                (unsigned long long)v->edge.size, (unsigned long long)v->edge.size);
                break;
            }
            yw__leaf_hash(v->profile, entry.p, entry.n, leaf);
            v->report->bytes += entry.n;
            if ((rc = check_leaf(v, leaf)) < 0)
                break;
            yw__edge_add(&v->edge, v->profile, leaf, on_tile_done, v);
            if ((rc = v->rc) < 0)
                break;
            while (cp != NULL && cp->size == v->edge.size) {
                if ((rc = check_checkpoint(v, cp)) < 0 || (rc = next_checkpoint(v, &cp)) < 0)
                    break;
            }
            if (rc < 0)
                break;
            if (progress != NULL && v->edge.size % PROGRESS_EVERY == 0)
                progress(cls, v->edge.size, v->newest);
        }
        yw_stmt_finalize(&st);
        if (rc < 0)
            return rc;
        if (v->edge.size != end)
            return yw_err_set(v->err, YW_EVERIFY, NULL,
                              "第一个不符的位置 %llu：条目缺失 / first bad index %llu: the entry "
                              "is missing",
                              (unsigned long long)v->edge.size, (unsigned long long)v->edge.size);
    }
    if (cp != NULL)
        return yw_err_set(v->err, YW_EVERIFY, NULL,
                          "检查点 %llu 无对应的树 / checkpoint %llu has no matching tree",
                          (unsigned long long)cp->size, (unsigned long long)cp->size);
    /* The right edge: each partial tile exactly (level 0's hashes were
     * compared leaf by leaf), then nothing stored beyond it. */
    if (v->edge.width[0] > 0 && v->stored0_width != v->edge.width[0])
        return tile_mismatch(v, 0, v->edge.complete[0], v->edge.width[0], "哈希瓦片长度不符",
                             "a hash tile has the wrong length");
    for (int level = 1; level < YW__TILE_LEVELS; level++)
        if (v->edge.width[level] > 0 &&
            (rc = compare_tile(v, level, v->edge.complete[level], v->edge.width[level],
                               v->edge.hashes[level])) < 0)
            return rc;
    if ((rc = check_counts(v)) < 0)
        return rc;
    if (progress != NULL)
        progress(cls, v->edge.size, v->newest);
    return YW_OK;
}

int yw_ledger_verify(struct yw_store *store, enum yw_profile profile, const char *vkey,
                     bool all_signatures, yw_ledger_progress_fn progress, void *cls,
                     struct yw_ledger_verify_report *report, struct yw_err *err)
{
    struct verifier *v = calloc(1, sizeof(*v));
    struct yw_stmt *st = NULL;
    int rc;

    memset(report, 0, sizeof(*report));
    if (v == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    v->profile = profile;
    v->all_signatures = all_signatures;
    v->report = report;
    v->err = err;
    yw__edge_reset(&v->edge);
    if ((rc = yw__note_parse_vkey(yw_str_c(vkey), v->origin, sizeof(v->origin), &v->key, err)) < 0)
        goto out;
    if (yw_key_profile(v->key) != profile) {
        rc = yw_err_set(err, YW_EINVAL, "vkey",
                        "验证密钥与节点密码配置不符 / the verifier key "
                        "is not of this node's profile");
        goto out;
    }
    if ((rc = yw_store_begin(store, YW_TXN_READ, &v->txn, err)) < 0)
        goto out;
    /* One consistent snapshot throughout (SQLite's read transaction already
     * is one), so nothing can legitimately appear beyond the newest
     * checkpoint while the walk runs. */
    if (yw_txn_dialect(v->txn) == YW_DIALECT_POSTGRES &&
        (rc = yw_txn_exec(v->txn, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(v->txn, "SELECT MAX(size) FROM yw_ledger_checkpoints", &st, err)) <
            0 ||
        (rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 0 || yw_stmt_column_is_null(st, 0)) {
        rc = yw_err_set(err, YW_EVERIFY, NULL, "账本没有检查点 / the ledger has no checkpoint");
        goto out;
    }
    v->newest = (uint64_t)yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    rc = walk_entries(v, progress, cls);
    report->size = v->edge.size;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&v->txn);
    free_rows(v);
    yw_key_free(v->key);
    free(v);
    return rc;
}
