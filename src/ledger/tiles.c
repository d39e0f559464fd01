/* The tree's right edge in the C2SP tlog-tiles layout, and the hashes of
 * complete subtrees read from stored tiles. See docs/internals/ledger.md. */
#include "tiles.h"

#include <string.h>

void yw__edge_reset(struct yw__edge *e)
{
    memset(e, 0, sizeof(*e));
}

/* MTH of 2^k consecutive hashes (k <= 8), by pairwise reduction. */
static void reduce(enum yw_profile p, const uint8_t (*in)[YW_HASH_SIZE], size_t count,
                   uint8_t out[YW_HASH_SIZE])
{
    uint8_t work[YW__TILE_WIDTH / 2][YW_HASH_SIZE];
    if (count == 1) {
        memcpy(out, in[0], YW_HASH_SIZE);
        return;
    }
    for (size_t i = 0; i < count / 2; i++)
        yw__node_hash(p, in[2 * i], in[2 * i + 1], work[i]);
    for (size_t n = count / 2; n > 1; n /= 2)
        for (size_t i = 0; i < n / 2; i++)
            yw__node_hash(p, work[2 * i], work[2 * i + 1], work[i]);
    memcpy(out, work[0], YW_HASH_SIZE);
}

static void add_at(struct yw__edge *e, enum yw_profile p, int level, const uint8_t h[YW_HASH_SIZE],
                   yw__tile_done_fn done, void *cls)
{
    memcpy(e->hashes[level][e->width[level]], h, YW_HASH_SIZE);
    if (++e->width[level] < YW__TILE_WIDTH)
        return;
    uint8_t root[YW_HASH_SIZE];
    /* The tile is complete: its index is the number of complete tiles at
     * this level so far, minus one. */
    uint64_t index = e->complete[level]++;
    if (done != NULL)
        done(cls, level, index, e->hashes[level]);
    reduce(p, (const uint8_t(*)[YW_HASH_SIZE])e->hashes[level], YW__TILE_WIDTH, root);
    e->width[level] = 0;
    if (level + 1 < YW__TILE_LEVELS) /* 2^64 leaves: unreachable, but never out of bounds */
        add_at(e, p, level + 1, root, done, cls);
}

void yw__edge_add(struct yw__edge *e, enum yw_profile p, const uint8_t leaf_hash[YW_HASH_SIZE],
                  yw__tile_done_fn done, void *cls)
{
    add_at(e, p, 0, leaf_hash, done, cls);
    e->size++;
}

void yw__edge_root(const struct yw__edge *e, enum yw_profile p, uint8_t out[YW_HASH_SIZE])
{
    /* The complete subtrees of the size's binary decomposition, left to
     * right: from the highest tile level down, each level's partial tile
     * split into power-of-two runs. */
    uint8_t subtrees[YW__TILE_LEVELS * 9][YW_HASH_SIZE];
    size_t n = 0;

    if (e->size == 0) {
        yw__empty_root(p, out);
        return;
    }
    for (int level = YW__TILE_LEVELS - 1; level >= 0; level--) {
        int offset = 0;
        for (int run = YW__TILE_WIDTH / 2; run >= 1; run /= 2)
            if (e->width[level] & run) {
                reduce(p, (const uint8_t(*)[YW_HASH_SIZE])e->hashes[level] + offset, (size_t)run,
                       subtrees[n++]);
                offset += run;
            }
    }
    /* RFC 9162: MTH splits at the largest power of two, so the root folds
     * the subtrees from the right. */
    memcpy(out, subtrees[n - 1], YW_HASH_SIZE);
    for (size_t i = n - 1; i-- > 0;)
        yw__node_hash(p, subtrees[i], out, out);
}

uint64_t yw__tile_width_at(uint64_t size, int level)
{
    for (int i = 0; i < level; i++)
        size /= YW__TILE_WIDTH;
    return size % YW__TILE_WIDTH;
}

uint64_t yw__tile_index_at(uint64_t size, int level)
{
    for (int i = 0; i <= level; i++)
        size /= YW__TILE_WIDTH;
    return size;
}

int yw__tile_subtree(enum yw_profile p, int level, uint64_t index, yw__tile_read_fn read, void *cls,
                     uint8_t out[YW_HASH_SIZE])
{
    int tile_level = level / YW__TILE_HEIGHT;
    int run = 1 << (level % YW__TILE_HEIGHT);
    if (tile_level >= YW__TILE_LEVELS || index > UINT64_MAX / (uint64_t)run)
        return YW_EINVAL;
    uint64_t first = index * (uint64_t)run; /* position among this level's hashes */
    const uint8_t(*hashes)[YW_HASH_SIZE] = NULL;
    int width = 0;
    int rc = read(cls, tile_level, first / YW__TILE_WIDTH, &hashes, &width);
    if (rc < 0)
        return rc;
    int offset = (int)(first % YW__TILE_WIDTH);
    if (offset + run > width)
        return YW_EINTERNAL; /* not a complete subtree of the stored tree */
    reduce(p, hashes + offset, (size_t)run, out);
    return YW_OK;
}
