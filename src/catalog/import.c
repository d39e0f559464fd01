/* CSV import and export of the catalog: one row per field (信息项), the
 * resource's own columns on its first row. All or nothing. */
#include "internal.h"

#include <string.h>

#include "ledger/ledger.h"
#include "store/store.h"

#define ERRORS_MAX 100
#define IMPORT_ENTRY_CHUNK 200 /* resources named by one catalog.import ledger entry */

enum col {
    C_CODE,
    C_NAME,
    C_PROVIDER,
    C_SUMMARY,
    C_TYPE,
    C_FORMAT,
    C_SHARING,
    C_CONDITION,
    C_BASIS,
    C_METHOD,
    C_OPEN,
    C_OPEN_CONDITION,
    C_OPEN_APPROVAL,
    C_CYCLE,
    C_GRADE,
    C_RELATED,
    C_FIELD_NAME,
    C_COLUMN,
    C_DATA_TYPE,
    C_LENGTH,
    C_DESCRIPTION,
    C_ELEMENT,
    C_FIELD_GRADE,
    C_PERSONAL,
    C_SENSITIVE,
    C_KEY,
    N_COLS
};
#define FIRST_FIELD_COL C_FIELD_NAME

static const char *const headers[N_COLS] = {
    "资源代码", "资源名称",     "提供方代码", "资源摘要",     "资源类型", "资源格式", "共享类型",
    "共享条件", "共享依据",     "共享方式",   "开放类型",     "开放条件", "开放批准", "更新周期",
    "资源分级", "关联资源代码", "信息项名称", "字段名",       "数据类型", "长度",     "信息项描述",
    "数据元",   "信息项分级",   "个人信息",   "敏感个人信息", "主键"};

static const char *const element_headers[] = {"标识符",       "名称",    "定义",     "数据类型",
                                              "长度",         "格式",    "标准依据", "权威来源机构",
                                              "权威来源资源", "脱敏方式"};
#define N_ELEMENT_COLS (sizeof(element_headers) / sizeof(element_headers[0]))

/* Collects line-numbered errors, at most ERRORS_MAX. */
static void add_error(json_t *errors, long line, const struct yw_err *e)
{
    if (json_array_size(errors) >= ERRORS_MAX)
        return;
    json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "field",
                                            e->field, "message", e->message));
}

static int line_error(json_t *errors, long line, const char *field, const char *msg)
{
    struct yw_err e = {0};
    (void)yw_copy(e.field, sizeof(e.field), field);
    (void)yw_copy(e.message, sizeof(e.message), msg);
    add_error(errors, line, &e);
    return YW_EINVAL;
}

static int check_header(struct yw_str *f, size_t n, const char *const *want, size_t n_want,
                        json_t *errors)
{
    bool ok = n == n_want;
    for (size_t i = 0; ok && i < n; i++)
        ok = yw_str_eq_c(f[i], want[i]);
    if (!ok)
        return line_error(errors, 1, "header",
                          "第 1 行须为表头，列与顺序见 docs/internals/catalog.md / line 1 must be "
                          "the header row, columns as in docs/internals/catalog.md");
    return YW_OK;
}

static json_t *str_of(struct yw_str s)
{
    return json_stringn(s.p ? s.p : "", s.n);
}

/* 是/否 (or true/false) into a JSON boolean; NULL when it is neither. */
static json_t *yes_no(struct yw_str s)
{
    if (s.n == 0 || yw_str_eq_c(s, "否") || yw_str_eq_c(s, "false"))
        return json_false();
    if (yw_str_eq_c(s, "是") || yw_str_eq_c(s, "true"))
        return json_true();
    return NULL;
}

/* A non-negative integer column into JSON (absent when empty). */
static int length_of(struct yw_str s, json_t **out)
{
    int64_t v;
    *out = NULL;
    if (s.n == 0)
        return YW_OK;
    if (yw_parse_int64(s, 0, 1000000000, &v) < 0)
        return YW_EINVAL;
    *out = json_integer(v);
    return YW_OK;
}

static json_t *field_of(struct yw_str *f, long line, json_t *errors)
{
    json_t *length, *personal = yes_no(f[C_PERSONAL]), *sensitive = yes_no(f[C_SENSITIVE]);
    json_t *key = yes_no(f[C_KEY]);
    if (length_of(f[C_LENGTH], &length) < 0) {
        line_error(errors, line, "长度", "长度须为整数 / 长度 (length) must be an integer");
        return NULL;
    }
    if (!personal || !sensitive || !key) {
        json_decref(length);
        line_error(
            errors, line, "个人信息",
            "个人信息、敏感个人信息、主键须为 是 或 否 / personal, sensitive and key must be "
            "是 or 否");
        return NULL;
    }
    json_t *j =
        json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "name", str_of(f[C_FIELD_NAME]),
                  "column", str_of(f[C_COLUMN]), "data_type", str_of(f[C_DATA_TYPE]), "description",
                  str_of(f[C_DESCRIPTION]), "grade", str_of(f[C_FIELD_GRADE]), "personal", personal,
                  "sensitive", sensitive, "key", key);
    if (j && length)
        json_object_set_new(j, "length", length);
    else
        json_decref(length);
    if (j && f[C_ELEMENT].n)
        json_object_set_new(j, "element", str_of(f[C_ELEMENT]));
    return j;
}

static json_t *resource_of(struct yw_str *f)
{
    json_t *related = json_array();
    struct yw_str rest = f[C_RELATED];
    while (rest.n) {
        const char *semi = memchr(rest.p, ';', rest.n);
        size_t n = semi ? (size_t)(semi - rest.p) : rest.n;
        if (n)
            json_array_append_new(related, json_stringn(rest.p, n));
        rest = semi ? (struct yw_str){semi + 1, rest.n - n - 1} : (struct yw_str){NULL, 0};
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o}, s:{s:o, s:o, s:o}, "
                     "s:o, s:o, s:o, s:[]}",
                     "code", str_of(f[C_CODE]), "name", str_of(f[C_NAME]), "provider",
                     str_of(f[C_PROVIDER]), "summary", str_of(f[C_SUMMARY]), "resource_type",
                     str_of(f[C_TYPE]), "format", str_of(f[C_FORMAT]), "sharing", "type",
                     str_of(f[C_SHARING]), "condition", str_of(f[C_CONDITION]), "legal_basis",
                     str_of(f[C_BASIS]), "method", str_of(f[C_METHOD]), "open", "type",
                     str_of(f[C_OPEN]), "condition", str_of(f[C_OPEN_CONDITION]), "approval",
                     str_of(f[C_OPEN_APPROVAL]), "update_cycle", str_of(f[C_CYCLE]), "grade",
                     str_of(f[C_GRADE]), "related", related, "fields");
}

/* The line an error in body belongs to: its field's row, or the first. */
static long error_line(const struct yw_err *e, json_t *lines)
{
    const char *p = e->field;
    int64_t index;
    if (strncmp(p, "fields[", 7) == 0) {
        const char *end = strchr(p + 7, ']');
        if (end &&
            yw_parse_int64((struct yw_str){p + 7, (size_t)(end - p - 7)}, 0, YW__FIELDS_MAX,
                           &index) == YW_OK &&
            (size_t)index < json_array_size(lines))
            return (long)json_integer_value(json_array_get(lines, (size_t)index));
    }
    return (long)json_integer_value(json_array_get(lines, 0));
}

/* An import in progress: each resource is checked, and written while the
 * file has had no error, as soon as its last row is read, so memory holds
 * one resource at a time. Any error means rollback: nothing is written. */
struct importer {
    const struct yw_catalog *cat;
    struct yw_txn *txn;
    bool publish;
    const char *actor;
    json_t *errors;
    json_t *written; /* [{code, digest}] */
    size_t resources;
};

/* The resource collected in current ({"body", "lines"}), complete. */
static int finish(struct importer *imp, json_t *current, struct yw_err *err)
{
    json_t *body = json_object_get(current, "body"), *lines = json_object_get(current, "lines"),
           *doc = NULL;
    const char *provider = json_string_value(json_object_get(body, "provider"));
    const char *code = json_string_value(json_object_get(body, "code"));
    long first = (long)json_integer_value(json_array_get(lines, 0));
    char digest[2 * YW_HASH_SIZE + 1];
    struct yw_err e = {0};
    int rc;

    imp->resources++;
    if (!provider[0]) {
        line_error(imp->errors, first, "提供方代码", "提供方代码不能为空 / 提供方代码 is required");
        return YW_OK;
    }
    if ((rc = yw__resource_prepare(imp->txn, imp->cat, body, provider, &doc, &e)) < 0) {
        if (rc == YW_EDB || rc == YW_EBUSY || rc == YW_ENOMEM) {
            *err = e;
            return rc;
        }
        add_error(imp->errors, error_line(&e, lines), &e);
        return YW_OK;
    }
    if ((rc = yw__resource_exists(imp->txn, code, &e)) != 0) {
        json_decref(doc);
        if (rc < 0) {
            *err = e;
            return rc;
        }
        line_error(imp->errors, first, "资源代码", "资源代码已被使用 / the resource code is taken");
        return YW_OK;
    }
    if (json_array_size(imp->errors) == 0) {
        if ((rc = yw__resource_insert(imp->txn, imp->cat, doc, imp->publish, imp->actor, err)) ==
                YW_OK &&
            (rc = yw__resource_digest(imp->cat, doc, digest, err)) == YW_OK)
            json_array_append_new(
                imp->written,
                json_pack("{s:O, s:s}", "code", json_object_get(doc, "code"), "digest", digest));
    }
    json_decref(doc);
    return rc;
}

/* Reads the CSV, handing each complete resource to finish(). */
static int parse(struct importer *imp, const char *csv, size_t n, struct yw_err *err)
{
    struct yw_csv r;
    struct yw_str f[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    json_t *errors = imp->errors;
    json_t *current = NULL, *seen = json_object(); /* codes met: a hash set */
    int rc;

    yw_csv_init(&r, csv, n);
    while ((rc = yw_csv_next(&r, f, &n_fields, err)) == 1) {
        if (r.line == 1) {
            if (check_header(f, n_fields, headers, N_COLS, errors) < 0)
                break;
            continue;
        }
        if (n_fields != N_COLS) {
            line_error(errors, r.line, "", "列数不是 26 / the row does not have 26 columns");
            continue;
        }
        if (f[C_CODE].n == 0) {
            line_error(errors, r.line, "资源代码", "资源代码不能为空 / 资源代码 is required");
            continue;
        }
        bool resource_cols = false;
        for (int c = C_NAME; c < FIRST_FIELD_COL; c++)
            resource_cols = resource_cols || f[c].n;
        const char *current_code =
            current ? json_string_value(json_object_get(json_object_get(current, "body"), "code"))
                    : NULL;
        if (current_code && yw_str_eq_c(f[C_CODE], current_code) && !resource_cols) {
            /* another field of the same resource */
        } else if (!resource_cols) {
            line_error(errors, r.line, "资源名称",
                       "资源的第一行须填写资源各列 / the first row of a resource fills the "
                       "resource's columns");
            continue;
        } else {
            /* A code met before: its rows were not together. */
            char code[256];
            if (yw_fmt(code, sizeof(code), "%.*s", (int)f[C_CODE].n, f[C_CODE].p) < 0 ||
                json_object_get(seen, code) != NULL) {
                line_error(errors, r.line, "资源代码",
                           "同一资源的行须相邻且资源列只填一次 / rows of a resource must be "
                           "together, its columns filled once");
                continue;
            }
            json_object_set_new(seen, code, json_true());
            if (current != NULL && (rc = finish(imp, current, err)) < 0)
                break;
            json_decref(current);
            current = json_pack("{s:o, s:[]}", "body", resource_of(f), "lines");
        }
        json_t *field = field_of(f, r.line, errors);
        if (field == NULL)
            continue;
        json_array_append_new(json_object_get(json_object_get(current, "body"), "fields"), field);
        json_array_append_new(json_object_get(current, "lines"), json_integer(r.line));
    }
    if (rc == 0 && current != NULL)
        rc = finish(imp, current, err);
    else if (rc < 0 && rc != YW_EDB && rc != YW_EBUSY && rc != YW_ENOMEM) {
        add_error(errors, r.line ? r.line : 1, err); /* the CSV itself is malformed */
        rc = YW_OK;
    }
    json_decref(current);
    yw_csv_free(&r);
    json_decref(seen);
    return rc < 0 ? rc : YW_OK;
}

/* Ledger entries of an import: one per IMPORT_ENTRY_CHUNK resources, naming
 * each with the digest of what was written. */
static int record_import(const struct yw_catalog *cat, const char *actor, json_t *written,
                         bool publish, struct yw_err *err)
{
    size_t total = json_array_size(written);
    for (size_t start = 0; start < total; start += IMPORT_ENTRY_CHUNK) {
        json_t *part = json_array();
        for (size_t i = start; i < total && i < start + IMPORT_ENTRY_CHUNK; i++)
            json_array_append(part, json_array_get(written, i));
        uint64_t index;
        int rc = yw_ledger_event(cat->ledger, "catalog.import",
                                 json_pack("{s:s, s:s, s:I, s:o}", "actor", actor, "status",
                                           publish ? "published" : "draft", "total",
                                           (json_int_t)total, "resources", part),
                                 &index, err);
        if (rc < 0)
            return rc;
    }
    return YW_OK;
}

int yw_catalog_import(const struct yw_catalog *cat, const char *csv, size_t n, bool publish,
                      const char *actor, size_t *count, json_t **errors_out, struct yw_err *err)
{
    struct importer imp = {cat, NULL, publish, actor, json_array(), json_array(), 0};
    int rc;

    *count = 0;
    *errors_out = NULL;
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &imp.txn, err)) < 0 ||
        (rc = parse(&imp, csv, n, err)) < 0)
        goto out;
    if (json_array_size(imp.errors) == 0 && imp.resources == 0)
        line_error(imp.errors, 1, "", "文件中没有资源 / the file holds no resources");
    if (json_array_size(imp.errors)) {
        *errors_out = json_incref(imp.errors);
        rc = yw_err_set(err, YW_EINVAL, NULL,
                        "导入文件有 %zu 处错误，未写入任何内容 / %zu errors in the file: nothing "
                        "was written",
                        json_array_size(imp.errors), json_array_size(imp.errors));
        goto out;
    }
    if ((rc = yw__search_optimize(imp.txn, json_array_size(imp.written), err)) < 0 ||
        (rc = yw_store_commit(&imp.txn, err)) < 0 ||
        (rc = record_import(cat, actor, imp.written, publish, err)) < 0)
        goto out;
    *count = json_array_size(imp.written);
out:
    yw_store_rollback(&imp.txn);
    json_decref(imp.errors);
    json_decref(imp.written);
    return rc;
}

int yw_catalog_import_elements(const struct yw_catalog *cat, const char *csv, size_t n,
                               const char *actor, size_t *count, json_t **errors_out,
                               struct yw_err *err)
{
    static const char *const members[N_ELEMENT_COLS] = {
        "id",     "name",     "definition", "data_type",       "length",
        "format", "standard", "source_org", "source_resource", "mask"};
    json_t *errors = json_array(), *done = json_array();
    struct yw_str f[YW_CSV_MAX_FIELDS];
    struct yw_txn *txn = NULL;
    struct yw_csv r;
    size_t n_fields;
    int rc;

    *count = 0;
    *errors_out = NULL;
    yw_csv_init(&r, csv, n);
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    while ((rc = yw_csv_next(&r, f, &n_fields, err)) == 1) {
        if (r.line == 1) {
            if (check_header(f, n_fields, element_headers, N_ELEMENT_COLS, errors) < 0)
                break;
            continue;
        }
        if (n_fields != N_ELEMENT_COLS) {
            line_error(errors, r.line, "", "列数不是 10 / the row does not have 10 columns");
            continue;
        }
        json_t *body = json_object(), *length = NULL;
        for (size_t c = 0; c < N_ELEMENT_COLS; c++)
            if (c != 4 && f[c].n)
                json_object_set_new(body, members[c], str_of(f[c]));
        if (length_of(f[4], &length) < 0) {
            line_error(errors, r.line, "长度", "长度须为整数 / 长度 (length) must be an integer");
        } else {
            char id[33];
            struct yw_err e = {0};
            if (length)
                json_object_set_new(body, "length", length);
            if ((rc = yw__element_insert(txn, body, actor, id, &e)) < 0) {
                if (rc == YW_EDB || rc == YW_EBUSY || rc == YW_ENOMEM) {
                    *err = e;
                    json_decref(body);
                    goto out;
                }
                add_error(errors, r.line, &e);
            } else {
                json_array_append(done, body);
            }
        }
        json_decref(body);
    }
    if (rc < 0)
        add_error(errors, r.line ? r.line : 1, err);
    if (json_array_size(errors)) {
        *errors_out = json_incref(errors);
        rc = yw_err_set(err, YW_EINVAL, NULL,
                        "导入文件有 %zu 处错误，未写入任何内容 / %zu errors in the file: nothing "
                        "was written",
                        json_array_size(errors), json_array_size(errors));
        goto out;
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    size_t i;
    json_t *e;
    json_array_foreach(done, i, e) if ((rc = yw__element_record(cat, actor, e, err)) < 0) goto out;
    *count = json_array_size(done);
out:
    yw_csv_free(&r);
    yw_store_rollback(&txn);
    json_decref(errors);
    json_decref(done);
    return rc;
}

/* ---- export ---------------------------------------------------------------------- */

static const char *label(const struct yw_domain *d, const char *slug)
{
    int i = yw_domain_find(d, yw_str_c(slug ? slug : ""));
    return i < 0 ? "" : d[i].zh;
}

static int row(struct yw_buf *out, const char *const *cells)
{
    int rc = YW_OK;
    for (int c = 0; rc == YW_OK && c < N_COLS; c++) {
        if (c)
            rc = yw_buf_append_c(out, ",");
        if (rc == YW_OK)
            rc = yw_csv_write_field(out, yw_str_c(cells[c] ? cells[c] : ""));
    }
    return rc == YW_OK ? yw_buf_append_c(out, "\r\n") : rc;
}

static int export_doc(struct yw_buf *out, const json_t *doc)
{
    const json_t *sharing = json_object_get(doc, "sharing"), *open = json_object_get(doc, "open");
    struct yw_buf related;
    size_t i;
    json_t *v;
    int rc = YW_OK;

    yw_buf_init(&related, 64 * 1024);
    json_array_foreach(json_object_get(doc, "related"), i, v)
    {
        if (rc == YW_OK)
            rc = yw_buf_printf(&related, "%s%s", i ? ";" : "", json_string_value(v));
    }
#define S(obj, key) json_string_value(json_object_get((obj), (key)))
    json_array_foreach(json_object_get(doc, "fields"), i, v)
    {
        char length[24] = "";
        if (json_object_get(v, "length"))
            (void)yw_fmt(length, sizeof(length), "%lld",
                         (long long)json_integer_value(json_object_get(v, "length")));
        bool first = i == 0;
        const char *cells[N_COLS] = {
            [C_CODE] = S(doc, "code"),
            [C_NAME] = first ? S(doc, "name") : "",
            [C_PROVIDER] = first ? S(doc, "provider") : "",
            [C_SUMMARY] = first ? S(doc, "summary") : "",
            [C_TYPE] = first ? label(yw__resource_types, S(doc, "resource_type")) : "",
            [C_FORMAT] = first ? S(doc, "format") : "",
            [C_SHARING] = first ? label(yw__sharing_types, S(sharing, "type")) : "",
            [C_CONDITION] = first ? S(sharing, "condition") : "",
            [C_BASIS] = first ? S(sharing, "legal_basis") : "",
            [C_METHOD] = first ? label(yw__sharing_methods, S(sharing, "method")) : "",
            [C_OPEN] = first ? label(yw__open_types, S(open, "type")) : "",
            [C_OPEN_CONDITION] = first ? S(open, "condition") : "",
            [C_OPEN_APPROVAL] = first ? S(open, "approval") : "",
            [C_CYCLE] = first ? label(yw__update_cycles, S(doc, "update_cycle")) : "",
            [C_GRADE] = first ? label(yw__grades, S(doc, "grade")) : "",
            [C_RELATED] = first && related.data ? related.data : "",
            [C_FIELD_NAME] = S(v, "name"),
            [C_COLUMN] = S(v, "column"),
            [C_DATA_TYPE] = S(v, "data_type"),
            [C_LENGTH] = length,
            [C_DESCRIPTION] = S(v, "description"),
            [C_ELEMENT] = S(v, "element"),
            [C_FIELD_GRADE] = label(yw__grades, S(v, "grade")),
            [C_PERSONAL] = json_is_true(json_object_get(v, "personal")) ? "是" : "否",
            [C_SENSITIVE] = json_is_true(json_object_get(v, "sensitive")) ? "是" : "否",
            [C_KEY] = json_is_true(json_object_get(v, "key")) ? "是" : "否",
        };
        if (rc == YW_OK)
            rc = row(out, cells);
    }
#undef S
    yw_buf_free(&related);
    return rc;
}

int yw_catalog_export_csv(const struct yw_catalog *cat, struct yw_buf *out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc = row(out, headers);

    if (rc < 0)
        return yw_err_set(err, rc, NULL, "export too large");
    if ((rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT v.doc FROM yw_catalog_resources r JOIN yw_catalog_versions v "
                             "ON v.code = r.code AND v.version = r.version ORDER BY r.code",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0);
        json_t *doc = json_loadb(d.p, d.n, 0, NULL);
        rc = doc ? export_doc(out, doc) : YW_EINTERNAL;
        json_decref(doc);
        if (rc < 0) {
            rc = yw_err_set(err, rc, NULL, "导出失败 / export failed");
            goto out;
        }
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc < 0 ? rc : YW_OK;
}

int yw_catalog_dcat(const struct yw_catalog *cat, const char *node_name, const char *origin,
                    const char *base_url, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    char modified[32] = "";
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT v.doc, r.version, r.status, COALESCE(r.published_at, ''), "
                             "r.updated_at, o.name, COALESCE(o.uscc, '') FROM yw_catalog_resources "
                             "r JOIN yw_catalog_versions v ON v.code = r.code AND v.version = "
                             "r.version JOIN yw_orgs o ON o.code = r.provider WHERE r.status IN "
                             "('published', 'deprecated') ORDER BY r.code",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0), status = yw_stmt_column_text(st, 2);
        struct yw_str pub = yw_stmt_column_text(st, 3), updated = yw_stmt_column_text(st, 4);
        struct yw_str name = yw_stmt_column_text(st, 5), uscc = yw_stmt_column_text(st, 6);
        json_t *doc = json_loadb(d.p, d.n, 0, NULL);
        if (doc == NULL) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "stored resource is not JSON");
            goto out;
        }
        json_object_set_new(doc, "version", json_integer(yw_stmt_column_int64(st, 1)));
        json_object_set_new(doc, "status", json_stringn(status.p, status.n));
        json_object_set_new(doc, "published_at", json_stringn(pub.p, pub.n));
        json_object_set_new(doc, "updated_at", json_stringn(updated.p, updated.n));
        json_object_set_new(doc, "provider_name", json_stringn(name.p, name.n));
        json_object_set_new(doc, "provider_uscc", json_stringn(uscc.p, uscc.n));
        if (updated.n < sizeof(modified) && memcmp(updated.p, modified, updated.n) > 0) {
            memcpy(modified, updated.p, updated.n);
            modified[updated.n] = '\0';
        }
        json_array_append_new(list, doc);
    }
    if (rc < 0)
        goto out;
    if (!modified[0])
        yw_time_rfc3339(yw_now_ms(), modified);
    struct yw__dcat_info info = {node_name, origin, base_url, modified};
    *out = yw__catalog_dcat(list, &info);
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}
