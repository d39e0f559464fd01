/* Service items (政务服务事项): the guide of each item, checked and stored as
 * JSON, and found by Chinese or English words. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

/* Item types (事项类型) and the power (权力清单) each needs. */
const struct yw_domain yw__item_types[] = {
    {"XK", "行政许可"}, {"CF", "行政处罚"},     {"QZ", "行政强制"}, {"ZS", "行政征收"},
    {"JF", "行政给付"}, {"JC", "行政检查"},     {"QR", "行政确认"}, {"JL", "行政奖励"},
    {"CJ", "行政裁决"}, {"QT", "其他行政权力"}, {"GG", "公共服务"}, {NULL, NULL}};
const struct yw_domain yw__channels[] = {{"online", "网上办理"},   {"mobile", "移动端"},
                                         {"window", "窗口办理"},   {"kiosk", "自助终端"},
                                         {"assisted", "帮办代办"}, {NULL, NULL}};
const struct yw_domain yw__cross_modes[] = {{"none", "否"},
                                            {"online", "全程网办"},
                                            {"proxy", "异地代收代办"},
                                            {"joint", "多地联办"},
                                            {NULL, NULL}};
static const struct yw_domain objects[] = {
    {"citizen", "自然人"}, {"enterprise", "法人"}, {NULL, NULL}};
static const struct yw_domain forms[] = {
    {"original", "原件"}, {"copy", "复印件"}, {"electronic", "电子件"}, {NULL, NULL}};

#define ITEM_TEXT_MAX 2000
#define LIST_MAX 30

static bool digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

int yw__item_code(struct yw_str in, const char *field, char out[16], struct yw_err *err)
{
    const char *p = in.p;
    bool ok = false;
    if (in.n == 12 && p[2] == '-' && p[8] == '-')
        ok = digits(p + 3, 5) && digits(p + 9, 3);
    else if (in.n == 10)
        ok = digits(p + 2, 8);
    for (int i = 0; ok && yw__item_types[i].slug; i++)
        if (memcmp(p, yw__item_types[i].slug, 2) == 0) {
            const char *rest = in.n == 12 ? p + 3 : p + 2;
            (void)yw_fmt(out, 16, "%.2s-%.5s-%.3s", p, rest, rest + 5 + (in.n == 12));
            return YW_OK;
        }
    out[0] = '\0';
    return yw_err_set(
        err, YW_EINVAL, field,
        "事项编码须为 类型-主项5位-子项3位，如 XK-00012-001 / an item code is "
        "TYPE-MMMMM-SSS, such as XK-00012-001 (types XK CF QZ ZS JF JC QR JL CJ QT GG)");
}

/* Member name of in as text of at most max characters into the item. */
static int put_text(json_t *item, const json_t *in, const char *name, size_t max, bool required,
                    const char *prefix, struct yw_err *err)
{
    char field[96];
    json_t *v = json_object_get(in, name);
    (void)yw_fmt(field, sizeof(field), "%s%s", prefix, name);
    if (v != NULL && !json_is_string(v) && !json_is_null(v))
        return yw_err_set(err, YW_EINVAL, field, "%s 须为文本 / %s must be text", field, field);
    int rc =
        yw_check_text(json_string_value(v) ? json_string_value(v) : "", max, required, field, err);
    if (rc == YW_OK && json_string_value(v) && json_string_length(v))
        json_object_set_new(item, name, json_string(json_string_value(v)));
    return rc;
}

static int put_int(json_t *item, const json_t *in, const char *name, json_int_t min, json_int_t max,
                   json_int_t dflt, struct yw_err *err)
{
    json_t *v = json_object_get(in, name);
    if (v != NULL &&
        (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max))
        return yw_err_set(err, YW_EINVAL, name,
                          "%s 须为 %lld 至 %lld 的整数 / %s must be an integer "
                          "from %lld to %lld",
                          name, (long long)min, (long long)max, name, (long long)min,
                          (long long)max);
    json_object_set_new(item, name, json_integer(v ? json_integer_value(v) : dflt));
    return YW_OK;
}

/* A non-empty list of distinct slugs of d, from slugs or labels. */
static int put_slugs(json_t *item, const json_t *in, const char *name, const struct yw_domain *d,
                     struct yw_err *err)
{
    json_t *v = json_object_get(in, name), *e, *list = json_array();
    size_t i;
    if (!json_is_array(v) || json_array_size(v) == 0) {
        json_decref(list);
        return yw_err_set(err, YW_EINVAL, name, "%s 须为非空数组 / %s must be a non-empty array",
                          name, name);
    }
    json_array_foreach(v, i, e)
    {
        const char *slug;
        int rc = yw_domain_pick(d, e, name, &slug, err);
        if (rc < 0) {
            json_decref(list);
            return rc;
        }
        if (!yw_json_array_has(list, slug))
            json_array_append_new(list, json_string(slug));
    }
    json_object_set_new(item, name, list);
    return YW_OK;
}

static int check_materials(const struct yw_services *s, const json_t *in, json_t *item,
                           struct yw_err *err)
{
    static const char *const members[] = {"name",   "required",  "form", "copies", "resource",
                                          "fields", "key_field", "note", NULL};
    json_t *v = json_object_get(in, "materials"), *m, *list = json_array();
    size_t i;
    int rc = YW_OK;
    if (v != NULL && (!json_is_array(v) || json_array_size(v) > YW__MATERIALS_MAX))
        rc = yw_err_set(err, YW_EINVAL, "materials",
                        "materials 须为至多 %d 项的数组 / materials is an array of at most %d",
                        YW__MATERIALS_MAX, YW__MATERIALS_MAX);
    json_array_foreach(v, i, m)
    {
        char prefix[32], field[64];
        const char *form = "original";
        json_t *out = json_object();
        (void)yw_fmt(prefix, sizeof(prefix), "materials[%zu].", i);
        json_array_append_new(list, out);
        if (rc < 0 || (rc = yw_json_only_members(m, members, prefix, err)) < 0 ||
            (rc = put_text(out, m, "name", 100, true, prefix, err)) < 0 ||
            (rc = put_text(out, m, "note", 500, false, prefix, err)) < 0)
            break;
        (void)yw_fmt(field, sizeof(field), "%sform", prefix);
        if (json_object_get(m, "form") &&
            (rc = yw_domain_pick(forms, json_object_get(m, "form"), field, &form, err)) < 0)
            break;
        json_object_set_new(out, "form", json_string(form));
        json_t *req = json_object_get(m, "required"), *copies = json_object_get(m, "copies");
        json_object_set_new(out, "required", json_boolean(req == NULL || json_is_true(req)));
        json_object_set_new(out, "copies",
                            json_integer(json_is_integer(copies) &&
                                                 json_integer_value(copies) > 0 &&
                                                 json_integer_value(copies) <= 10
                                             ? json_integer_value(copies)
                                             : 1));
        const char *resource = json_string_value(json_object_get(m, "resource"));
        const char *key = json_string_value(json_object_get(m, "key_field"));
        json_t *fields = json_object_get(m, "fields");
        if (resource == NULL)
            continue;
        (void)yw_fmt(field, sizeof(field), "%sresource", prefix);
        if (key == NULL || !json_is_array(fields) || json_array_size(fields) == 0 ||
            json_array_size(fields) > 50) {
            rc = yw_err_set(err, YW_EINVAL, field,
                            "取自共享的材料须给出 fields（1-50 项）和 key_field / a material "
                            "from sharing names its fields (1-50) and key_field");
            break;
        }
        json_t *columns = json_deep_copy(fields);
        json_array_append_new(columns, json_string(key));
        rc = yw__check_resource(s, resource, columns, field, err);
        json_decref(columns);
        if (rc < 0)
            break;
        json_object_set_new(out, "resource", json_string(resource));
        json_object_set_new(out, "fields", json_deep_copy(fields));
        json_object_set_new(out, "key_field", json_string(key));
    }
    if (rc == YW_OK)
        json_object_set_new(item, "materials", json_incref(list));
    json_decref(list);
    return rc;
}

static int check_form_fields(const json_t *in, json_t *item, struct yw_err *err)
{
    static const char *const members[] = {"name", "label", "type", "required", "choices", NULL};
    static const struct yw_domain types[] = {{"text", "文本"}, {"number", "数字"}, {"date", "日期"},
                                             {"bool", "是否"}, {"choice", "选项"}, {NULL, NULL}};
    json_t *v = json_object_get(in, "form_fields"), *f, *list = json_array();
    size_t i;
    int rc = YW_OK;
    if (v != NULL && (!json_is_array(v) || json_array_size(v) > 100))
        rc = yw_err_set(
            err, YW_EINVAL, "form_fields",
            "form_fields 须为至多 100 项的数组 / form_fields is an array of at most 100");
    json_array_foreach(v, i, f)
    {
        char prefix[32], field[64];
        const char *type = "text";
        json_t *out = json_object();
        json_array_append_new(list, out);
        (void)yw_fmt(prefix, sizeof(prefix), "form_fields[%zu].", i);
        if (rc < 0 || (rc = yw_json_only_members(f, members, prefix, err)) < 0 ||
            (rc = put_text(out, f, "name", 63, true, prefix, err)) < 0 ||
            (rc = put_text(out, f, "label", 100, true, prefix, err)) < 0)
            break;
        (void)yw_fmt(field, sizeof(field), "%stype", prefix);
        if (json_object_get(f, "type") &&
            (rc = yw_domain_pick(types, json_object_get(f, "type"), field, &type, err)) < 0)
            break;
        json_object_set_new(out, "type", json_string(type));
        json_object_set_new(out, "required",
                            json_boolean(json_is_true(json_object_get(f, "required"))));
        json_t *choices = json_object_get(f, "choices");
        if (strcmp(type, "choice") == 0) {
            if (!json_is_array(choices) || json_array_size(choices) == 0) {
                (void)yw_fmt(field, sizeof(field), "%schoices", prefix);
                rc = yw_err_set(err, YW_EINVAL, field, "选项须列出 / a choice lists its choices");
                break;
            }
            json_object_set_new(out, "choices", json_deep_copy(choices));
        }
    }
    if (rc == YW_OK)
        json_object_set_new(item, "form_fields", json_incref(list));
    json_decref(list);
    return rc;
}

/* Checks body into a new item (*out); org defaults to who's. Reads the
 * directory and the catalog: call without a transaction open. */
static int check_item(const struct yw_services *s, const struct yw_principal *who,
                      const json_t *body, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {
        "code",           "name",          "type",      "legal_basis", "org",
        "objects",        "conditions",    "materials", "form_fields", "steps",
        "legal_days",     "promised_days", "fees",      "channels",    "online_depth",
        "cross_province", "supervisors",   "result",    "visits",      NULL};
    json_t *item = json_object(), *v;
    char code[16], power[16];
    const char *cross = "none";
    size_t i;
    int rc;

    *out = NULL;
    if ((rc = yw_json_only_members(body, members, "", err)) < 0)
        goto out;
    v = json_object_get(body, "code");
    if ((rc = yw__item_code((struct yw_str){json_string_value(v), json_string_length(v)}, "code",
                            code, err)) < 0)
        goto out;
    json_object_set_new(item, "code", json_string(code));
    const char *type =
        yw__item_types[yw_domain_find(yw__item_types, (struct yw_str){code, 2})].slug;
    const char *given;
    if (json_object_get(body, "type") &&
        ((rc = yw_domain_pick(yw__item_types, json_object_get(body, "type"), "type", &given, err)) <
             0 ||
         (strcmp(given, type) != 0 &&
          (rc = yw_err_set(err, YW_EINVAL, "type",
                           "type 须与编码的类型一致 / type must match the code's")) < 0)))
        goto out;
    json_object_set_new(item, "type", json_string(type));
    const char *org = json_string_value(json_object_get(body, "org"));
    org = org ? org : who ? who->org : NULL;
    if (org == NULL) {
        rc = yw_err_set(err, YW_EINVAL, "org", "须给出实施机构 / org is required");
        goto out;
    }
    struct yw_org o;
    bool holds = false;
    (void)yw_fmt(power, sizeof(power), "item.%c%c", type[0] + 32, type[1] + 32);
    if ((rc = yw_org_get(s->catalog.store, yw_str_c(org), &o, err)) < 0 ||
        (rc = yw_org_holds_power(s->catalog.store, yw_str_c(org), power, &holds, err)) < 0)
        goto out;
    if (!holds) {
        rc = yw_err_set(err, YW_EINVAL, "org",
                        "实施机构的权力清单中没有 %s / the implementing organisation does not hold "
                        "%s on its power list",
                        power, power);
        goto out;
    }
    json_object_set_new(item, "org", json_string(o.code));
    json_object_set_new(item, "org_name", json_string(o.name));
    json_object_set_new(item, "division", json_string(o.division));
    if ((rc = put_text(item, body, "name", 100, true, "", err)) < 0 ||
        (rc = put_text(item, body, "legal_basis", ITEM_TEXT_MAX, true, "", err)) < 0 ||
        (rc = put_text(item, body, "conditions", ITEM_TEXT_MAX, true, "", err)) < 0 ||
        (rc = put_text(item, body, "result", 100, false, "", err)) < 0 ||
        (rc = put_slugs(item, body, "objects", objects, err)) < 0 ||
        (rc = put_slugs(item, body, "channels", yw__channels, err)) < 0 ||
        (rc = put_int(item, body, "legal_days", 0, 365, 20, err)) < 0 ||
        (rc = put_int(item, body, "promised_days", 0, 365, 0, err)) < 0 ||
        (rc = put_int(item, body, "online_depth", 1, 4, 1, err)) < 0 ||
        (rc = put_int(item, body, "visits", 0, 5, 1, err)) < 0)
        goto out;
    json_int_t legal = json_integer_value(json_object_get(item, "legal_days"));
    json_int_t promised = json_integer_value(json_object_get(item, "promised_days"));
    if (json_object_get(body, "promised_days") == NULL)
        json_object_set_new(item, "promised_days", json_integer(legal));
    else if (promised > legal) {
        rc = yw_err_set(err, YW_EINVAL, "promised_days",
                        "承诺时限不得长于法定时限 / promised_days may not exceed legal_days");
        goto out;
    }
    if (json_object_get(body, "cross_province") &&
        (rc = yw_domain_pick(yw__cross_modes, json_object_get(body, "cross_province"),
                             "cross_province", &cross, err)) < 0)
        goto out;
    json_object_set_new(item, "cross_province", json_string(cross));
    /* 办理流程: steps as text. */
    json_t *steps = json_object_get(body, "steps"), *list = json_array();
    json_object_set_new(item, "steps", list);
    if (steps != NULL && (!json_is_array(steps) || json_array_size(steps) > LIST_MAX)) {
        rc = yw_err_set(err, YW_EINVAL, "steps",
                        "steps 须为至多 30 项的数组 / steps is an array "
                        "of at most 30");
        goto out;
    }
    json_array_foreach(steps, i, v)
    {
        if ((rc = yw_check_text(json_string_value(v), 200, true, "steps", err)) < 0)
            goto out;
        json_array_append_new(list, json_string(json_string_value(v)));
    }
    /* 收费. */
    static const char *const fee_members[] = {"charged", "basis", "standard", NULL};
    json_t *fees = json_object_get(body, "fees"), *fee_out = json_object();
    json_object_set_new(item, "fees", fee_out);
    if (fees != NULL && ((rc = yw_json_only_members(fees, fee_members, "fees.", err)) < 0 ||
                         (rc = put_text(fee_out, fees, "basis", 500, false, "fees.", err)) < 0 ||
                         (rc = put_text(fee_out, fees, "standard", 500, false, "fees.", err)) < 0))
        goto out;
    json_object_set_new(fee_out, "charged",
                        json_boolean(json_is_true(json_object_get(fees, "charged"))));
    /* 审管联动: the supervising organisations. */
    json_t *sup = json_object_get(body, "supervisors");
    list = json_array();
    json_object_set_new(item, "supervisors", list);
    if (sup != NULL && (!json_is_array(sup) || json_array_size(sup) > 10)) {
        rc = yw_err_set(err, YW_EINVAL, "supervisors",
                        "supervisors 须为至多 10 个机构 / supervisors lists at most 10 "
                        "organisations");
        goto out;
    }
    json_array_foreach(sup, i, v)
    {
        struct yw_org so;
        if ((rc = yw_org_get(s->catalog.store,
                             (struct yw_str){json_string_value(v), json_string_length(v)}, &so,
                             err)) < 0) {
            char field[32];
            (void)yw_fmt(field, sizeof(field), "supervisors[%zu]", i);
            rc = rc == YW_ENOTFOUND ? yw_err_set(err, YW_EINVAL, field,
                                                 "没有监管机构 %s / no supervising organisation %s",
                                                 json_string_value(v) ? json_string_value(v) : "",
                                                 json_string_value(v) ? json_string_value(v) : "")
                                    : rc;
            goto out;
        }
        if (!yw_json_array_has(list, so.code))
            json_array_append_new(list, json_string(so.code));
    }
    if ((rc = check_materials(s, body, item, err)) < 0 ||
        (rc = check_form_fields(body, item, err)) < 0)
        goto out;
    *out = json_incref(item);
out:
    json_decref(item);
    return rc;
}

/* The item's search terms between spaces: name, code, organisation, conditions,
 * legal basis, result and materials. */
static int item_terms(const json_t *item, struct yw_buf *b)
{
    static const char *const members[] = {"name",        "code",   "org_name", "conditions",
                                          "legal_basis", "result", NULL};
    json_t *m;
    size_t i;
    int rc = yw_buf_append_c(b, " ");
    for (int k = 0; members[k]; k++)
        rc = rc < 0 ? rc : yw_terms_append(b, json_string_value(json_object_get(item, members[k])));
    json_array_foreach(json_object_get(item, "materials"), i, m)
    {
        rc = rc < 0 ? rc : yw_terms_append(b, json_string_value(json_object_get(m, "name")));
    }
    return rc;
}

int yw_services_item_put(const struct yw_services *s, const struct yw_principal *who,
                         const json_t *body, bool create, const char *actor, json_t **out,
                         struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf doc, terms;
    json_t *item = NULL;
    char now[32];
    uint64_t index;
    int rc;

    *out = NULL;
    yw_buf_init(&doc, 1024 * 1024);
    yw_buf_init(&terms, 256 * 1024);
    if ((rc = check_item(s, who, body, &item, err)) < 0)
        goto out;
    const char *code = json_string_value(json_object_get(item, "code"));
    const char *org = json_string_value(json_object_get(item, "org"));
    struct yw_policy_object object = {"item", code, org};
    if (who != NULL && (rc = yw_policy_decide(who, "item.write", &object, err)) < 0)
        goto out;
    yw_time_rfc3339(yw_now_ms(), now);
    json_object_set_new(item, "updated_at", json_string(now));
    if ((rc = yw__json_store(item, &doc)) < 0 || (rc = item_terms(item, &terms)) < 0) {
        rc = yw_err_set(err, rc, NULL, "事项过大 / the item is too large");
        goto out;
    }
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "SELECT org FROM yw_service_items WHERE code = ?", &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (create && rc == 1) {
        rc = yw_err_set(err, YW_ECONFLICT, "code", "事项 %s 已存在 / item %s exists", code, code);
        goto out;
    }
    if (!create && rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "code", "没有事项 %s / no item %s", code, code);
        goto out;
    }
    /* An item moves to another organisation only by someone who may write both. */
    if (!create && who != NULL) {
        struct yw_str was = yw_stmt_column_text(st, 0);
        char before[65];
        (void)yw_fmt(before, sizeof(before), "%.*s", (int)was.n, was.p);
        struct yw_policy_object old = {"item", code, before};
        if ((rc = yw_policy_decide(who, "item.write", &old, err)) < 0)
            goto out;
    }
    yw_stmt_finalize(&st);
    rc = yw_txn_prepare(txn,
                        create ? "INSERT INTO yw_service_items (name, type, org, objects, doc, "
                                 "terms, updated_at, code, created_at) VALUES (?, ?, ?, ?, ?, ?, "
                                 "?, ?, ?)"
                               : "UPDATE yw_service_items SET name = ?, type = ?, org = ?, objects "
                                 "= ?, doc = ?, terms = ?, updated_at = ? WHERE code = ?",
                        &st, err);
    if (rc < 0)
        goto out;
    json_t *objects_of = json_object_get(item, "objects");
    const char *objs = !yw_json_array_has(objects_of, "enterprise") ? "citizen"
                       : yw_json_array_has(objects_of, "citizen")   ? "citizen enterprise"
                                                                    : "enterprise";
    const char *values[] = {json_string_value(json_object_get(item, "name")),
                            json_string_value(json_object_get(item, "type")),
                            org,
                            objs,
                            doc.data,
                            terms.data,
                            now,
                            code,
                            now};
    for (int i = 0; i < (create ? 9 : 8); i++)
        yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
    if ((rc = yw_stmt_step(st, err)) < 0 || (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc =
        yw_ledger_event(s->catalog.ledger, create ? "services.item.create" : "services.item.update",
                        json_pack("{s:s, s:s, s:s, s:s}", "actor", actor, "item", code, "org", org,
                                  "name", values[0]),
                        &index, err);
    if (rc == YW_OK)
        *out = json_incref(item);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&doc);
    yw_buf_free(&terms);
    json_decref(item);
    return rc;
}

int yw_services_item_get(const struct yw_services *s, struct yw_str code, json_t **out,
                         struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char canonical[16];
    int rc;

    *out = NULL;
    if (yw__item_code(code, "code", canonical, NULL) < 0)
        return yw_err_set(err, YW_ENOTFOUND, "code", "没有事项 %.*s / no item %.*s", (int)code.n,
                          code.p, (int)code.n, code.p);
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "SELECT doc FROM yw_service_items WHERE code = ?", &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, canonical, strlen(canonical));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0);
        *out = json_loadb(d.p, d.n, 0, NULL);
        rc = *out ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "stored item unreadable");
    } else if (rc == 0) {
        rc =
            yw_err_set(err, YW_ENOTFOUND, "code", "没有事项 %s / no item %s", canonical, canonical);
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_services_item_search(const struct yw_services *s, const struct yw_services_item_query *in,
                            json_t **out, struct yw_err *err)
{
    struct yw_buf sql;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    const char *params[24];
    size_t lens[24];
    int n = 0, rc;
    int64_t limit = in->limit ? in->limit : 20, total = 0;
    json_t *items = json_array();

    *out = NULL;
    yw_buf_init(&sql, 64 * 1024);
    if (in->q.n > 200 || limit < 1 || limit > 100 || in->offset < 0 || in->offset > 10000) {
        rc = yw_err_set(err, YW_EINVAL, in->q.n > 200 ? "q" : "limit",
                        "q 至多 200 字节，limit 1-100，offset 0-10000 / q is at most 200 bytes, "
                        "limit 1-100, offset 0-10000");
        goto out;
    }
    rc = yw_buf_append_c(&sql, "FROM yw_service_items WHERE 1 = 1");
    /* Each term of q must occur: a bigram or word whole, a lone character or
     * a word's start as a prefix. The terms hold no LIKE wildcards. */
    struct yw_terms t;
    char likes[16][YW_TERM_MAX + 4];
    yw_terms_init(&t, in->q);
    while (rc == YW_OK && yw_terms_next(&t) && n < 16) {
        size_t one;
        (void)yw_utf8_decode(t.term, &one);
        bool prefix = !t.cjk || t.term_len == one;
        (void)yw_fmt(likes[n], sizeof(likes[n]), "%% %s%s", t.term, prefix ? "%" : " %");
        params[n] = likes[n];
        lens[n] = strlen(likes[n]);
        n++;
        rc = yw_buf_append_c(&sql, " AND terms LIKE ?");
    }
    if (rc == YW_OK && in->q.n && n == 0) /* nothing searchable: nothing found */
        goto answer;
    struct {
        const char *sql;
        struct yw_str v;
    } filters[] = {{" AND org = ?", in->org},
                   {" AND type = ?", in->type},
                   {" AND objects LIKE ?", in->object}};
    char object_like[32];
    if (in->object.n) {
        if (yw_fmt(object_like, sizeof(object_like), "%%%.*s%%", (int)in->object.n, in->object.p) <
            0) {
            rc = yw_err_set(err, YW_EINVAL, "object",
                            "object 为 citizen 或 enterprise / object is "
                            "citizen or enterprise");
            goto out;
        }
        filters[2].v = yw_str_c(object_like);
    }
    for (size_t i = 0; rc == YW_OK && i < 3; i++)
        if (filters[i].v.n) {
            params[n] = filters[i].v.p;
            lens[n++] = filters[i].v.n;
            rc = yw_buf_append_c(&sql, filters[i].sql);
        }
    if (rc < 0) {
        rc = yw_err_set(err, YW_EINVAL, "q", "检索过于复杂 / search too complex");
        goto out;
    }
    char head[] = "SELECT COUNT(*) ";
    struct yw_buf q2;
    yw_buf_init(&q2, 128 * 1024);
    rc = yw_buf_printf(&q2, "%s%s", head, sql.data);
    if (rc == YW_OK && (rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) == YW_OK)
        rc = yw_txn_prepare(txn, q2.data, &st, err);
    if (rc == YW_OK) {
        for (int i = 0; i < n; i++)
            yw_stmt_bind_text(st, i + 1, params[i], lens[i]);
        if ((rc = yw_stmt_step(st, err)) == 1)
            total = yw_stmt_column_int64(st, 0);
        yw_stmt_finalize(&st);
    }
    yw_buf_reset(&q2);
    if (rc >= 0)
        rc = yw_buf_printf(&q2, "SELECT doc %s ORDER BY code LIMIT ? OFFSET ?", sql.data);
    if (rc >= 0)
        rc = yw_txn_prepare(txn, q2.data, &st, err);
    yw_buf_free(&q2);
    if (rc < 0)
        goto out;
    for (int i = 0; i < n; i++)
        yw_stmt_bind_text(st, i + 1, params[i], lens[i]);
    yw_stmt_bind_int64(st, n + 1, limit);
    yw_stmt_bind_int64(st, n + 2, in->offset);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0);
        json_t *doc = json_loadb(d.p, d.n, 0, NULL);
        json_t *summary = json_pack(
            "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "code",
            json_object_get(doc, "code"), "name", json_object_get(doc, "name"), "type",
            json_object_get(doc, "type"), "org", json_object_get(doc, "org"), "org_name",
            json_object_get(doc, "org_name"), "objects", json_object_get(doc, "objects"),
            "promised_days", json_object_get(doc, "promised_days"), "channels",
            json_object_get(doc, "channels"), "online_depth", json_object_get(doc, "online_depth"),
            "cross_province", json_object_get(doc, "cross_province"));
        json_decref(doc);
        if (summary == NULL) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "stored item unreadable");
            goto out;
        }
        json_array_append_new(items, summary);
    }
    if (rc < 0)
        goto out;
answer:
    *out = json_pack("{s:I, s:I, s:I, s:O}", "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)in->offset, "items", items);
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&sql);
    json_decref(items);
    return rc;
}
