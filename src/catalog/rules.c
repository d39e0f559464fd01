/* The catalog's rules: value domains, code rules, grades, masking defaults and
 * the check that turns a request body into a resource document. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- value domains: each value has a slug (the API) and a Chinese label
 * (the CSV and the people); input may use either. */

const struct yw_domain yw__resource_types[] = {
    {"basic.population", "基础/人口"},
    {"basic.legal_entity", "基础/法人"},
    {"basic.geospatial", "基础/自然资源和空间地理"},
    {"basic.credit", "基础/社会信用"},
    {"basic.license", "基础/电子证照"},
    {"theme.public_service", "主题/公共服务"},
    {"theme.health", "主题/健康保障"},
    {"theme.social_security", "主题/社会保障"},
    {"theme.food_drug", "主题/食品药品安全"},
    {"theme.work_safety", "主题/安全生产"},
    {"theme.price", "主题/价格监管"},
    {"theme.energy", "主题/能源安全"},
    {"theme.credit_system", "主题/信用体系"},
    {"theme.urban_rural", "主题/城乡建设"},
    {"theme.community", "主题/社区治理"},
    {"theme.environment", "主题/生态环保"},
    {"theme.emergency", "主题/应急维稳"},
    {"department", "部门"},
    {NULL, NULL},
};
const struct yw_domain yw__sharing_types[] = {{"unconditional", "无条件共享"},
                                              {"conditional", "有条件共享"},
                                              {"none", "不予共享"},
                                              {NULL, NULL}};
const struct yw_domain yw__sharing_methods[] = {
    {"api", "系统对接"},   {"platform", "共享平台"}, {"email", "邮件"}, {"disk", "拷盘"},
    {"media", "介质交换"}, {"other", "其他"},        {NULL, NULL}};
const struct yw_domain yw__open_types[] = {{"unconditional", "无条件开放"},
                                           {"conditional", "有条件开放"},
                                           {"none", "不予开放"},
                                           {NULL, NULL}};
const struct yw_domain yw__update_cycles[] = {
    {"realtime", "实时"}, {"daily", "每日"},       {"weekly", "每周"},
    {"monthly", "每月"},  {"quarterly", "每季度"}, {"half_yearly", "每半年"},
    {"yearly", "每年"},   {"other", "其他"},       {NULL, NULL}};
/* In rank order: the index + 1 is the grade's rank (就高从严 compares ranks). */
const struct yw_domain yw__grades[] = {{"general-1", "一般1级"},
                                       {"general-2", "一般2级"},
                                       {"general-3", "一般3级"},
                                       {"general-4", "一般4级"},
                                       {"important", "重要"},
                                       {"core", "核心"},
                                       {NULL, NULL}};
const struct yw_domain yw__data_types[] = {{"C", "字符型"}, {"N", "数值型"},     {"Y", "货币型"},
                                           {"D", "日期型"}, {"T", "日期时间型"}, {"L", "逻辑型"},
                                           {"M", "备注型"}, {"G", "通用型"},     {"B", "双精度型"},
                                           {"I", "整型"},   {"F", "浮点型"},     {NULL, NULL}};
int yw__grade_rank(const char *grade)
{
    int i = yw_domain_find(yw__grades, yw_str_c(grade));
    return i < 0 ? 0 : i + 1;
}

const char *yw__grade_of_rank(int rank)
{
    return rank >= 1 && rank <= (int)(N_OF(yw__grades) - 1) ? yw__grades[rank - 1].slug : NULL;
}

/* ---- resource code rules ------------------------------------------------- */

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

/* 前段码 (类 1 digit 1–9, 项 2, 目 3, 细目 0–6) "/" 后段码 (顺序码 1–8). */
static int check_gbt21063(struct yw_str code, struct yw_err *err)
{
    const char *slash = code.n ? memchr(code.p, '/', code.n) : NULL;
    size_t front = slash ? (size_t)(slash - code.p) : 0, back = slash ? code.n - front - 1 : 0;
    if (slash && front >= 6 && front <= 12 && all_digits(code.p, front) && code.p[0] != '0' &&
        back >= 1 && back <= 8 && all_digits(slash + 1, back))
        return YW_OK;
    return yw_err_set(
        err, YW_EINVAL, "code",
        "资源代码须为 前段码/后段码：类(1位)项(2位)目(3位)细目(0-6位)/顺序码(1-8位)，如 "
        "101001/000001 / the resource code must be class(1) item(2) "
        "heading(3) sub-heading(0-6 digits) \"/\" sequence (1-8 digits), e.g. "
        "101001/000001");
}

static int check_free(struct yw_str code, struct yw_err *err)
{
    bool ok = code.n >= 2 && code.n <= 64;
    for (size_t i = 0; ok && i < code.n; i++) {
        char c = code.p[i];
        ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             c == '.' || c == '_' || c == '/' || c == '-';
    }
    if (ok && (code.p[0] == '/' || code.p[code.n - 1] == '/' || memmem(code.p, code.n, "//", 2)))
        ok = false;
    return ok ? YW_OK
              : yw_err_set(err, YW_EINVAL, "code",
                           "资源代码须为 2-64 个字母、数字或 . _ / - / the resource code must be "
                           "2-64 letters, digits or . _ / -");
}

static const struct yw_code_rule code_rules[] = {
    {"gbt21063", "GB/T 21063.4: 类项目细目/顺序码, e.g. 101001/000001", check_gbt21063},
    {"free", "2-64 letters, digits, . _ / -", check_free},
};

const struct yw_code_rule *yw_catalog_code_rule(const char *name)
{
    for (size_t i = 0; i < N_OF(code_rules); i++)
        if (strcmp(name, code_rules[i].name) == 0)
            return &code_rules[i];
    return NULL;
}

/* ---- reading a body -------------------------------------------------------- */

/* The string member name of obj ("" when absent or null), checked. */
static int text(const json_t *obj, const char *name, size_t max_chars, bool required,
                const char *prefix, const char **out, struct yw_err *err)
{
    char field[64];
    json_t *v = json_object_get(obj, name);
    (void)yw_fmt(field, sizeof(field), "%s%s", prefix, name);
    *out = "";
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_string(v))
            return yw_err_set(err, YW_EINVAL, field, "%s 须为字符串 / %s must be a string", field,
                              field);
        *out = json_string_value(v);
    }
    return yw_check_text(*out, max_chars, required, field, err);
}

/* A member that must be one of the domain's values; *slug gets the slug. */
static int domain(const json_t *obj, const char *name, const struct yw_domain *d, bool required,
                  const char *prefix, const char **slug, struct yw_err *err)
{
    const char *v;
    char field[64];
    int rc = text(obj, name, 50, required, prefix, &v, err);
    *slug = "";
    if (rc < 0 || !v[0])
        return rc;
    (void)yw_fmt(field, sizeof(field), "%s%s", prefix, name);
    return yw_domain_slug(d, yw_str_c(v), field, slug, err);
}

static int boolean(const json_t *obj, const char *name, const char *prefix, bool *out,
                   struct yw_err *err)
{
    json_t *v = json_object_get(obj, name);
    *out = false;
    if (v == NULL || json_is_null(v))
        return YW_OK;
    if (!json_is_boolean(v)) {
        char field[64];
        (void)yw_fmt(field, sizeof(field), "%s%s", prefix, name);
        return yw_err_set(err, YW_EINVAL, field, "%s 须为 true 或 false / %s must be a boolean",
                          field, field);
    }
    *out = json_is_true(v);
    return YW_OK;
}

/* [a-z][a-z0-9_]{0,62} */
static bool column_ok(const char *c)
{
    size_t n = strlen(c);
    if (n < 1 || n > 63 || c[0] < 'a' || c[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') || c[i] == '_'))
            return false;
    return true;
}

int yw__check_element_id(struct yw_str id, const char *field, struct yw_err *err)
{
    bool ok = id.n >= 2 && id.n <= 32;
    for (size_t i = 0; ok && i < id.n; i++) {
        char c = id.p[i];
        ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             c == '.' || c == '_' || c == '-';
    }
    return ok ? YW_OK
              : yw_err_set(err, YW_EINVAL, field,
                           "数据元标识符须为 2-32 个字母、数字或 . _ - / a data element "
                           "identifier is 2-32 letters, digits or . _ -");
}

/* Data types that need a length (UIs of the national guideline require it). */
static bool needs_length(const char *type)
{
    return strchr("CNBIF", type[0]) != NULL;
}

int yw__check_length(const json_t *obj, const char *type, const char *prefix, int64_t *out,
                     struct yw_err *err)
{
    json_t *v = json_object_get(obj, "length");
    char field[64];
    (void)yw_fmt(field, sizeof(field), "%slength", prefix);
    *out = 0;
    if (v == NULL || json_is_null(v)) {
        if (needs_length(type))
            return yw_err_set(err, YW_EINVAL, field,
                              "数据类型 %s 须给出长度 / data type %s needs a length", type, type);
        return YW_OK;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000)
        return yw_err_set(err, YW_EINVAL, field,
                          "长度须为 1 至 1000000 的整数 / %s must be an "
                          "integer from 1 to 1000000",
                          field);
    *out = json_integer_value(v);
    return YW_OK;
}

/* One field (信息项) into a new object; max_rank is raised to its grade. */
static int check_field(const json_t *in, size_t index, json_t **out, int *max_rank,
                       struct yw_err *err)
{
    static const char *const members[] = {
        "column",   "name",      "data_type", "length", "description",     "element", "grade",
        "personal", "sensitive", "key",       "copy",   "source_resource", "mask",    NULL};
    const char *column, *name, *type, *description, *element, *grade;
    bool personal, sensitive, key;
    int64_t length;
    char prefix[32];
    int rc;

    (void)yw_fmt(prefix, sizeof(prefix), "fields[%zu].", index);
    if ((rc = yw_json_only_members(in, members, prefix, err)) < 0 ||
        (rc = text(in, "column", 63, true, prefix, &column, err)) < 0 ||
        (rc = text(in, "name", 100, true, prefix, &name, err)) < 0 ||
        (rc = domain(in, "data_type", yw__data_types, true, prefix, &type, err)) < 0 ||
        (rc = yw__check_length(in, type, prefix, &length, err)) < 0 ||
        (rc = text(in, "description", 500, false, prefix, &description, err)) < 0 ||
        (rc = text(in, "element", 32, false, prefix, &element, err)) < 0 ||
        (rc = domain(in, "grade", yw__grades, true, prefix, &grade, err)) < 0 ||
        (rc = boolean(in, "personal", prefix, &personal, err)) < 0 ||
        (rc = boolean(in, "sensitive", prefix, &sensitive, err)) < 0 ||
        (rc = boolean(in, "key", prefix, &key, err)) < 0)
        return rc;
    char field[64];
    (void)yw_fmt(field, sizeof(field), "%scolumn", prefix);
    if (!column_ok(column))
        return yw_err_set(err, YW_EINVAL, field,
                          "%scolumn 须为小写字母开头的 a-z、0-9、_，至多 63 个 / %scolumn must be "
                          "[a-z][a-z0-9_]{0,62}",
                          prefix, prefix);
    (void)yw_fmt(field, sizeof(field), "%selement", prefix);
    if (element[0] && (rc = yw__check_element_id(yw_str_c(element), field, err)) < 0)
        return rc;
    personal = personal || sensitive; /* sensitive personal information is personal */
    int rank = yw__grade_rank(grade);
    if (rank > *max_rank)
        *max_rank = rank;
    *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "column", column, "name", name,
                     "data_type", type, "description", description, "grade", grade, "personal",
                     personal, "sensitive", sensitive, "key", key);
    if (*out == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    if (length)
        json_object_set_new(*out, "length", json_integer(length));
    if (element[0])
        json_object_set_new(*out, "element", json_string(element));
    return YW_OK;
}

static int check_related(const json_t *in, const struct yw_code_rule *rule, const char *self,
                         json_t *out, struct yw_err *err)
{
    size_t i;
    json_t *v;
    if (in == NULL || json_is_null(in))
        return YW_OK;
    if (!json_is_array(in) || json_array_size(in) > YW__RELATED_MAX)
        return yw_err_set(
            err, YW_EINVAL, "related",
            "related 须为至多 %d 个资源代码 / related must be up to %d resource codes",
            YW__RELATED_MAX, YW__RELATED_MAX);
    json_array_foreach(in, i, v)
    {
        int rc;
        if (!json_is_string(v))
            return yw_err_set(err, YW_EINVAL, "related",
                              "related 须为字符串 / related must hold "
                              "strings");
        struct yw_str code = {json_string_value(v), json_string_length(v)};
        if ((rc = rule->check(code, err)) < 0) {
            (void)yw_copy(err->field, sizeof(err->field), "related");
            return rc;
        }
        if (yw_str_eq_c(code, self))
            return yw_err_set(err, YW_EINVAL, "related",
                              "资源不能关联自身 / a resource cannot relate to itself");
        bool seen = false;
        for (size_t k = 0; k < json_array_size(out) && !seen; k++)
            seen = yw_str_eq_c(code, json_string_value(json_array_get(out, k)));
        if (!seen)
            json_array_append(out, v);
    }
    return YW_OK;
}

static int check_sharing(const json_t *in, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"type", "condition", "legal_basis", "method", NULL};
    const char *type, *condition, *basis, *method;
    int rc;
    if ((rc = yw_json_only_members(in, members, "sharing.", err)) < 0 ||
        (rc = domain(in, "type", yw__sharing_types, true, "sharing.", &type, err)) < 0 ||
        (rc = text(in, "condition", 1000, strcmp(type, "conditional") == 0, "sharing.", &condition,
                   err)) < 0 ||
        (rc = text(in, "legal_basis", 500, strcmp(type, "unconditional") != 0, "sharing.", &basis,
                   err)) < 0 ||
        (rc = domain(in, "method", yw__sharing_methods, strcmp(type, "none") != 0, "sharing.",
                     &method, err)) < 0)
        return rc;
    *out = json_pack("{s:s, s:s, s:s, s:s}", "type", type, "condition", condition, "legal_basis",
                     basis, "method", method);
    return *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
}

/* 开放属性: 核心 data is never opened; 重要 only with an approval; sensitive
 * personal information never without conditions. */
static int check_open(const json_t *in, int rank, bool sensitive, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"type", "condition", "approval", NULL};
    const char *type, *condition, *approval;
    int rc;
    if ((rc = yw_json_only_members(in, members, "open.", err)) < 0 ||
        (rc = domain(in, "type", yw__open_types, true, "open.", &type, err)) < 0 ||
        (rc = text(in, "condition", 1000, strcmp(type, "conditional") == 0, "open.", &condition,
                   err)) < 0 ||
        (rc = text(in, "approval", 200, false, "open.", &approval, err)) < 0)
        return rc;
    bool opened = strcmp(type, "none") != 0;
    if (opened && rank == yw__grade_rank("core"))
        return yw_err_set(err, YW_EINVAL, "open.type",
                          "核心数据不得开放 / core data may never be opened");
    if (opened && rank == yw__grade_rank("important") && !approval[0])
        return yw_err_set(err, YW_EINVAL, "open.approval",
                          "重要数据开放须有批准文件 / opening important data needs an explicit "
                          "approval (open.approval)");
    if (sensitive && strcmp(type, "unconditional") == 0)
        return yw_err_set(err, YW_EINVAL, "open.type",
                          "含敏感个人信息的资源不得无条件开放 / a resource with sensitive personal "
                          "information cannot be opened unconditionally");
    *out = json_pack("{s:s, s:s, s:s}", "type", type, "condition", condition, "approval", approval);
    return *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
}

int yw__resource_check(const struct yw_code_rule *rule, const json_t *body, json_t **out,
                       struct yw_err *err)
{
    static const char *const members[] = {
        "code", "name",         "provider", "summary", "resource_type", "format", "sharing",
        "open", "update_cycle", "grade",    "related", "fields",        NULL};
    const char *code, *name, *provider, *summary, *type, *format, *cycle, *grade;
    json_t *doc = NULL, *fields = NULL, *related = NULL, *sharing = NULL, *open = NULL;
    json_t *in_fields = json_object_get(body, "fields");
    int rc, max_rank = 0;
    bool sensitive = false;

    *out = NULL;
    if ((rc = yw_json_only_members(body, members, "", err)) < 0 ||
        (rc = text(body, "code", 64, true, "", &code, err)) < 0 ||
        (rc = rule->check(yw_str_c(code), err)) < 0 ||
        (rc = text(body, "name", 100, true, "", &name, err)) < 0 ||
        (rc = text(body, "provider", 64, false, "", &provider, err)) < 0 ||
        (rc = text(body, "summary", 2000, true, "", &summary, err)) < 0 ||
        (rc = domain(body, "resource_type", yw__resource_types, true, "", &type, err)) < 0 ||
        (rc = text(body, "format", 50, true, "", &format, err)) < 0 ||
        (rc = domain(body, "update_cycle", yw__update_cycles, true, "", &cycle, err)) < 0 ||
        (rc = domain(body, "grade", yw__grades, true, "", &grade, err)) < 0)
        return rc;
    if (!json_is_array(in_fields) || json_array_size(in_fields) < 1 ||
        json_array_size(in_fields) > YW__FIELDS_MAX)
        return yw_err_set(err, YW_EINVAL, "fields",
                          "须有 1 至 %d 个信息项 / fields must list 1 to %d items", YW__FIELDS_MAX,
                          YW__FIELDS_MAX);
    fields = json_array();
    related = json_array();
    if (fields == NULL || related == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < json_array_size(in_fields); i++) {
        json_t *f = NULL;
        if ((rc = check_field(json_array_get(in_fields, i), i, &f, &max_rank, err)) < 0)
            goto out;
        for (size_t k = 0; k < i; k++) {
            json_t *g = json_array_get(fields, k);
            const char *what =
                json_equal(json_object_get(g, "column"), json_object_get(f, "column")) ? "column"
                : json_equal(json_object_get(g, "name"), json_object_get(f, "name"))   ? "name"
                                                                                       : NULL;
            if (what) {
                rc = yw_err_set(err, YW_EINVAL, "fields",
                                "信息项 %zu 与 %zu 的 %s 重复 / fields "
                                "%zu and %zu have the same %s",
                                k, i, what, k, i, what);
                json_decref(f);
                goto out;
            }
        }
        sensitive = sensitive || json_is_true(json_object_get(f, "sensitive"));
        json_array_append_new(fields, f);
    }
    /* 就高从严: the resource is graded at least as high as its highest field. */
    if (yw__grade_rank(grade) < max_rank)
        grade = yw__grade_of_rank(max_rank);
    if ((rc = check_related(json_object_get(body, "related"), rule, code, related, err)) < 0 ||
        (rc = check_sharing(json_object_get(body, "sharing"), &sharing, err)) < 0 ||
        (rc = check_open(json_object_get(body, "open"), yw__grade_rank(grade), sensitive, &open,
                         err)) < 0)
        goto out;
    doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "code", code,
                    "name", name, "provider", provider, "summary", summary, "resource_type", type,
                    "format", format, "update_cycle", cycle, "grade", grade, "sharing", sharing,
                    "open", open, "related", related, "fields", fields);
    sharing = open = related = fields = NULL;
    if (doc == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    *out = doc;
    rc = YW_OK;
out:
    json_decref(sharing);
    json_decref(open);
    json_decref(related);
    json_decref(fields);
    return rc;
}

const char *yw__default_mask(const char *grade, bool personal, bool sensitive,
                             const char *element_mask)
{
    int rank = yw__grade_rank(grade);
    if (rank >= yw__grade_rank("important"))
        return "redact";
    if (element_mask && element_mask[0] && !(sensitive && strcmp(element_mask, "keep") == 0))
        return element_mask;
    if (rank <= yw__grade_rank("general-2") && !personal)
        return "keep";
    return "redact";
}
