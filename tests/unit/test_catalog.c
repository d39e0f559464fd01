/* catalog: the code rules, grades and masks, the metadata check, and — on
 * the driver YW_TEST_DB names — the life cycle with versions, search in
 * Chinese and English, visibility, import and export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/internal.h"
#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "testdb.h"

/* ---- pure rules ------------------------------------------------------------ */

static void test_code_rules(void **state)
{
    (void)state;
    const struct yw_code_rule *std = yw_catalog_code_rule("gbt21063");
    const struct yw_code_rule *free_rule = yw_catalog_code_rule("free");
    assert_non_null(std);
    assert_non_null(free_rule);
    assert_null(yw_catalog_code_rule("nonesuch"));
    const char *good[] = {"101001/000001", "101001123456/1", "3050010/12345678"};
    const char *bad[] = {"001001/1", "10100/1",  "101001/",         "101001/123456789",
                         "abc",      "101001-1", "1010011234567/1", ""};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(std->check(yw_str_c(good[i]), NULL), YW_OK);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(std->check(yw_str_c(bad[i]), NULL), YW_EINVAL);
    assert_int_equal(free_rule->check(yw_str_c("QL-2024.a/7"), NULL), YW_OK);
    assert_int_equal(free_rule->check(yw_str_c("/x"), NULL), YW_EINVAL);
    assert_int_equal(free_rule->check(yw_str_c("a//b"), NULL), YW_EINVAL);
    assert_int_equal(free_rule->check(yw_str_c("a b"), NULL), YW_EINVAL);
}

static void test_grades_and_masks(void **state)
{
    (void)state;
    assert_true(yw__grade_rank("general-1") < yw__grade_rank("general-4"));
    assert_true(yw__grade_rank("general-4") < yw__grade_rank("important"));
    assert_true(yw__grade_rank("important") < yw__grade_rank("core"));
    assert_int_equal(yw__grade_rank("一般3级"), yw__grade_rank("general-3"));
    assert_int_equal(yw__grade_rank("secret"), 0);
    assert_string_equal(yw__grade_of_rank(6), "core");
    /* Important and core data are redacted whatever the element says. */
    assert_string_equal(yw__default_mask("important", false, false, "keep"), "redact");
    assert_string_equal(yw__default_mask("core", true, false, "id_number"), "redact");
    /* Otherwise the element's operator; never "keep" for sensitive data. */
    assert_string_equal(yw__default_mask("general-4", true, false, "id_number"), "id_number");
    assert_string_equal(yw__default_mask("general-3", true, true, "keep"), "redact");
    /* Without an element: low grades of non-personal data are kept. */
    assert_string_equal(yw__default_mask("general-2", false, false, ""), "keep");
    assert_string_equal(yw__default_mask("general-2", true, false, ""), "redact");
    assert_string_equal(yw__default_mask("general-3", false, false, NULL), "redact");
}

static json_t *resource(const char *code, const char *name, const char *grade,
                        const char *field_grade)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:s}, s:[{s:s, s:s, "
                     "s:s, s:i, s:s, s:s, s:b}]}",
                     "code", code, "name", name, "summary",
                     "居民身份证登记信息，包括公民身份号码和姓名 / resident identity cards",
                     "resource_type", "基础/人口", "format", "数据库", "update_cycle", "每日",
                     "grade", grade, "sharing", "type", "unconditional", "method", "api", "open",
                     "type", "none", "fields", "name", "公民身份号码", "column", "gmsfhm",
                     "data_type", "C", "length", 18, "grade", field_grade, "description",
                     "身份证号 identity number", "key", 1);
}

static void test_resource_check(void **state)
{
    (void)state;
    const struct yw_code_rule *rule = yw_catalog_code_rule("gbt21063");
    struct yw_err err = {0};
    json_t *doc = NULL,
           *body = resource("101001/000001", "居民身份证信息", "general-2", "general-4");

    /* 就高从严: the resource is raised to its highest field. */
    assert_int_equal(yw__resource_check(rule, body, &doc, &err), YW_OK);
    assert_string_equal(json_string_value(json_object_get(doc, "grade")), "general-4");
    assert_string_equal(json_string_value(json_object_get(doc, "resource_type")),
                        "basic.population");
    assert_string_equal(json_string_value(json_object_get(doc, "update_cycle")), "daily");
    json_decref(doc);

    /* Each rule names its field. */
    struct {
        const char *path, *member;
        json_t *value;
        const char *field;
    } cases[] = {
        {NULL, "name", json_string(""), "name"},
        {NULL, "code", json_string("1/1"), "code"},
        {NULL, "surprise", json_true(), "surprise"},
        {NULL, "grade", json_string("secret"), "grade"},
        {"sharing", "type", json_string("conditional"), "sharing.condition"},
        {"open", "type", json_string("unconditional"), NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *b = resource("101001/000001", "居民身份证信息", "core", "general-4");
        json_t *target = cases[i].path ? json_object_get(b, cases[i].path) : b;
        json_object_set_new(target, cases[i].member, cases[i].value);
        memset(&err, 0, sizeof(err));
        assert_int_equal(yw__resource_check(rule, b, &doc, &err), YW_EINVAL);
        assert_null(doc);
        if (cases[i].field)
            assert_string_equal(err.field, cases[i].field);
        else /* core data opened */
            assert_string_equal(err.field, "open.type");
        json_decref(b);
    }
    /* Length is required for C; sensitive implies personal. */
    json_t *f = json_array_get(json_object_get(body, "fields"), 0);
    json_object_del(f, "length");
    assert_int_equal(yw__resource_check(rule, body, &doc, &err), YW_EINVAL);
    assert_string_equal(err.field, "fields[0].length");
    json_object_set_new(f, "length", json_integer(18));
    json_object_set_new(f, "sensitive", json_true());
    assert_int_equal(yw__resource_check(rule, body, &doc, &err), YW_OK);
    assert_true(json_is_true(
        json_object_get(json_array_get(json_object_get(doc, "fields"), 0), "personal")));
    json_decref(doc);
    /* ... and a resource with sensitive fields is never opened unconditionally. */
    json_object_set_new(json_object_get(body, "open"), "type", json_string("无条件开放"));
    assert_int_equal(yw__resource_check(rule, body, &doc, &err), YW_EINVAL);
    assert_string_equal(err.field, "open.type");
    json_decref(body);
}

/* ---- on a store ------------------------------------------------------------- */

struct fixture {
    char url[512];
    struct yw_store *store;
    struct yw_key *key;
    struct yw_ledger *ledger;
    struct yw_catalog cat;
};

static void add_org(struct fixture *f, const char *code, const char *kind)
{
    struct yw_org o = {0};
    struct yw_err err = {0};
    (void)yw_copy(o.code, sizeof(o.code), code);
    (void)yw_fmt(o.name, sizeof(o.name), "测试机构 %s", code);
    (void)yw_copy(o.level, sizeof(o.level), "province");
    (void)yw_copy(o.division, sizeof(o.division), "330000");
    (void)yw_copy(o.kind, sizeof(o.kind), kind);
    if (yw_org_create(f->store, f->ledger, &o, "test", &err) != YW_OK)
        fail_msg("org %s: %s", code, err.message);
}

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
    struct yw_ledger_config cfg = {f->store, YW_PROFILE_INTL, f->key, "yiwang.test/unit"};
    assert_int_equal(yw_ledger_open(&cfg, &f->ledger, &err), YW_OK);
    f->cat =
        (struct yw_catalog){f->store, f->ledger, yw_catalog_code_rule("gbt21063"), YW_PROFILE_INTL};
    add_org(f, "gat", "department");
    add_org(f, "mzt", "department");
    add_org(f, "dsj", "data_authority");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    yw_ledger_close(f->ledger);
    yw_store_close(f->store);
    yw_key_free(f->key);
    yw_testdb_drop(f->url);
    free(f);
    return 0;
}

static struct yw_principal steward(const char *org)
{
    struct yw_principal p = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = YW_ROLE_DATA_STEWARD};
    (void)yw_fmt(p.login, sizeof(p.login), "steward.%s", org);
    (void)yw_copy(p.org, sizeof(p.org), org);
    return p;
}

static json_t *create(struct fixture *f, const struct yw_principal *who, json_t *body_new)
{
    struct yw_err err = {0};
    json_t *out = NULL;
    if (yw_catalog_create(&f->cat, who, body_new, "test", &out, &err) != YW_OK)
        fail_msg("create: %s (%s)", err.message, err.field);
    json_decref(body_new);
    return out;
}

static void step(struct fixture *f, const struct yw_principal *who, const char *code,
                 const char *name, int expect)
{
    struct yw_err err = {0};
    json_t *out = NULL;
    int rc = yw_catalog_step(&f->cat, who, yw_str_c(code), yw_str_c(name), yw_str_c("测试 / test"),
                             who ? who->login : "console", &out, &err);
    if (rc != expect)
        fail_msg("%s %s: got %d (%s), expected %d", name, code, rc, err.message, expect);
    json_decref(out);
}

static int64_t search_total(struct fixture *f, const struct yw_principal *who, const char *q)
{
    struct yw_catalog_query query = {.q = yw_str_c(q)};
    struct yw_err err = {0};
    json_t *out = NULL;
    if (yw_catalog_search(&f->cat, who, &query, &out, &err) != YW_OK)
        fail_msg("search %s: %s", q, err.message);
    int64_t total = json_integer_value(json_object_get(out, "total"));
    json_decref(out);
    return total;
}

static void test_life_cycle_and_versions(void **state)
{
    struct fixture *f = *state;
    struct yw_principal gat = steward("gat"), mzt = steward("mzt");
    struct yw_err err = {0};
    json_t *out = NULL;

    json_decref(
        create(f, &gat, resource("101001/000001", "居民身份证信息", "general-4", "general-4")));
    /* Another department's steward may neither see nor touch the draft. */
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("101001/000001"), 0, &out, &err),
                     YW_ENOTFOUND);
    step(f, &mzt, "101001/000001", "submit", YW_ENOTFOUND); /* not even acknowledged */
    step(f, &gat, "101001/000001", "approve", YW_EPERM);    /* a steward does not review */
    step(f, &gat, "101001/000001", "submit", YW_OK);
    step(f, &gat, "101001/000001", "submit", YW_ECONFLICT);
    step(f, NULL, "101001/000001", "approve", YW_OK);
    assert_int_equal(search_total(f, &mzt, "身份证"), 1);

    /* A change to a published resource is a new version, reviewed again;
     * the published one stays current meanwhile. */
    json_t *body = resource("101001/000001", "居民身份证信息（二代证）", "general-4", "general-4");
    assert_int_equal(
        yw_catalog_update(&f->cat, &gat, yw_str_c("101001/000001"), body, "test", &out, &err),
        YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    json_decref(out);
    json_decref(body);
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("101001/000001"), 0, &out, &err),
                     YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(out, "name")), "居民身份证信息");
    json_decref(out);
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("101001/000001"), 2, &out, &err),
                     YW_ENOTFOUND);
    step(f, &gat, "101001/000001", "submit", YW_OK);
    step(f, NULL, "101001/000001", "approve", YW_OK);
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("101001/000001"), 0, &out, &err),
                     YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "version")), 2);
    json_decref(out);
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("101001/000001"), 1, &out, &err),
                     YW_OK);
    assert_string_equal(json_string_value(json_object_get(out, "version_status")), "superseded");
    json_decref(out);
    assert_int_equal(search_total(f, &mzt, "二代证"), 1);

    /* Deprecate (reason required), then archive by the authority only. */
    assert_int_equal(yw_catalog_step(&f->cat, &gat, yw_str_c("101001/000001"),
                                     yw_str_c("deprecate"), yw_str_c(""), "t", NULL, &err),
                     YW_EINVAL);
    step(f, &gat, "101001/000001", "deprecate", YW_OK);
    step(f, &gat, "101001/000001", "archive", YW_EPERM);
    step(f, NULL, "101001/000001", "archive", YW_OK);
    assert_int_equal(search_total(f, &mzt, "身份证"), 0);
    assert_int_equal(yw_catalog_history(&f->cat, &gat, yw_str_c("101001/000001"), &out, &err),
                     YW_OK);
    assert_int_equal(json_array_size(json_object_get(out, "versions")), 2);
    /* create submit approve update submit approve deprecate archive */
    assert_int_equal(json_array_size(json_object_get(out, "history")), 8);
    json_decref(out);

    /* A draft never published can be discarded. */
    json_decref(create(f, &gat, resource("101001/000002", "临时资源", "general-1", "general-1")));
    step(f, &gat, "101001/000002", "discard", YW_OK);
    assert_int_equal(yw_catalog_get(&f->cat, &gat, yw_str_c("101001/000002"), 0, &out, &err),
                     YW_ENOTFOUND);
}

static void test_search_and_visibility(void **state)
{
    struct fixture *f = *state;
    struct yw_principal gat = steward("gat"), mzt = steward("mzt");
    struct yw_err err = {0};
    json_t *out = NULL;

    json_t *b = resource("101002/000001", "婚姻登记信息", "general-3", "general-3");
    json_object_set_new(b, "summary",
                        json_string("结婚、离婚登记记录 Marriage REGISTRATION records"));
    json_decref(create(f, &mzt, b));
    b = resource("301001/000001", "刑侦线索信息", "general-4", "general-4");
    json_object_set_new(json_object_get(b, "sharing"), "type", json_string("none"));
    json_object_set_new(json_object_get(b, "sharing"), "legal_basis",
                        json_string("《刑事诉讼法》"));
    json_object_set_new(json_array_get(json_object_get(b, "fields"), 0), "name",
                        json_string("线人代号"));
    json_decref(create(f, &gat, b));
    step(f, NULL, "101002/000001", "submit", YW_OK);
    step(f, NULL, "301001/000001", "submit", YW_OK);
    step(f, &mzt, "101002/000001", "approve", YW_EPERM);
    step(f, NULL, "101002/000001", "approve", YW_OK);
    step(f, NULL, "301001/000001", "approve", YW_OK);

    assert_int_equal(search_total(f, &gat, "婚姻"), 1);         /* two characters */
    assert_int_equal(search_total(f, &gat, "婚"), 1);           /* one: a prefix */
    assert_int_equal(search_total(f, &gat, "离婚登记"), 1);     /* a phrase */
    assert_int_equal(search_total(f, &gat, "registration"), 1); /* English, any case */
    assert_int_equal(search_total(f, &gat, "regist"), 1);       /* a prefix */
    assert_int_equal(search_total(f, &gat, "婚姻 records"), 1); /* both required */
    assert_int_equal(search_total(f, &gat, "婚姻 passport"), 0);
    assert_int_equal(search_total(f, &gat, "，。！"), 0); /* nothing searchable */
    /* 不予共享: outside the provider found by name only, and shown restricted. */
    assert_int_equal(search_total(f, &mzt, "线人代号"), 0);
    assert_int_equal(search_total(f, &gat, "线人代号"), 1);
    assert_int_equal(search_total(f, &mzt, "刑侦线索"), 1);
    assert_int_equal(yw_catalog_get(&f->cat, &mzt, yw_str_c("301001/000001"), 0, &out, &err),
                     YW_OK);
    assert_true(json_is_true(json_object_get(out, "restricted")));
    assert_null(json_object_get(out, "fields"));
    json_decref(out);

    /* Filters, paging, and bad values. */
    struct yw_catalog_query q = {.sharing = yw_str_c("不予共享"), .limit = 1};
    assert_int_equal(yw_catalog_search(&f->cat, &gat, &q, &out, &err), YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
    json_decref(out);
    q = (struct yw_catalog_query){.limit = 1, .offset = 1};
    assert_int_equal(yw_catalog_search(&f->cat, &gat, &q, &out, &err), YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 2);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 1);
    json_decref(out);
    q = (struct yw_catalog_query){.offset = 5};
    assert_int_equal(yw_catalog_search(&f->cat, &gat, &q, &out, &err), YW_OK);
    assert_int_equal(json_integer_value(json_object_get(out, "total")), 2);
    json_decref(out);
    q = (struct yw_catalog_query){.grade = yw_str_c("secret")};
    assert_int_equal(yw_catalog_search(&f->cat, &gat, &q, &out, &err), YW_EINVAL);
    assert_string_equal(err.field, "grade");
}

static const char csv_header[] =
    "资源代码,资源名称,提供方代码,资源摘要,资源类型,资源格式,共享类型,共享条件,共享依据,共享方式,"
    "开放类型,开放条件,开放批准,更新周期,资源分级,关联资源代码,信息项名称,字段名,数据类型,长度,"
    "信息项描述,数据元,信息项分级,个人信息,敏感个人信息,主键\n";

static void test_elements_import_export(void **state)
{
    struct fixture *f = *state;
    struct yw_err err = {0};
    json_t *errors = NULL, *out = NULL;
    size_t count = 0;

    const char elements[] =
        "标识符,名称,定义,数据类型,长度,格式,标准依据,权威来源机构,权威来源资源,脱敏方式\n"
        "DE00001,公民身份号码,唯一标识公民的代码,C,18,18位,GB 11643-1999,gat,101001/000001,"
        "id_number\n";
    assert_int_equal(yw_catalog_import_elements(&f->cat, elements, strlen(elements), "test", &count,
                                                &errors, &err),
                     YW_OK);
    assert_int_equal(count, 1);
    /* One source: the same element again is refused, whatever its identifier. */
    json_t *dup =
        json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "id", "DE09999", "name", "公民身份号码",
                  "definition", "重复", "data_type", "C", "length", 18, "source_org", "mzt");
    assert_int_equal(yw_catalog_element_create(&f->cat, NULL, dup, "test", &out, &err),
                     YW_ECONFLICT);
    json_decref(dup);

    /* A bad file writes nothing and names every bad line. */
    char bad[2048];
    (void)yw_fmt(
        bad, sizeof(bad),
        "%s"
        "101001/000001,居民身份证信息,gat,居民身份证登记信息,基础/人口,数据库,无条件共享,,,"
        "系统对接,不予开放,,,每日,一般4级,,公民身份号码,gmsfhm,C,18,,DE00001,一般4级,是,"
        "否,是\n"
        "101001/000001,,,,,,,,,,,,,,,,姓名,xm,C,,,,一般3级,是,否,否\n"
        "101002/000001,婚姻登记信息,mzt,婚姻登记,基础/人口,数据库,无条件共享,,,系统对接,"
        "不予开放,,,每日,秘密,,身份号码,sfhm,C,18,,DE00001,一般4级,是,否,是\n",
        csv_header);
    assert_int_equal(
        yw_catalog_import(&f->cat, bad, strlen(bad), false, "test", &count, &errors, &err),
        YW_EINVAL);
    assert_int_equal(json_array_size(errors), 2);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 0), "line")), 3);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(errors, 1), "line")), 4);
    json_decref(errors);
    assert_int_equal(search_total(f, NULL, ""), 0);

    /* The fixed file: both resources published; the marriage record's identity
     * number is a copy of the public security's. */
    char good[2048];
    (void)yw_fmt(
        good, sizeof(good),
        "%s"
        "101001/000001,居民身份证信息,gat,居民身份证登记信息,基础/人口,数据库,无条件共享,,,"
        "系统对接,不予开放,,,每日,一般4级,,公民身份号码,gmsfhm,C,18,,DE00001,一般4级,是,"
        "否,是\n"
        "101001/000001,,,,,,,,,,,,,,,,姓名,xm,C,50,\"姓名, 含曾用名\",,一般3级,是,否,否\n"
        "101002/000001,婚姻登记信息,mzt,婚姻登记,基础/人口,数据库,有条件共享,\"仅限民政、"
        "公安\",《婚姻登记条例》,系统对接,不予开放,,,每日,一般4级,101001/000001,身份号码,"
        "sfhm,C,18,,DE00001,一般4级,是,否,是\n",
        csv_header);
    assert_int_equal(
        yw_catalog_import(&f->cat, good, strlen(good), true, "test", &count, &errors, &err), YW_OK);
    assert_int_equal(count, 2);
    assert_int_equal(yw_catalog_get(&f->cat, NULL, yw_str_c("101002/000001"), 0, &out, &err),
                     YW_OK);
    json_t *field = json_array_get(json_object_get(out, "fields"), 0);
    assert_true(json_is_true(json_object_get(field, "copy")));
    assert_string_equal(json_string_value(json_object_get(field, "source_resource")),
                        "101001/000001");
    assert_string_equal(json_string_value(json_object_get(field, "mask")), "id_number");
    assert_string_equal(json_string_value(json_object_get(out, "status")), "published");
    json_decref(out);
    assert_int_equal(yw_catalog_conflicts(&f->cat, &out, &err), YW_OK);
    assert_int_equal(json_array_size(out), 1);
    assert_int_equal(json_array_size(json_object_get(json_array_get(out, 0), "holders")), 2);
    json_decref(out);

    /* Export reads back as the same catalog. */
    struct yw_buf csv;
    yw_buf_init(&csv, 1024 * 1024);
    assert_int_equal(yw_catalog_export_csv(&f->cat, &csv, &err), YW_OK);
    assert_non_null(strstr(csv.data, "\"姓名, 含曾用名\""));
    assert_non_null(strstr(csv.data, "有条件共享"));
    step(f, NULL, "101001/000001", "deprecate", YW_OK);
    step(f, NULL, "101001/000001", "archive", YW_OK);
    step(f, NULL, "101002/000001", "deprecate", YW_OK);
    step(f, NULL, "101002/000001", "archive", YW_OK);
    assert_int_equal(
        yw_catalog_import(&f->cat, csv.data, csv.len, false, "test", &count, &errors, &err),
        YW_EINVAL); /* the codes are taken */
    json_decref(errors);
    yw_buf_free(&csv);

    /* Timeliness follows the data's last update against the cycle. */
    assert_int_equal(yw_catalog_data_updated(&f->cat, yw_str_c("101002/000001"),
                                             yw_now_ms() - 3 * 86400000LL, &err),
                     YW_OK);
    assert_int_equal(yw_catalog_get(&f->cat, NULL, yw_str_c("101002/000001"), 0, &out, &err),
                     YW_OK);
    json_t *quality = json_object_get(out, "quality");
    assert_string_equal(json_string_value(json_object_get(quality, "timeliness")), "late");
    assert_int_equal(json_integer_value(json_object_get(quality, "late_days")), 2);
    json_decref(out);
}

static void test_dcat_lists_published(void **state)
{
    struct fixture *f = *state;
    struct yw_principal gat = steward("gat");
    struct yw_err err = {0};
    json_t *out = NULL;

    json_decref(
        create(f, &gat, resource("101001/000001", "居民身份证信息", "general-4", "general-4")));
    json_decref(
        create(f, &gat, resource("101001/000002", "户籍人口信息", "general-4", "general-4")));
    step(f, &gat, "101001/000001", "submit", YW_OK);
    step(f, NULL, "101001/000001", "approve", YW_OK);
    assert_int_equal(
        yw_catalog_dcat(&f->cat, "测试节点", "yiwang.test/unit", "https://n.example", &out, &err),
        YW_OK);
    char *text = json_dumps(out, 0);
    assert_non_null(strstr(text, "101001/000001"));
    assert_null(strstr(text, "101001/000002")); /* a draft is not in the public catalog */
    free(text);
    json_decref(out);
}

int main(void)
{
    int skip = yw_testdb_skip();
    if (skip != 0)
        return skip;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_rules),
        cmocka_unit_test(test_grades_and_masks),
        cmocka_unit_test(test_resource_check),
        cmocka_unit_test_setup_teardown(test_life_cycle_and_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search_and_visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(test_elements_import_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dcat_lists_published, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
