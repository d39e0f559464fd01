/*
 * RFC 9162 section 2.1: the Merkle tree hash, inclusion and consistency proofs
 * and their verification, for both profiles (SHA-256 for intl, SM3 for gm).
 *
 * Proof generation follows the recursive PATH and SUBPROOF definitions
 * literally; every MTH they need is assembled from complete subtrees that the
 * caller's callback supplies (see mth_range). Verification uses the iterative
 * algorithms of sections 2.1.3.2 and 2.1.4.2, which also enforce the exact
 * proof length. Design note: docs/internals/ledger.md.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

/* Tree sizes above 2^63 are refused by consistency generation: their proofs
 * can be 65 nodes long, one more than YW__PROOF_MAX (ceil(log2 n) + 1). */
#define MAX_CONSISTENCY_SIZE (UINT64_C(1) << 63)

static int leaf_hash(enum yw_profile p, const void *entry, size_t n, uint8_t out[YW_HASH_SIZE])
{
    static const char prefix = 0x00;
    const struct yw_str parts[2] = {{&prefix, 1}, {entry, n}};
    return yw_hashv(p, parts, 2, out);
}

static int node_hash(enum yw_profile p, const uint8_t left[YW_HASH_SIZE],
                     const uint8_t right[YW_HASH_SIZE], uint8_t out[YW_HASH_SIZE])
{
    static const char prefix = 0x01;
    const struct yw_str parts[3] = {
        {&prefix, 1}, {(const char *)left, YW_HASH_SIZE}, {(const char *)right, YW_HASH_SIZE}};
    return yw_hashv(p, parts, 3, out);
}

/* The void entry points cannot report an error. yw_hashv fails only for an
 * invalid profile (a caller bug) or when OpenSSL itself fails; carrying on
 * with an unset hash could put a wrong value into the ledger, so stop. */
static void hash_or_abort(int rc)
{
    if (rc < 0) {
        yw_log(YW_LOG_ERROR, "ledger_hash_failed", "\"code\":\"%s\"", yw_err_name(rc));
        abort();
    }
}

void yw__leaf_hash(enum yw_profile p, const void *entry, size_t n, uint8_t out[YW_HASH_SIZE])
{
    hash_or_abort(leaf_hash(p, entry, n, out));
}

void yw__node_hash(enum yw_profile p, const uint8_t left[YW_HASH_SIZE],
                   const uint8_t right[YW_HASH_SIZE], uint8_t out[YW_HASH_SIZE])
{
    hash_or_abort(node_hash(p, left, right, out));
}

void yw__empty_root(enum yw_profile p, uint8_t out[YW_HASH_SIZE])
{
    hash_or_abort(yw_hash(p, NULL, 0, out));
}

/* ---- generation ---------------------------------------------------------- */

/* The largest power of two strictly below n (n >= 2): RFC 9162's k. */
static uint64_t split_point(uint64_t n)
{
    return UINT64_C(1) << (63 - __builtin_clzll(n - 1));
}

struct source {
    enum yw_profile profile;
    yw__subtree_fn get;
    void *cls;
};

/* MTH(D[lo : lo + n]) for n >= 1. A range that is one complete, aligned
 * subtree ([a, a + 2^k) with a a multiple of 2^k) is a single callback;
 * otherwise it splits as the RFC does, at the largest power of two below n.
 * Every range the proof definitions ask for starts at a multiple of its own
 * split point, so each lookup lands on a complete subtree and a range of n
 * leaves costs popcount(n) lookups. Recursion depth is at most 64. */
static int mth_range(const struct source *src, uint64_t lo, uint64_t n, uint8_t out[YW_HASH_SIZE])
{
    uint8_t left[YW_HASH_SIZE], right[YW_HASH_SIZE];
    int rc;

    if ((n & (n - 1)) == 0) {
        int level = __builtin_ctzll(n);
        if ((lo & (n - 1)) == 0)
            return src->get(src->cls, level, lo >> level, out);
    }
    if (n == 1) /* unreachable: a single leaf is always aligned */
        return YW_EINTERNAL;
    uint64_t k = split_point(n);
    if ((rc = mth_range(src, lo, k, left)) < 0 || (rc = mth_range(src, lo + k, n - k, right)) < 0)
        return rc;
    return node_hash(src->profile, left, right, out);
}

struct proof_out {
    uint8_t (*nodes)[YW_HASH_SIZE];
    size_t n;
};

static int push_mth(const struct source *src, struct proof_out *po, uint64_t lo, uint64_t n)
{
    if (po->n >= YW__PROOF_MAX)
        return YW_EINTERNAL; /* excluded by the size limits */
    int rc = mth_range(src, lo, n, po->nodes[po->n]);
    if (rc == 0)
        po->n++;
    return rc;
}

/* PATH(m, D[lo : lo + n]), leaf upward: the recursion runs first, so the
 * deepest sibling is appended first. */
static int path(const struct source *src, struct proof_out *po, uint64_t m, uint64_t lo, uint64_t n)
{
    int rc;

    if (n == 1)
        return 0;
    uint64_t k = split_point(n);
    if (m < k) {
        if ((rc = path(src, po, m, lo, k)) < 0)
            return rc;
        return push_mth(src, po, lo + k, n - k);
    }
    if ((rc = path(src, po, m - k, lo + k, n - k)) < 0)
        return rc;
    return push_mth(src, po, lo, k);
}

/* SUBPROOF(m, D[lo : lo + n], b). */
static int subproof(const struct source *src, struct proof_out *po, uint64_t m, uint64_t lo,
                    uint64_t n, bool b)
{
    int rc;

    if (m == n)
        return b ? 0 : push_mth(src, po, lo, n);
    uint64_t k = split_point(n);
    if (m <= k) {
        if ((rc = subproof(src, po, m, lo, k, b)) < 0)
            return rc;
        return push_mth(src, po, lo + k, n - k);
    }
    if ((rc = subproof(src, po, m - k, lo + k, n - k, false)) < 0)
        return rc;
    return push_mth(src, po, lo, k);
}

int yw__merkle_root(enum yw_profile p, uint64_t size, yw__subtree_fn get, void *cls,
                    uint8_t out[YW_HASH_SIZE])
{
    const struct source src = {p, get, cls};

    if (size == 0)
        return yw_hash(p, NULL, 0, out);
    return mth_range(&src, 0, size, out);
}

int yw__merkle_inclusion(enum yw_profile p, uint64_t index, uint64_t size, yw__subtree_fn get,
                         void *cls, uint8_t proof[][YW_HASH_SIZE], size_t *n_proof)
{
    const struct source src = {p, get, cls};
    struct proof_out po = {proof, 0};
    int rc;

    *n_proof = 0;
    if (index >= size)
        return YW_EINVAL;
    if ((rc = path(&src, &po, index, 0, size)) < 0)
        return rc;
    *n_proof = po.n;
    return 0;
}

int yw__merkle_consistency(enum yw_profile p, uint64_t m, uint64_t n, yw__subtree_fn get, void *cls,
                           uint8_t proof[][YW_HASH_SIZE], size_t *n_proof)
{
    const struct source src = {p, get, cls};
    struct proof_out po = {proof, 0};
    int rc;

    *n_proof = 0;
    if (m == 0 || m > n || n > MAX_CONSISTENCY_SIZE)
        return YW_EINVAL;
    if (m == n)
        return 0;
    if ((rc = subproof(&src, &po, m, 0, n, true)) < 0)
        return rc;
    *n_proof = po.n;
    return 0;
}

/* ---- verification -------------------------------------------------------- */

int yw__merkle_verify_inclusion(enum yw_profile p, uint64_t index, uint64_t size,
                                const uint8_t leaf_hash[YW_HASH_SIZE],
                                const uint8_t proof[][YW_HASH_SIZE], size_t n_proof,
                                const uint8_t root[YW_HASH_SIZE])
{
    uint8_t r[YW_HASH_SIZE];
    int rc;

    /* 1. */
    if (index >= size)
        return YW_EVERIFY;
    /* 2., 3. */
    uint64_t fn = index, sn = size - 1;
    memcpy(r, leaf_hash, YW_HASH_SIZE);
    /* 4. */
    for (size_t i = 0; i < n_proof; i++) {
        if (sn == 0) /* a. the proof is longer than the path */
            return YW_EVERIFY;
        if ((fn & 1) || fn == sn) { /* b. the node is a left sibling */
            if ((rc = node_hash(p, proof[i], r, r)) < 0)
                return rc;
            /* A right-edge node with no sibling at this level: climb past
             * the levels where it is promoted unchanged (RFC step 4.b.ii). */
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            if ((rc = node_hash(p, r, proof[i], r)) < 0)
                return rc;
        }
        fn >>= 1; /* c. */
        sn >>= 1;
    }
    /* 5. sn == 0 rejects a proof that is too short. */
    if (sn != 0 || memcmp(r, root, YW_HASH_SIZE) != 0)
        return YW_EVERIFY;
    return 0;
}

int yw__merkle_verify_consistency(enum yw_profile p, uint64_t m, uint64_t n,
                                  const uint8_t root_m[YW_HASH_SIZE],
                                  const uint8_t root_n[YW_HASH_SIZE],
                                  const uint8_t proof[][YW_HASH_SIZE], size_t n_proof)
{
    uint8_t fr[YW_HASH_SIZE], sr[YW_HASH_SIZE];
    int rc;

    /* Outside the RFC: from the empty tree there is nothing to prove
     * (transparency-dev/merkle#140 rejects it too), and equal sizes need an
     * empty proof and equal roots. */
    if (m == 0 || m > n)
        return YW_EVERIFY;
    if (m == n)
        return n_proof == 0 && memcmp(root_m, root_n, YW_HASH_SIZE) == 0 ? 0 : YW_EVERIFY;
    /* 1. */
    if (n_proof == 0)
        return YW_EVERIFY;
    /* 2. When m is a power of two the old tree is a complete subtree of the
     * new one and its root is the proof's implicit first node; `next` is
     * the index in proof of the first node still to be consumed. */
    size_t next;
    if ((m & (m - 1)) == 0) {
        memcpy(fr, root_m, YW_HASH_SIZE);
        next = 0;
    } else {
        memcpy(fr, proof[0], YW_HASH_SIZE);
        next = 1;
    }
    memcpy(sr, fr, YW_HASH_SIZE); /* 5. */
    /* 3., 4. */
    uint64_t fn = m - 1, sn = n - 1;
    while (fn & 1) {
        fn >>= 1;
        sn >>= 1;
    }
    /* 6. */
    for (size_t i = next; i < n_proof; i++) {
        const uint8_t *c = proof[i];
        if (sn == 0) /* a. */
            return YW_EVERIFY;
        if ((fn & 1) || fn == sn) { /* b. */
            if ((rc = node_hash(p, c, fr, fr)) < 0 || (rc = node_hash(p, c, sr, sr)) < 0)
                return rc;
            while (!(fn & 1) && fn != 0) {
                fn >>= 1;
                sn >>= 1;
            }
        } else {
            if ((rc = node_hash(p, sr, c, sr)) < 0)
                return rc;
        }
        fn >>= 1; /* c. */
        sn >>= 1;
    }
    /* 7. */
    if (sn != 0 || memcmp(fr, root_m, YW_HASH_SIZE) != 0 || memcmp(sr, root_n, YW_HASH_SIZE) != 0)
        return YW_EVERIFY;
    return 0;
}
