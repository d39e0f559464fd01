/* The demo's one-stop services: the implementing organisations' standing
 * grants, about twenty service items (src/demo/items.json, embedded), and
 * cases of the demo citizen in every state, one of them approved with its
 * supervision task pushed. */
#include <string.h>

#include "directory/directory.h"
#include "exchange/exchange.h"
#include "internal.h"
#include "policy/policy.h"
#include "services/services.h"

#define ACTOR YW__DEMO_ACTOR

/* Each implementing organisation's one-stop system and what it may fetch. */
static const struct {
    const char *org, *system, *resource, *purpose;
    bool conditional;
} standing[] = {
    {"ql.qc.xzsp", "青川市一网通办平台", "101001/000002", "行政审批时核验申请人户籍信息", false},
    {"ql.qc.xzsp", "青川市一网通办平台", "101002/000001", "个体工商户家庭经营时核验婚姻状况", true},
    {"ql.rst", "人社厅一网通办系统", "101001/000002", "社会保险业务办理时核验参保人户籍信息",
     false},
    {"ql.wjw", "卫健委一网通办系统", "101001/000002", "出生医学证明办理时核验父母户籍信息", false},
    {"ql.jyt", "教育厅一网通办系统", "101001/000002", "教师资格认定和转学时核验户籍信息", false},
};

static int grant_standing(struct yw_ctx *ctx, FILE *out, struct yw_err *err)
{
    const char *roles[] = {"data_steward", NULL};
    char token[YW_API_KEY_TOKEN_SIZE] = "", key_id[YW_API_KEY_TOKEN_SIZE] = "", from[11], to[11];
    int64_t today = yw_day_from_ms(yw_now_ms());
    int y, m, d, rc = YW_OK;

    yw_day_to_ymd(today, &y, &m, &d);
    (void)yw_fmt(from, sizeof(from), "%04d-%02d-%02d", y, m, d);
    (void)yw_fmt(to, sizeof(to), "%04d-%02d-%02d", y + 2, m, d > 28 ? 28 : d);
    for (size_t i = 0; rc == YW_OK && i < sizeof(standing) / sizeof(standing[0]); i++) {
        json_t *answer = NULL, *body;
        if (i == 0 || strcmp(standing[i].org, standing[i - 1].org) != 0) {
            if ((rc = yw_key_create(ctx->store, ctx->ledger, standing[i].system, standing[i].org,
                                    roles, "127.0.0.1,::1", ACTOR, token, err)) < 0)
                break;
            const char *dot = strchr(token, '.');
            (void)yw_fmt(key_id, sizeof(key_id), "%.*s", dot ? (int)(dot - token) : 0, token);
            explicit_bzero(token, sizeof(token));
        }
        body = standing[i].conditional
                   ? json_pack(
                         "{s:s, s:s, s:s, s:[s,s,s,s,s,s], s:s, s:s, s:s, s:s, s:s}", "resource",
                         standing[i].resource, "key_id", key_id, "consumer", standing[i].org,
                         "fields", "dsrgmsfhm", "dsrxm", "hyzk", "djrq", "djjg", "djlx", "purpose",
                         standing[i].purpose, "scenario", standing[i].purpose, "legal_basis",
                         "《促进个体工商户发展条例》第九条", "valid_from", from, "valid_to", to)
                   : json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s,s], s:s, s:s, s:s, s:s}", "resource",
                               standing[i].resource, "key_id", key_id, "consumer", standing[i].org,
                               "fields", "gmsfhm", "xm", "xb", "csrq", "hjdz", "yhzgx", "purpose",
                               standing[i].purpose, "scenario", standing[i].purpose, "valid_from",
                               from, "valid_to", to);
        rc = body ? yw_exchange_apply(ctx->exchange, NULL, body, ACTOR, &answer, err) : YW_ENOMEM;
        json_decref(body);
        if (rc == YW_OK && standing[i].conditional) {
            /* The provider (民政厅) approves at the console. */
            json_t *id = json_incref(json_object_get(answer, "id")), *empty = json_object();
            json_decref(answer);
            answer = NULL;
            rc = yw_exchange_decide(ctx->exchange, NULL,
                                    (struct yw_str){json_string_value(id), json_string_length(id)},
                                    YW_STR_LIT("approve"), empty, ACTOR, &answer, err);
            json_decref(id);
            json_decref(empty);
        }
        if (rc == YW_OK)
            fprintf(out, "常态化授权 / standing grant %s: %s → %s\n",
                    json_string_value(json_object_get(answer, "grant")), standing[i].org,
                    standing[i].resource);
        json_decref(answer);
    }
    return rc;
}

static int add_items(struct yw_services *s, FILE *out, struct yw_err *err)
{
    const struct yw_asset *a =
        yw_asset_find(yw_demo_files, yw_demo_files_count, YW_STR_LIT("items.json"));
    json_error_t jerr;
    json_t *items = a ? json_loadb((const char *)a->data, a->size, 0, &jerr) : NULL, *item;
    size_t i;
    int rc = items ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "items.json: not embedded JSON");
    json_array_foreach(items, i, item)
    {
        json_t *stored = NULL;
        if (rc == YW_OK &&
            (rc = yw_services_item_put(s, NULL, item, true, ACTOR, &stored, err)) < 0)
            yw_err_set(err, rc, err->field, "items.json[%zu]: %s", i, err->message);
        json_decref(stored);
    }
    if (rc == YW_OK)
        fprintf(out, "政务服务事项 / service items: %zu\n", json_array_size(items));
    json_decref(items);
    return rc;
}

/* One case of the demo citizen at 青川市's window, taken to state (each step
 * at the console, as the hall's staff would). */
static int case_in(struct yw_services *s, const char *id_number, const char *state,
                   size_t *approvals, char id_out[32], struct yw_err *err)
{
    static const char *const path[] = {"submit", "accept", "review", "approve", "issue", "close"};
    static const char *const states[] = {"submitted", "accepted",      "under_review",
                                         "approved",  "result_issued", "closed"};
    json_t *body = json_pack(
        "{s:s, s:s, s:{s:s, s:s, s:s, s:b}, s:{s:s, s:s, s:s, s:f}}", "item", "XK-00101-000",
        "channel", "window", "applicant", "kind", "citizen", "id_number", id_number, "name",
        YW__DEMO_CITIZEN_NAME, "identity_checked", 1, "form", "shop_name", "晓岚便民小超市",
        "business_scope", "预包装食品、日用百货零售", "form", "个人经营", "capital", 5.0);
    json_t *c = NULL,
           *upload = json_pack("{s:s, s:s, s:s}", "file_name", "租赁合同.pdf", "media_type",
                               "application/pdf", "content_base64", "JVBERi0xLjQKJeLjz9MK");
    int rc = body && upload ? yw_services_case_create(s, NULL, body, ACTOR, &c, err) : YW_ENOMEM;
    json_t *id = json_incref(json_object_get(c, "id"));
    struct yw_str case_id = {json_string_value(id), json_string_length(id)};
    (void)yw_fmt(id_out, 32, "%.*s", (int)case_id.n, case_id.p);
    json_decref(c);
    c = NULL;
    if (rc == YW_OK && strcmp(state, "draft") != 0)
        rc = yw_services_case_upload(s, NULL, case_id, 2, upload, ACTOR, &c, err);
    for (size_t k = 0; rc == YW_OK && strcmp(state, "draft") != 0 && k < 6; k++) {
        const char *step = path[k];
        json_t *args = json_object();
        /* The branches off the main path, at their state. */
        if (k == 1 && strcmp(state, "not_accepted") == 0) {
            step = "reject";
            json_object_set_new(args, "reason", json_string("经营范围含限制类项目，不予受理"));
        } else if (k == 2 && strcmp(state, "supplement_requested") == 0) {
            step = "request_supplement";
            json_object_set_new(args, "reason", json_string("经营场所证明未加盖出租方印章"));
        } else if (k == 3 && strcmp(state, "denied") == 0) {
            step = "deny";
            json_object_set_new(args, "reason", json_string("经营场所位于规划禁止经营区域"));
        } else if (k == 3) {
            json_object_set_new(args, "decision", json_string("准予个体工商户设立登记"));
            json_object_set_new(args, "conditions", json_string("按核准的经营范围开展经营"));
            json_object_set_new(
                args, "certificate",
                json_pack("{s:s, s:s}", "name", "营业执照", "number", "92330102MA0DEMO01X"));
        }
        json_decref(c);
        c = NULL;
        rc = yw_services_case_step(s, NULL, case_id, yw_str_c(step), args, ACTOR, &c, err);
        json_decref(args);
        if (rc == YW_OK && strcmp(step, "approve") == 0)
            (*approvals)++;
        if (strcmp(states[k], state) == 0 || strcmp(step, path[k]) != 0)
            break;
    }
    json_decref(c);
    json_decref(id);
    json_decref(body);
    json_decref(upload);
    return rc;
}

/* 好差评 by the demo citizen, signed in: the closed case rated 非常满意 when it was
 * done, the refused one 不满意 at acceptance — a bad review, whose
 * rectification (整改) 青川市行政审批服务局 now owes. */
static int rate(struct yw_services *s, const struct yw__demo_example *example, const char *closed,
                const char *refused, struct yw_err *err)
{
    struct yw_principal citizen = {.kind = YW_PRINCIPAL_ACCOUNT, .roles = YW_ROLE_CITIZEN};
    char actor[96];
    (void)yw_copy(citizen.login, sizeof(citizen.login), example->id);
    (void)yw_fmt(actor, sizeof(actor), "account:%s", example->id);
    json_t *reviews[] = {
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "case", closed, "stage", "complete", "level",
                  "非常满意", "channel", "online", "comment", "材料全部由系统调取，一次都没跑"),
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "case", refused, "stage", "accept", "level",
                  "不满意", "channel", "online", "comment",
                  "不予受理的理由没有当场讲清楚，希望窗口一次性告知"),
    };
    int rc = YW_OK;
    for (size_t i = 0; i < 2; i++) {
        json_t *out = NULL;
        if (rc == YW_OK)
            rc = reviews[i] ? yw_services_review_create(s, &citizen, reviews[i], actor, &out, err)
                            : YW_ENOMEM;
        json_decref(out);
        json_decref(reviews[i]);
    }
    return rc;
}

int yw__demo_services(struct yw_ctx *ctx, FILE *out, const struct yw__demo_example *example,
                      struct yw_err *err)
{
    static const char *const states[] = {
        "draft",        "submitted", "accepted", "not_accepted",  "supplement_requested",
        "under_review", "approved",  "denied",   "result_issued", "closed"};
    struct yw_services s;
    size_t approvals = 0;
    int rc;

    yw_node_services(ctx, &s);
    if ((rc = grant_standing(ctx, out, err)) < 0 || (rc = add_items(&s, out, err)) < 0)
        return rc;
    char ids[sizeof(states) / sizeof(states[0])][32];
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        if ((rc = case_in(&s, example->id, states[i], &approvals, ids[i], err)) < 0)
            return rc;
    if ((rc = rate(&s, example, ids[9], ids[3], err)) < 0)
        return rc;
    fprintf(out,
            "办件 / cases: %zu of %s (个体工商户设立登记, 青川市行政审批服务局), one in each "
            "state; %zu approved, each pushing a supervision task (审管联动) to "
            "青川市市场监督管理局; 好差评: one 非常满意, one 不满意 with its 整改 open\n",
            sizeof(states) / sizeof(states[0]), YW__DEMO_CITIZEN_NAME, approvals);
    return YW_OK;
}
