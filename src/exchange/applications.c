/* Applications (共享申请): apply, approve, refuse, withdraw; deadlines in
 * working days. */
#include "internal.h"

#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

json_t *yw__cached_doc(struct yw_exchange *ex, struct yw_str code, int64_t version)
{
    json_t *doc = NULL;
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; version != 0 && i < ex->n_docs && doc == NULL; i++)
        if (ex->docs[i].version == version && yw_str_eq_c(code, ex->docs[i].code))
            doc = json_incref(ex->docs[i].doc);
    pthread_mutex_unlock(&ex->lock);
    return doc;
}

int yw__published_doc(struct yw_exchange *ex, struct yw_str code, int64_t version, json_t **doc,
                      struct yw_err *err)
{
    if ((*doc = yw__cached_doc(ex, code, version)) != NULL)
        return YW_OK;
    int rc = yw_catalog_get(&ex->cfg.catalog, NULL, code, version, doc, err);
    if (rc < 0)
        return rc;
    const char *status = json_string_value(json_object_get(*doc, "status"));
    const char *vstatus = json_string_value(json_object_get(*doc, "version_status"));
    bool current =
        status && (strcmp(status, "published") == 0 || strcmp(status, "deprecated") == 0);
    bool was_published =
        vstatus && (strcmp(vstatus, "published") == 0 || strcmp(vstatus, "superseded") == 0);
    if ((version == 0 && !current) || (version != 0 && !was_published)) {
        /* A draft is not acknowledged: the same answer as for no resource. */
        json_decref(*doc);
        *doc = NULL;
        return yw_err_set(err, YW_ENOTFOUND, "resource",
                          "没有已发布的资源 %.*s / no published resource %.*s", (int)code.n, code.p,
                          (int)code.n, code.p);
    }
    /* Another thread may have cached it meanwhile: keep one copy. */
    pthread_mutex_lock(&ex->lock);
    bool cached = false;
    for (size_t i = 0; i < ex->n_docs && !cached; i++)
        cached = ex->docs[i].version == version && yw_str_eq_c(code, ex->docs[i].code);
    if (!cached && version != 0 && ex->n_docs < YW__DOCS_CACHED &&
        code.n < sizeof(ex->docs[0].code)) {
        struct yw__cached_doc *c = &ex->docs[ex->n_docs++];
        (void)yw_fmt(c->code, sizeof(c->code), "%.*s", (int)code.n, code.p);
        c->version = version;
        c->doc = json_incref(*doc);
    }
    pthread_mutex_unlock(&ex->lock);
    return YW_OK;
}

/* The consumer's API key must be active and its own. */
static int check_system(struct yw_txn *txn, const char *key_id, const char *consumer,
                        struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT org, status FROM yw_api_keys WHERE id = ?", &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, key_id, strlen(key_id));
    rc = yw_stmt_step(st, err);
    if (rc == 1 && yw_str_eq_c(yw_stmt_column_text(st, 0), consumer) &&
        yw_str_eq_c(yw_stmt_column_text(st, 1), "active"))
        rc = YW_OK;
    else if (rc >= 0)
        rc = yw_err_set(err, YW_EINVAL, "key_id",
                        "key_id 须为本机构有效的系统密钥 / key_id must be an active API key of the "
                        "applying organisation");
    yw_stmt_finalize(&st);
    return rc;
}

/* The ledger entry of an application step, after its commit. */
static int record(struct yw_exchange *ex, const char *step, const char *actor, const char *id,
                  const char *consumer, const char *provider, const char *code, const char *grant,
                  const char *reason, struct yw_err *err)
{
    char type[48];
    uint64_t index;
    (void)yw_fmt(type, sizeof(type), "exchange.application.%s", step);
    return yw_ledger_event(ex->cfg.catalog.ledger, type,
                           json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "actor", actor,
                                     "application", id, "consumer", consumer, "provider", provider,
                                     "resource", code, "grant", grant && grant[0] ? grant : NULL,
                                     "reason", reason && reason[0] ? reason : NULL),
                           &index, err);
}

static int insert_application(struct yw_txn *txn, const char *id, const char *consumer,
                              const char *provider, const char *code, int64_t version,
                              const json_t *body, const char *status, int64_t due_day,
                              const char *grant, const char *actor, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    char now[32];
    int rc;

    yw_buf_init(&bytes, 1024 * 1024);
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_ledger_canonical(body, &bytes)) < 0) {
        yw_buf_free(&bytes);
        return yw_err_set(err, rc, NULL, "application too large");
    }
    rc = yw_txn_prepare(txn,
                        "INSERT INTO yw_exchange_applications (id, consumer, provider, code, body, "
                        "status, created_by, created_at, updated_at, version, due_day, grant_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        &st, err);
    if (rc == YW_OK) {
        const char *values[] = {id, consumer, provider, code, bytes.data, status, actor, now, now};
        for (int i = 0; i < 9; i++)
            yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
        yw_stmt_bind_int64(st, 10, version);
        if (due_day >= 0)
            yw_stmt_bind_int64(st, 11, due_day);
        if (grant && grant[0])
            yw_stmt_bind_text(st, 12, grant, strlen(grant));
        rc = yw_stmt_step(st, err);
        rc = rc < 0 ? rc : YW_OK;
    }
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    return rc;
}

int yw_exchange_apply(struct yw_exchange *ex, const struct yw_principal *who, const json_t *body,
                      const char *actor, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {
        "resource",   "kind",          "key_id",      "consumer",   "fields",
        "purpose",    "scenario",      "legal_basis", "valid_from", "valid_to",
        "hours",      "weekdays",      "total_uses",  "daily_uses", "records_per_request",
        "source_ips", "epsilon_milli", NULL};
    struct yw_txn *txn = NULL;
    json_t *doc = NULL, *conditions = NULL, *stored = NULL;
    char id[YW__ID_SIZE], grant[YW__ID_SIZE] = "", due[11] = "";
    int rc;

    *out = NULL;
    if ((rc = yw_json_only_members(body, members, "", err)) < 0)
        return rc;
    const char *code = json_string_value(json_object_get(body, "resource"));
    const char *kind = json_string_value(json_object_get(body, "kind"));
    const char *key_id = json_string_value(json_object_get(body, "key_id"));
    const char *consumer = json_string_value(json_object_get(body, "consumer"));
    const char *scenario = json_string_value(json_object_get(body, "scenario"));
    const char *basis = json_string_value(json_object_get(body, "legal_basis"));
    if (who != NULL)
        consumer = consumer ? consumer : who->org;
    kind = kind ? kind : "records";
    struct yw_policy_object object = {"application", NULL, consumer};
    if (who != NULL && (rc = yw_policy_decide(who, "exchange.apply", &object, err)) < 0)
        return rc;
    if (code == NULL || key_id == NULL || consumer == NULL)
        return yw_err_set(err, YW_EINVAL,
                          code == NULL ? "resource"
                          : key_id     ? "consumer"
                                       : "key_id",
                          "须给出 resource、key_id（和控制台下的 consumer）/ resource and key_id "
                          "are required (and consumer at the console)");
    if (strcmp(kind, "records") != 0 && strcmp(kind, "sandbox") != 0)
        return yw_err_set(err, YW_EINVAL, "kind",
                          "kind 须为 records 或 sandbox / kind is records "
                          "or sandbox");
    if ((rc = yw_check_text(scenario ? scenario : "", 500, true, "scenario", err)) < 0 ||
        (rc = yw_check_text(basis ? basis : "", 500, false, "legal_basis", err)) < 0)
        return rc;
    if ((rc = yw__published_doc(ex, yw_str_c(code), 0, &doc, err)) < 0)
        goto out;
    const char *provider = json_string_value(json_object_get(doc, "provider"));
    const char *sharing =
        json_string_value(json_object_get(json_object_get(doc, "sharing"), "type"));
    int64_t version = json_integer_value(json_object_get(doc, "version"));
    if (strcmp(sharing, "none") == 0) {
        rc = yw_err_set(
            err, YW_ECONFLICT, "resource",
            "该资源不予共享，不能申请 / the resource is not shared (不予共享): it cannot "
            "be applied for");
        goto out;
    }
    if (strcmp(provider, consumer) == 0) {
        rc = yw_err_set(err, YW_EINVAL, "resource",
                        "本机构的资源无需申请 / an organisation does not apply for its own data");
        goto out;
    }
    if (strcmp(json_string_value(json_object_get(doc, "status")), "deprecated") == 0) {
        rc = yw_err_set(
            err, YW_ECONFLICT, "resource",
            "资源已停用，不接受新申请 / the resource is deprecated: no new applications");
        goto out;
    }
    bool conditional = strcmp(sharing, "conditional") == 0;
    if (conditional && (basis == NULL || !basis[0])) {
        rc = yw_err_set(err, YW_EINVAL, "legal_basis",
                        "有条件共享资源须说明申请依据 / a conditional resource needs the "
                        "application's legal basis");
        goto out;
    }
    if ((rc = yw__conditions_check(body, doc, NULL, &conditions, err)) < 0)
        goto out;
    /* The application as stored: what was asked, and why. */
    stored = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "resource", code, "kind", kind, "key_id",
                       key_id, "scenario", scenario, "legal_basis", basis ? basis : "",
                       "conditions", conditions);
    if ((rc = yw__new_id("app", id, err)) < 0 ||
        (rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = check_system(txn, key_id, consumer, err)) < 0)
        goto out;
    /* A system whose grant for this resource was revoked needs the
     * provider's answer again, even for unconditional data. */
    struct yw_stmt *st = NULL;
    if (!conditional &&
        (rc =
             yw_txn_prepare(txn,
                            "SELECT COUNT(*) FROM yw_exchange_grants WHERE key_id = ? AND code = ? "
                            "AND status = 'revoked'",
                            &st, err)) == YW_OK) {
        yw_stmt_bind_text(st, 1, key_id, strlen(key_id));
        yw_stmt_bind_text(st, 2, code, strlen(code));
        if ((rc = yw_stmt_step(st, err)) == 1) {
            conditional = yw_stmt_column_int64(st, 0) > 0;
            rc = YW_OK;
        }
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        goto out;
    int64_t today = yw_day_from_ms(yw_now_ms()), due_day = -1;
    if (conditional) {
        due_day = yw_calendar_add_working_days(ex->cfg.calendar, today, ex->cfg.answer_days);
        yw_day_text(due_day, due);
    } else if ((rc = yw__grant_create(txn, id, consumer, key_id, provider, code, version, kind,
                                      conditions, grant, err)) < 0) {
        goto out;
    }
    if ((rc = insert_application(txn, id, consumer, provider, code, version, stored,
                                 conditional ? "submitted" : "approved", due_day, grant, actor,
                                 err)) < 0 ||
        (rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(ex, "submit", actor, id, consumer, provider, code, NULL, NULL, err)) < 0 ||
        (!conditional && (rc = record(ex, "approve", "system:unconditional", id, consumer, provider,
                                      code, grant, "无条件共享 / unconditional", err)) < 0))
        goto out;
    *out =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s?, s:s?, s:O}", "id", id, "status",
                  conditional ? "submitted" : "approved", "consumer", consumer, "provider",
                  provider, "resource", code, "version", (json_int_t)version, "kind", kind, "due",
                  due[0] ? due : NULL, "grant", grant[0] ? grant : NULL, "conditions", conditions);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_store_rollback(&txn);
    json_decref(doc);
    json_decref(conditions);
    json_decref(stored);
    return rc;
}

struct app {
    char id[YW__ID_SIZE], consumer[65], provider[65], code[65], status[12];
    int64_t version;
    json_t *body;
};

static int load_app(struct yw_txn *txn, const char *id, struct app *a, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT id, consumer, provider, code, status, version, body FROM "
                            "yw_exchange_applications WHERE id = ?",
                            &st, err);
    memset(a, 0, sizeof(*a));
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        char *dst[] = {a->id, a->consumer, a->provider, a->code, a->status};
        size_t sizes[] = {sizeof(a->id), sizeof(a->consumer), sizeof(a->provider), sizeof(a->code),
                          sizeof(a->status)};
        for (int i = 0; i < 5; i++)
            (void)yw_fmt(dst[i], sizes[i], "%.*s", (int)yw_stmt_column_text(st, i).n,
                         yw_stmt_column_text(st, i).p);
        a->version = yw_stmt_column_int64(st, 5);
        struct yw_str b = yw_stmt_column_text(st, 6);
        a->body = json_loadb(b.p, b.n, 0, NULL);
        rc = a->body ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "stored application not JSON");
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有申请 %s / no application %s", id, id);
    }
    yw_stmt_finalize(&st);
    return rc;
}

int yw_exchange_decide(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str id,
                       struct yw_str step, const json_t *body, const char *actor, json_t **out,
                       struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *doc = NULL, *conditions = NULL;
    struct app a = {0};
    char id_c[YW__ID_SIZE], grant[YW__ID_SIZE] = "", now[32];
    const char *reason = json_string_value(json_object_get(body, "reason"));
    bool approve = yw_str_eq_c(step, "approve"), refuse = yw_str_eq_c(step, "refuse");
    bool withdraw = yw_str_eq_c(step, "withdraw");
    int rc;

    *out = NULL;
    if (!approve && !refuse && !withdraw)
        return yw_err_set(err, YW_ENOTFOUND, "step",
                          "操作须为 approve、refuse 或 withdraw / the step is approve, refuse or "
                          "withdraw");
    if (yw_fmt(id_c, sizeof(id_c), "%.*s", (int)id.n, id.p) < 0)
        return yw_err_set(err, YW_ENOTFOUND, "id", "没有这个申请 / no such application");
    static const char *const approve_members[] = {"reason",
                                                  "fields",
                                                  "clear_masks",
                                                  "purpose",
                                                  "valid_from",
                                                  "valid_to",
                                                  "hours",
                                                  "weekdays",
                                                  "total_uses",
                                                  "daily_uses",
                                                  "records_per_request",
                                                  "source_ips",
                                                  "epsilon_milli",
                                                  NULL};
    static const char *const reason_only[] = {"reason", NULL};
    if ((rc = yw_json_only_members(body, approve ? approve_members : reason_only, "", err)) < 0 ||
        (rc = yw_check_text(reason ? reason : "", 500, refuse, "reason", err)) < 0)
        return rc;
    yw_time_rfc3339(yw_now_ms(), now);
    /* The resource version's document first, on its own connection: never
     * while holding the write transaction (a pool of busy connections each
     * waiting for a second would stall). */
    if (approve) {
        if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
            (rc = load_app(txn, id_c, &a, err)) < 0)
            goto out;
        yw_store_rollback(&txn);
        rc = yw__published_doc(ex, yw_str_c(a.code), a.version, &doc, err);
        json_decref(a.body);
        a.body = NULL;
        if (rc < 0)
            goto out;
    }
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_app(txn, id_c, &a, err)) < 0)
        goto out;
    /* Approving and refusing are the provider's; withdrawing the consumer's. */
    struct yw_policy_object object = {"application", a.id, withdraw ? a.consumer : a.provider};
    if (who != NULL && (rc = yw_policy_decide(who, withdraw ? "exchange.apply" : "exchange.approve",
                                              &object, err)) < 0) {
        /* Outside both parties the application is not even acknowledged. */
        if (strcmp(who->org, a.consumer) != 0 && strcmp(who->org, a.provider) != 0 &&
            !yw_policy_oversees(who, "exchange.arbitrate"))
            rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有申请 %s / no application %s", id_c, id_c);
        goto out;
    }
    if (strcmp(a.status, "submitted") != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "status",
                        "申请状态为 %s，不能再处理 / the application "
                        "is %s already",
                        a.status, a.status);
        goto out;
    }
    const char *to = approve ? "approved" : refuse ? "refused" : "withdrawn";
    if (approve) {
        json_t *narrowing = json_deep_copy(body);
        json_object_del(narrowing, "reason");
        if ((rc = yw__conditions_check(narrowing, doc, json_object_get(a.body, "conditions"),
                                       &conditions, err)) < 0) {
            json_decref(narrowing);
            goto out;
        }
        json_decref(narrowing);
        if ((rc = yw__grant_create(
                 txn, a.id, a.consumer, json_string_value(json_object_get(a.body, "key_id")),
                 a.provider, a.code, a.version, json_string_value(json_object_get(a.body, "kind")),
                 conditions, grant, err)) < 0)
            goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_exchange_applications SET status = ?, reason = ?, "
                             "grant_id = ?, decided_by = ?, updated_at = ? WHERE id = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, to, strlen(to));
    if (reason && reason[0])
        yw_stmt_bind_text(st, 2, reason, strlen(reason));
    if (grant[0])
        yw_stmt_bind_text(st, 3, grant, strlen(grant));
    yw_stmt_bind_text(st, 4, actor, strlen(actor));
    yw_stmt_bind_text(st, 5, now, strlen(now));
    yw_stmt_bind_text(st, 6, a.id, strlen(a.id));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    char step_c[16];
    (void)yw_fmt(step_c, sizeof(step_c), "%.*s", (int)step.n, step.p);
    if ((rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(ex, step_c, actor, a.id, a.consumer, a.provider, a.code, grant, reason, err)) <
            0)
        goto out;
    *out = json_pack("{s:s, s:s, s:s*, s:O*}", "id", a.id, "status", to, "grant",
                     grant[0] ? grant : NULL, "conditions", conditions);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(a.body);
    json_decref(doc);
    json_decref(conditions);
    return rc;
}

int yw_exchange_applications(struct yw_exchange *ex, const struct yw_principal *who,
                             struct yw_str status, bool overdue_only, json_t **out,
                             struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    bool all = yw_policy_oversees(who, "exchange.arbitrate");
    const char *org = who ? who->org : "";
    int64_t today = yw_day_from_ms(yw_now_ms());
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT id, consumer, provider, code, version, status, body, "
                             "COALESCE(due_day, -1), COALESCE(reason, ''), COALESCE(grant_id, ''), "
                             "created_at, updated_at FROM yw_exchange_applications WHERE (? = 1 "
                             "OR consumer = ? OR provider = ?) ORDER BY created_at DESC, id",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, all);
    yw_stmt_bind_text(st, 2, org, strlen(org));
    yw_stmt_bind_text(st, 3, org, strlen(org));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str c[12];
        for (int i = 0; i < 12; i++)
            c[i] = yw_stmt_column_text(st, i);
        int64_t due_day = yw_stmt_column_int64(st, 7);
        bool overdue = yw_str_eq_c(c[5], "submitted") && due_day >= 0 && today > due_day;
        json_t *body = json_loadb(c[6].p, c[6].n, 0, NULL);
        /* An approved application whose period has ended has expired. */
        const char *valid_to =
            json_string_value(json_object_get(json_object_get(body, "conditions"), "valid_to"));
        char state[16];
        (void)yw_fmt(state, sizeof(state), "%.*s", (int)c[5].n, c[5].p);
        if (strcmp(state, "approved") == 0 && valid_to) {
            char today_text[11];
            yw_day_text(today, today_text);
            if (strcmp(valid_to, today_text) < 0)
                (void)yw_copy(state, sizeof(state), "expired");
        }
        if ((status.n && !yw_str_eq_c(status, state)) || (overdue_only && !overdue)) {
            json_decref(body);
            continue;
        }
        char due[11] = "";
        if (due_day >= 0)
            yw_day_text(due_day, due);
        json_array_append_new(
            list, json_pack("{s:s%, s:s%, s:s%, s:s%, s:I, s:s, s:o, s:s?, s:b, s:s%, s:o, s:s%, "
                            "s:s%}",
                            "id", c[0].p, c[0].n, "consumer", c[1].p, c[1].n, "provider", c[2].p,
                            c[2].n, "resource", c[3].p, c[3].n, "version",
                            (json_int_t)yw_stmt_column_int64(st, 4), "status", state, "application",
                            body ? body : json_null(), "due", due[0] ? due : NULL, "overdue",
                            overdue, "reason", c[8].p, c[8].n, "grant",
                            c[9].n ? json_stringn(c[9].p, c[9].n) : json_null(), "created_at",
                            c[10].p, c[10].n, "updated_at", c[11].p, c[11].n));
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "applications", list);
        rc = *out ? YW_OK : YW_ENOMEM;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}
