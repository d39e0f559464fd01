/* Resources: versions, the life cycle, views and quality. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

/* A resource's row. */
struct res {
    int64_t id;
    char code[65];
    char provider[65];
    char status[16];
    int64_t version; /* current */
    int64_t pending; /* 0: none */
    char published_at[32];
    char data_updated_at[32];
    int64_t grants, deliveries;
    char created_at[32];
    char updated_at[32];
};

static void col_copy(struct yw_stmt *st, int col, char *dst, size_t size)
{
    struct yw_str v = yw_stmt_column_text(st, col);
    size_t n = v.n < size ? v.n : size - 1;
    memcpy(dst, v.p ? v.p : "", n);
    dst[n] = '\0';
}

static int not_found(struct yw_str code, struct yw_err *err)
{
    return yw_err_set(err, YW_ENOTFOUND, "code", "没有资源 %.*s / no resource %.*s",
                      (int)(code.n > 64 ? 64 : code.n), code.p, (int)(code.n > 64 ? 64 : code.n),
                      code.p);
}

static int load_res(struct yw_txn *txn, struct yw_str code, struct res *r, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT id, code, provider, status, version, COALESCE(pending, 0), "
                            "COALESCE(published_at, ''), COALESCE(data_updated_at, ''), grants, "
                            "deliveries, created_at, updated_at FROM yw_catalog_resources WHERE "
                            "code = ?",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, code.p, code.n);
        rc = yw_stmt_step(st, err);
    }
    if (rc == 1) {
        r->id = yw_stmt_column_int64(st, 0);
        col_copy(st, 1, r->code, sizeof(r->code));
        col_copy(st, 2, r->provider, sizeof(r->provider));
        col_copy(st, 3, r->status, sizeof(r->status));
        r->version = yw_stmt_column_int64(st, 4);
        r->pending = yw_stmt_column_int64(st, 5);
        col_copy(st, 6, r->published_at, sizeof(r->published_at));
        col_copy(st, 7, r->data_updated_at, sizeof(r->data_updated_at));
        r->grants = yw_stmt_column_int64(st, 8);
        r->deliveries = yw_stmt_column_int64(st, 9);
        col_copy(st, 10, r->created_at, sizeof(r->created_at));
        col_copy(st, 11, r->updated_at, sizeof(r->updated_at));
        rc = YW_OK;
    } else if (rc == 0) {
        rc = not_found(code, err);
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* The document and status of one version; *doc is new. */
static int load_version(struct yw_txn *txn, const char *code, int64_t version, json_t **doc,
                        char status[16], char submitted_by[97], struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT doc, status, COALESCE(submitted_by, '') FROM "
                            "yw_catalog_versions WHERE code = ? AND version = ?",
                            &st, err);
    *doc = NULL;
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, code, strlen(code));
        yw_stmt_bind_int64(st, 2, version);
        rc = yw_stmt_step(st, err);
    }
    if (rc == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0);
        *doc = json_loadb(d.p ? d.p : "", d.n, 0, NULL);
        if (status)
            col_copy(st, 1, status, 16);
        if (submitted_by)
            col_copy(st, 2, submitted_by, 97);
        rc = *doc ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "stored resource is not JSON");
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "version", "没有版本 %lld / no version %lld",
                        (long long)version, (long long)version);
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* ---- who may do what --------------------------------------------------------- */

static bool same_org(const struct yw_principal *who, const char *provider)
{
    return who == NULL || strcmp(who->org, provider) == 0;
}

/* Drafts and reviews are not even acknowledged outside those who may see
 * them: a step on one answers 404, as reading it would. */
static bool hidden(const struct yw_principal *who, const struct res *r)
{
    return (strcmp(r->status, "draft") == 0 || strcmp(r->status, "under_review") == 0) &&
           !same_org(who, r->provider) && !yw_policy_oversees(who, "catalog.review");
}

static int may(const struct yw_principal *who, const char *action, const char *code,
               const char *provider, struct yw_err *err)
{
    if (who == NULL)
        return YW_OK;
    struct yw_policy_object object = {"resource", code, provider};
    return yw_policy_decide(who, action, &object, err);
}

/* ---- writing ----------------------------------------------------------------- */

static int doc_bytes(const json_t *doc, enum yw_profile profile, struct yw_buf *bytes,
                     char digest[2 * YW_HASH_SIZE + 1], struct yw_err *err)
{
    uint8_t h[YW_HASH_SIZE];
    yw_buf_reset(bytes);
    int rc = yw_ledger_canonical(doc, bytes);
    if (rc < 0)
        return yw_err_set(err, rc, NULL, "资源描述过大 / the resource description is too large");
    if ((rc = yw_hash(profile, bytes->data, bytes->len, h)) < 0)
        return yw_err_set(err, rc, NULL, "cannot hash the resource");
    yw_hex(h, sizeof(h), digest);
    return YW_OK;
}

/* Writes version (insert or replace) with its fields. */
static int save_version(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *doc,
                        int64_t version, const char *status, const char *now, bool insert,
                        struct yw_err *err)
{
    const char *code = json_string_value(json_object_get(doc, "code"));
    char digest[2 * YW_HASH_SIZE + 1];
    struct yw_buf bytes;
    struct yw_stmt *st = NULL;
    int rc;

    yw_buf_init(&bytes, 4 * 1024 * 1024);
    if ((rc = doc_bytes(doc, cat->profile, &bytes, digest, err)) < 0)
        goto out;
    /* The same parameters in the same order for both statements. */
    rc = yw_txn_prepare(txn,
                        insert ? "INSERT INTO yw_catalog_versions (doc, digest, status, "
                                 "updated_at, code, version, created_at) VALUES (?, ?, ?, ?, ?, ?, "
                                 "?)"
                               : "UPDATE yw_catalog_versions SET doc = ?, digest = ?, status = ?, "
                                 "updated_at = ? WHERE code = ? AND version = ?",
                        &st, err);
    if (rc < 0)
        goto out;
    yw_stmt_bind_text(st, 1, bytes.data, bytes.len);
    yw_stmt_bind_text(st, 2, digest, strlen(digest));
    yw_stmt_bind_text(st, 3, status, strlen(status));
    yw_stmt_bind_text(st, 4, now, strlen(now));
    yw_stmt_bind_text(st, 5, code, strlen(code));
    yw_stmt_bind_int64(st, 6, version);
    if (insert)
        yw_stmt_bind_text(st, 7, now, strlen(now));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if ((rc = yw_txn_prepare(txn, "DELETE FROM yw_catalog_fields WHERE code = ? AND version = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    yw_stmt_bind_int64(st, 2, version);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_catalog_fields (code, version, position, column_name, "
                             "name, element, grade_rank, personal, sensitive, is_copy) VALUES (?, "
                             "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &st, err)) < 0)
        goto out;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        const char *element = json_string_value(json_object_get(f, "element"));
        const char *column = json_string_value(json_object_get(f, "column"));
        const char *name = json_string_value(json_object_get(f, "name"));
        (void)yw_stmt_reset(st);
        yw_stmt_bind_text(st, 1, code, strlen(code));
        yw_stmt_bind_int64(st, 2, version);
        yw_stmt_bind_int64(st, 3, (int64_t)i);
        yw_stmt_bind_text(st, 4, column, strlen(column));
        yw_stmt_bind_text(st, 5, name, strlen(name));
        if (element)
            yw_stmt_bind_text(st, 6, element, strlen(element));
        else
            yw_stmt_bind_null(st, 6);
        yw_stmt_bind_int64(st, 7, yw__grade_rank(json_string_value(json_object_get(f, "grade"))));
        yw_stmt_bind_int64(st, 8, json_is_true(json_object_get(f, "personal")));
        yw_stmt_bind_int64(st, 9, json_is_true(json_object_get(f, "sensitive")));
        yw_stmt_bind_int64(st, 10, json_is_true(json_object_get(f, "copy")));
        if ((rc = yw_stmt_step(st, err)) < 0)
            goto out;
    }
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    return rc;
}

/* The resource row's filter columns and search entry follow doc, which
 * becomes the current version. */
static int set_current(struct yw_txn *txn, const struct res *r, const json_t *doc, const char *now,
                       struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char provider_name[401] = "";
    /* The listing: the summary search answers with, keys sorted as in the
     * stored (canonical) document, so that it reads the same as before. */
    json_t *summary = yw__resource_summary(doc, true);
    char *listing = summary ? json_dumps(summary, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(summary);
    if (listing == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    int rc =
        yw_txn_prepare(txn,
                       "UPDATE yw_catalog_resources SET version = ?, status = ?, pending = ?, "
                       "published_at = ?, name = ?, resource_type = ?, grade_rank = ?, sharing "
                       "= ?, update_cycle = ?, updated_at = ?, listing = ? WHERE id = ?",
                       &st, err);
    if (rc < 0) {
        free(listing);
        return rc;
    }
    const char *values[] = {
        json_string_value(json_object_get(doc, "name")),
        json_string_value(json_object_get(doc, "resource_type")),
        json_string_value(json_object_get(json_object_get(doc, "sharing"), "type")),
        json_string_value(json_object_get(doc, "update_cycle"))};
    yw_stmt_bind_int64(st, 1, r->version);
    yw_stmt_bind_text(st, 2, r->status, strlen(r->status));
    if (r->pending)
        yw_stmt_bind_int64(st, 3, r->pending);
    if (r->published_at[0])
        yw_stmt_bind_text(st, 4, r->published_at, strlen(r->published_at));
    yw_stmt_bind_text(st, 5, values[0], strlen(values[0]));
    yw_stmt_bind_text(st, 6, values[1], strlen(values[1]));
    yw_stmt_bind_int64(st, 7, yw__grade_rank(json_string_value(json_object_get(doc, "grade"))));
    yw_stmt_bind_text(st, 8, values[2], strlen(values[2]));
    yw_stmt_bind_text(st, 9, values[3], strlen(values[3]));
    yw_stmt_bind_text(st, 10, now, strlen(now));
    yw_stmt_bind_text(st, 11, listing, strlen(listing));
    yw_stmt_bind_int64(st, 12, r->id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    free(listing);
    if (rc < 0)
        return rc;
    if ((rc = yw_txn_prepare(txn, "SELECT name FROM yw_orgs WHERE code = ?", &st, err)) < 0)
        return rc;
    yw_stmt_bind_text(st, 1, r->provider, strlen(r->provider));
    if ((rc = yw_stmt_step(st, err)) == 1)
        col_copy(st, 0, provider_name, sizeof(provider_name));
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    return yw__search_index(txn, r->id, doc, provider_name, err);
}

/* Only the pending/status/updated columns change (no new current doc). */
static int set_state(struct yw_txn *txn, const struct res *r, const char *now, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "UPDATE yw_catalog_resources SET status = ?, pending = ?, updated_at = "
                            "? WHERE id = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, r->status, strlen(r->status));
    if (r->pending)
        yw_stmt_bind_int64(st, 2, r->pending);
    yw_stmt_bind_text(st, 3, now, strlen(now));
    yw_stmt_bind_int64(st, 4, r->id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

static int set_version_status(struct yw_txn *txn, const char *code, int64_t version,
                              const char *status, const char *submitted_by, const char *now,
                              struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "UPDATE yw_catalog_versions SET status = ?, submitted_by = COALESCE(?, "
                            "submitted_by), updated_at = ?, published_at = CASE WHEN ? = "
                            "'published' THEN ? ELSE published_at END WHERE code = ? AND version = "
                            "?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, status, strlen(status));
    if (submitted_by)
        yw_stmt_bind_text(st, 2, submitted_by, strlen(submitted_by));
    yw_stmt_bind_text(st, 3, now, strlen(now));
    yw_stmt_bind_text(st, 4, status, strlen(status));
    yw_stmt_bind_text(st, 5, now, strlen(now));
    yw_stmt_bind_text(st, 6, code, strlen(code));
    yw_stmt_bind_int64(st, 7, version);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

static int add_step(struct yw_txn *txn, const char *code, int64_t version, const char *step,
                    const char *actor, const char *reason, const char *now, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc =
        yw_txn_prepare(txn,
                       "INSERT INTO yw_catalog_steps (code, seq, version, step, actor, reason, "
                       "at) SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM "
                       "yw_catalog_steps WHERE code = ?",
                       &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    yw_stmt_bind_int64(st, 2, version);
    yw_stmt_bind_text(st, 3, step, strlen(step));
    yw_stmt_bind_text(st, 4, actor, strlen(actor));
    if (reason && reason[0])
        yw_stmt_bind_text(st, 5, reason, strlen(reason));
    yw_stmt_bind_text(st, 6, now, strlen(now));
    yw_stmt_bind_text(st, 7, code, strlen(code));
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* The ledger entry of a step, after its transaction committed: who, why,
 * which version, and the digest of that version's document. */
static int record(const struct yw_catalog *cat, const char *step, const char *actor,
                  const json_t *doc, int64_t version, const char *reason, struct yw_err *err)
{
    char type[48], digest[2 * YW_HASH_SIZE + 1];
    uint64_t index;
    int rc = yw__resource_digest(cat, doc, digest, err);
    if (rc < 0)
        return rc;
    (void)yw_fmt(type, sizeof(type), "catalog.resource.%s", step);
    json_t *fields =
        json_pack("{s:s, s:O, s:I, s:O, s:O, s:O, s:s, s:s?}", "actor", actor, "code",
                  json_object_get(doc, "code"), "version", (json_int_t)version, "provider",
                  json_object_get(doc, "provider"), "grade", json_object_get(doc, "grade"),
                  "sharing", json_object_get(json_object_get(doc, "sharing"), "type"), "digest",
                  digest, "reason", reason && reason[0] ? reason : NULL);
    return yw_ledger_event(cat->ledger, type, fields, &index, err);
}

/* The provider must be an active organisation that is not an enterprise. */
static int check_provider(struct yw_txn *txn, const char *provider, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT status, kind FROM yw_orgs WHERE code = ?", &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, provider, strlen(provider));
    rc = yw_stmt_step(st, err);
    if (rc == 0)
        rc = yw_err_set(err, YW_EINVAL, "provider", "没有机构 %s / no organisation %s", provider,
                        provider);
    else if (rc == 1 && !yw_str_eq_c(yw_stmt_column_text(st, 0), "active"))
        rc = yw_err_set(err, YW_EINVAL, "provider", "提供方已撤销 / the provider is closed");
    else if (rc == 1 && yw_str_eq_c(yw_stmt_column_text(st, 1), "enterprise_partner"))
        rc = yw_err_set(err, YW_EINVAL, "provider",
                        "合作企业不能提供政务信息资源 / an enterprise partner cannot provide "
                        "government information resources");
    else if (rc == 1)
        rc = YW_OK;
    yw_stmt_finalize(&st);
    return rc;
}

/* Checks body into a linked document for provider. */
static int prepare_doc(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *body,
                       const char *provider, json_t **doc, struct yw_err *err)
{
    int rc = yw__resource_check(cat->code_rule, body, doc, err);
    if (rc < 0)
        return rc;
    json_object_set_new(*doc, "provider", json_string(provider));
    if ((rc = check_provider(txn, provider, err)) < 0 ||
        (rc = yw__resource_link(txn, *doc, err)) < 0) {
        json_decref(*doc);
        *doc = NULL;
    }
    return rc;
}

static int view(struct yw_txn *txn, const struct yw_principal *who, const struct res *r,
                int64_t version, json_t **out, struct yw_err *err);

int yw__resource_insert(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *doc,
                        bool publish, const char *actor, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    const char *code = json_string_value(json_object_get(doc, "code"));
    const char *provider = json_string_value(json_object_get(doc, "provider"));
    struct res r = {0};
    char now[32];
    int rc;

    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_catalog_resources (code, provider, status, version, "
                             "name, resource_type, grade_rank, sharing, update_cycle, created_at, "
                             "updated_at) VALUES (?, ?, 'draft', 1, '', '', 0, '', '', ?, ?)",
                             &st, err)) < 0)
        return rc;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    yw_stmt_bind_text(st, 2, provider, strlen(provider));
    yw_stmt_bind_text(st, 3, now, strlen(now));
    yw_stmt_bind_text(st, 4, now, strlen(now));
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    if (rc == YW_ECONFLICT)
        return yw_err_set(err, rc, "code", "资源代码 %s 已被使用 / resource code %s is taken", code,
                          code);
    if (rc < 0 || (rc = load_res(txn, yw_str_c(code), &r, err)) < 0)
        return rc;
    if (publish) {
        (void)yw_copy(r.status, sizeof(r.status), "published");
        (void)yw_copy(r.published_at, sizeof(r.published_at), now);
    }
    if ((rc = save_version(txn, cat, doc, 1, "draft", now, true, err)) < 0 ||
        (publish && (rc = set_version_status(txn, code, 1, "published", NULL, now, err)) < 0) ||
        (rc = set_current(txn, &r, doc, now, err)) < 0)
        return rc;
    return add_step(txn, code, 1, publish ? "import" : "create", actor,
                    publish ? "导入已批准的目录 / imported from an approved catalog" : NULL, now,
                    err);
}

int yw__resource_exists(struct yw_txn *txn, const char *code, struct yw_err *err)
{
    struct res r;
    int rc = load_res(txn, yw_str_c(code), &r, err);
    return rc == YW_OK ? 1 : rc == YW_ENOTFOUND ? 0 : rc;
}

int yw__resource_prepare(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *body,
                         const char *provider, json_t **doc, struct yw_err *err)
{
    return prepare_doc(txn, cat, body, provider, doc, err);
}

int yw_catalog_create(const struct yw_catalog *cat, const struct yw_principal *who,
                      const json_t *body, const char *actor, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    json_t *doc = NULL;
    char provider[65];
    int rc;

    *out = NULL;
    const char *given = json_string_value(json_object_get(body, "provider"));
    if (yw_copy(provider, sizeof(provider),
                given && given[0] ? given
                : who             ? who->org
                                  : "") < 0 ||
        !provider[0]) {
        rc = yw_err_set(err, YW_EINVAL, "provider", "须指明提供方 / provider is required");
        goto out;
    }
    if ((rc = may(who, "catalog.write", NULL, provider, err)) < 0 ||
        (rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = prepare_doc(txn, cat, body, provider, &doc, err)) < 0 ||
        (rc = yw__resource_insert(txn, cat, doc, false, actor, err)) < 0 ||
        (rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(cat, "create", actor, doc, 1, NULL, err)) < 0)
        goto out;
    rc = yw_catalog_get(cat, who, yw_str_c(json_string_value(json_object_get(doc, "code"))), 0, out,
                        err);
out:
    yw_store_rollback(&txn);
    json_decref(doc);
    return rc;
}

int yw__resource_digest(const struct yw_catalog *cat, const json_t *doc,
                        char digest[2 * YW_HASH_SIZE + 1], struct yw_err *err)
{
    struct yw_buf bytes;
    yw_buf_init(&bytes, 4 * 1024 * 1024);
    int rc = doc_bytes(doc, cat->profile, &bytes, digest, err);
    yw_buf_free(&bytes);
    return rc;
}

int yw_catalog_update(const struct yw_catalog *cat, const struct yw_principal *who,
                      struct yw_str code, const json_t *body, const char *actor, json_t **out,
                      struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    json_t *doc = NULL, *old = NULL;
    char now[32], status[16];
    struct res r;
    int rc;

    *out = NULL;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_res(txn, code, &r, err)) < 0)
        goto out;
    if (hidden(who, &r)) {
        rc = not_found(code, err);
        goto out;
    }
    if ((rc = may(who, "catalog.write", r.code, r.provider, err)) < 0)
        goto out;
    const char *given = json_string_value(json_object_get(body, "code"));
    const char *given_provider = json_string_value(json_object_get(body, "provider"));
    if ((given && strcmp(given, r.code) != 0) ||
        (given_provider && given_provider[0] && strcmp(given_provider, r.provider) != 0)) {
        rc = yw_err_set(err, YW_EINVAL, given && strcmp(given, r.code) ? "code" : "provider",
                        "资源代码和提供方不能修改 / the code and provider of a resource cannot "
                        "change");
        goto out;
    }
    json_t *body_code = json_deep_copy(body);
    if (body_code == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    json_object_set_new(body_code, "code", json_string(r.code));
    rc = prepare_doc(txn, cat, body_code, r.provider, &doc, err);
    json_decref(body_code);
    if (rc < 0)
        goto out;
    int64_t version;
    if (strcmp(r.status, "draft") == 0) {
        version = r.version; /* never published: edit the draft in place */
        if ((rc = save_version(txn, cat, doc, version, "draft", now, false, err)) < 0 ||
            (rc = set_current(txn, &r, doc, now, err)) < 0)
            goto out;
    } else if (strcmp(r.status, "published") == 0 || strcmp(r.status, "deprecated") == 0) {
        if (r.pending) {
            if ((rc = load_version(txn, r.code, r.pending, &old, status, NULL, err)) < 0)
                goto out;
            if (strcmp(status, "draft") != 0) {
                rc = yw_err_set(err, YW_ECONFLICT, "code",
                                "新版本 %lld 正在审核，请先撤回 / version %lld is under review: "
                                "withdraw it first",
                                (long long)r.pending, (long long)r.pending);
                goto out;
            }
            version = r.pending;
            rc = save_version(txn, cat, doc, version, "draft", now, false, err);
        } else {
            version = r.pending = r.version + 1;
            /* Versions only grow: a discarded pending version leaves a gap (its
             * number stays in the steps and the ledger). */
            struct yw_stmt *st = NULL;
            if ((rc = yw_txn_prepare(txn,
                                     "SELECT COALESCE(MAX(version), 0) FROM yw_catalog_steps WHERE "
                                     "code = ?",
                                     &st, err)) == YW_OK) {
                yw_stmt_bind_text(st, 1, r.code, strlen(r.code));
                if ((rc = yw_stmt_step(st, err)) == 1 && yw_stmt_column_int64(st, 0) >= version)
                    version = r.pending = yw_stmt_column_int64(st, 0) + 1;
            }
            yw_stmt_finalize(&st);
            if (rc < 0 || (rc = save_version(txn, cat, doc, version, "draft", now, true, err)) < 0)
                goto out;
            rc = set_state(txn, &r, now, err);
        }
        if (rc < 0)
            goto out;
    } else {
        rc = yw_err_set(err, YW_ECONFLICT, "code",
                        "资源状态为 %s，不能修改 / a resource in state %s cannot be edited",
                        r.status, r.status);
        goto out;
    }
    if ((rc = add_step(txn, r.code, version, "update", actor, NULL, now, err)) < 0 ||
        (rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(cat, "update", actor, doc, version, NULL, err)) < 0)
        goto out;
    rc = yw_catalog_get(cat, who, code, version, out, err);
out:
    yw_store_rollback(&txn);
    json_decref(doc);
    json_decref(old);
    return rc;
}

/* ---- the life cycle ----------------------------------------------------------- */

enum step { SUBMIT, WITHDRAW, APPROVE, REJECT, DEPRECATE, ARCHIVE, DISCARD };
static const struct {
    const char *name;
    const char *action; /* the permission it needs */
    bool reason;        /* a reason is required */
} steps[] = {
    [SUBMIT] = {"submit", "catalog.write", false},
    [WITHDRAW] = {"withdraw", "catalog.write", false},
    [APPROVE] = {"approve", "catalog.review", false},
    [REJECT] = {"reject", "catalog.review", true},
    [DEPRECATE] = {"deprecate", "catalog.write", true},
    [ARCHIVE] = {"archive", "catalog.review", true},
    [DISCARD] = {"discard", "catalog.write", false},
};

static int wrong_state(const char *step, const char *status, struct yw_err *err)
{
    return yw_err_set(err, YW_ECONFLICT, "status",
                      "当前状态 %s 下不能执行 %s / cannot %s a resource in state %s", status, step,
                      step, status);
}

static int delete_version(struct yw_txn *txn, const char *code, int64_t version, struct yw_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM yw_catalog_fields WHERE code = ? AND version = ?",
        "DELETE FROM yw_catalog_versions WHERE code = ? AND version = ?",
    };
    for (size_t i = 0; i < 2; i++) {
        struct yw_stmt *st = NULL;
        int rc = yw_txn_prepare(txn, sql[i], &st, err);
        if (rc < 0)
            return rc;
        yw_stmt_bind_text(st, 1, code, strlen(code));
        yw_stmt_bind_int64(st, 2, version);
        rc = yw_stmt_step(st, err);
        yw_stmt_finalize(&st);
        if (rc < 0)
            return rc;
    }
    return YW_OK;
}

static int delete_resource(struct yw_txn *txn, const struct res *r, struct yw_err *err)
{
    static const char *const sql[] = {"DELETE FROM yw_catalog_steps WHERE code = ?",
                                      "DELETE FROM yw_catalog_resources WHERE code = ?"};
    int rc = delete_version(txn, r->code, r->version, err);
    if (rc == YW_OK)
        rc = yw__search_unindex(txn, r->id, err);
    for (size_t i = 0; rc == YW_OK && i < 2; i++) {
        struct yw_stmt *st = NULL;
        if ((rc = yw_txn_prepare(txn, sql[i], &st, err)) < 0)
            return rc;
        yw_stmt_bind_text(st, 1, r->code, strlen(r->code));
        rc = yw_stmt_step(st, err);
        yw_stmt_finalize(&st);
        rc = rc < 0 ? rc : YW_OK;
    }
    return rc;
}

int yw_catalog_step(const struct yw_catalog *cat, const struct yw_principal *who,
                    struct yw_str code, struct yw_str step_name, struct yw_str reason,
                    const char *actor, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    json_t *doc = NULL;
    char now[32], reason_c[1001] = "", vstatus[16] = "", submitted_by[97] = "";
    struct res r;
    int step = -1, rc;

    if (out)
        *out = NULL;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (yw_str_eq_c(step_name, steps[i].name))
            step = (int)i;
    if (step < 0)
        return yw_err_set(err, YW_ENOTFOUND, "step",
                          "没有这个操作 / no such step (submit withdraw approve reject deprecate "
                          "archive discard)");
    if (reason.n >= sizeof(reason_c))
        return yw_err_set(err, YW_EINVAL, "reason", "理由过长 / reason too long");
    memcpy(reason_c, reason.p ? reason.p : "", reason.n);
    if ((rc = yw_check_text(reason_c, 500, steps[step].reason, "reason", err)) < 0)
        return rc;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_res(txn, code, &r, err)) < 0)
        goto out;
    if (hidden(who, &r)) {
        rc = not_found(code, err);
        goto out;
    }
    /* Deprecating is the provider's or the data authority's call. */
    rc = may(who, steps[step].action, r.code, r.provider, err);
    if (rc < 0 && step == DEPRECATE)
        rc = may(who, "catalog.review", r.code, r.provider, err);
    if (rc < 0)
        goto out;
    /* The version the step acts on: a pending one, or the current one. */
    int64_t version = r.pending ? r.pending : r.version;
    if (step == DEPRECATE || step == ARCHIVE)
        version = r.version;
    if ((rc = load_version(txn, r.code, version, &doc, vstatus, submitted_by, err)) < 0)
        goto out;
    bool fresh =
        r.pending == 0 && (strcmp(r.status, "draft") == 0 || strcmp(r.status, "under_review") == 0);
    switch (step) {
    case SUBMIT:
    case WITHDRAW:
    case APPROVE:
    case REJECT: {
        const char *from = step == SUBMIT ? "draft" : "under_review";
        const char *to = step == SUBMIT ? "under_review" : step == APPROVE ? "published" : "draft";
        if (!(fresh || r.pending) || strcmp(vstatus, from) != 0) {
            rc = wrong_state(steps[step].name,
                             fresh        ? r.status
                             : vstatus[0] ? vstatus
                                          : r.status,
                             err);
            goto out;
        }
        /* Four eyes: nobody approves or rejects what they submitted. */
        if ((step == APPROVE || step == REJECT) && who != NULL &&
            strcmp(submitted_by, actor) == 0) {
            rc = yw_err_set(err, YW_EPERM, NULL,
                            "不能审核自己提交的资源 / nobody may review their own submission");
            goto out;
        }
        if ((rc = set_version_status(txn, r.code, version, to, step == SUBMIT ? actor : NULL, now,
                                     err)) < 0)
            goto out;
        if (step == APPROVE) {
            if (r.pending &&
                (rc = set_version_status(txn, r.code, r.version, "superseded", NULL, now, err)) < 0)
                goto out;
            if (!r.published_at[0])
                (void)yw_copy(r.published_at, sizeof(r.published_at), now);
            r.version = version;
            r.pending = 0;
            if (strcmp(r.status, "deprecated") != 0)
                (void)yw_copy(r.status, sizeof(r.status), "published");
            rc = set_current(txn, &r, doc, now, err);
        } else {
            if (fresh)
                (void)yw_copy(r.status, sizeof(r.status), to);
            rc = set_state(txn, &r, now, err);
        }
        break;
    }
    case DEPRECATE:
    case ARCHIVE: {
        const char *from = step == DEPRECATE ? "published" : "deprecated";
        if (strcmp(r.status, from) != 0) {
            rc = wrong_state(steps[step].name, r.status, err);
            goto out;
        }
        (void)yw_copy(r.status, sizeof(r.status), step == DEPRECATE ? "deprecated" : "archived");
        if (step == ARCHIVE && r.pending && (rc = delete_version(txn, r.code, r.pending, err)) < 0)
            goto out;
        if (step == ARCHIVE)
            r.pending = 0;
        rc = set_state(txn, &r, now, err);
        break;
    }
    case DISCARD:
        if (strcmp(vstatus, "draft") != 0) {
            rc = wrong_state("discard", vstatus, err);
            goto out;
        }
        if (fresh) {
            rc = delete_resource(txn, &r, err);
        } else {
            rc = delete_version(txn, r.code, version, err);
            r.pending = 0;
            if (rc == YW_OK)
                rc = set_state(txn, &r, now, err);
        }
        break;
    }
    if (rc < 0)
        goto out;
    bool gone = step == DISCARD && fresh;
    if ((!gone &&
         (rc = add_step(txn, r.code, version, steps[step].name, actor, reason_c, now, err)) < 0) ||
        (rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(cat, steps[step].name, actor, doc, version, reason_c, err)) < 0)
        goto out;
    if (out != NULL)
        rc = gone ? ((*out = json_null()), YW_OK) : yw_catalog_get(cat, who, code, 0, out, err);
out:
    yw_store_rollback(&txn);
    json_decref(doc);
    return rc;
}

/* ---- reading -------------------------------------------------------------------- */

/* Days a resource's data may age under its update cycle (0: no rule). */
static int64_t cycle_days(const char *cycle)
{
    static const struct {
        const char *cycle;
        int64_t days;
    } t[] = {{"realtime", 1},   {"daily", 1},         {"weekly", 7},  {"monthly", 31},
             {"quarterly", 92}, {"half_yearly", 183}, {"yearly", 366}};
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(cycle, t[i].cycle) == 0)
            return t[i].days;
    return 0;
}

static int64_t parse_time_ms(const char *rfc3339);

/* Quality, measured from what is there: completeness of the metadata (four
 * checks, each a share), timeliness of the data against its update cycle, and
 * how much it is used (filled by the exchange). */
static json_t *quality(const json_t *doc, const struct res *r)
{
    const json_t *fields = json_object_get(doc, "fields");
    size_t n = json_array_size(fields), described = 0, linked = 0, keys = 0, i;
    json_t *f, *missing = json_array();
    json_array_foreach(fields, i, f)
    {
        const char *d = json_string_value(json_object_get(f, "description"));
        described += d && d[0];
        linked += json_object_get(f, "element") != NULL;
        keys += json_is_true(json_object_get(f, "key"));
    }
    const char *summary = json_string_value(json_object_get(doc, "summary"));
    size_t chars = 0;
    for (const char *p = summary ? summary : ""; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    double parts[4] = {chars >= 20 ? 1.0 : 0.0, n ? (double)described / (double)n : 0.0,
                       n ? (double)linked / (double)n : 0.0, keys ? 1.0 : 0.0};
    static const char *const names[4] = {"summary", "field_descriptions", "field_elements",
                                         "key_fields"};
    for (int k = 0; k < 4; k++)
        if (parts[k] < 1.0)
            json_array_append_new(missing, json_string(names[k]));
    double completeness = (parts[0] + parts[1] + parts[2] + parts[3]) / 4.0;

    const char *cycle = json_string_value(json_object_get(doc, "update_cycle"));
    int64_t allowed = cycle_days(cycle ? cycle : ""), late_days = 0;
    const char *timeliness = "not_applicable";
    if (allowed && !r->data_updated_at[0]) {
        timeliness = "no_data";
    } else if (allowed) {
        int64_t age_days = (yw_now_ms() - parse_time_ms(r->data_updated_at)) / 86400000;
        late_days = age_days > allowed ? age_days - allowed : 0;
        timeliness = late_days ? "late" : "on_time";
    }
    return json_pack("{s:f, s:o, s:s, s:s?, s:I, s:I, s:I}", "completeness",
                     (double)(int64_t)(completeness * 1000 + 0.5) / 1000.0, "missing", missing,
                     "timeliness", timeliness, "data_updated_at",
                     r->data_updated_at[0] ? r->data_updated_at : NULL, "late_days",
                     (json_int_t)late_days, "grants", (json_int_t)r->grants, "deliveries",
                     (json_int_t)r->deliveries);
}

static int64_t parse_time_ms(const char *t)
{
    /* YYYY-MM-DDTHH:MM:SS.mmmZ, as yw_time_rfc3339 writes it. */
    int64_t y, mo, d, h, mi, s;
    if (strlen(t) < 19 || yw_parse_int64((struct yw_str){t, 4}, 1970, 9999, &y) < 0 ||
        yw_parse_int64((struct yw_str){t + 5, 2}, 1, 12, &mo) < 0 ||
        yw_parse_int64((struct yw_str){t + 8, 2}, 1, 31, &d) < 0 ||
        yw_parse_int64((struct yw_str){t + 11, 2}, 0, 23, &h) < 0 ||
        yw_parse_int64((struct yw_str){t + 14, 2}, 0, 59, &mi) < 0 ||
        yw_parse_int64((struct yw_str){t + 17, 2}, 0, 60, &s) < 0)
        return 0;
    /* Days from civil (Howard Hinnant's algorithm). */
    y -= mo <= 2;
    int64_t era = y / 400, yoe = y - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = era * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60000 + s * 1000;
}

json_t *yw__resource_summary(const json_t *doc, bool full)
{
    json_t *s;
    if (!full)
        return json_pack("{s:O, s:O, s:O, s:{s:s}, s:b}", "code", json_object_get(doc, "code"),
                         "name", json_object_get(doc, "name"), "provider",
                         json_object_get(doc, "provider"), "sharing", "type", "none", "restricted",
                         1);
    s = json_deep_copy(doc);
    if (s)
        json_object_del(s, "fields");
    return s;
}

static int provider_info(struct yw_txn *txn, const char *code, json_t *view, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT name, COALESCE(uscc, '') FROM yw_orgs WHERE code = ?", &st,
                            err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str name = yw_stmt_column_text(st, 0), uscc = yw_stmt_column_text(st, 1);
        json_object_set_new(view, "provider_name", json_stringn(name.p, name.n));
        json_object_set_new(view, "provider_uscc", json_stringn(uscc.p, uscc.n));
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

static int view(struct yw_txn *txn, const struct yw_principal *who, const struct res *r,
                int64_t version, json_t **out, struct yw_err *err)
{
    json_t *doc = NULL;
    char vstatus[16];
    bool privileged = yw_policy_oversees(who, "catalog.review"), own = same_org(who, r->provider);
    int64_t v = version ? version : r->version;
    int rc;

    *out = NULL;
    /* Drafts and reviews: the provider's staff, the data authority, auditors. */
    bool visible = privileged || own || strcmp(r->status, "published") == 0 ||
                   strcmp(r->status, "deprecated") == 0 || strcmp(r->status, "archived") == 0;
    if (!visible)
        return not_found(yw_str_c(r->code), err);
    if ((rc = load_version(txn, r->code, v, &doc, vstatus, NULL, err)) < 0)
        return rc;
    if (!privileged && !own &&
        (strcmp(vstatus, "draft") == 0 || strcmp(vstatus, "under_review") == 0)) {
        json_decref(doc);
        return yw_err_set(err, YW_ENOTFOUND, "version", "没有版本 %lld / no version %lld",
                          (long long)v, (long long)v);
    }
    const char *sharing =
        json_string_value(json_object_get(json_object_get(doc, "sharing"), "type"));
    bool full = privileged || own || strcmp(sharing ? sharing : "", "none") != 0;
    if (!full) {
        json_t *summary = yw__resource_summary(doc, false);
        json_decref(doc);
        doc = summary;
    }
    if (doc == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    json_object_set_new(doc, "status", json_string(r->status));
    if (!full)
        goto provider;
    json_object_set_new(doc, "version", json_integer(v));
    if (v != r->version)
        json_object_set_new(doc, "status", json_string(vstatus));
    json_object_set_new(doc, "version_status", json_string(vstatus));
    json_object_set_new(doc, "published_at",
                        r->published_at[0] ? json_string(r->published_at) : json_null());
    json_object_set_new(doc, "created_at", json_string(r->created_at));
    json_object_set_new(doc, "updated_at", json_string(r->updated_at));
    if (r->pending && (privileged || own))
        json_object_set_new(doc, "pending_version", json_integer(r->pending));
    json_object_set_new(doc, "quality", quality(doc, r));
provider:
    if ((rc = provider_info(txn, r->provider, doc, err)) < 0) {
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return YW_OK;
}

int yw_catalog_get(const struct yw_catalog *cat, const struct yw_principal *who, struct yw_str code,
                   int64_t version, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct res r;
    int rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err);
    if (rc == YW_OK && (rc = load_res(txn, code, &r, err)) == YW_OK)
        rc = view(txn, who, &r, version, out, err);
    yw_store_rollback(&txn);
    return rc;
}

int yw_catalog_history(const struct yw_catalog *cat, const struct yw_principal *who,
                       struct yw_str code, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *versions = json_array(), *history = json_array(), *probe = NULL;
    int64_t visible[256];
    size_t n_visible = 0;
    struct res r;
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = load_res(txn, code, &r, err)) < 0 || (rc = view(txn, who, &r, 0, &probe, err)) < 0)
        goto out;
    bool inside = yw_policy_oversees(who, "catalog.review") || same_org(who, r.provider);
    if (!inside && json_is_true(json_object_get(probe, "restricted"))) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "不予共享资源的版本记录仅提供方可见 / the history of a resource not shared "
                        "is for its provider only");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "SELECT version, status, digest, COALESCE(published_at, ''), "
                             "created_at, updated_at FROM yw_catalog_versions WHERE code = ? ORDER "
                             "BY version",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, r.code, strlen(r.code));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str status = yw_stmt_column_text(st, 1);
        if (!inside && (yw_str_eq_c(status, "draft") || yw_str_eq_c(status, "under_review")))
            continue;
        if (n_visible < sizeof(visible) / sizeof(visible[0]))
            visible[n_visible++] = yw_stmt_column_int64(st, 0);
        struct yw_str digest = yw_stmt_column_text(st, 2), pub = yw_stmt_column_text(st, 3);
        struct yw_str created = yw_stmt_column_text(st, 4), updated = yw_stmt_column_text(st, 5);
        json_array_append_new(versions,
                              json_pack("{s:I, s:s%, s:s%, s:s%, s:s%, s:s%}", "version",
                                        (json_int_t)yw_stmt_column_int64(st, 0), "status", status.p,
                                        status.n, "digest", digest.p, digest.n, "published_at",
                                        pub.p, pub.n, "created_at", created.p, created.n,
                                        "updated_at", updated.p, updated.n));
    }
    yw_stmt_finalize(&st);
    if (rc < 0 || (rc = yw_txn_prepare(txn,
                                       "SELECT seq, version, step, actor, COALESCE(reason, ''), "
                                       "at FROM yw_catalog_steps WHERE code = ? ORDER BY seq",
                                       &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, r.code, strlen(r.code));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        /* Outside the provider, only the steps of versions it may see. */
        bool shown = inside;
        for (size_t k = 0; !shown && k < n_visible; k++)
            shown = visible[k] == yw_stmt_column_int64(st, 1);
        if (!shown)
            continue;
        struct yw_str step = yw_stmt_column_text(st, 2), actor = yw_stmt_column_text(st, 3);
        struct yw_str reason = yw_stmt_column_text(st, 4), at = yw_stmt_column_text(st, 5);
        json_array_append_new(history, json_pack("{s:I, s:I, s:s%, s:s%, s:s%, s:s%}", "seq",
                                                 (json_int_t)yw_stmt_column_int64(st, 0), "version",
                                                 (json_int_t)yw_stmt_column_int64(st, 1), "step",
                                                 step.p, step.n, "actor", actor.p, actor.n,
                                                 "reason", reason.p, reason.n, "at", at.p, at.n));
    }
    if (rc < 0)
        goto out;
    *out = json_pack("{s:s, s:s, s:O, s:O}", "code", r.code, "status", r.status, "versions",
                     versions, "history", history);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(versions);
    json_decref(history);
    json_decref(probe);
    return rc;
}

int yw_catalog_data_updated(const struct yw_catalog *cat, struct yw_str code, int64_t when_ms,
                            struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char when[32];
    int rc;

    yw_time_rfc3339(when_ms, when);
    if ((rc = yw_store_begin(cat->store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "UPDATE yw_catalog_resources SET data_updated_at = ? WHERE code = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, when, strlen(when));
    yw_stmt_bind_text(st, 2, code.p, code.n);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (yw_stmt_changes(st) == 0) {
        rc = not_found(code, err);
        goto out;
    }
    yw_stmt_finalize(&st);
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_catalog_count_use(struct yw_txn *txn, struct yw_str code, int64_t grants, int64_t deliveries,
                         struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "UPDATE yw_catalog_resources SET grants = grants + ?, deliveries = "
                            "deliveries + ? WHERE code = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, grants);
    yw_stmt_bind_int64(st, 2, deliveries);
    yw_stmt_bind_text(st, 3, code.p, code.n);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}
