#include "demo.h"

#include <string.h>

#include "catalog/catalog.h"
#include "directory/directory.h"
#include "exchange/exchange.h"
#include "internal.h"
#include "store/store.h"

#define ACTOR YW__DEMO_ACTOR

struct demo_org {
    const char *code, *name, *level, *division, *kind, *parent, *org_code, *liaison, *phone;
};

/* All fictional; division codes borrowed from GB/T 2260 (Zhejiang) so that
 * they are valid. org_code is the 9 characters inside the USCC. */
static const struct demo_org orgs[] = {
    {"ql.gov", "青岚省人民政府", "province", "330000", "other", NULL, "QL0000001", "周明远",
     "13900000001"},
    {"ql.dsj", "青岚省大数据管理局", "province", "330000", "data_authority", "ql.gov", "QL0000002",
     "王晓明", "13900000002"},
    {"ql.xzsp", "青岚省行政审批局", "province", "330000", "approval_bureau", "ql.gov", "QL0000003",
     "陈佳", "13900000003"},
    {"ql.gat", "青岚省公安厅", "province", "330000", "department", "ql.gov", "QL0000004", "刘强",
     "13900000004"},
    {"ql.scjg", "青岚省市场监督管理局", "province", "330000", "supervision", "ql.gov", "QL0000005",
     "赵敏", "13900000005"},
    {"ql.mzt", "青岚省民政厅", "province", "330000", "department", "ql.gov", "QL0000006", "孙丽",
     "13900000006"},
    {"ql.rst", "青岚省人力资源和社会保障厅", "province", "330000", "department", "ql.gov",
     "QL0000007", "李华", "13900000007"},
    {"ql.wjw", "青岚省卫生健康委员会", "province", "330000", "department", "ql.gov", "QL0000008",
     "吴静", "13900000008"},
    {"ql.jyt", "青岚省教育厅", "province", "330000", "department", "ql.gov", "QL0000009", "郑伟",
     "13900000009"},
    {"ql.qc.gov", "青川市人民政府", "city", "330100", "other", "ql.gov", "QL0000010", "何平",
     "13900000010"},
    {"ql.qc.sjj", "青川市数据资源管理局", "city", "330100", "data_authority", "ql.qc.gov",
     "QL0000011", "许晨", "13900000011"},
    {"ql.qc.xzsp", "青川市行政审批服务局", "city", "330100", "approval_bureau", "ql.qc.gov",
     "QL0000012", "冯雪", "13900000012"},
    {"ql.qc.scjg", "青川市市场监督管理局", "city", "330100", "supervision", "ql.qc.gov",
     "QL0000013", "曹阳", "13900000013"},
    {"ql.lg.gov", "岚港市人民政府", "city", "330200", "other", "ql.gov", "QL0000014", "彭飞",
     "13900000014"},
    {"ql.lg.sjj", "岚港市大数据发展管理局", "city", "330200", "data_authority", "ql.lg.gov",
     "QL0000015", "韩梅", "13900000015"},
    {"ql.lg.xzsp", "岚港市行政审批局", "city", "330200", "approval_bureau", "ql.lg.gov",
     "QL0000016", "邓涛", "13900000016"},
    {"ql.partner", "青岚数链科技有限公司", "province", "330100", "enterprise_partner", NULL,
     "QL0000101", "林一帆", "13900000101"},
};

static const struct {
    const char *org, *action;
} powers[] = {
    {"ql.dsj", "catalog.review"},
    {"ql.dsj", "catalog.publish"},
    {"ql.dsj", "exchange.arbitrate"},
    {"ql.gat", "catalog.publish"},
    {"ql.gat", "exchange.approve"},
    {"ql.scjg", "supervision.claim"},
    {"ql.xzsp", "case.accept"},
    {"ql.xzsp", "case.approve"},
    {"ql.qc.xzsp", "case.accept"},
    {"ql.qc.xzsp", "case.approve"},
    {"ql.qc.scjg", "supervision.claim"},
    {"ql.lg.xzsp", "case.accept"},
    /* One-stop services: the types of item each organisation implements,
     * deciding cases, and the data authority overseeing them. */
    {"ql.qc.xzsp", "item.xk"},
    {"ql.dsj", "case.oversee"},
    {"ql.dsj", "review.arbitrate"},
    {"ql.rst", "item.qr"},
    {"ql.rst", "item.gg"},
    {"ql.rst", "item.jf"},
    {"ql.rst", "case.accept"},
    {"ql.rst", "case.approve"},
    {"ql.mzt", "item.qr"},
    {"ql.mzt", "item.jf"},
    {"ql.mzt", "case.accept"},
    {"ql.mzt", "case.approve"},
    {"ql.gat", "item.qr"},
    {"ql.gat", "item.gg"},
    {"ql.gat", "case.accept"},
    {"ql.gat", "case.approve"},
    {"ql.wjw", "item.gg"},
    {"ql.wjw", "item.xk"},
    {"ql.wjw", "case.accept"},
    {"ql.wjw", "case.approve"},
    {"ql.wjw", "supervision.claim"},
    {"ql.jyt", "item.qr"},
    {"ql.jyt", "item.gg"},
    {"ql.jyt", "case.accept"},
    {"ql.jyt", "case.approve"},
};

static const struct {
    const char *kind, *login, *name, *org, *role;
} accounts[] = {
    {"staff", "admin", "王晓明", "ql.dsj", "node_admin"},
    {"staff", "cdo.qinglan", "周明远", "ql.dsj", "cdo"},
    {"staff", "steward.gat", "刘强", "ql.gat", "data_steward"},
    /* Answers applications for 公安厅's conditional resources (exchange.approve). */
    /* Decides the cases of 青川市行政审批服务局 (case.approve). */
    {"staff", "approver.qc", "蒋文", "ql.qc.xzsp", "approver"},
    {"staff", "approver.gat", "唐振华", "ql.gat", "approver"},
    {"staff", "approver.xzsp", "陈佳", "ql.xzsp", "approver"},
    {"staff", "clerk.qc", "冯雪", "ql.qc.xzsp", "window_clerk"},
    {"staff", "assistant.qc", "许晨", "ql.qc.xzsp", "assistant"},
    {"staff", "supervisor.scjg", "赵敏", "ql.scjg", "supervisor"},
    {"staff", "auditor", "吴静", "ql.dsj", "auditor"},
    {"enterprise_operator", "operator.shulian", "林一帆", "ql.partner", "enterprise_operator"},
};

/* Completes body (without its last character) with the one check character
 * the checker accepts, so the demo never re-implements the standards. */
static int complete_uscc(const char *body17, char out[19])
{
    static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    for (size_t i = 0; i < sizeof(alphabet) - 1; i++) {
        (void)yw_fmt(out, 19, "%s%c", body17, alphabet[i]);
        if (yw_id_check_uscc(yw_str_c(out), "uscc", NULL) == YW_OK)
            return YW_OK;
    }
    return YW_EINTERNAL;
}

/* The demo catalog: its data elements, then about 30 resources with graded
 * fields, published (src/demo/elements.csv and catalog.csv, embedded). */
static int populate_catalog(struct yw_ctx *ctx, FILE *out, struct yw_err *err)
{
    static const char *const files[] = {"elements.csv", "catalog.csv"};
    struct yw_catalog cat;
    yw_node_catalog(ctx, &cat);
    for (size_t i = 0; i < 2; i++) {
        const struct yw_asset *a =
            yw_asset_find(yw_demo_files, yw_demo_files_count, yw_str_c(files[i]));
        json_t *errors = NULL;
        size_t count = 0;
        if (a == NULL)
            return yw_err_set(err, YW_EINTERNAL, NULL, "%s is not embedded", files[i]);
        int rc = i == 0 ? yw_catalog_import_elements(&cat, (const char *)a->data, a->size, ACTOR,
                                                     &count, &errors, err)
                        : yw_catalog_import(&cat, (const char *)a->data, a->size, true, ACTOR,
                                            &count, &errors, err);
        if (rc < 0) {
            json_t *first = json_array_get(errors, 0);
            if (first)
                yw_err_set(err, rc, NULL, "%s:%lld: %s", files[i],
                           (long long)json_integer_value(json_object_get(first, "line")),
                           json_string_value(json_object_get(first, "message")));
            json_decref(errors);
            return rc;
        }
        fprintf(out, "%s: %zu %s\n", files[i], count,
                i == 0 ? "个数据元 / data elements" : "个资源已发布 / resources published");
    }
    return YW_OK;
}

static int complete_resident(const char *body17, char out[19])
{
    static const char alphabet[] = "0123456789X";
    for (size_t i = 0; i < sizeof(alphabet) - 1; i++) {
        (void)yw_fmt(out, 19, "%s%c", body17, alphabet[i]);
        if (yw_id_check_resident(yw_str_c(out), yw_now_ms(), "id_number", NULL, NULL) == YW_OK)
            return YW_OK;
    }
    return YW_EINTERNAL;
}

/* Applies at the console with body (stolen; NULL when it could not be built). */
static int apply(struct yw_ctx *ctx, json_t *body, json_t **answer, struct yw_err *err)
{
    int rc = body ? yw_exchange_apply(ctx->exchange, NULL, body, ACTOR, answer, err)
                  : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    json_decref(body);
    return rc;
}

/* A consumer system and its applications, so that a delivery can be called
 * right after start-up: 民政厅婚姻登记系统 (ql.mzt) holds a grant for 户籍人口基本信息
 * (无条件共享: granted at once) and a sandbox grant on it (aggregates only), and
 * its application for 居民身份证信息 (有条件共享) waits for approver.gat. Prints
 * the key once, then a ready-to-run request for the example's resident. */
static int populate_grants(struct yw_ctx *ctx, FILE *out, const struct yw__demo_example *example,
                           struct yw_err *err)
{
    const char *roles[] = {"data_steward", NULL};
    char token[YW_API_KEY_TOKEN_SIZE], key_id[YW_API_KEY_TOKEN_SIZE], from[11], to[11];
    int64_t today = yw_day_from_ms(yw_now_ms());
    json_t *answer = NULL;
    int rc;

    if ((rc = yw_key_create(ctx->store, ctx->ledger, "民政厅婚姻登记系统", "ql.mzt", roles,
                            "127.0.0.1,::1", ACTOR, token, err)) < 0)
        return rc;
    const char *dot = strchr(token, '.');
    (void)yw_fmt(key_id, sizeof(key_id), "%.*s", dot ? (int)(dot - token) : 0, token);
    yw_day_text(today, from);
    yw_day_text(today + 2 * 365, to);

    if ((rc =
             apply(ctx,
                   json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s,s,s,s,s], s:s, s:s, s:s, s:s, s:i, "
                             "s:i, s:i}",
                             "resource", "101001/000002", "key_id", key_id, "consumer", "ql.mzt",
                             "fields", "gmsfhm", "xm", "xb", "mz", "csrq", "hjdz", "hjdqh", "yhzgx",
                             "hkzt", "purpose", "婚姻登记时核验当事人户籍信息", "scenario",
                             "婚姻登记：当事人免于提交户口簿，登记员按公民身份号码核验户籍",
                             "valid_from", from, "valid_to", to, "total_uses", 100000, "daily_uses",
                             10000, "records_per_request", 10),
                   &answer, err)) < 0)
        goto out;
    fprintf(out,
            "授权 / grant %s: ql.mzt 民政厅婚姻登记系统 → 101001/000002 户籍人口基本信息 "
            "(无条件共享, granted at once: 100000 uses, 10000 a day, 10 records a request)\n",
            json_string_value(json_object_get(answer, "grant")));
    json_decref(answer);

    /* The sandbox: aggregates only, k-anonymous, within a privacy budget. */
    if ((rc = apply(ctx,
                    json_pack("{s:s, s:s, s:s, s:s, s:[s,s,s,s,s], s:s, s:s, s:s, s:s, s:i, s:i, "
                              "s:i}",
                              "resource", "101001/000002", "kind", "sandbox", "key_id", key_id,
                              "consumer", "ql.mzt", "fields", "hjdqh", "xb", "mz", "csrq", "hkzt",
                              "purpose", "按区县、性别和年龄统计户籍人口，用于婚姻登记服务网点布局",
                              "scenario", "婚姻登记服务网点和预约号源按辖区适婚人口配置",
                              "valid_from", from, "valid_to", to, "total_uses", 1000, "daily_uses",
                              100, "epsilon_milli", 10000),
                    &answer, err)) < 0)
        goto out;
    fprintf(out,
            "授权 / sandbox grant %s: ql.mzt → 101001/000002 户籍人口基本信息, aggregates only "
            "(privacy budget ε = 10, 100 queries a day)\n",
            json_string_value(json_object_get(answer, "grant")));
    json_decref(answer);

    if ((rc = apply(ctx,
                    json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s], s:s, s:s, s:s, s:s, s:s, s:i, s:i, "
                              "s:i}",
                              "resource", "101001/000001", "key_id", key_id, "consumer", "ql.mzt",
                              "fields", "gmsfhm", "xm", "zjzt", "yxqqsrq", "yxqjzrq", "purpose",
                              "婚姻登记时核验当事人居民身份证是否有效", "scenario",
                              "婚姻登记：核验当事人出具的居民身份证在有效期内且未挂失、作废",
                              "legal_basis",
                              "《婚姻登记条例》；《中华人民共和国个人信息保护法》第三十四条",
                              "valid_from", from, "valid_to", to, "total_uses", 50000, "daily_uses",
                              2000, "records_per_request", 1),
                    &answer, err)) < 0)
        goto out;
    fprintf(out,
            "申请 / application %s: ql.mzt → 101001/000001 居民身份证信息 (有条件共享): "
            "submitted, for approver.gat to answer by %s\n",
            json_string_value(json_object_get(answer, "id")),
            json_string_value(json_object_get(answer, "due")));
    json_decref(answer);

    fprintf(out,
            "演示 API 密钥 / demo API key (民政厅婚姻登记系统, ql.mzt, from 127.0.0.1 only):\n"
            "  %s\n",
            token);
    fprintf(out,
            "试一次数据交付 / try a delivery, once the node serves (README: Try a delivery):\n"
            "  curl -H 'Authorization: Bearer %s' "
            "'http://%s/v1/exchange/resources/101001/000002/records?gmsfhm=%s'\n",
            token, ctx->config.listen, example->id);
    if (example->n_household) {
        fprintf(out, "  (同户的其他居民 / others of the household:");
        for (size_t i = 0; i < example->n_household; i++)
            fprintf(out, " %s", example->household[i]);
        fprintf(out, ")\n");
    }
out:
    explicit_bzero(token, sizeof(token));
    return rc;
}

int yw_demo_populate(struct yw_ctx *ctx, FILE *out, struct yw_err *err)
{
    json_t *existing = NULL;
    char password[17], login[65], token[YW_API_KEY_TOKEN_SIZE];
    int rc;

    if ((rc = yw_org_list(ctx->store, true, &existing, err)) < 0)
        return rc;
    size_t n_existing = json_array_size(existing);
    json_decref(existing);
    if (n_existing > 0)
        return yw_err_set(err, YW_ECONFLICT, "dir",
                          "节点已有机构，演示数据只用于新节点 / the node already has "
                          "organisations: demo data is for a new node");

    for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
        const struct demo_org *d = &orgs[i];
        struct yw_org o = {0};
        char body[18];
        bool enterprise = strcmp(d->kind, "enterprise_partner") == 0;
        /* 11: 机构编制 + 机关; 91: 工商 + 企业. */
        (void)yw_fmt(body, sizeof(body), "%s%s%s", enterprise ? "91" : "11", d->division,
                     d->org_code);
        if (complete_uscc(body, o.uscc) < 0)
            return yw_err_set(err, YW_EINTERNAL, NULL, "no check character for %s", body);
        (void)yw_copy(o.code, sizeof(o.code), d->code);
        (void)yw_copy(o.name, sizeof(o.name), d->name);
        (void)yw_copy(o.level, sizeof(o.level), d->level);
        (void)yw_copy(o.division, sizeof(o.division), d->division);
        (void)yw_copy(o.kind, sizeof(o.kind), d->kind);
        (void)yw_copy(o.parent, sizeof(o.parent), d->parent ? d->parent : "");
        (void)yw_copy(o.liaison, sizeof(o.liaison), d->liaison);
        (void)yw_copy(o.liaison_phone, sizeof(o.liaison_phone), d->phone);
        if ((rc = yw_org_create(ctx->store, ctx->ledger, &o, ACTOR, err)) < 0)
            return rc;
    }
    for (size_t i = 0; i < sizeof(powers) / sizeof(powers[0]); i++)
        if ((rc = yw_org_power(ctx->store, ctx->ledger, yw_str_c(powers[i].org),
                               yw_str_c(powers[i].action), true, ACTOR, err)) < 0)
            return rc;

    fprintf(out, "演示账户（密码只显示这一次）/ demo accounts (passwords shown once):\n");
    for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
        const char *roles[] = {accounts[i].role, NULL};
        struct yw_account_new in = {accounts[i].kind,
                                    accounts[i].login,
                                    accounts[i].name,
                                    accounts[i].org,
                                    NULL,
                                    NULL,
                                    NULL,
                                    roles};
        if ((rc = yw_password_generate(yw_str_c(accounts[i].login), password)) < 0 ||
            (rc = yw_account_create(ctx->store, ctx->ledger, &in, yw_str_c(password), ACTOR, login,
                                    err)) < 0)
            return rc;
        fprintf(out, "  %-20s %-20s %s\n", accounts[i].role, login, password);
    }
    /* A citizen: 张晓岚, a fictional person with a made-up birth date, one of
     * the synthetic residents too (people.c). */
    char id_number[19];
    const char *citizen_roles[] = {"citizen", NULL};
    struct yw_account_new citizen = {"citizen", NULL, YW__DEMO_CITIZEN_NAME, NULL, id_number,
                                     NULL,      NULL, citizen_roles};
    if (complete_resident(YW__DEMO_CITIZEN_BODY, id_number) < 0 ||
        (rc = yw_password_generate(yw_str_c(id_number), password)) < 0 ||
        (rc = yw_account_create(ctx->store, ctx->ledger, &citizen, yw_str_c(password), ACTOR, login,
                                err)) < 0)
        return rc < 0 ? rc : yw_err_set(err, YW_EINTERNAL, NULL, "no fictional identity number");
    fprintf(out, "  %-20s %-20s %s\n", "citizen", id_number, password);

    const char *key_roles[] = {"data_steward", NULL};
    if ((rc = yw_key_create(ctx->store, ctx->ledger, "公安厅人口库同步系统", "ql.gat", key_roles,
                            "127.0.0.1,::1", ACTOR, token, err)) < 0)
        return rc;
    fprintf(out,
            "演示 API 密钥 / demo API key (公安厅人口库同步系统, from 127.0.0.1 only):\n  %s\n",
            token);
    explicit_bzero(password, sizeof(password));
    explicit_bzero(token, sizeof(token));
    struct yw__demo_example example;
    if ((rc = populate_catalog(ctx, out, err)) < 0 ||
        (rc = yw__demo_people(ctx, out, &example, err)) < 0)
        return rc;
    if ((rc = populate_grants(ctx, out, &example, err)) < 0)
        return rc;
    return yw__demo_services(ctx, out, &example, err);
}
