/*
 * src/catalog/dcat.c: the catalog as DCAT-AP 3 JSON-LD. Three resources, one
 * per sharing type, plus members to skip: the catalog node, the datasets and
 * their EU access-right and frequency IRIs, the 不予共享 dataset cut down to
 * identifier, title, publisher and access rights, the data service serving
 * the shared ones only, language tags, and robustness against missing
 * members.
 *
 * With YW_DCAT_OUT set, the fixture's document is written there (to check it
 * with a JSON-LD processor, e.g. the jsonld package in tests/web/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/internal.h"

#define BASE "https://node.example"
#define EU "http://publications.europa.eu/resource/authority/"
#define DS_PUBLIC BASE "/v1/catalog/resources/101001/000001"
#define DS_RESTRICTED BASE "/v1/catalog/resources/201002/000007"
#define DS_NONE BASE "/v1/catalog/resources/101001/000099"

static const struct yw__dcat_info info = {
    .node_name = "青岚省政务数据共享节点",
    .origin = "qinglan.gov.example/node",
    .base_url = BASE,
    .modified = "2026-11-27T09:30:00.000Z",
};

/* One resource per sharing type, and members that must be skipped. */
static const char fixture_json[] =
    "["
    "{\"code\":\"101001/000001\",\"version\":2,\"status\":\"published\","
    " \"name\":\"居民身份证信息\",\"provider\":\"ql.gat\",\"provider_name\":\"青岚省公安厅\","
    " \"provider_uscc\":\"11330000QL00000045\",\"summary\":\"全省户籍人口的居民身份证登记信息。\","
    " \"resource_type\":\"basic.population\",\"format\":\"数据库\","
    " \"sharing\":{\"type\":\"unconditional\",\"condition\":\"\",\"legal_basis\":"
    "\"《居民身份证法》\","
    "             \"method\":\"api\"},"
    " \"open\":{\"type\":\"none\",\"condition\":\"\",\"approval\":\"\"},"
    " \"update_cycle\":\"realtime\",\"grade\":\"general-4\",\"related\":[\"201002/000007\"],"
    " \"published_at\":\"2026-11-27T08:00:00.000Z\",\"updated_at\":\"2026-11-27T08:30:00.000Z\","
    " \"fields\":["
    "  {\"column\":\"gmsfhm\",\"name\":\"公民身份号码\",\"data_type\":\"C\",\"length\":18,"
    "   \"description\":\"18 位\",\"element\":\"DE00001\",\"grade\":\"general-4\","
    "   \"personal\":true,\"sensitive\":false,\"key\":true,\"copy\":false,\"mask\":\"id_number\"},"
    "  {\"column\":\"xm\",\"name\":\"姓名\",\"data_type\":\"C\",\"length\":50,\"personal\":true},"
    "  \"not a field\"]},"
    "{\"code\":\"201002/000007\",\"version\":1,\"status\":\"published\","
    " \"name\":\"企业登记信息\",\"provider\":\"ql.scjg\",\"provider_name\":"
    "\"青岚省市场监督管理局\","
    " \"provider_uscc\":\"\",\"summary\":\"市场主体登记注册信息。\","
    " \"resource_type\":\"basic.legal_entity\",\"format\":\"电子表格\","
    " \"sharing\":{\"type\":\"conditional\",\"condition\":\"仅用于市场监管\","
    "             \"legal_basis\":\"《市场主体登记管理条例》\",\"method\":\"platform\"},"
    " \"open\":{\"type\":\"conditional\",\"condition\":\"申请开放\",\"approval\":\"大数据局审批\"},"
    " \"update_cycle\":\"half_yearly\",\"grade\":\"important\",\"related\":[],"
    " \"published_at\":\"2026-10-01T00:00:00.000Z\",\"updated_at\":\"\","
    " \"fields\":[{\"column\":\"tyshxydm\",\"name\":\"统一社会信用代码\",\"data_type\":\"C\","
    "             \"length\":18}]},"
    "{\"code\":\"101001/000099\",\"version\":3,\"status\":\"published\","
    " \"name\":\"在逃人员信息\",\"provider\":\"ql.gat\",\"provider_name\":\"青岚省公安厅\","
    " \"provider_uscc\":\"11330000QL00000045\",\"summary\":\"不予共享的摘要SECRET_SUMMARY\","
    " \"resource_type\":\"department\",\"format\":\"数据库\","
    " \"sharing\":{\"type\":\"none\",\"condition\":\"\",\"legal_basis\":\"SECRET_BASIS\","
    "             \"method\":\"other\"},"
    " \"open\":{\"type\":\"none\"},\"update_cycle\":\"daily\",\"grade\":\"core\","
    " \"related\":[\"101001/000001\"],\"published_at\":\"2026-11-01T00:00:00.000Z\","
    " \"fields\":[{\"column\":\"SECRET_COLUMN\",\"name\":\"人员编号\",\"data_type\":\"C\"}]},"
    "42, null, \"text\", [],"
    "{\"name\":\"没有代码\"},"
    "{\"code\":\"101001/000100\"},"
    "{\"code\":\"\",\"name\":\"空代码\"},"
    "{\"code\":7,\"name\":\"数字代码\"}"
    "]";

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &error);
    if (v == NULL)
        fail_msg("bad test JSON (line %d col %d): %s", error.line, error.column, error.text);
    return v;
}

static json_t *fixture_doc(void)
{
    json_t *resources = parse(fixture_json);
    json_t *doc = yw__catalog_dcat(resources, &info);
    json_decref(resources);
    assert_non_null(doc);
    return doc;
}

/* The @graph node with @id id, or NULL. */
static json_t *node(const json_t *doc, const char *id)
{
    size_t i;
    json_t *n;
    json_array_foreach(json_object_get(doc, "@graph"), i, n)
    {
        if (strcmp(json_string_value(json_object_get(n, "@id")), id) == 0)
            return n;
    }
    return NULL;
}

static json_t *must_node(const json_t *doc, const char *id)
{
    json_t *n = node(doc, id);
    if (n == NULL)
        fail_msg("no node %s", id);
    return n;
}

static size_t count_type(const json_t *doc, const char *type)
{
    size_t i, n = 0;
    json_t *v;
    json_array_foreach(json_object_get(doc, "@graph"), i, v)
    {
        if (json_is_string(json_object_get(v, "@type")) &&
            strcmp(json_string_value(json_object_get(v, "@type")), type) == 0)
            n++;
    }
    return n;
}

/* The "@id" of node's key (an object {"@id": …}). */
static const char *id_of(const json_t *n, const char *key)
{
    const char *s = json_string_value(json_object_get(json_object_get(n, key), "@id"));
    if (s == NULL)
        fail_msg("%s has no @id", key);
    return s;
}

/* The "@value" of node's key, checking its language tag (NULL: none). */
static const char *value_of(const json_t *n, const char *key, const char *lang)
{
    const json_t *v = json_object_get(n, key);
    const char *s = json_string_value(json_object_get(v, "@value"));
    if (s == NULL)
        fail_msg("%s has no @value", key);
    if (lang != NULL)
        assert_string_equal(json_string_value(json_object_get(v, "@language")), lang);
    else
        assert_null(json_object_get(v, "@language"));
    return s;
}

/* The @id strings of the array of references at node's key. */
static void assert_refs(const json_t *n, const char *key, const char *const *want, size_t n_want)
{
    const json_t *arr = json_object_get(n, key);
    assert_true(json_is_array(arr));
    assert_int_equal(json_array_size(arr), n_want);
    for (size_t i = 0; i < n_want; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(arr, i), "@id")),
                            want[i]);
}

static void test_context_inline(void **state)
{
    (void)state;
    json_t *doc = fixture_doc();
    const json_t *ctx = json_object_get(doc, "@context");
    static const char *const prefixes[] = {"dcat", "dct", "foaf",   "skos", "vcard",
                                           "adms", "xsd", "dcatap", "yw"};

    assert_true(json_is_object(ctx)); /* never a URL: no network needed */
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        assert_true(json_is_string(json_object_get(ctx, prefixes[i])));
    assert_string_equal(json_string_value(json_object_get(ctx, "dcat")),
                        "http://www.w3.org/ns/dcat#");
    assert_string_equal(json_string_value(json_object_get(ctx, "dct")),
                        "http://purl.org/dc/terms/");
    assert_string_equal(json_string_value(json_object_get(ctx, "dcatap")),
                        "http://data.europa.eu/r5r/");
    assert_string_equal(json_string_value(json_object_get(ctx, "yw")), BASE "/ns#");
    assert_true(json_is_array(json_object_get(doc, "@graph")));

    const char *out = getenv("YW_DCAT_OUT");
    if (out != NULL && *out != '\0')
        assert_int_equal(json_dump_file(doc, out, JSON_INDENT(2)), 0);
    json_decref(doc);
}

static void test_catalog(void **state)
{
    (void)state;
    json_t *doc = fixture_doc();
    json_t *cat = must_node(doc, BASE "/v1/catalog/dcat");
    static const char *const datasets[] = {DS_PUBLIC, DS_RESTRICTED, DS_NONE};
    static const char *const services[] = {BASE "/v1/catalog/dcat#exchange"};

    assert_int_equal(count_type(doc, "dcat:Catalog"), 1);
    assert_string_equal(json_string_value(json_object_get(cat, "@type")), "dcat:Catalog");
    assert_string_equal(value_of(cat, "dct:title", "zh-CN"), info.node_name);
    assert_non_null(strstr(value_of(cat, "dct:description", "zh-CN"), info.node_name));
    assert_string_equal(value_of(cat, "dct:modified", NULL), info.modified);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(cat, "dct:modified"), "@type")),
        "xsd:dateTime");
    assert_string_equal(id_of(cat, "dct:language"), EU "language/ZHO");
    assert_string_equal(json_string_value(json_object_get(cat, "dct:identifier")), info.origin);

    json_t *publisher = json_object_get(cat, "dct:publisher");
    assert_string_equal(json_string_value(json_object_get(publisher, "@type")), "foaf:Agent");
    assert_string_equal(value_of(publisher, "foaf:name", "zh-CN"), info.node_name);

    /* The resource types as our own concept scheme. */
    const char *scheme_id = id_of(cat, "dcat:themeTaxonomy");
    json_t *scheme = must_node(doc, scheme_id);
    assert_string_equal(json_string_value(json_object_get(scheme, "@type")), "skos:ConceptScheme");
    assert_string_equal(value_of(scheme, "skos:prefLabel", "zh-CN"), "政务信息资源分类");
    assert_int_equal(json_array_size(json_object_get(scheme, "skos:hasTopConcept")), 18);
    assert_int_equal(count_type(doc, "skos:Concept"), 18);
    json_t *population = must_node(doc, BASE "/v1/catalog/dcat#resource-type-basic.population");
    assert_string_equal(value_of(population, "skos:prefLabel", "zh-CN"), "基础/人口");
    assert_string_equal(id_of(population, "skos:inScheme"), scheme_id);

    /* Three datasets: the junk members are skipped. */
    assert_refs(cat, "dcat:dataset", datasets, 3);
    assert_int_equal(count_type(doc, "dcat:Dataset"), 3);
    assert_refs(cat, "dcat:service", services, 1);
    json_decref(doc);
}

static void test_shared_datasets(void **state)
{
    (void)state;
    json_t *doc = fixture_doc();
    json_t *pub = must_node(doc, DS_PUBLIC), *res = must_node(doc, DS_RESTRICTED);

    assert_string_equal(json_string_value(json_object_get(pub, "dct:identifier")), "101001/000001");
    assert_string_equal(value_of(pub, "dct:title", "zh-CN"), "居民身份证信息");
    assert_string_equal(value_of(pub, "dct:description", "zh-CN"),
                        "全省户籍人口的居民身份证登记信息。");
    assert_string_equal(value_of(res, "dct:title", "zh-CN"), "企业登记信息");

    assert_string_equal(id_of(pub, "dct:accessRights"), EU "access-right/PUBLIC");
    assert_string_equal(id_of(res, "dct:accessRights"), EU "access-right/RESTRICTED");
    assert_string_equal(id_of(pub, "dct:accrualPeriodicity"), EU "frequency/UPDATE_CONT");
    assert_string_equal(id_of(res, "dct:accrualPeriodicity"), EU "frequency/ANNUAL_2");
    assert_string_equal(id_of(pub, "dcat:theme"),
                        BASE "/v1/catalog/dcat#resource-type-basic.population");
    assert_string_equal(id_of(res, "dcat:theme"),
                        BASE "/v1/catalog/dcat#resource-type-basic.legal_entity");

    assert_string_equal(value_of(pub, "dct:issued", NULL), "2026-11-27T08:00:00.000Z");
    assert_string_equal(value_of(pub, "dct:modified", NULL), "2026-11-27T08:30:00.000Z");
    assert_null(json_object_get(res, "dct:modified")); /* "" is left out */
    assert_string_equal(json_string_value(json_object_get(pub, "dcat:version")), "2");

    static const char *const related[] = {DS_RESTRICTED};
    assert_refs(pub, "dct:relation", related, 1);
    assert_null(json_object_get(res, "dct:relation")); /* empty list: none */

    /* Publisher: the organisation, with its USCC when there is one. */
    json_t *agent = json_object_get(pub, "dct:publisher");
    assert_string_equal(json_string_value(json_object_get(agent, "@id")), BASE "/v1/orgs/ql.gat");
    assert_string_equal(json_string_value(json_object_get(agent, "@type")), "foaf:Agent");
    assert_string_equal(value_of(agent, "foaf:name", "zh-CN"), "青岚省公安厅");
    assert_string_equal(json_string_value(json_object_get(agent, "dct:identifier")),
                        "11330000QL00000045");
    assert_string_equal(json_string_value(json_object_get(json_object_get(agent, "adms:identifier"),
                                                          "skos:notation")),
                        "11330000QL00000045");
    agent = json_object_get(res, "dct:publisher");
    assert_string_equal(value_of(agent, "foaf:name", "zh-CN"), "青岚省市场监督管理局");
    assert_null(json_object_get(agent, "dct:identifier"));
    assert_null(json_object_get(agent, "adms:identifier"));

    /* Extensions. */
    assert_string_equal(json_string_value(json_object_get(pub, "yw:grade")), "general-4");
    assert_string_equal(json_string_value(json_object_get(pub, "yw:sharingType")), "unconditional");
    assert_string_equal(json_string_value(json_object_get(pub, "yw:sharingMethod")), "api");
    assert_string_equal(value_of(pub, "yw:sharingLegalBasis", "zh-CN"), "《居民身份证法》");
    assert_null(json_object_get(pub, "yw:sharingCondition"));
    assert_string_equal(value_of(res, "yw:sharingCondition", "zh-CN"), "仅用于市场监管");
    assert_string_equal(json_string_value(json_object_get(res, "yw:openType")), "conditional");
    assert_string_equal(value_of(res, "yw:openCondition", "zh-CN"), "申请开放");
    assert_string_equal(value_of(res, "yw:openApproval", "zh-CN"), "大数据局审批");

    /* Distribution through the exchange service. */
    json_t *dist = json_object_get(pub, "dcat:distribution");
    assert_string_equal(json_string_value(json_object_get(dist, "@type")), "dcat:Distribution");
    assert_string_equal(json_string_value(json_object_get(dist, "@id")), DS_PUBLIC "#distribution");
    assert_string_equal(id_of(dist, "dcat:accessURL"), DS_PUBLIC);
    assert_string_equal(id_of(dist, "dcat:accessService"), BASE "/v1/catalog/dcat#exchange");
    assert_string_equal(value_of(json_object_get(dist, "dct:format"), "rdfs:label", "zh-CN"),
                        "数据库");

    /* 信息项: name, column, type, length; nothing else, non-objects skipped. */
    json_t *fields = json_object_get(json_object_get(pub, "yw:field"), "@list");
    assert_int_equal(json_array_size(fields), 2);
    json_t *f = json_array_get(fields, 0);
    assert_string_equal(value_of(f, "yw:name", "zh-CN"), "公民身份号码");
    assert_string_equal(json_string_value(json_object_get(f, "yw:column")), "gmsfhm");
    assert_string_equal(json_string_value(json_object_get(f, "yw:dataType")), "C");
    assert_int_equal(json_integer_value(json_object_get(f, "yw:length")), 18);
    assert_null(json_object_get(f, "yw:mask"));
    assert_int_equal(json_object_size(f), 5); /* @type and the four above */
    json_decref(doc);
}

static void test_not_shared_dataset(void **state)
{
    (void)state;
    json_t *doc = fixture_doc();
    json_t *none = must_node(doc, DS_NONE);
    const char *key;
    json_t *v;
    static const char *const allowed[] = {"@id",       "@type",         "dct:identifier",
                                          "dct:title", "dct:publisher", "dct:accessRights"};

    assert_string_equal(id_of(none, "dct:accessRights"), EU "access-right/NON_PUBLIC");
    assert_string_equal(value_of(none, "dct:title", "zh-CN"), "在逃人员信息");
    assert_string_equal(json_string_value(json_object_get(none, "dct:identifier")),
                        "101001/000099");
    assert_string_equal(value_of(json_object_get(none, "dct:publisher"), "foaf:name", "zh-CN"),
                        "青岚省公安厅");
    json_object_foreach(none, key, v)
    {
        bool ok = false;
        for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
            ok = ok || strcmp(key, allowed[i]) == 0;
        if (!ok)
            fail_msg("不予共享 dataset has %s", key);
    }
    assert_int_equal(json_object_size(none), 6);

    /* Nothing of it leaks anywhere in the document. */
    char *text = json_dumps(doc, 0);
    assert_non_null(text);
    assert_null(strstr(text, "SECRET_SUMMARY"));
    assert_null(strstr(text, "SECRET_BASIS"));
    assert_null(strstr(text, "SECRET_COLUMN"));
    free(text);
    json_decref(doc);
}

static void test_data_service(void **state)
{
    (void)state;
    json_t *doc = fixture_doc();
    json_t *svc = must_node(doc, BASE "/v1/catalog/dcat#exchange");
    static const char *const served[] = {DS_PUBLIC, DS_RESTRICTED};

    assert_int_equal(count_type(doc, "dcat:DataService"), 1);
    assert_string_equal(json_string_value(json_object_get(svc, "@type")), "dcat:DataService");
    assert_string_equal(id_of(svc, "dcat:endpointURL"), BASE "/v1/exchange");
    assert_string_equal(id_of(svc, "dcat:endpointDescription"), BASE "/v1/openapi.json");
    assert_string_equal(value_of(svc, "dct:title", "zh-CN"), "数据共享交换接口");
    assert_refs(svc, "dcat:servesDataset", served, 2);
    json_decref(doc);
}

/* update_cycle → EU frequency, table-driven. */
static void test_frequencies(void **state)
{
    (void)state;
    static const struct {
        const char *cycle, *want; /* NULL: no dct:accrualPeriodicity */
    } cases[] = {
        {"realtime", EU "frequency/UPDATE_CONT"},
        {"daily", EU "frequency/DAILY"},
        {"weekly", EU "frequency/WEEKLY"},
        {"monthly", EU "frequency/MONTHLY"},
        {"quarterly", EU "frequency/QUARTERLY"},
        {"half_yearly", EU "frequency/ANNUAL_2"},
        {"yearly", EU "frequency/ANNUAL"},
        {"other", EU "frequency/OTHER"},
        {"fortnightly", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_t *res = json_pack("[{s:s, s:s, s:{s:s}, s:s}]", "code", "1/1", "name", "名称",
                                "sharing", "type", "unconditional", "update_cycle", cases[i].cycle);
        json_t *doc = yw__catalog_dcat(res, &info);
        json_t *ds = must_node(doc, BASE "/v1/catalog/resources/1/1");
        if (cases[i].want == NULL)
            assert_null(json_object_get(ds, "dct:accrualPeriodicity"));
        else
            assert_string_equal(id_of(ds, "dct:accrualPeriodicity"), cases[i].want);
        json_decref(doc);
        json_decref(res);
    }
}

/* Missing members are "": an unknown sharing type fails closed (NON_PUBLIC,
 * minimal); odd characters in codes are percent-encoded; no info at all. */
static void test_missing_members(void **state)
{
    (void)state;
    json_t *res =
        parse("[{\"code\":\"A 1/é\",\"name\":\"只有名称\"},"
              " {\"code\":\"B\",\"name\":\"未知共享类型\",\"summary\":\"不应出现\","
              "  \"sharing\":{\"type\":\"maybe\"},\"fields\":[{\"column\":\"c\"}]},"
              " {\"code\":\"C\",\"name\":\"字段残缺\",\"sharing\":\"unconditional\","
              "  \"fields\":{}, \"related\":\"x\", \"version\":\"v9\", \"provider\":\"o\"}]");
    json_t *doc = yw__catalog_dcat(res, &info);
    json_t *a = must_node(doc, BASE "/v1/catalog/resources/A%201/%C3%A9");
    json_t *b = must_node(doc, BASE "/v1/catalog/resources/B");
    json_t *c = must_node(doc, BASE "/v1/catalog/resources/C");

    assert_string_equal(id_of(a, "dct:accessRights"), EU "access-right/NON_PUBLIC");
    assert_null(json_object_get(a, "dct:publisher"));
    assert_int_equal(json_object_size(a), 5);
    assert_string_equal(id_of(b, "dct:accessRights"), EU "access-right/NON_PUBLIC");
    assert_null(json_object_get(b, "dct:description"));
    assert_null(json_object_get(b, "yw:field"));
    /* sharing not an object: its type is "", so not shared either. */
    assert_string_equal(id_of(c, "dct:accessRights"), EU "access-right/NON_PUBLIC");
    assert_string_equal(id_of(c, "dct:publisher"), BASE "/v1/orgs/o");
    assert_int_equal(json_array_size(json_object_get(
                         must_node(doc, BASE "/v1/catalog/dcat#exchange"), "dcat:servesDataset")),
                     0);
    json_decref(doc);

    /* No info, no resources: still a document. */
    doc = yw__catalog_dcat(NULL, NULL);
    assert_non_null(doc);
    assert_int_equal(count_type(doc, "dcat:Catalog"), 1);
    assert_int_equal(count_type(doc, "dcat:Dataset"), 0);
    json_decref(doc);
    json_decref(res);
}

/* A version given as a string is kept; a shared resource with no fields,
 * format or publisher still gets its distribution. */
static void test_minimal_shared(void **state)
{
    (void)state;
    json_t *res = parse("[{\"code\":\"S\",\"name\":\"最少\",\"version\":\"v9\","
                        "  \"sharing\":{\"type\":\"conditional\"},\"fields\":[]}]");
    json_t *doc = yw__catalog_dcat(res, &info);
    json_t *s = must_node(doc, BASE "/v1/catalog/resources/S");

    assert_string_equal(json_string_value(json_object_get(s, "dcat:version")), "v9");
    assert_null(json_object_get(s, "yw:field"));
    assert_null(json_object_get(s, "dct:publisher"));
    assert_null(json_object_get(json_object_get(s, "dcat:distribution"), "dct:format"));
    assert_string_equal(id_of(json_object_get(s, "dcat:distribution"), "dcat:accessURL"),
                        BASE "/v1/catalog/resources/S");
    json_decref(doc);
    json_decref(res);
}

/* Out of memory at every allocation in turn: NULL, never a partial document,
 * and nothing leaked (the sanitizer build checks). */
static size_t allocs_left;

static void *failing_malloc(size_t n)
{
    if (allocs_left == 0)
        return NULL;
    allocs_left--;
    return malloc(n);
}

static void test_out_of_memory(void **state)
{
    (void)state;
    json_t *resources = parse(fixture_json);
    json_t *want = yw__catalog_dcat(resources, &info);
    json_t *got = NULL;
    size_t n;

    assert_non_null(want);
    for (n = 0; got == NULL; n++) {
        allocs_left = n;
        json_set_alloc_funcs(failing_malloc, free);
        got = yw__catalog_dcat(resources, &info);
        json_set_alloc_funcs(malloc, free);
        if (n > 100000)
            fail_msg("no document after %zu allocations", n);
    }
    assert_true(n > 100);
    assert_true(json_equal(got, want));
    json_decref(got);
    json_decref(want);
    json_decref(resources);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_context_inline),  cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_shared_datasets), cmocka_unit_test(test_not_shared_dataset),
        cmocka_unit_test(test_data_service),    cmocka_unit_test(test_frequencies),
        cmocka_unit_test(test_missing_members), cmocka_unit_test(test_minimal_shared),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
