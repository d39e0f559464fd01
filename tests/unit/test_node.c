/* node: configuration, name and origin checks, init/open/rename on the driver
 * YW_TEST_DB names, and every refusal leaving things as they were. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "node/node.h"
#include "testdb.h"

struct fixture {
    char tmp[64];     /* a scratch directory */
    char dir[128];    /* the node directory inside it */
    char db_url[512]; /* from testdb */
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_tree(const char *dir)
{
    static const char *names[] = {"yiwang.conf",   "node.key",      "yiwang.db",
                                  "yiwang.db-wal", "yiwang.db-shm", "other.key"};
    char path[256];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (yw_fmt(path, sizeof(path), "%s/%s", dir, names[i]) == YW_OK)
            unlink(path);
    rmdir(dir);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    assert_int_equal(yw_copy(f->tmp, sizeof(f->tmp), "/tmp/yw-node-XXXXXX"), YW_OK);
    assert_non_null(mkdtemp(f->tmp));
    assert_int_equal(yw_fmt(f->dir, sizeof(f->dir), "%s/node", f->tmp), YW_OK);
    assert_int_equal(yw_testdb_create(f->db_url, sizeof(f->db_url)), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char other[160];
    remove_tree(f->dir);
    if (yw_fmt(other, sizeof(other), "%s/other", f->tmp) == YW_OK)
        remove_tree(other);
    rmdir(f->tmp);
    yw_testdb_drop(f->db_url);
    free(f);
    return 0;
}

static void init_node(struct fixture *f, enum yw_profile profile)
{
    struct yw_err err = {0};
    struct yw_node_init opts = {.dir = f->dir,
                                .profile = profile,
                                .db = f->db_url,
                                .origin = "yiwang.test/node",
                                .name = "测试节点"};
    int rc = yw_node_init(&opts, &err);
    if (rc != YW_OK)
        fail_msg("init: %s", err.message);
}

static void test_config_defaults_and_values(void **state)
{
    struct fixture *f = *state;
    struct yw_config cfg;
    struct yw_err err = {0};
    char path[256];

    assert_int_equal(mkdir(f->dir, 0700), 0);
    assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_ENOTFOUND);
    assert_non_null(strstr(err.message, "yiwang init"));

    assert_int_equal(yw_fmt(path, sizeof(path), "%s/yiwang.conf", f->dir), YW_OK);
    write_file(path, "# comment\n\n  listen = 0.0.0.0:9000  \npool_size=3\nbody_limit = 2048\n"
                     "key_file = /etc/yiwang/k.pem\nlog_level = warn\r\n");
    unsetenv("YIWANG_LISTEN");
    unsetenv("YIWANG_DB");
    assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_OK);
    assert_string_equal(cfg.listen, "0.0.0.0:9000");
    assert_int_equal(cfg.pool_size, 3);
    assert_int_equal(cfg.body_limit, 2048);
    assert_string_equal(cfg.key_file, "/etc/yiwang/k.pem");
    assert_int_equal(cfg.log_level, YW_LOG_WARN);
    assert_int_equal(cfg.max_connections, 1024); /* default */
    assert_non_null(strstr(cfg.db, "sqlite:"));

    /* A SQLite path, like the key file's, is the node directory's unless absolute. */
    char want[512];
    unlink(path);
    write_file(path, "db = sqlite:data/node.db\nkey_file = k.pem\n");
    assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_OK);
    assert_int_equal(yw_fmt(want, sizeof(want), "sqlite:%s/data/node.db", f->dir), YW_OK);
    assert_string_equal(cfg.db, want);
    assert_int_equal(yw_fmt(want, sizeof(want), "%s/k.pem", f->dir), YW_OK);
    assert_string_equal(cfg.key_file, want);
    unlink(path);
    write_file(path, "db = sqlite:/srv/yiwang.db\n");
    assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_OK);
    assert_string_equal(cfg.db, "sqlite:/srv/yiwang.db");

    setenv("YIWANG_LISTEN", "127.0.0.1:7000", 1);
    setenv("YIWANG_DB", "postgres://example/db", 1);
    assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_OK);
    assert_string_equal(cfg.listen, "127.0.0.1:7000");
    assert_string_equal(cfg.db, "postgres://example/db");
    unsetenv("YIWANG_LISTEN");
    unsetenv("YIWANG_DB");

    static const struct {
        const char *text;
        const char *expect;
    } bad[] = {
        {"pool_sise = 3\n", "pool_sise"},
        {"pool_size = 0\n", "pool_size"},
        {"pool_size = 3x\n", "pool_size"},
        {"just words\n", "key = value"},
        {"log_level = loud\n", "log_level"},
        {"body_limit = 10\n", "body_limit"},
        {"listen =\n", "listen"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unlink(path);
        write_file(path, bad[i].text);
        assert_int_equal(yw_config_load(f->dir, &cfg, &err), YW_EINVAL);
        assert_non_null(strstr(err.message, bad[i].expect));
        assert_non_null(strstr(err.message, "yiwang.conf:1"));
    }
    unlink(path);
}

static void test_db_url_redaction(void **state)
{
    static const char *const cases[][2] = {
        {"postgres://u:secret@h:5432/db?password=p2&sslmode=require",
         "postgres://u:***@h:5432/db?***"},
        {"postgres://u@h/db?password=x", "postgres://u@h/db?***"},
        {"postgresql://u:p@h/db", "postgresql://u:***@h/db"},
        {"sqlite:/var/lib/yiwang/yiwang.db", "sqlite:/var/lib/yiwang/yiwang.db"},
    };
    struct yw_config cfg = {0};
    char out[256];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(yw_copy(cfg.db, sizeof(cfg.db), cases[i][0]), YW_OK);
        yw_config_db_redacted(&cfg, out, sizeof(out));
        assert_string_equal(out, cases[i][1]);
    }
}

static void test_name_and_origin_checks(void **state)
{
    struct yw_err err = {0};
    (void)state;
    assert_int_equal(yw_node_check_name(yw_str_c("示例市政务数据共享节点"), &err), YW_OK);
    assert_int_equal(yw_node_check_name(yw_str_c("Node A"), &err), YW_OK);
    assert_int_equal(yw_node_check_name(yw_str_c(""), &err), YW_EINVAL);
    assert_string_equal(err.field, "name");
    assert_int_equal(yw_node_check_name(yw_str_c("   "), &err), YW_EINVAL);
    assert_int_equal(yw_node_check_name(yw_str_c("a\nb"), &err), YW_EINVAL);
    assert_int_equal(yw_node_check_name(yw_str_c("\xff"), &err), YW_EINVAL);
    struct yw_buf name;
    yw_buf_init(&name, 1024);
    for (int i = 0; i < 100; i++)
        assert_int_equal(yw_buf_append_c(&name, "节"), YW_OK);
    assert_int_equal(yw_node_check_name((struct yw_str){name.data, name.len}, &err), YW_OK);
    assert_int_equal(yw_buf_append_c(&name, "a"), YW_OK); /* 101 characters */
    assert_int_equal(yw_node_check_name((struct yw_str){name.data, name.len}, &err), YW_EINVAL);
    yw_buf_free(&name);

    assert_int_equal(yw_node_check_origin(yw_str_c("yiwang.example/shiyi"), &err), YW_OK);
    static const char *bad[] = {"", "a b", "a+b", "中文", "tab\there"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(yw_node_check_origin(yw_str_c(bad[i]), &err), YW_EINVAL);
        assert_string_equal(err.field, "origin");
    }
}

static void test_init_open_rename(void **state)
{
    struct fixture *f = *state;
    struct yw_ctx *ctx = NULL;
    struct yw_node_info info;
    struct yw_err err = {0};
    char path[256];
    struct stat sb;

    init_node(f, YW_PROFILE_GM);
    assert_int_equal(yw_fmt(path, sizeof(path), "%s/node.key", f->dir), YW_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    if (yw_node_open(f->dir, &ctx, &err) != YW_OK)
        fail_msg("open: %s", err.message);
    assert_int_equal(ctx->profile, YW_PROFILE_GM);
    assert_string_equal(ctx->origin, "yiwang.test/node");
    assert_true(ctx->schema_version >= 1);
    assert_int_equal(yw_node_info(ctx, &info, &err), YW_OK);
    assert_string_equal(info.name, "测试节点");
    assert_string_equal(info.profile, "gm");
    assert_int_equal(strlen(info.public_key), 88); /* base64 of a 65-byte SM2 point */

    assert_int_equal(yw_node_rename(ctx, yw_str_c("新名称 New name"), &err), YW_OK);
    assert_int_equal(yw_node_info(ctx, &info, &err), YW_OK);
    assert_string_equal(info.name, "新名称 New name");
    assert_int_equal(yw_node_rename(ctx, yw_str_c("bad\x01"), &err), YW_EINVAL);
    assert_int_equal(yw_node_info(ctx, &info, &err), YW_OK);
    assert_string_equal(info.name, "新名称 New name");
    yw_node_close(ctx);
}

static void test_init_refusals_change_nothing(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    char other[160], path[256];
    struct stat before, after;

    init_node(f, YW_PROFILE_INTL);
    assert_int_equal(yw_fmt(path, sizeof(path), "%s/node.key", f->dir), YW_OK);
    assert_int_equal(stat(path, &before), 0);

    /* Same directory: refused before anything is touched. */
    struct yw_node_init again = {.dir = f->dir, .profile = YW_PROFILE_GM, .db = f->db_url};
    assert_int_equal(yw_node_init(&again, &err), YW_ECONFLICT);
    assert_int_equal(stat(path, &after), 0);
    assert_memory_equal(&before.st_mtim, &after.st_mtim, sizeof(before.st_mtim));

    /* Another directory, same database: the database already belongs to a
     * node, and the new directory is cleaned away. */
    assert_int_equal(yw_fmt(other, sizeof(other), "%s/other", f->tmp), YW_OK);
    struct yw_node_init second = {.dir = other, .profile = YW_PROFILE_GM, .db = f->db_url};
    assert_int_equal(yw_node_init(&second, &err), YW_ECONFLICT);
    assert_int_equal(stat(other, &after), -1);

    struct yw_ctx *ctx = NULL;
    assert_int_equal(yw_node_open(f->dir, &ctx, &err), YW_OK);
    assert_int_equal(ctx->profile, YW_PROFILE_INTL);
    yw_node_close(ctx);

    /* Bad input: nothing created. */
    struct yw_node_init bad = {.dir = other, .profile = YW_PROFILE_GM, .origin = "a b"};
    assert_int_equal(yw_node_init(&bad, &err), YW_EINVAL);
    assert_int_equal(stat(other, &after), -1);
}

static void test_open_refuses_a_foreign_key(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    struct yw_key *key = NULL;
    struct yw_ctx *ctx = NULL;
    char path[256];

    init_node(f, YW_PROFILE_GM);
    assert_int_equal(yw_fmt(path, sizeof(path), "%s/node.key", f->dir), YW_OK);
    unlink(path);
    assert_int_equal(yw_key_generate(YW_PROFILE_GM, &key, &err), YW_OK);
    assert_int_equal(yw_key_save_private(key, path, &err), YW_OK);
    yw_key_free(key);
    assert_int_equal(yw_node_open(f->dir, &ctx, &err), YW_ECONFLICT);
    assert_null(ctx);
    assert_non_null(strstr(err.message, "does not match"));
}

int main(void)
{
    int skip = yw_testdb_skip();
    if (skip != 0)
        return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_defaults_and_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_name_and_origin_checks, setup, teardown),
        cmocka_unit_test(test_db_url_redaction),
        cmocka_unit_test_setup_teardown(test_init_open_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_refuses_a_foreign_key, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
