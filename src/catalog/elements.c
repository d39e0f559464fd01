/* Data elements (数据元): one data item, one source, one standard. */
#include "internal.h"

#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define ELEMENT_COLUMNS                                                                            \
    "id, name, definition, data_type, COALESCE(length, 0), format, standard, source_org, "         \
    "COALESCE(source_resource, ''), mask, created_at"

static json_t *element_json(struct yw_stmt *st)
{
    struct yw_str c[11];
    for (int i = 0; i < 11; i++)
        c[i] = yw_stmt_column_text(st, i);
    json_t *j =
        json_pack("{s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%}", "id", c[0].p, c[0].n,
                  "name", c[1].p, c[1].n, "definition", c[2].p, c[2].n, "data_type", c[3].p, c[3].n,
                  "format", c[5].p, c[5].n, "standard", c[6].p, c[6].n, "source_org", c[7].p,
                  c[7].n, "mask", c[9].p, c[9].n, "created_at", c[10].p, c[10].n);
    if (j && yw_stmt_column_int64(st, 4) > 0)
        json_object_set_new(j, "length", json_integer(yw_stmt_column_int64(st, 4)));
    if (j)
        json_object_set_new(j, "source_resource",
                            c[8].n ? json_stringn(c[8].p, c[8].n) : json_null());
    return j;
}

/* The element's source organisation, source resource and mask. */
static int load_element(struct yw_txn *txn, const char *id, char source_org[65],
                        char source_resource[65], char mask[16], struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT source_org, COALESCE(source_resource, ''), mask FROM "
                            "yw_catalog_elements WHERE id = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct {
            char *dst;
            size_t size;
        } out[] = {{source_org, 65}, {source_resource, 65}, {mask, 16}};
        for (int i = 0; i < 3; i++) {
            struct yw_str v = yw_stmt_column_text(st, i);
            size_t n = v.n < out[i].size ? v.n : out[i].size - 1;
            memcpy(out[i].dst, v.p ? v.p : "", n);
            out[i].dst[n] = '\0';
        }
        rc = YW_OK;
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_EINVAL, "element", "没有数据元 %s / no data element %s", id, id);
    }
    yw_stmt_finalize(&st);
    return rc;
}

int yw__resource_link(struct yw_txn *txn, json_t *doc, struct yw_err *err)
{
    const char *provider = json_string_value(json_object_get(doc, "provider"));
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        const char *element = json_string_value(json_object_get(f, "element"));
        const char *grade = json_string_value(json_object_get(f, "grade"));
        bool personal = json_is_true(json_object_get(f, "personal"));
        bool sensitive = json_is_true(json_object_get(f, "sensitive"));
        char source_org[65] = "", source_resource[65] = "", mask[16] = "";
        bool copy = false;
        if (element) {
            int rc = load_element(txn, element, source_org, source_resource, mask, err);
            if (rc < 0) {
                (void)yw_fmt(err->field, sizeof(err->field), "fields[%zu].element", i);
                return rc;
            }
            copy = strcmp(source_org, provider) != 0;
        }
        json_object_set_new(f, "copy", json_boolean(copy));
        json_object_set_new(f, "source_resource",
                            copy && source_resource[0] ? json_string(source_resource)
                                                       : json_null());
        json_object_set_new(f, "mask",
                            json_string(yw__default_mask(grade, personal, sensitive, mask)));
    }
    return YW_OK;
}

/* Checks an element body into the strings bound by the INSERT. */
static int check_element(const json_t *body, const char *v[10], int64_t *length, struct yw_err *err)
{
    static const char *const members[] = {
        "id",       "name",       "definition",      "data_type", "length", "format",
        "standard", "source_org", "source_resource", "mask",      NULL};
    static const struct {
        const char *name;
        size_t max;
        bool required;
    } texts[] = {{"id", 32, true},          {"name", 100, true},
                 {"definition", 500, true}, {"data_type", 10, true},
                 {"format", 200, false},    {"standard", 200, false},
                 {"source_org", 64, true},  {"source_resource", 64, false},
                 {"mask", 16, false}};
    int rc;

    if ((rc = yw_json_only_members(body, members, "", err)) < 0)
        return rc;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        json_t *j = json_object_get(body, texts[i].name);
        if (j != NULL && !json_is_null(j) && !json_is_string(j))
            return yw_err_set(err, YW_EINVAL, texts[i].name, "%s 须为字符串 / %s must be a string",
                              texts[i].name, texts[i].name);
        v[i] = j && json_is_string(j) ? json_string_value(j) : "";
        if ((rc = yw_check_text(v[i], texts[i].max, texts[i].required, texts[i].name, err)) < 0)
            return rc;
    }
    if ((rc = yw__check_element_id(yw_str_c(v[0]), "id", err)) < 0)
        return rc;
    int t = yw_domain_find(yw__data_types, yw_str_c(v[3]));
    if (t < 0)
        return yw_err_set(err, YW_EINVAL, "data_type",
                          "数据类型须为 C N Y D T L M G B I F 之一 / data_type must be one of C N "
                          "Y D T L M G B I F");
    v[3] = yw__data_types[t].slug;
    if ((rc = yw__check_length(body, v[3], "", length, err)) < 0)
        return rc;
    /* The masking operator, as the exchange will read it. */
    struct yw_mask mask;
    if (!v[8][0])
        v[8] = "redact";
    if ((rc = yw_mask_parse(yw_str_c(v[8]), &mask, "mask", err)) < 0)
        return rc;
    if (v[7][0] && yw_catalog_code_rule("free")->check(yw_str_c(v[7]), err) < 0) {
        (void)yw_copy(err->field, sizeof(err->field), "source_resource");
        return YW_EINVAL;
    }
    return YW_OK;
}

int yw__element_insert(struct yw_txn *txn, const json_t *body, const char *actor, char id_out[33],
                       struct yw_err *err)
{
    const char *v[10];
    int64_t length = 0;
    struct yw_stmt *st = NULL;
    char now[32];
    int rc;

    if ((rc = check_element(body, v, &length, err)) < 0)
        return rc;
    /* One source: the identifier and the name are each registered once. */
    if ((rc = yw_txn_prepare(txn, "SELECT o.status FROM yw_orgs o WHERE o.code = ?", &st, err)) < 0)
        return rc;
    yw_stmt_bind_text(st, 1, v[6], strlen(v[6]));
    rc = yw_stmt_step(st, err);
    bool active = rc == 1 && yw_str_eq_c(yw_stmt_column_text(st, 0), "active");
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    if (!active)
        return yw_err_set(err, YW_EINVAL, "source_org",
                          "权威来源机构 %s 不存在或已撤销 / source organisation %s does not exist "
                          "or is closed",
                          v[6], v[6]);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT id, source_org FROM yw_catalog_elements WHERE id = ? OR name "
                             "= ?",
                             &st, err)) < 0)
        return rc;
    yw_stmt_bind_text(st, 1, v[0], strlen(v[0]));
    yw_stmt_bind_text(st, 2, v[1], strlen(v[1]));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str id = yw_stmt_column_text(st, 0), org = yw_stmt_column_text(st, 1);
        rc = yw_err_set(err, YW_ECONFLICT, "source_org",
                        "数据元 %s（%.*s）已有权威来源 %.*s：一数一源 / data element %s is "
                        "already registered as %.*s with source %.*s: one data item, one source",
                        v[1], (int)id.n, id.p, (int)org.n, org.p, v[1], (int)id.n, id.p, (int)org.n,
                        org.p);
    }
    yw_stmt_finalize(&st);
    if (rc != 0)
        return rc < 0 ? rc : YW_ECONFLICT;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_catalog_elements (id, name, definition, data_type, "
                             "format, standard, source_org, source_resource, mask, length, "
                             "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &st, err)) < 0)
        return rc;
    for (int i = 0; i < 9; i++)
        if (i != 7 || v[7][0])
            yw_stmt_bind_text(st, i + 1, v[i], strlen(v[i]));
    if (length)
        yw_stmt_bind_int64(st, 10, length);
    yw_stmt_bind_text(st, 11, now, strlen(now));
    yw_stmt_bind_text(st, 12, actor, strlen(actor));
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    (void)yw_copy(id_out, 33, v[0]);
    return YW_OK;
}

int yw__element_record(const struct yw_catalog *cat, const char *actor, const json_t *element,
                       struct yw_err *err)
{
    uint64_t index;
    json_t *fields = json_pack(
        "{s:s, s:O, s:O, s:O}", "actor", actor, "id", json_object_get(element, "id"), "name",
        json_object_get(element, "name"), "source_org", json_object_get(element, "source_org"));
    return yw_ledger_event(cat->ledger, "catalog.element.create", fields, &index, err);
}

int yw_catalog_element_create(const struct yw_catalog *cat, const struct yw_principal *who,
                              const json_t *body, const char *actor, json_t **out,
                              struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char id[33];
    int rc;

    *out = NULL;
    if (who != NULL && (rc = yw_policy_decide(who, "catalog.review", NULL, err)) < 0)
        return rc;
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw__element_insert(txn, body, actor, id, err)) < 0 ||
        (rc =
             yw_txn_prepare(txn, "SELECT " ELEMENT_COLUMNS " FROM yw_catalog_elements WHERE id = ?",
                            &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    if ((rc = yw_stmt_step(st, err)) != 1) {
        rc = rc < 0 ? rc : YW_EINTERNAL;
        goto out;
    }
    *out = element_json(st);
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = yw__element_record(cat, actor, *out, err)) < 0) {
        json_decref(*out);
        *out = NULL;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_catalog_element_list(const struct yw_catalog *cat, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "SELECT " ELEMENT_COLUMNS " FROM yw_catalog_elements ORDER BY id",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1)
        json_array_append_new(list, element_json(st));
    if (rc == 0) {
        *out = json_incref(list);
        rc = YW_OK;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}

int yw_catalog_conflicts(const struct yw_catalog *cat, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array(), *current = NULL;
    int rc;

    *out = NULL;
    /* Fields of every resource's current version that carry an element, grouped
     * by element; an element with more than one providing organisation is a
     * conflict to settle (the copies should be fetched from the source). */
    if ((rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(
             txn,
             "SELECT e.id, e.name, e.source_org, COALESCE(e.source_resource, ''), r.provider, "
             "r.code, f.column_name, f.is_copy FROM yw_catalog_fields f JOIN yw_catalog_resources "
             "r ON r.code = f.code AND r.version = f.version JOIN yw_catalog_elements e ON e.id = "
             "f.element WHERE r.status <> 'archived' AND e.id IN (SELECT f2.element FROM "
             "yw_catalog_fields f2 JOIN yw_catalog_resources r2 ON r2.code = f2.code AND "
             "r2.version = f2.version WHERE r2.status <> 'archived' AND f2.element IS NOT NULL "
             "GROUP BY f2.element HAVING COUNT(DISTINCT r2.provider) > 1) ORDER BY e.id, "
             "r.provider, r.code, f.position",
             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str id = yw_stmt_column_text(st, 0);
        if (current == NULL ||
            !yw_str_eq_c(id, json_string_value(json_object_get(current, "id")))) {
            struct yw_str name = yw_stmt_column_text(st, 1), src = yw_stmt_column_text(st, 2);
            struct yw_str src_res = yw_stmt_column_text(st, 3);
            current =
                json_pack("{s:s%, s:s%, s:s%, s:o, s:[]}", "id", id.p, id.n, "name", name.p, name.n,
                          "source_org", src.p, src.n, "source_resource",
                          src_res.n ? json_stringn(src_res.p, src_res.n) : json_null(), "holders");
            json_array_append_new(list, current);
        }
        struct yw_str provider = yw_stmt_column_text(st, 4), code = yw_stmt_column_text(st, 5);
        struct yw_str column = yw_stmt_column_text(st, 6);
        json_array_append_new(json_object_get(current, "holders"),
                              json_pack("{s:s%, s:s%, s:s%, s:b}", "provider", provider.p,
                                        provider.n, "resource", code.p, code.n, "column", column.p,
                                        column.n, "copy", (int)yw_stmt_column_int64(st, 7)));
    }
    if (rc == 0) {
        *out = json_incref(list);
        rc = YW_OK;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}
