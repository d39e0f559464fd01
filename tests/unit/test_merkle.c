/*
 * src/ledger/merkle.c: RFC 9162 section 2.1 for both profiles.
 *
 *  - the transparency-dev/merkle vectors (roots of 0..8 leaves, inclusion and
 *    consistency proofs, hasher vectors) quoted in the shared reference;
 *  - the corruption families of transparency-dev/merkle's proof/verify_test.go
 *    (off-by-one indexes and sizes, wrong roots and leaves, garbage before and
 *    after, bit flips, removed and inserted nodes), re-implemented here and
 *    applied to the vectors and to every generated proof;
 *  - every (index, size) and (m, n) up to 64 leaves in both profiles, checked
 *    against a naive recursive transcription of the RFC definitions written
 *    independently below, verified, and verified to fail after a bit flip;
 *  - edge cases: empty trees, m == n, m == 0, m > n, and sizes near 2^64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

#define H YW_HASH_SIZE

static const enum yw_profile both_profiles[] = {YW_PROFILE_INTL, YW_PROFILE_GM};
#define N_PROFILES (sizeof(both_profiles) / sizeof(both_profiles[0]))

/* ---- helpers ------------------------------------------------------------- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static size_t unhex(const char *hex, uint8_t *out, size_t out_size)
{
    size_t len = strlen(hex);
    assert_int_equal(len % 2, 0);
    assert_true(len / 2 <= out_size);
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        assert_true(hi >= 0 && lo >= 0);
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return len / 2;
}

static void hash_from_hex(const char *hex, uint8_t out[H])
{
    assert_int_equal(unhex(hex, out, H), H);
}

static void assert_hash_hex(const uint8_t got[H], const char *want)
{
    char hex[2 * H + 1];
    yw_hex(got, H, hex);
    assert_string_equal(hex, want);
}

/* The test's own hashing, straight from the RFC text: H(0x00 || d) and
 * H(0x01 || l || r) over one concatenated buffer. */
static void naive_leaf(enum yw_profile p, const uint8_t *d, size_t n, uint8_t out[H])
{
    uint8_t buf[1 + 64];
    assert_true(n <= 64);
    buf[0] = 0x00;
    if (n > 0)
        memcpy(buf + 1, d, n);
    assert_int_equal(yw_hash(p, buf, 1 + n, out), 0);
}

static void naive_node(enum yw_profile p, const uint8_t l[H], const uint8_t r[H], uint8_t out[H])
{
    uint8_t buf[1 + 2 * H];
    buf[0] = 0x01;
    memcpy(buf + 1, l, H);
    memcpy(buf + 1 + H, r, H);
    assert_int_equal(yw_hash(p, buf, sizeof(buf), out), 0);
}

/* ---- an in-memory tree and the naive reference -------------------------- */

#define MAX_LEAVES 64
#define MAX_LEVEL 6 /* 2^6 = 64 */

struct mem_tree {
    enum yw_profile p;
    uint8_t leaf[MAX_LEAVES][H];
    /* complete subtree hashes: level l, index i covers [i*2^l, (i+1)*2^l) */
    uint8_t level[MAX_LEVEL + 1][MAX_LEAVES][H];
};

/* What the callback may be asked: only complete subtrees inside the first
 * `limit` leaves (the tree the proof is for). Counts the lookups. */
struct mem_source {
    const struct mem_tree *tree;
    uint64_t limit;
    unsigned calls;
    int fail_with; /* when non-zero, the callback fails with this code */
};

static int mem_subtree(void *cls, int level, uint64_t index, uint8_t out[H])
{
    struct mem_source *src = cls;
    src->calls++;
    if (src->fail_with != 0)
        return src->fail_with;
    assert_true(level >= 0 && level <= MAX_LEVEL);
    assert_true((index + 1) << level <= src->limit);
    memcpy(out, src->tree->level[level][index], H);
    return 0;
}

static void mem_tree_init(struct mem_tree *t, enum yw_profile p)
{
    t->p = p;
    for (int i = 0; i < MAX_LEAVES; i++) {
        uint8_t data[16];
        int n = snprintf((char *)data, sizeof(data), "entry %d", i);
        naive_leaf(p, data, (size_t)n, t->leaf[i]);
        memcpy(t->level[0][i], t->leaf[i], H);
    }
    for (int l = 1; l <= MAX_LEVEL; l++)
        for (int i = 0; i < (MAX_LEAVES >> l); i++)
            naive_node(p, t->level[l - 1][2 * i], t->level[l - 1][2 * i + 1], t->level[l][i]);
}

/* MTH(D[lo:hi]) straight from the leaves. */
static void naive_mth(const struct mem_tree *t, uint64_t lo, uint64_t hi, uint8_t out[H])
{
    uint64_t n = hi - lo, k = 1;
    if (n == 0) {
        assert_int_equal(yw_hash(t->p, "", 0, out), 0);
        return;
    }
    if (n == 1) {
        memcpy(out, t->leaf[lo], H);
        return;
    }
    while (k * 2 < n)
        k *= 2;
    uint8_t l[H], r[H];
    naive_mth(t, lo, lo + k, l);
    naive_mth(t, lo + k, hi, r);
    naive_node(t->p, l, r, out);
}

struct naive_proof {
    uint8_t node[YW__PROOF_MAX][H];
    size_t n;
};

static void naive_push(struct naive_proof *pr, const struct mem_tree *t, uint64_t lo, uint64_t hi)
{
    assert_true(pr->n < YW__PROOF_MAX);
    naive_mth(t, lo, hi, pr->node[pr->n++]);
}

/* PATH(m, D[lo:hi]) */
static void naive_path(const struct mem_tree *t, uint64_t m, uint64_t lo, uint64_t hi,
                       struct naive_proof *pr)
{
    uint64_t n = hi - lo, k = 1;
    if (n == 1)
        return;
    while (k * 2 < n)
        k *= 2;
    if (m < k) {
        naive_path(t, m, lo, lo + k, pr);
        naive_push(pr, t, lo + k, hi);
    } else {
        naive_path(t, m - k, lo + k, hi, pr);
        naive_push(pr, t, lo, lo + k);
    }
}

/* SUBPROOF(m, D[lo:hi], b) */
static void naive_subproof(const struct mem_tree *t, uint64_t m, uint64_t lo, uint64_t hi, bool b,
                           struct naive_proof *pr)
{
    uint64_t n = hi - lo, k = 1;
    if (m == n) {
        if (!b)
            naive_push(pr, t, lo, hi);
        return;
    }
    while (k * 2 < n)
        k *= 2;
    if (m <= k) {
        naive_subproof(t, m, lo, lo + k, b, pr);
        naive_push(pr, t, lo + k, hi);
    } else {
        naive_subproof(t, m - k, lo + k, hi, false, pr);
        naive_push(pr, t, lo, lo + k);
    }
}

/* ---- the corruption families --------------------------------------------- */

static const char some_hash_hex[] =
    "abacaba000000000000000000000000000000000000000000060061e00123456";

struct probe {
    uint64_t a, b; /* (index, size) or (m, n) */
    uint8_t h1[H], h2[H];
    uint8_t proof[YW__PROOF_MAX + 2][H];
    size_t n;
    char desc[48];
};

static void probe_init(struct probe *pr, uint64_t a, uint64_t b, const uint8_t h1[H],
                       const uint8_t h2[H], const uint8_t (*proof)[H], size_t n, const char *desc)
{
    pr->a = a;
    pr->b = b;
    memcpy(pr->h1, h1, H);
    memcpy(pr->h2, h2, H);
    assert_true(n <= YW__PROOF_MAX);
    if (n > 0)
        memcpy(pr->proof, proof, n * H);
    pr->n = n;
    snprintf(pr->desc, sizeof(pr->desc), "%s", desc);
}

static void probe_append(struct probe *pr, const uint8_t h[H])
{
    memcpy(pr->proof[pr->n++], h, H);
}

static void probe_prepend(struct probe *pr, const uint8_t h[H])
{
    memmove(pr->proof[1], pr->proof[0], pr->n * H);
    memcpy(pr->proof[0], h, H);
    pr->n++;
}

/* Every corruption of a valid inclusion proof (index, size, leaf, root) must
 * fail. Empty byte strings of the Go original become a 32-byte zero hash,
 * "WrongLeaf" the leaf hash of that string. Returns the number of probes. */
static int check_inclusion_probes(enum yw_profile p, uint64_t index, uint64_t size,
                                  const uint8_t leaf[H], const uint8_t (*proof)[H], size_t n,
                                  const uint8_t root[H])
{
    static const uint8_t zero[H];
    uint8_t some[H], empty[H], wrong_leaf[H];
    struct probe *probes = calloc(16 + YW__PROOF_MAX, sizeof(*probes));
    size_t k = 0;

    assert_non_null(probes);
    hash_from_hex(some_hash_hex, some);
    yw__empty_root(p, empty);
    yw__leaf_hash(p, "WrongLeaf", 9, wrong_leaf);

    probe_init(&probes[k++], index - 1, size, leaf, root, proof, n, "index - 1");
    probe_init(&probes[k++], index + 1, size, leaf, root, proof, n, "index + 1");
    probe_init(&probes[k++], index ^ 2, size, leaf, root, proof, n, "index ^ 2");
    probe_init(&probes[k++], index, size * 2, leaf, root, proof, n, "size * 2");
    probe_init(&probes[k++], index, size / 2, leaf, root, proof, n, "size / 2");
    probe_init(&probes[k++], index, size, wrong_leaf, root, proof, n, "wrong leaf");
    probe_init(&probes[k++], index, size, leaf, empty, proof, n, "empty root");
    probe_init(&probes[k++], index, size, leaf, some, proof, n, "random root");
    probe_init(&probes[k], index, size, leaf, root, proof, n, "trailing garbage");
    probe_append(&probes[k++], zero);
    probe_init(&probes[k], index, size, leaf, root, proof, n, "trailing root");
    probe_append(&probes[k++], root);
    probe_init(&probes[k], index, size, leaf, root, proof, n, "preceding garbage");
    probe_prepend(&probes[k++], zero);
    probe_init(&probes[k], index, size, leaf, root, proof, n, "preceding root");
    probe_prepend(&probes[k++], root);
    for (size_t i = 0; i < n; i++) {
        char desc[48];
        snprintf(desc, sizeof(desc), "modified proof[%zu] bit 3", i);
        probe_init(&probes[k], index, size, leaf, root, proof, n, desc);
        probes[k++].proof[i][0] ^= 8;
    }
    if (n > 0)
        probe_init(&probes[k++], index, size, leaf, root, proof, n - 1, "removed component");
    if (n > 1) {
        probe_init(&probes[k], index, size, leaf, root, proof, n, "inserted component");
        memmove(probes[k].proof[2], probes[k].proof[1], (n - 1) * H);
        memcpy(probes[k].proof[1], some, H);
        probes[k++].n = n + 1;
    }
    for (size_t i = 0; i < k; i++) {
        const struct probe *pr = &probes[i];
        int rc = yw__merkle_verify_inclusion(p, pr->a, pr->b, pr->h1,
                                             (const uint8_t(*)[H])pr->proof, pr->n, pr->h2);
        if (rc != YW_EVERIFY)
            fail_msg("inclusion probe \"%s\" (index %llu, size %llu) gave %d", pr->desc,
                     (unsigned long long)index, (unsigned long long)size, rc);
    }
    free(probes);
    return (int)k;
}

static int check_consistency_probes(enum yw_profile p, uint64_t m, uint64_t n_size,
                                    const uint8_t root1[H], const uint8_t root2[H],
                                    const uint8_t (*proof)[H], size_t n)
{
    static const uint8_t zero[H];
    uint8_t wrong[H];
    struct probe *probes = calloc(20 + YW__PROOF_MAX, sizeof(*probes));
    size_t k = 0;

    assert_non_null(probes);
    assert_true(n > 0); /* as in the original: non-trivial proofs only */
    yw__leaf_hash(p, "WrongRoot", 9, wrong);

    probe_init(&probes[k++], m - 1, n_size, root1, root2, proof, n, "size1 - 1");
    probe_init(&probes[k++], m + 1, n_size, root1, root2, proof, n, "size1 + 1");
    probe_init(&probes[k++], m ^ 2, n_size, root1, root2, proof, n, "size1 ^ 2");
    probe_init(&probes[k++], m, n_size * 2, root1, root2, proof, n, "size2 * 2");
    probe_init(&probes[k++], m, n_size / 2, root1, root2, proof, n, "size2 / 2");
    probe_init(&probes[k++], m, n_size, wrong, root2, proof, n, "wrong root1");
    probe_init(&probes[k++], m, n_size, root1, wrong, proof, n, "wrong root2");
    probe_init(&probes[k++], m, n_size, root2, root1, proof, n, "swapped roots");
    probe_init(&probes[k++], m, n_size, root1, root2, proof, 0, "empty proof");
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "trailing garbage");
    probe_append(&probes[k++], zero);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "trailing root1");
    probe_append(&probes[k++], root1);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "trailing root2");
    probe_append(&probes[k++], root2);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "preceding garbage");
    probe_prepend(&probes[k++], zero);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "preceding root1");
    probe_prepend(&probes[k++], root1);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "preceding root2");
    probe_prepend(&probes[k++], root2);
    probe_init(&probes[k], m, n_size, root1, root2, proof, n, "preceding proof[0]");
    probe_prepend(&probes[k++], proof[0]);
    probe_init(&probes[k++], m, n_size, root1, root2, proof, n - 1, "truncated proof");
    for (size_t i = 0; i < n; i++) {
        char desc[48];
        snprintf(desc, sizeof(desc), "modified proof[%zu] bit 4", i);
        probe_init(&probes[k], m, n_size, root1, root2, proof, n, desc);
        probes[k++].proof[i][0] ^= 16;
    }
    for (size_t i = 0; i < k; i++) {
        const struct probe *pr = &probes[i];
        int rc = yw__merkle_verify_consistency(p, pr->a, pr->b, pr->h1, pr->h2,
                                               (const uint8_t(*)[H])pr->proof, pr->n);
        if (rc != YW_EVERIFY)
            fail_msg("consistency probe \"%s\" (%llu -> %llu) gave %d", pr->desc,
                     (unsigned long long)m, (unsigned long long)n_size, rc);
    }
    free(probes);
    return (int)k;
}

/* ---- vectors (transparency-dev/merkle testonly/, proof/verify_test.go) ---- */

static const char *const vector_leaves[] = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
};

static const char *const vector_roots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

#define HX_96A2 "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
#define HX_5F08 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
#define HX_6B47 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
#define HX_BC1A "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
#define HX_CA85 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
#define HX_D37E "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"
#define HX_FAC5 "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
#define HX_6E34 "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
#define HX_0EBC "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
#define HX_B086 "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"

struct proof_vector {
    uint64_t a, b; /* (index, size) or (m, n) */
    const char *nodes[4];
};

static const struct proof_vector inclusion_vectors[] = {
    {0, 1, {NULL}},    {0, 8, {HX_96A2, HX_5F08, HX_6B47}}, {5, 8, {HX_BC1A, HX_CA85, HX_D37E}},
    {2, 3, {HX_FAC5}}, {1, 5, {HX_6E34, HX_5F08, HX_BC1A}},
};

static const struct proof_vector consistency_vectors[] = {
    {1, 1, {NULL}},
    {1, 8, {HX_96A2, HX_5F08, HX_6B47}},
    {6, 8, {HX_0EBC, HX_CA85, HX_D37E}},
    {2, 5, {HX_5F08, HX_BC1A}},
    {6, 7, {HX_0EBC, HX_B086, HX_D37E}},
};

/* The vector tree as a callback source (SHA-256 only). */
struct vector_tree {
    uint8_t level[4][8][H];
    uint64_t limit;
};

static int vector_subtree(void *cls, int level, uint64_t index, uint8_t out[H])
{
    struct vector_tree *t = cls;
    assert_true(level >= 0 && level <= 3);
    assert_true((index + 1) << level <= t->limit);
    memcpy(out, t->level[level][index], H);
    return 0;
}

static void vector_tree_init(struct vector_tree *t)
{
    for (int i = 0; i < 8; i++) {
        uint8_t data[16];
        size_t n = unhex(vector_leaves[i], data, sizeof(data));
        yw__leaf_hash(YW_PROFILE_INTL, data, n, t->level[0][i]);
    }
    for (int l = 1; l <= 3; l++)
        for (int i = 0; i < (8 >> l); i++)
            yw__node_hash(YW_PROFILE_INTL, t->level[l - 1][2 * i], t->level[l - 1][2 * i + 1],
                          t->level[l][i]);
    t->limit = 8;
}

static size_t vector_nodes(const struct proof_vector *v, uint8_t out[][H])
{
    size_t n = 0;
    while (n < 4 && v->nodes[n] != NULL) {
        hash_from_hex(v->nodes[n], out[n]);
        n++;
    }
    return n;
}

static void test_hasher_vectors(void **state)
{
    uint8_t out[H], l[H], r[H];
    (void)state;

    yw__leaf_hash(YW_PROFILE_INTL, "", 0, out);
    assert_hash_hex(out, HX_6E34);
    yw__leaf_hash(YW_PROFILE_INTL, "L123456", 7, out);
    assert_hash_hex(out, "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
    yw__empty_root(YW_PROFILE_INTL, out);
    assert_hash_hex(out, vector_roots[0]);
    /* rfc6962_test.go's node("N123", "N456") has 4-byte children, which the
     * 32-byte interface cannot take; check the same formula on 32-byte
     * children against the test's own concatenation instead. */
    for (size_t i = 0; i < N_PROFILES; i++) {
        enum yw_profile p = both_profiles[i];
        uint8_t want[H];
        memset(l, 'L', H);
        memset(r, 'R', H);
        yw__node_hash(p, l, r, out);
        naive_node(p, l, r, want);
        assert_memory_equal(out, want, H);
        yw__node_hash(p, r, l, want);
        assert_memory_not_equal(out, want, H); /* order matters */
        yw__leaf_hash(p, "abc", 3, out);
        naive_leaf(p, (const uint8_t *)"abc", 3, want);
        assert_memory_equal(out, want, H);
    }
    /* SM3 of the empty string (GB/T 32905), so gm's empty tree is right too. */
    yw__empty_root(YW_PROFILE_GM, out);
    assert_hash_hex(out, "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

static void test_root_vectors(void **state)
{
    struct vector_tree t;
    uint8_t out[H];
    (void)state;

    vector_tree_init(&t);
    for (uint64_t size = 0; size <= 8; size++) {
        t.limit = size;
        assert_int_equal(yw__merkle_root(YW_PROFILE_INTL, size, vector_subtree, &t, out), 0);
        assert_hash_hex(out, vector_roots[size]);
    }
}

static void test_inclusion_vectors(void **state)
{
    struct vector_tree t;
    (void)state;

    vector_tree_init(&t);
    for (size_t i = 0; i < sizeof(inclusion_vectors) / sizeof(inclusion_vectors[0]); i++) {
        const struct proof_vector *v = &inclusion_vectors[i];
        uint8_t want[4][H], got[YW__PROOF_MAX][H], root[H];
        size_t n_want = vector_nodes(v, want), n_got = 99;

        t.limit = v->b;
        assert_int_equal(
            yw__merkle_inclusion(YW_PROFILE_INTL, v->a, v->b, vector_subtree, &t, got, &n_got), 0);
        assert_int_equal(n_got, n_want);
        if (n_want > 0)
            assert_memory_equal(got, want, n_want * H);
        hash_from_hex(vector_roots[v->b], root);
        assert_int_equal(yw__merkle_verify_inclusion(YW_PROFILE_INTL, v->a, v->b, t.level[0][v->a],
                                                     (const uint8_t(*)[H])want, n_want, root),
                         0);
        check_inclusion_probes(YW_PROFILE_INTL, v->a, v->b, t.level[0][v->a],
                               (const uint8_t(*)[H])want, n_want, root);
    }
}

static void test_consistency_vectors(void **state)
{
    struct vector_tree t;
    (void)state;

    vector_tree_init(&t);
    for (size_t i = 0; i < sizeof(consistency_vectors) / sizeof(consistency_vectors[0]); i++) {
        const struct proof_vector *v = &consistency_vectors[i];
        uint8_t want[4][H], got[YW__PROOF_MAX][H], r1[H], r2[H];
        size_t n_want = vector_nodes(v, want), n_got = 99;

        t.limit = v->b;
        assert_int_equal(
            yw__merkle_consistency(YW_PROFILE_INTL, v->a, v->b, vector_subtree, &t, got, &n_got),
            0);
        assert_int_equal(n_got, n_want);
        if (n_want > 0)
            assert_memory_equal(got, want, n_want * H);
        hash_from_hex(vector_roots[v->a], r1);
        hash_from_hex(vector_roots[v->b], r2);
        assert_int_equal(yw__merkle_verify_consistency(YW_PROFILE_INTL, v->a, v->b, r1, r2,
                                                       (const uint8_t(*)[H])want, n_want),
                         0);
        if (n_want > 0)
            check_consistency_probes(YW_PROFILE_INTL, v->a, v->b, r1, r2, (const uint8_t(*)[H])want,
                                     n_want);
    }
}

/* The RFC's own examples for seven leaves (RFC 9162 section 2.1.5, figure
 * letters): PROOF(3) = [c, d, g, l], PROOF(4) = [l], PROOF(6) = [i, j, k],
 * where c = d2, d = d3, g = MTH(d0..d1), l = MTH(d4..d6), i = MTH(d4..d5),
 * j = d6 and k = MTH(d0..d3). Checked as leaf ranges. */
static void test_rfc_examples(void **state)
{
    static const struct {
        uint64_t m;
        size_t n_nodes;
        uint64_t ranges[4][2];
    } cases[] = {
        {3, 4, {{2, 3}, {3, 4}, {0, 2}, {4, 7}}},
        {4, 1, {{4, 7}}},
        {6, 3, {{4, 6}, {6, 7}, {0, 4}}},
    };
    struct mem_tree *t = malloc(sizeof(*t));
    (void)state;

    assert_non_null(t);
    mem_tree_init(t, YW_PROFILE_INTL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct mem_source src = {t, 7, 0, 0};
        uint8_t got[YW__PROOF_MAX][H], want[H];
        size_t n_got;
        assert_int_equal(
            yw__merkle_consistency(YW_PROFILE_INTL, cases[i].m, 7, mem_subtree, &src, got, &n_got),
            0);
        assert_int_equal(n_got, cases[i].n_nodes);
        for (size_t k = 0; k < n_got; k++) {
            naive_mth(t, cases[i].ranges[k][0], cases[i].ranges[k][1], want);
            assert_memory_equal(got[k], want, H);
        }
    }
    free(t);
}

/* ---- exhaustive up to 64 leaves, both profiles ---------------------------- */

static unsigned popcount64(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

static void test_exhaustive_inclusion(void **state)
{
    struct mem_tree *t = malloc(sizeof(*t));
    long checked = 0, probes = 0;
    (void)state;

    assert_non_null(t);
    for (size_t pi = 0; pi < N_PROFILES; pi++) {
        enum yw_profile p = both_profiles[pi];
        mem_tree_init(t, p);
        for (uint64_t size = 1; size <= MAX_LEAVES; size++) {
            uint8_t root[H], naive_root[H];
            struct mem_source src = {t, size, 0, 0};
            assert_int_equal(yw__merkle_root(p, size, mem_subtree, &src, root), 0);
            assert_int_equal(src.calls, popcount64(size));
            naive_mth(t, 0, size, naive_root);
            assert_memory_equal(root, naive_root, H);
            for (uint64_t index = 0; index < size; index++) {
                uint8_t proof[YW__PROOF_MAX][H];
                size_t n = 99;
                struct naive_proof want = {.n = 0};
                src.calls = 0;
                assert_int_equal(yw__merkle_inclusion(p, index, size, mem_subtree, &src, proof, &n),
                                 0);
                naive_path(t, index, 0, size, &want);
                assert_int_equal(n, want.n);
                if (n > 0)
                    assert_memory_equal(proof, want.node, n * H);
                /* (a) it verifies */
                assert_int_equal(yw__merkle_verify_inclusion(p, index, size, t->leaf[index],
                                                             (const uint8_t(*)[H])proof, n, root),
                                 0);
                /* (c) one flipped bit in any node breaks it; the bit moves
                 * around so that every byte position gets exercised */
                for (size_t k = 0; k < n; k++) {
                    unsigned bit = (unsigned)((index * 31 + size * 7 + k * 13) % (8 * H));
                    proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                    assert_int_equal(yw__merkle_verify_inclusion(p, index, size, t->leaf[index],
                                                                 (const uint8_t(*)[H])proof, n,
                                                                 root),
                                     YW_EVERIFY);
                    proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
                /* and so does a flipped bit in the leaf or the root */
                uint8_t bad[H];
                memcpy(bad, root, H);
                bad[index % H] ^= 0x80;
                assert_int_equal(yw__merkle_verify_inclusion(p, index, size, t->leaf[index],
                                                             (const uint8_t(*)[H])proof, n, bad),
                                 YW_EVERIFY);
                memcpy(bad, t->leaf[index], H);
                bad[size % H] ^= 0x01;
                assert_int_equal(yw__merkle_verify_inclusion(p, index, size, bad,
                                                             (const uint8_t(*)[H])proof, n, root),
                                 YW_EVERIFY);
                probes += check_inclusion_probes(p, index, size, t->leaf[index],
                                                 (const uint8_t(*)[H])proof, n, root);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 2 * (64 * 65 / 2));
    print_message("inclusion: %ld proofs, %ld corrupted probes rejected\n", checked, probes);
    free(t);
}

static void test_exhaustive_consistency(void **state)
{
    struct mem_tree *t = malloc(sizeof(*t));
    long checked = 0, probes = 0;
    (void)state;

    assert_non_null(t);
    for (size_t pi = 0; pi < N_PROFILES; pi++) {
        enum yw_profile p = both_profiles[pi];
        mem_tree_init(t, p);
        for (uint64_t n_size = 1; n_size <= MAX_LEAVES; n_size++) {
            uint8_t root2[H];
            naive_mth(t, 0, n_size, root2);
            for (uint64_t m = 1; m <= n_size; m++) {
                uint8_t root1[H], proof[YW__PROOF_MAX][H];
                size_t n = 99;
                struct naive_proof want = {.n = 0};
                struct mem_source src = {t, n_size, 0, 0};
                naive_mth(t, 0, m, root1);
                assert_int_equal(yw__merkle_consistency(p, m, n_size, mem_subtree, &src, proof, &n),
                                 0);
                if (m < n_size)
                    naive_subproof(t, m, 0, n_size, true, &want);
                assert_int_equal(n, want.n);
                if (n > 0)
                    assert_memory_equal(proof, want.node, n * H);
                assert_true(n <= 7); /* ceil(log2 64) + 1 */
                assert_int_equal(yw__merkle_verify_consistency(p, m, n_size, root1, root2,
                                                               (const uint8_t(*)[H])proof, n),
                                 0);
                for (size_t k = 0; k < n; k++) {
                    unsigned bit = (unsigned)((m * 29 + n_size * 11 + k * 17) % (8 * H));
                    proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                    assert_int_equal(yw__merkle_verify_consistency(p, m, n_size, root1, root2,
                                                                   (const uint8_t(*)[H])proof, n),
                                     YW_EVERIFY);
                    proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                }
                uint8_t bad[H];
                memcpy(bad, root1, H);
                bad[m % H] ^= 0x02;
                assert_int_equal(yw__merkle_verify_consistency(p, m, n_size, bad, root2,
                                                               (const uint8_t(*)[H])proof, n),
                                 YW_EVERIFY);
                memcpy(bad, root2, H);
                bad[n_size % H] ^= 0x40;
                assert_int_equal(yw__merkle_verify_consistency(p, m, n_size, root1, bad,
                                                               (const uint8_t(*)[H])proof, n),
                                 YW_EVERIFY);
                if (n > 0)
                    probes += check_consistency_probes(p, m, n_size, root1, root2,
                                                       (const uint8_t(*)[H])proof, n);
                checked++;
            }
        }
    }
    assert_int_equal(checked, 2 * (64 * 65 / 2));
    print_message("consistency: %ld proofs, %ld corrupted probes rejected\n", checked, probes);
    free(t);
}

/* Every bit of every node of the vector proofs, not just one per node. */
static void test_every_bit_flip(void **state)
{
    struct vector_tree t;
    uint8_t proof[4][H], r1[H], r2[H];
    (void)state;

    vector_tree_init(&t);
    for (size_t i = 0; i < sizeof(inclusion_vectors) / sizeof(inclusion_vectors[0]); i++) {
        const struct proof_vector *v = &inclusion_vectors[i];
        size_t n = vector_nodes(v, proof);
        hash_from_hex(vector_roots[v->b], r2);
        for (size_t k = 0; k < n; k++)
            for (unsigned bit = 0; bit < 8 * H; bit++) {
                proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(yw__merkle_verify_inclusion(YW_PROFILE_INTL, v->a, v->b,
                                                             t.level[0][v->a],
                                                             (const uint8_t(*)[H])proof, n, r2),
                                 YW_EVERIFY);
                proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
    }
    for (size_t i = 0; i < sizeof(consistency_vectors) / sizeof(consistency_vectors[0]); i++) {
        const struct proof_vector *v = &consistency_vectors[i];
        size_t n = vector_nodes(v, proof);
        hash_from_hex(vector_roots[v->a], r1);
        hash_from_hex(vector_roots[v->b], r2);
        for (size_t k = 0; k < n; k++)
            for (unsigned bit = 0; bit < 8 * H; bit++) {
                proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
                assert_int_equal(yw__merkle_verify_consistency(YW_PROFILE_INTL, v->a, v->b, r1, r2,
                                                               (const uint8_t(*)[H])proof, n),
                                 YW_EVERIFY);
                proof[k][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            }
    }
}

/* ---- edge cases ------------------------------------------------------------ */

static void test_edges(void **state)
{
    struct mem_tree *t = malloc(sizeof(*t));
    uint8_t proof[YW__PROOF_MAX][H], root[H], empty[H], some[H];
    size_t n = 99;
    (void)state;

    assert_non_null(t);
    hash_from_hex(some_hash_hex, some);
    for (size_t pi = 0; pi < N_PROFILES; pi++) {
        enum yw_profile p = both_profiles[pi];
        struct mem_source src = {t, 8, 0, 0};
        mem_tree_init(t, p);

        /* size 0: the empty root, no callback */
        assert_int_equal(yw__merkle_root(p, 0, mem_subtree, &src, root), 0);
        assert_int_equal(src.calls, 0);
        yw__empty_root(p, empty);
        assert_memory_equal(root, empty, H);

        /* generation refuses what the RFC does not define */
        assert_int_equal(yw__merkle_inclusion(p, 0, 0, mem_subtree, &src, proof, &n), YW_EINVAL);
        assert_int_equal(n, 0);
        assert_int_equal(yw__merkle_inclusion(p, 8, 8, mem_subtree, &src, proof, &n), YW_EINVAL);
        assert_int_equal(yw__merkle_inclusion(p, 9, 8, mem_subtree, &src, proof, &n), YW_EINVAL);
        assert_int_equal(yw__merkle_consistency(p, 0, 8, mem_subtree, &src, proof, &n), YW_EINVAL);
        assert_int_equal(yw__merkle_consistency(p, 0, 0, mem_subtree, &src, proof, &n), YW_EINVAL);
        assert_int_equal(yw__merkle_consistency(p, 9, 8, mem_subtree, &src, proof, &n), YW_EINVAL);
        n = 99;
        assert_int_equal(yw__merkle_consistency(p, 8, 8, mem_subtree, &src, proof, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(src.calls, 0);
        /* a single-leaf tree: empty path, the root is the leaf hash */
        n = 99;
        assert_int_equal(yw__merkle_inclusion(p, 0, 1, mem_subtree, &src, proof, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(yw__merkle_verify_inclusion(p, 0, 1, t->leaf[0], NULL, 0, t->leaf[0]), 0);
        assert_int_equal(yw__merkle_verify_inclusion(p, 0, 1, t->leaf[0], NULL, 0, t->leaf[1]),
                         YW_EVERIFY);

        /* verification: out-of-range parameters */
        naive_mth(t, 0, 8, root);
        assert_int_equal(yw__merkle_verify_inclusion(p, 0, 0, t->leaf[0], NULL, 0, empty),
                         YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_inclusion(p, 1, 0, some, NULL, 0, empty), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_inclusion(p, 2, 1, some, NULL, 0, some), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_inclusion(p, 0, 1, some, NULL, 0, empty), YW_EVERIFY);

        uint8_t r1[H];
        naive_mth(t, 0, 1, r1);
        /* m == 0: refused, even with an empty proof and matching roots */
        assert_int_equal(yw__merkle_verify_consistency(p, 0, 0, empty, empty, NULL, 0), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_consistency(p, 0, 1, empty, r1, NULL, 0), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_consistency(p, 0, 8, empty, root, NULL, 0), YW_EVERIFY);
        /* m > n: time travel */
        assert_int_equal(yw__merkle_verify_consistency(p, 8, 1, root, r1, NULL, 0), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_consistency(p, 2, 1, root, r1, NULL, 0), YW_EVERIFY);
        /* m == n: equal roots and an empty proof, nothing else */
        assert_int_equal(yw__merkle_verify_consistency(p, 8, 8, root, root, NULL, 0), 0);
        assert_int_equal(yw__merkle_verify_consistency(p, 1, 1, r1, r1, NULL, 0), 0);
        assert_int_equal(yw__merkle_verify_consistency(p, 8, 8, root, r1, NULL, 0), YW_EVERIFY);
        memcpy(proof[0], empty, H);
        assert_int_equal(
            yw__merkle_verify_consistency(p, 8, 8, root, root, (const uint8_t(*)[H])proof, 1),
            YW_EVERIFY);
        memcpy(proof[0], root, H);
        assert_int_equal(
            yw__merkle_verify_consistency(p, 8, 8, root, root, (const uint8_t(*)[H])proof, 1),
            YW_EVERIFY);
        /* m < n with an empty proof */
        assert_int_equal(yw__merkle_verify_consistency(p, 1, 8, r1, root, NULL, 0), YW_EVERIFY);
        assert_int_equal(yw__merkle_verify_consistency(p, 4, 8, root, root, NULL, 0), YW_EVERIFY);
    }
    free(t);
}

/* The callback's error is passed on unchanged. */
static void test_callback_error(void **state)
{
    struct mem_tree *t = malloc(sizeof(*t));
    uint8_t proof[YW__PROOF_MAX][H], root[H];
    size_t n = 99;
    (void)state;

    assert_non_null(t);
    mem_tree_init(t, YW_PROFILE_INTL);
    struct mem_source src = {t, 8, 0, YW_EDB};
    assert_int_equal(yw__merkle_root(YW_PROFILE_INTL, 5, mem_subtree, &src, root), YW_EDB);
    assert_int_equal(yw__merkle_inclusion(YW_PROFILE_INTL, 2, 5, mem_subtree, &src, proof, &n),
                     YW_EDB);
    assert_int_equal(n, 0);
    assert_int_equal(yw__merkle_consistency(YW_PROFILE_INTL, 3, 5, mem_subtree, &src, proof, &n),
                     YW_EDB);
    assert_int_equal(n, 0);
    free(t);
}

/* Huge trees: every leaf is the same entry, so the complete subtree at level
 * l is T[l] = H(0x01 || T[l-1] || T[l-1]) whatever its index. That keeps the
 * source consistent and exercises the 64-bit index arithmetic. */
struct uniform_tree {
    enum yw_profile p;
    uint8_t level[65][H];
    uint64_t limit;
    unsigned max_calls, calls;
};

static int uniform_subtree(void *cls, int level, uint64_t index, uint8_t out[H])
{
    struct uniform_tree *t = cls;
    assert_true(level >= 0 && level <= 63);
    /* (index + 1) * 2^level <= limit, without overflow */
    assert_true(index < (t->limit >> level));
    t->calls++;
    memcpy(out, t->level[level], H);
    return 0;
}

static void test_huge_trees(void **state)
{
    static const struct {
        uint64_t a, b;
    } incl[] = {
        {0, UINT64_MAX},
        {UINT64_MAX - 1, UINT64_MAX},
        {(UINT64_C(1) << 63) + 5, UINT64_MAX},
        {(UINT64_C(1) << 63) - 1, UINT64_C(1) << 63},
        {12345678901234567ULL, 12345678901234568ULL},
        {0, (UINT64_C(1) << 62) + 1},
    };
    static const struct {
        uint64_t m, n;
        size_t len;
    } cons[] = {
        {(UINT64_C(1) << 63) - 1, UINT64_C(1) << 63, 64}, /* the longest possible proof */
        {1, UINT64_C(1) << 63, 63},
        {UINT64_C(1) << 62, UINT64_C(1) << 63, 1},
        {3, (UINT64_C(1) << 62) + 3, 0 /* unchecked */},
        {12345678901234567ULL, 12345678901234569ULL, 0},
    };
    (void)state;

    for (size_t pi = 0; pi < N_PROFILES; pi++) {
        struct uniform_tree *t = calloc(1, sizeof(*t));
        uint8_t proof[YW__PROOF_MAX][H], root[H], r1[H];
        size_t n;
        assert_non_null(t);
        t->p = both_profiles[pi];
        yw__leaf_hash(t->p, "same", 4, t->level[0]);
        for (int l = 1; l <= 64; l++)
            yw__node_hash(t->p, t->level[l - 1], t->level[l - 1], t->level[l]);

        for (size_t i = 0; i < sizeof(incl) / sizeof(incl[0]); i++) {
            t->limit = incl[i].b;
            t->calls = 0;
            assert_int_equal(yw__merkle_root(t->p, incl[i].b, uniform_subtree, t, root), 0);
            assert_int_equal(t->calls, popcount64(incl[i].b));
            assert_int_equal(
                yw__merkle_inclusion(t->p, incl[i].a, incl[i].b, uniform_subtree, t, proof, &n), 0);
            assert_true(n <= YW__PROOF_MAX);
            assert_int_equal(yw__merkle_verify_inclusion(t->p, incl[i].a, incl[i].b, t->level[0],
                                                         (const uint8_t(*)[H])proof, n, root),
                             0);
            if (incl[i].b == UINT64_MAX && incl[i].a == 0)
                assert_int_equal(n, 64);
            proof[n - 1][0] ^= 1;
            assert_int_equal(yw__merkle_verify_inclusion(t->p, incl[i].a, incl[i].b, t->level[0],
                                                         (const uint8_t(*)[H])proof, n, root),
                             YW_EVERIFY);
        }
        for (size_t i = 0; i < sizeof(cons) / sizeof(cons[0]); i++) {
            t->limit = cons[i].m;
            assert_int_equal(yw__merkle_root(t->p, cons[i].m, uniform_subtree, t, r1), 0);
            t->limit = cons[i].n;
            assert_int_equal(yw__merkle_root(t->p, cons[i].n, uniform_subtree, t, root), 0);
            assert_int_equal(
                yw__merkle_consistency(t->p, cons[i].m, cons[i].n, uniform_subtree, t, proof, &n),
                0);
            if (cons[i].len != 0)
                assert_int_equal(n, cons[i].len);
            assert_int_equal(yw__merkle_verify_consistency(t->p, cons[i].m, cons[i].n, r1, root,
                                                           (const uint8_t(*)[H])proof, n),
                             0);
            proof[0][H - 1] ^= 4;
            assert_int_equal(yw__merkle_verify_consistency(t->p, cons[i].m, cons[i].n, r1, root,
                                                           (const uint8_t(*)[H])proof, n),
                             YW_EVERIFY);
        }
        /* above 2^63 a consistency proof could need 65 nodes: refused */
        t->limit = UINT64_MAX;
        assert_int_equal(
            yw__merkle_consistency(t->p, 5, (UINT64_C(1) << 63) + 1, uniform_subtree, t, proof, &n),
            YW_EINVAL);
        free(t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hasher_vectors),
        cmocka_unit_test(test_root_vectors),
        cmocka_unit_test(test_inclusion_vectors),
        cmocka_unit_test(test_consistency_vectors),
        cmocka_unit_test(test_rfc_examples),
        cmocka_unit_test(test_every_bit_flip),
        cmocka_unit_test(test_exhaustive_inclusion),
        cmocka_unit_test(test_exhaustive_consistency),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_callback_error),
        cmocka_unit_test(test_huge_trees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
