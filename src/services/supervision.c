/* Approval–supervision linkage (审管联动): approving a case pushes a task to
 * each supervising organisation with the case's elements; the supervisor
 * claims it (认领), records what it did and concludes with a result that
 * flows back into the case; tasks past their deadlines escalate to both
 * organisations' liaison officers (联络员). */
#include "internal.h"

#include <string.h>

#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

static const struct yw_domain outcomes[] = {{"compliant", "合规"},
                                            {"rectification_ordered", "责令整改"},
                                            {"penalty", "行政处罚"},
                                            {"licence_revoked", "吊销许可"},
                                            {NULL, NULL}};
static const struct yw_domain action_kinds[] = {
    {"inspection", "现场检查"}, {"interview", "约谈"}, {"sampling", "抽样检测"},
    {"document", "书面核查"},   {"other", "其他"},     {NULL, NULL}};

static int claim_days(const struct yw_services *s)
{
    return s->claim_days > 0 ? s->claim_days : 2;
}

static int finish_days(const struct yw_services *s)
{
    return s->finish_days > 0 ? s->finish_days : 20;
}

static int add_event(struct yw_txn *txn, const char *task, const char *kind, const char *actor,
                     const json_t *body, const char *now, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    yw_buf_init(&bytes, 256 * 1024);
    int rc = yw__json_store(body, &bytes);
    if (rc < 0) {
        yw_buf_free(&bytes);
        return yw_err_set(err, rc, NULL, "监管记录过大 / the record is too large");
    }
    rc = yw_txn_prepare(txn,
                        "INSERT INTO yw_supervision_events (task_id, seq, kind, actor, body, at) "
                        "SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ? FROM "
                        "yw_supervision_events WHERE task_id = ?",
                        &st, err);
    if (rc == YW_OK) {
        const char *values[] = {task, kind, actor, bytes.data, now, task};
        for (int i = 0; i < 6; i++)
            yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
        rc = yw_stmt_step(st, err);
    }
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    return rc < 0 ? rc : YW_OK;
}

int yw__push_tasks(const struct yw_services *s, struct yw_txn *txn, const char *case_id,
                   const char *approving_org, const json_t *supervisors, const json_t *elements,
                   const char *actor, json_t *pushed, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    char now[32];
    int64_t due = yw_calendar_add_working_days(s->calendar, yw__today(), claim_days(s));
    json_t *org;
    size_t i;
    int rc;

    yw_time_rfc3339(yw_now_ms(), now);
    yw_buf_init(&bytes, 1024 * 1024);
    if ((rc = yw__json_store(elements, &bytes)) < 0)
        return yw_err_set(err, rc, NULL, "监管要素过大 / the elements are too large");
    json_array_foreach(supervisors, i, org)
    {
        uint8_t random[8];
        char hex[17], id[24];
        if ((rc = yw_random(random, sizeof(random))) < 0) {
            rc = yw_err_set(err, rc, NULL, "no randomness");
            break;
        }
        yw_hex(random, sizeof(random), hex);
        (void)yw_fmt(id, sizeof(id), "task-%s", hex);
        if ((rc = yw_txn_prepare(txn,
                                 "INSERT INTO yw_supervision_tasks (id, case_id, approving_org, "
                                 "supervisor_org, state, claim_due_day, elements, created_at, "
                                 "updated_at) VALUES (?, ?, ?, ?, 'pushed', ?, ?, ?, ?)",
                                 &st, err)) < 0)
            break;
        const char *sup = json_string_value(org);
        const char *values[] = {id, case_id, approving_org, sup};
        for (int k = 0; k < 4; k++)
            yw_stmt_bind_text(st, k + 1, values[k], strlen(values[k]));
        yw_stmt_bind_int64(st, 5, due);
        yw_stmt_bind_text(st, 6, bytes.data, bytes.len);
        yw_stmt_bind_text(st, 7, now, strlen(now));
        yw_stmt_bind_text(st, 8, now, strlen(now));
        rc = yw_stmt_step(st, err);
        yw_stmt_finalize(&st);
        json_t *body = json_pack("{s:s}", "to", sup);
        if (rc >= 0)
            rc = add_event(txn, id, "push", actor, body, now, err);
        json_decref(body);
        if (rc < 0)
            break;
        json_array_append_new(pushed, json_pack("{s:s, s:s}", "task", id, "supervisor_org", sup));
    }
    yw_buf_free(&bytes);
    return rc < 0 ? rc : YW_OK;
}

json_t *yw__pushed_entry(const char *case_id, const char *approving_org, const json_t *task,
                         const char *actor)
{
    return json_pack("{s:s, s:O, s:s, s:s, s:O}", "actor", actor, "task",
                     json_object_get(task, "task"), "case", case_id, "approving_org", approving_org,
                     "supervisor_org", json_object_get(task, "supervisor_org"));
}

/* ---- reading ------------------------------------------------------------------ */

struct task {
    char id[24];
    char case_id[YW__CASE_ID_SIZE];
    char approving_org[65];
    char supervisor_org[65];
    char state[16];
    char outcome[32];
    int64_t claim_due, finish_due;
    int escalated;
    json_t *elements; /* owned */
    char created_at[32], updated_at[32];
};

static const char task_columns[] =
    "id, case_id, approving_org, supervisor_org, state, COALESCE(outcome, ''), claim_due_day, "
    "COALESCE(finish_due_day, -1), escalated, elements, created_at, updated_at";

static void read_task(struct yw_stmt *st, struct task *t)
{
    yw__text_col(st, 0, t->id, sizeof(t->id));
    yw__text_col(st, 1, t->case_id, sizeof(t->case_id));
    yw__text_col(st, 2, t->approving_org, sizeof(t->approving_org));
    yw__text_col(st, 3, t->supervisor_org, sizeof(t->supervisor_org));
    yw__text_col(st, 4, t->state, sizeof(t->state));
    yw__text_col(st, 5, t->outcome, sizeof(t->outcome));
    t->claim_due = yw_stmt_column_int64(st, 6);
    t->finish_due = yw_stmt_column_int64(st, 7);
    t->escalated = (int)yw_stmt_column_int64(st, 8);
    struct yw_str e = yw_stmt_column_text(st, 9);
    t->elements = json_loadb(e.p, e.n, 0, NULL);
    yw__text_col(st, 10, t->created_at, sizeof(t->created_at));
    yw__text_col(st, 11, t->updated_at, sizeof(t->updated_at));
}

/* Both sides see a task: the approving and the supervising organisation's
 * staff, and those who oversee cases. */
static bool can_see(const struct yw_principal *who, const struct task *t)
{
    return who == NULL || yw_policy_oversees(who, "case.oversee") ||
           strcmp(who->org, t->approving_org) == 0 || strcmp(who->org, t->supervisor_org) == 0;
}

/* The task id as who may see it; YW_ENOTFOUND for none and for one outside
 * who's view alike. */
static int load_task(struct yw_txn *txn, const struct yw_principal *who, struct yw_str id,
                     struct task *t, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char sql[400];
    (void)yw_fmt(sql, sizeof(sql), "SELECT %s FROM yw_supervision_tasks WHERE id = ?",
                 task_columns);
    int rc = yw_txn_prepare(txn, sql, &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id.p, id.n);
    bool found = (rc = yw_stmt_step(st, err)) == 1;
    if (found) {
        read_task(st, t);
        rc = t->elements ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "stored task unreadable");
    }
    yw_stmt_finalize(&st);
    if (rc == YW_OK && (!found || !can_see(who, t)))
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有监管任务 %.*s / no supervision task %.*s",
                        (int)id.n, id.p, (int)id.n, id.p);
    return rc;
}

static json_t *task_view(const struct task *t, bool with_elements)
{
    char claim_due[11], finish_due[11];
    int64_t today = yw__today();
    yw_day_text(t->claim_due, claim_due);
    yw_day_text(t->finish_due, finish_due);
    bool late = (strcmp(t->state, "pushed") == 0 && t->claim_due < today) ||
                (strcmp(t->state, "claimed") == 0 && t->finish_due >= 0 && t->finish_due < today);
    json_t *v = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:b, s:i, s:O, s:O, s:s, s:s}", "id", t->id,
        "case", t->case_id, "approving_org", t->approving_org, "supervisor_org", t->supervisor_org,
        "state", t->state, "outcome", t->outcome[0] ? t->outcome : NULL, "claim_due", claim_due,
        "finish_due", finish_due[0] ? finish_due : NULL, "overdue", late, "escalated", t->escalated,
        "item", json_object_get(t->elements, "item"), "item_name",
        json_object_get(t->elements, "item_name"), "created_at", t->created_at, "updated_at",
        t->updated_at);
    if (v && with_elements)
        json_object_set(v, "elements", t->elements);
    return v;
}

int yw_services_task_get(const struct yw_services *s, const struct yw_principal *who,
                         struct yw_str id, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct task t = {.elements = NULL};
    json_t *view = NULL;
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = load_task(txn, who, id, &t, err)) < 0)
        goto out;
    view = task_view(&t, true);
    json_t *history = json_array();
    json_object_set_new(view, "history", history);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT seq, kind, actor, body, at FROM yw_supervision_events WHERE "
                             "task_id = ? ORDER BY seq",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, t.id, strlen(t.id));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str kind = yw_stmt_column_text(st, 1), actor = yw_stmt_column_text(st, 2),
                      body = yw_stmt_column_text(st, 3), at = yw_stmt_column_text(st, 4);
        json_t *b = json_loadb(body.p, body.n, 0, NULL);
        json_array_append_new(history, json_pack("{s:I, s:s%, s:s%, s:o?, s:s%}", "seq",
                                                 (json_int_t)yw_stmt_column_int64(st, 0), "kind",
                                                 kind.p, kind.n, "actor", actor.p, actor.n, "body",
                                                 b, "at", at.p, at.n));
    }
    if (rc < 0)
        goto out;
    *out = json_incref(view);
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(t.elements);
    json_decref(view);
    return rc;
}

int yw_services_tasks(const struct yw_services *s, const struct yw_principal *who,
                      const struct yw_services_task_query *in, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf sql;
    const char *params[4];
    size_t lens[4];
    int n = 0, rc;
    json_t *list = json_array();

    *out = NULL;
    yw_buf_init(&sql, 8192);
    rc = yw_buf_printf(&sql, "SELECT %s FROM yw_supervision_tasks WHERE 1 = 1", task_columns);
    if (rc == YW_OK && !yw_policy_oversees(who, "case.oversee")) {
        params[n] = params[n + 1] = who->org;
        lens[n] = lens[n + 1] = strlen(who->org);
        n += 2;
        rc = yw_buf_append_c(&sql, " AND (approving_org = ? OR supervisor_org = ?)");
    }
    if (rc == YW_OK && in->state.n) {
        params[n] = in->state.p;
        lens[n++] = in->state.n;
        rc = yw_buf_append_c(&sql, " AND state = ?");
    }
    if (rc == YW_OK && in->case_id.n) {
        params[n] = in->case_id.p;
        lens[n++] = in->case_id.n;
        rc = yw_buf_append_c(&sql, " AND case_id = ?");
    }
    if (rc == YW_OK && in->escalated_only)
        rc = yw_buf_append_c(&sql, " AND escalated > 0");
    if (rc == YW_OK)
        rc = yw_buf_append_c(&sql, " ORDER BY created_at DESC, id LIMIT 500");
    if (rc < 0 || (rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, sql.data, &st, err)) < 0)
        goto out;
    for (int i = 0; i < n; i++)
        yw_stmt_bind_text(st, i + 1, params[i], lens[i]);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct task t = {.elements = NULL};
        read_task(st, &t);
        json_t *v = t.elements ? task_view(&t, false) : NULL;
        json_decref(t.elements);
        if (v == NULL) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "stored task unreadable");
            goto out;
        }
        json_array_append_new(list, v);
    }
    if (rc < 0)
        goto out;
    *out = json_pack("{s:O}", "tasks", list);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&sql);
    json_decref(list);
    return rc;
}

/* ---- the supervisor's steps --------------------------------------------------- */

/* The result flows back into the case: its document lists each supervisor's
 * outcome, and a revoked licence marks the certificate. */
static int flow_back(struct yw_txn *txn, const struct task *t, const char *outcome,
                     const char *summary, const char *now, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    json_t *doc = NULL;
    int rc = yw_txn_prepare(txn, "SELECT doc FROM yw_service_cases WHERE id = ?", &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, t->case_id, strlen(t->case_id));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str d = yw_stmt_column_text(st, 0);
        doc = json_loadb(d.p, d.n, 0, NULL);
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    if (doc == NULL)
        return yw_err_set(err, YW_EINTERNAL, NULL, "stored case unreadable");
    json_t *list = json_object_get(doc, "supervision");
    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(doc, "supervision", list);
    }
    json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s}", "task", t->id,
                                          "supervisor_org", t->supervisor_org, "outcome", outcome,
                                          "summary", summary, "at", now));
    if (strcmp(outcome, "licence_revoked") == 0)
        json_object_set_new(json_object_get(doc, "decision"), "certificate_revoked", json_true());
    yw_buf_init(&bytes, 1024 * 1024);
    rc = yw__json_store(doc, &bytes);
    if (rc == YW_OK)
        rc = yw_txn_prepare(txn, "UPDATE yw_service_cases SET doc = ?, updated_at = ? WHERE id = ?",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, bytes.data, bytes.len);
        yw_stmt_bind_text(st, 2, now, strlen(now));
        yw_stmt_bind_text(st, 3, t->case_id, strlen(t->case_id));
        rc = yw_stmt_step(st, err);
    }
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    json_decref(doc);
    return rc < 0 ? rc : YW_OK;
}

int yw_services_task_step(const struct yw_services *s, const struct yw_principal *who,
                          struct yw_str id, struct yw_str step, const json_t *body,
                          const char *actor, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"kind", "note", "outcome", "summary", NULL};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct task t = {.elements = NULL};
    const char *kind = NULL, *outcome = NULL, *to;
    const char *note = json_string_value(json_object_get(body, "note"));
    const char *summary = json_string_value(json_object_get(body, "summary"));
    json_t *event = NULL;
    char now[32];
    int64_t finish_due = -1;
    uint64_t index;
    int rc;

    *out = NULL;
    bool claim = yw_str_eq_c(step, "claim"), act = yw_str_eq_c(step, "act"),
         conclude = yw_str_eq_c(step, "conclude");
    if (!claim && !act && !conclude)
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "没有这个步骤 / no such step: claim, act, conclude");
    if (body != NULL && (rc = yw_json_only_members(body, members, "", err)) < 0)
        return rc;
    if (act && ((rc = yw_domain_pick(action_kinds, json_object_get(body, "kind"), "kind", &kind,
                                     err)) < 0 ||
                (rc = yw_check_text(note, 2000, true, "note", err)) < 0))
        return rc;
    if (conclude && ((rc = yw_domain_pick(outcomes, json_object_get(body, "outcome"), "outcome",
                                          &outcome, err)) < 0 ||
                     (rc = yw_check_text(summary, 2000, true, "summary", err)) < 0))
        return rc;
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_task(txn, who, id, &t, err)) < 0)
        goto out;
    /* The supervising organisation's supervisors; claiming is a power. */
    struct yw_policy_object object = {"supervision_task", t.id, t.supervisor_org};
    if (who != NULL && (strcmp(who->org, t.supervisor_org) != 0 ||
                        (rc = yw_policy_decide(who, claim ? "supervision.claim" : "supervision.act",
                                               &object, err)) < 0)) {
        rc = rc < 0 ? rc
                    : yw_err_set(err, YW_EPERM, NULL,
                                 "只有监管机构的监管人员可以办理 / only the supervising "
                                 "organisation's supervisors act on the task");
        goto out;
    }
    const char *from = claim ? "pushed" : "claimed";
    if (strcmp(t.state, from) != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "state", "任务处于 %s，不能 %.*s / the task is %s",
                        t.state, (int)step.n, step.p, t.state);
        goto out;
    }
    to = claim ? "claimed" : act ? "claimed" : "completed";
    if (claim)
        finish_due = yw_calendar_add_working_days(s->calendar, yw__today(), finish_days(s));
    yw_time_rfc3339(yw_now_ms(), now);
    event = claim ? json_object()
            : act ? json_pack("{s:s, s:s}", "kind", kind, "note", note)
                  : json_pack("{s:s, s:s}", "outcome", outcome, "summary", summary);
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_supervision_tasks SET state = ?, outcome = COALESCE(?, "
                             "outcome), finish_due_day = COALESCE(?, finish_due_day), updated_at "
                             "= ? WHERE id = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, to, strlen(to));
    if (outcome)
        yw_stmt_bind_text(st, 2, outcome, strlen(outcome));
    else
        yw_stmt_bind_null(st, 2);
    if (finish_due >= 0)
        yw_stmt_bind_int64(st, 3, finish_due);
    else
        yw_stmt_bind_null(st, 3);
    yw_stmt_bind_text(st, 4, now, strlen(now));
    yw_stmt_bind_text(st, 5, t.id, strlen(t.id));
    if ((rc = yw_stmt_step(st, err)) < 0 ||
        (rc = add_event(txn, t.id,
                        claim ? "claim"
                        : act ? "act"
                              : "conclude",
                        actor, event, now, err)) < 0 ||
        (conclude && (rc = flow_back(txn, &t, outcome, summary, now, err)) < 0) ||
        (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    char type[48];
    (void)yw_fmt(type, sizeof(type), "services.supervision.%.*s", (int)step.n, step.p);
    if ((rc = yw_ledger_event(s->catalog.ledger, type,
                              json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?}", "actor", actor, "task",
                                        t.id, "case", t.case_id, "supervisor_org", t.supervisor_org,
                                        "kind", kind, "outcome", outcome),
                              &index, err)) < 0)
        goto out;
    rc = yw_services_task_get(s, who, id, out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(t.elements);
    json_decref(event);
    return rc;
}

/* ---- escalation ---------------------------------------------------------------- */

/* An organisation's liaison officer (联络员), for the escalation record. */
static json_t *liaison_of(const struct yw_services *s, const char *code)
{
    struct yw_org o;
    if (yw_org_get(s->catalog.store, yw_str_c(code), &o, NULL) < 0)
        return json_pack("{s:s}", "org", code);
    return json_pack("{s:s, s:s, s:s, s:s}", "org", o.code, "name", o.name, "liaison", o.liaison,
                     "phone", o.liaison_phone);
}

int yw_services_escalate(const struct yw_services *s, int64_t day, size_t *count,
                         struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct task late[64];
    size_t n = 0;
    char now[32], sql[600];
    int rc;

    *count = 0;
    /* Who is late, read first: the liaisons come from the directory, which
     * is read outside this module's write transaction. */
    (void)yw_fmt(sql, sizeof(sql),
                 "SELECT %s FROM yw_supervision_tasks WHERE (state = 'pushed' AND escalated < 1 "
                 "AND claim_due_day < ?) OR (state = 'claimed' AND escalated < 2 AND "
                 "finish_due_day < ?) ORDER BY created_at, id LIMIT 64",
                 task_columns);
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, sql, &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, day);
    yw_stmt_bind_int64(st, 2, day);
    while (n < 64 && (rc = yw_stmt_step(st, err)) == 1)
        read_task(st, &late[n++]);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0 || n == 0)
        goto out;
    yw_time_rfc3339(yw_now_ms(), now);
    json_t *bodies[64];
    for (size_t i = 0; i < n; i++)
        bodies[i] =
            json_pack("{s:s, s:[o, o]}", "reason",
                      strcmp(late[i].state, "pushed") == 0 ? "unclaimed" : "unfinished", "liaisons",
                      liaison_of(s, late[i].approving_org), liaison_of(s, late[i].supervisor_org));
    rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err);
    for (size_t i = 0; rc == YW_OK && i < n; i++) {
        struct task *t = &late[i];
        bool unclaimed = strcmp(t->state, "pushed") == 0;
        rc = yw_txn_prepare(txn,
                            "UPDATE yw_supervision_tasks SET escalated = ?, updated_at = ? WHERE "
                            "id = ? AND state = ?",
                            &st, err);
        if (rc == YW_OK) {
            yw_stmt_bind_int64(st, 1, unclaimed ? 1 : 2);
            yw_stmt_bind_text(st, 2, now, strlen(now));
            yw_stmt_bind_text(st, 3, t->id, strlen(t->id));
            yw_stmt_bind_text(st, 4, t->state, strlen(t->state));
            rc = yw_stmt_step(st, err);
        }
        yw_stmt_finalize(&st);
        if (rc >= 0)
            rc = add_event(txn, t->id, "escalate", "system:escalation", bodies[i], now, err);
        rc = rc < 0 ? rc : YW_OK;
    }
    for (size_t i = 0; i < n; i++)
        json_decref(bodies[i]);
    if (rc < 0 || (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        uint64_t index;
        bool unclaimed = strcmp(late[i].state, "pushed") == 0;
        if ((rc = yw_ledger_event(
                 s->catalog.ledger, "services.supervision.escalate",
                 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "actor", "system:escalation", "task",
                           late[i].id, "case", late[i].case_id, "reason",
                           unclaimed ? "unclaimed" : "unfinished", "approving_org",
                           late[i].approving_org, "supervisor_org", late[i].supervisor_org),
                 &index, err)) < 0)
            goto out;
    }
    *count = n;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    for (size_t i = 0; i < n; i++)
        json_decref(late[i].elements);
    return rc < 0 ? rc : YW_OK;
}
