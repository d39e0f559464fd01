/* Internal to src/ledger/: the tree's right edge kept as one partial tile per
 * level (C2SP tlog-tiles layout: tiles of 256 hashes, 8 tree levels high).
 * With 8 tile levels the edge covers 2^64 leaves in 64 KiB. */
#ifndef YW_LEDGER_TILES_H
#define YW_LEDGER_TILES_H

#include "internal.h"

#define YW__TILE_HEIGHT 8
#define YW__TILE_WIDTH 256
#define YW__TILE_LEVELS 8

struct yw__edge {
    uint64_t size;                      /* leaves */
    uint64_t complete[YW__TILE_LEVELS]; /* complete tiles written per level */
    int width[YW__TILE_LEVELS];         /* hashes in the partial tile per level */
    uint8_t hashes[YW__TILE_LEVELS][YW__TILE_WIDTH][YW_HASH_SIZE];
};

/* Called when a tile becomes complete, before it is folded into the level
 * above: (level, index) and its 256 hashes (lent). */
typedef void (*yw__tile_done_fn)(void *cls, int level, uint64_t index,
                                 uint8_t hashes[][YW_HASH_SIZE]);

void yw__edge_reset(struct yw__edge *e);
/* Appends one leaf hash. */
void yw__edge_add(struct yw__edge *e, enum yw_profile p, const uint8_t leaf_hash[YW_HASH_SIZE],
                  yw__tile_done_fn done, void *cls);
/* RFC 9162 root of the e->size leaves. */
void yw__edge_root(const struct yw__edge *e, enum yw_profile p, uint8_t out[YW_HASH_SIZE]);

/* For a tree of `size` leaves: the width of the partial tile at a level
 * (0 when there is none) and that tile's index. */
uint64_t yw__tile_width_at(uint64_t size, int level);
uint64_t yw__tile_index_at(uint64_t size, int level);

/* Reads the stored tile (level, index): *hashes lent until the next call,
 * *width its number of hashes; YW_ENOTFOUND when absent. */
typedef int (*yw__tile_read_fn)(void *cls, int level, uint64_t index,
                                const uint8_t (**hashes)[YW_HASH_SIZE], int *width);

/* The hash of the complete subtree (level, index) in RFC terms (2^level
 * leaves from index * 2^level), from stored tiles. */
int yw__tile_subtree(enum yw_profile p, int level, uint64_t index, yw__tile_read_fn read, void *cls,
                     uint8_t out[YW_HASH_SIZE]) YW_MUST_USE;

#endif
