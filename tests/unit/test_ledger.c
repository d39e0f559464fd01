/* ledger storage and committer on the driver YW_TEST_DB names: tiles across
 * their boundaries, synchronous and asynchronous appends, reopening, two
 * committers on one database (as two processes), verification. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ledger/ledger.h"
#include "ledger/tiles.h"
#include "testdb.h"

struct fixture {
    char url[512];
    struct yw_store *store;
    struct yw_key *key;
    char vkey[512];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct yw_err err = {0};
    assert_non_null(f);
    assert_int_equal(yw_testdb_create(f->url, sizeof(f->url)), 0);
    assert_int_equal(yw_store_open(f->url, 4, &f->store, &err), YW_OK);
    assert_int_equal(
        yw_store_migrate(f->store, yw_migration_files, yw_migration_files_count, NULL, &err),
        YW_OK);
    assert_int_equal(yw_key_generate(YW_PROFILE_INTL, &f->key, &err), YW_OK);
    assert_int_equal(yw_ledger_vkey(f->key, "yiwang.test/unit", f->vkey, sizeof(f->vkey)), YW_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    yw_store_close(f->store);
    yw_key_free(f->key);
    yw_testdb_drop(f->url);
    free(f);
    return 0;
}

static struct yw_ledger *open_ledger(struct fixture *f)
{
    struct yw_ledger_config cfg = {f->store, YW_PROFILE_INTL, f->key, "yiwang.test/unit"};
    struct yw_ledger *l = NULL;
    struct yw_err err = {0};
    if (yw_ledger_open(&cfg, &l, &err) != YW_OK)
        fail_msg("open: %s", err.message);
    return l;
}

static void verify_ok(struct fixture *f, uint64_t expect_size)
{
    struct yw_ledger_verify_report report;
    struct yw_err err = {0};
    if (yw_ledger_verify(f->store, YW_PROFILE_INTL, f->vkey, true, NULL, NULL, &report, &err) !=
        YW_OK)
        fail_msg("verify: %s", err.message);
    assert_int_equal(report.size, expect_size);
}

/* The edge's root equals RFC 9162's MTH computed through stored-tile
 * subtrees, at sizes around every tile boundary the test reaches. */
struct mem_tiles {
    struct yw__edge edge;
    uint8_t (*leaves)[YW_HASH_SIZE];
};

static int mem_subtree(void *cls, int level, uint64_t index, uint8_t out[YW_HASH_SIZE])
{
    struct mem_tiles *m = cls;
    uint64_t n = (uint64_t)1 << level, first = index * n;
    /* Naive MTH over leaves [first, first + n). */
    uint8_t(*work)[YW_HASH_SIZE] = malloc(n * YW_HASH_SIZE);
    memcpy(work, m->leaves + first, n * YW_HASH_SIZE);
    for (; n > 1; n /= 2)
        for (uint64_t i = 0; i < n / 2; i++)
            yw__node_hash(YW_PROFILE_GM, work[2 * i], work[2 * i + 1], work[i]);
    memcpy(out, work[0], YW_HASH_SIZE);
    free(work);
    return YW_OK;
}

static void test_edge_root_across_tile_boundaries(void **state)
{
    enum { N = 66000 };
    struct mem_tiles m;
    uint8_t root[YW_HASH_SIZE], want[YW_HASH_SIZE];
    (void)state;
    m.leaves = malloc((size_t)N * YW_HASH_SIZE);
    yw__edge_reset(&m.edge);
    yw__edge_root(&m.edge, YW_PROFILE_GM, root);
    yw__empty_root(YW_PROFILE_GM, want);
    assert_memory_equal(root, want, YW_HASH_SIZE);
    for (uint64_t i = 0; i < N; i++) {
        uint8_t entry[8];
        memcpy(entry, &i, sizeof(entry));
        yw__leaf_hash(YW_PROFILE_GM, entry, sizeof(entry), m.leaves[i]);
        yw__edge_add(&m.edge, YW_PROFILE_GM, m.leaves[i], NULL, NULL);
        uint64_t size = i + 1;
        /* Every size up to two tiles, then around tile boundaries (naive MTH
         * is slow, so not at all of them). */
        if (size <= 520 || (size < 4200 && size % 256 <= 1) || size == 65535 || size == 65536 ||
            size == 65537 || size == N) {
            yw__edge_root(&m.edge, YW_PROFILE_GM, root);
            assert_int_equal(yw__merkle_root(YW_PROFILE_GM, size, mem_subtree, &m, want), YW_OK);
            assert_memory_equal(root, want, YW_HASH_SIZE);
        }
    }
    assert_int_equal(yw__tile_width_at(65537, 0), 1);
    assert_int_equal(yw__tile_width_at(65537, 1), 0);
    assert_int_equal(yw__tile_width_at(65537, 2), 1);
    assert_int_equal(yw__tile_index_at(65537, 0), 256);
    free(m.leaves);
}

static void test_append_verify_reopen(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    struct yw_buf note;
    uint64_t index, size;

    struct yw_ledger *l = open_ledger(f);
    verify_ok(f, 0); /* the empty log's checkpoint */
    for (uint64_t i = 0; i < 700; i++) {
        char entry[64];
        assert_int_equal(yw_fmt(entry, sizeof(entry), "{\"seq\":%llu}", (unsigned long long)i),
                         YW_OK);
        assert_int_equal(yw_ledger_append(l, entry, strlen(entry), &index, &err), YW_OK);
        assert_int_equal(index, i);
    }
    assert_int_equal(yw_ledger_append(l, "", 0, &index, &err), YW_EINVAL);
    char *huge = calloc(1, YW_LEDGER_ENTRY_MAX + 1);
    assert_int_equal(yw_ledger_append(l, huge, YW_LEDGER_ENTRY_MAX + 1, &index, &err), YW_ETOOBIG);
    free(huge);
    yw_ledger_close(l);
    verify_ok(f, 700);

    /* Reopened, the edge comes back from the stored tiles. */
    l = open_ledger(f);
    assert_int_equal(yw_ledger_event(l, "test.unit", json_pack("{s:i}", "n", 1), &index, &err),
                     YW_OK);
    assert_int_equal(index, 700);
    yw_ledger_close(l);
    verify_ok(f, 701);
    yw_buf_init(&note, 4096);
    assert_int_equal(yw_ledger_checkpoint(f->store, &note, &size, &err), YW_OK);
    assert_int_equal(size, 701);
    assert_non_null(strstr(note.data, "yiwang.test/unit\n701\n"));
    yw_buf_free(&note);
}

struct async_state {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;
    uint64_t seen[2000];
};

static void on_done(void *cls, int rc, uint64_t index, const struct yw_err *err)
{
    struct async_state *s = cls;
    (void)err;
    assert_int_equal(rc, YW_OK);
    pthread_mutex_lock(&s->mu);
    s->seen[s->done++] = index;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

static void test_async_and_two_committers(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    struct async_state s = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

    /* Two committers on one database, as two processes would be. */
    struct yw_ledger *a = open_ledger(f), *b = open_ledger(f);
    for (int i = 0; i < 2000; i++) {
        char entry[32];
        assert_int_equal(yw_fmt(entry, sizeof(entry), "{\"i\":%d}", i), YW_OK);
        assert_int_equal(
            yw_ledger_append_async(i % 3 ? a : b, entry, strlen(entry), on_done, &s, &err), YW_OK);
    }
    pthread_mutex_lock(&s.mu);
    while (s.done < 2000)
        pthread_cond_wait(&s.cv, &s.mu);
    pthread_mutex_unlock(&s.mu);
    yw_ledger_close(a);
    yw_ledger_close(b);
    /* Every index from 0 to 1999 was handed out exactly once. */
    bool seen[2000] = {0};
    for (int i = 0; i < 2000; i++) {
        assert_true(s.seen[i] < 2000);
        assert_false(seen[s.seen[i]]);
        seen[s.seen[i]] = true;
    }
    verify_ok(f, 2000);
}

static void test_proofs_from_storage(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    uint8_t proof[YW_LEDGER_PROOF_MAX][YW_HASH_SIZE];
    size_t n = 0;
    uint64_t index;

    struct yw_ledger *l = open_ledger(f);
    for (int i = 0; i < 600; i++)
        assert_int_equal(yw_ledger_append(l, "{}", 2, &index, &err), YW_OK);
    yw_ledger_close(l);
    assert_int_equal(
        yw_ledger_prove_inclusion(f->store, YW_PROFILE_INTL, 599, 600, proof, &n, &err), YW_OK);
    assert_true(n > 0);
    assert_int_equal(
        yw_ledger_prove_inclusion(f->store, YW_PROFILE_INTL, 600, 600, proof, &n, &err), YW_EINVAL);
    assert_string_equal(err.field, "index");
    assert_int_equal(yw_ledger_prove_inclusion(f->store, YW_PROFILE_INTL, 0, 601, proof, &n, &err),
                     YW_EINVAL);
    assert_string_equal(err.field, "size");
    assert_int_equal(
        yw_ledger_prove_consistency(f->store, YW_PROFILE_INTL, 257, 600, proof, &n, &err), YW_OK);
    assert_int_equal(
        yw_ledger_prove_consistency(f->store, YW_PROFILE_INTL, 0, 600, proof, &n, &err), YW_EINVAL);
}

int main(void)
{
    int skip = yw_testdb_skip();
    if (skip != 0)
        return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edge_root_across_tile_boundaries),
        cmocka_unit_test_setup_teardown(test_append_verify_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async_and_two_committers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_proofs_from_storage, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
