/* Organisations: a tree per node, with history and ledger entries. */
#include "directory.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "store/store.h"

static const char *const levels[] = {"national", "province", "city", "county", "township"};
static const char *const kinds[] = {"department",  "data_authority",     "approval_bureau",
                                    "supervision", "enterprise_partner", "other"};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int rank_of(const char *value, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(value, set[i]) == 0)
            return (int)i;
    return -1;
}

static int check_code(struct yw_str code, const char *field, struct yw_err *err)
{
    return yw__dir_check_slug(code, field, "机构代码", "an organisation code", err);
}

json_t *yw_org_json(const struct yw_org *o)
{
    json_t *j =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", o->code, "name", o->name,
                  "level", o->level, "division", o->division, "kind", o->kind, "status", o->status,
                  "created_at", o->created_at, "updated_at", o->updated_at);
    const char *optional[][2] = {{"uscc", o->uscc},
                                 {"parent", o->parent},
                                 {"liaison", o->liaison},
                                 {"liaison_phone", o->liaison_phone}};
    for (size_t i = 0; j != NULL && i < N_OF(optional); i++)
        json_object_set_new(j, optional[i][0],
                            optional[i][1][0] ? json_string(optional[i][1]) : json_null());
    return j;
}

#define ORG_COLUMNS                                                                                \
    "code, name, COALESCE(uscc, ''), level, division, COALESCE(parent, ''), kind, "                \
    "COALESCE(liaison, ''), COALESCE(liaison_phone, ''), status, created_at, updated_at"

static void read_row(struct yw_stmt *st, struct yw_org *o)
{
    struct {
        char *dst;
        size_t size;
    } cols[] = {{o->code, sizeof(o->code)},
                {o->name, sizeof(o->name)},
                {o->uscc, sizeof(o->uscc)},
                {o->level, sizeof(o->level)},
                {o->division, sizeof(o->division)},
                {o->parent, sizeof(o->parent)},
                {o->kind, sizeof(o->kind)},
                {o->liaison, sizeof(o->liaison)},
                {o->liaison_phone, sizeof(o->liaison_phone)},
                {o->status, sizeof(o->status)},
                {o->created_at, sizeof(o->created_at)},
                {o->updated_at, sizeof(o->updated_at)}};
    for (size_t i = 0; i < N_OF(cols); i++) {
        struct yw_str v = yw_stmt_column_text(st, (int)i);
        size_t n = v.n < cols[i].size ? v.n : cols[i].size - 1;
        memcpy(cols[i].dst, v.p ? v.p : "", n);
        cols[i].dst[n] = '\0';
    }
}

static int load(struct yw_txn *txn, struct yw_str code, const char *field, struct yw_org *out,
                struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT " ORG_COLUMNS " FROM yw_orgs WHERE code = ?", &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, code.p, code.n);
        rc = yw_stmt_step(st, err);
    }
    if (rc == 1) {
        read_row(st, out);
        rc = YW_OK;
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, field, "没有机构 %.*s / no organisation %.*s",
                        (int)code.n, code.p, (int)code.n, code.p);
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* The parent must exist, be active and not sit below the child's level. */
static int check_parent(struct yw_txn *txn, const char *parent, const char *child_level,
                        struct yw_err *err)
{
    struct yw_org p;
    int rc = load(txn, yw_str_c(parent), "parent", &p, err);
    if (rc < 0)
        return rc;
    if (strcmp(p.status, "active") != 0)
        return yw_err_set(err, YW_ECONFLICT, "parent", "上级机构 %s 已撤销 / parent %s is closed",
                          parent, parent);
    if (rank_of(child_level, levels, N_OF(levels)) < rank_of(p.level, levels, N_OF(levels)))
        return yw_err_set(err, YW_EINVAL, "level",
                          "机构层级不能高于上级机构 / an organisation cannot rank above its parent "
                          "(%s under %s)",
                          child_level, p.level);
    return YW_OK;
}

static int check_org(const struct yw_org *o, struct yw_err *err)
{
    enum yw_division_level dl;
    int rc;

    if ((rc = check_code(yw_str_c(o->code), "code", err)) < 0 ||
        (rc = yw_check_text(o->name, 100, true, "name", err)) < 0 ||
        (rc = yw_check_text(o->liaison, 100, false, "liaison", err)) < 0)
        return rc;
    if (rank_of(o->level, levels, N_OF(levels)) < 0)
        return yw_err_set(err, YW_EINVAL, "level",
                          "层级须为 national、province、city、county 或 township / level must "
                          "be national, province, city, county or township");
    if (rank_of(o->kind, kinds, N_OF(kinds)) < 0)
        return yw_err_set(err, YW_EINVAL, "kind",
                          "类型须为 department、data_authority、approval_bureau、supervision、"
                          "enterprise_partner 或 other / kind must be department, data_authority, "
                          "approval_bureau, supervision, enterprise_partner or other");
    if ((rc = yw_id_check_division(yw_str_c(o->division), false, "division", &dl, err)) < 0)
        return rc;
    if (o->uscc[0] && (rc = yw_id_check_uscc(yw_str_c(o->uscc), "uscc", err)) < 0)
        return rc;
    if (!o->uscc[0] && strcmp(o->kind, "enterprise_partner") == 0)
        return yw_err_set(err, YW_EINVAL, "uscc",
                          "合作企业须有统一社会信用代码 / an enterprise partner needs its unified "
                          "social credit code");
    if (o->liaison_phone[0] &&
        (rc = yw_id_check_mobile(yw_str_c(o->liaison_phone), "liaison_phone", err)) < 0)
        return rc;
    if (o->parent[0] && (rc = check_code(yw_str_c(o->parent), "parent", err)) < 0)
        return rc;
    return YW_OK;
}

/* Adds a history version holding the organisation as it now stands. */
static int add_history(struct yw_txn *txn, const struct yw_org *o, const char *change,
                       const char *actor, const char *reason, struct yw_buf *snapshot,
                       struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    json_t *j = yw_org_json(o);
    int rc = j ? yw_ledger_canonical(j, snapshot) : YW_ENOMEM;
    json_decref(j);
    if (rc < 0)
        return yw_err_set(err, rc, NULL, "cannot record the organisation");
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_org_history (code, version, change, actor, reason, "
                             "changed_at, snapshot) SELECT ?, COALESCE(MAX(version), 0) + 1, ?, ?, "
                             "?, ?, ? FROM yw_org_history WHERE code = ?",
                             &st, err)) < 0)
        return rc;
    yw_stmt_bind_text(st, 1, o->code, strlen(o->code));
    yw_stmt_bind_text(st, 2, change, strlen(change));
    yw_stmt_bind_text(st, 3, actor, strlen(actor));
    if (reason && reason[0])
        yw_stmt_bind_text(st, 4, reason, strlen(reason));
    yw_stmt_bind_text(st, 5, o->updated_at, strlen(o->updated_at));
    yw_stmt_bind_text(st, 6, snapshot->data, snapshot->len);
    yw_stmt_bind_text(st, 7, o->code, strlen(o->code));
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* After the change is committed: the ledger entry naming who made it. */
static int record(struct yw_ledger *ledger, const char *type, const char *actor,
                  const struct yw_buf *snapshot, const char *reason, struct yw_err *err)
{
    uint64_t index;
    json_t *org = json_loadb(snapshot->data, snapshot->len, 0, NULL);
    json_t *fields = json_pack("{s:s, s:o, s:s?}", "actor", actor, "org", org, "reason", reason);
    return yw_ledger_event(ledger, type, fields, &index, err);
}

int yw_org_create(struct yw_store *store, struct yw_ledger *ledger, const struct yw_org *in,
                  const char *actor, struct yw_err *err)
{
    struct yw_org o = *in;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf snapshot;
    int rc;

    yw_buf_init(&snapshot, YW_LEDGER_ENTRY_MAX);
    (void)yw_copy(o.status, sizeof(o.status), "active");
    yw_time_rfc3339(yw_now_ms(), o.created_at);
    (void)yw_copy(o.updated_at, sizeof(o.updated_at), o.created_at);
    if ((rc = check_org(&o, err)) < 0)
        goto out;
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if (o.parent[0] && (rc = check_parent(txn, o.parent, o.level, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_orgs (code, name, uscc, level, division, parent, "
                             "kind, liaison, liaison_phone, status, created_at, updated_at) VALUES "
                             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *values[] = {o.code,          o.name,   o.uscc,       o.level,
                            o.division,      o.parent, o.kind,       o.liaison,
                            o.liaison_phone, o.status, o.created_at, o.updated_at};
    for (int i = 0; i < 12; i++)
        if (values[i][0])
            yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
    if ((rc = yw_stmt_step(st, err)) < 0) {
        if (rc == YW_ECONFLICT)
            yw_err_set(err, rc, "code",
                       "机构代码或统一社会信用代码已被使用 / the organisation code or USCC is "
                       "already taken");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = add_history(txn, &o, "create", actor, NULL, &snapshot, err)) < 0 ||
        (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc = record(ledger, "org.create", actor, &snapshot, NULL, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&snapshot);
    return rc;
}

int yw_org_get(struct yw_store *store, struct yw_str code, struct yw_org *out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    int rc = yw_store_begin(store, YW_TXN_READ, &txn, err);
    if (rc == YW_OK)
        rc = load(txn, code, "code", out, err);
    yw_store_rollback(&txn);
    return rc;
}

/* Sets one column of code, bumps updated_at and records the version. */
static int change_org(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                      const char *change, struct yw_str parent, struct yw_str reason,
                      const char *actor, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf snapshot;
    char reason_text[401] = "";
    struct yw_org o;
    int rc;

    yw_buf_init(&snapshot, YW_LEDGER_ENTRY_MAX);
    if (reason.n >= sizeof(reason_text)) {
        rc = yw_err_set(err, YW_EINVAL, "reason", "理由过长 / reason too long");
        goto out;
    }
    memcpy(reason_text, reason.p ? reason.p : "", reason.n);
    reason_text[reason.n] = '\0';
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load(txn, code, "code", &o, err)) < 0)
        goto out;
    if (strcmp(o.status, "active") != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "code", "机构已撤销 / the organisation is closed");
        goto out;
    }
    if (strcmp(change, "move") == 0) {
        if (parent.n >= sizeof(o.parent)) {
            rc = check_code(parent, "parent", err);
            goto out;
        }
        memcpy(o.parent, parent.p ? parent.p : "", parent.n);
        o.parent[parent.n] = '\0';
        if (o.parent[0]) {
            if ((rc = check_code(parent, "parent", err)) < 0 ||
                (rc = check_parent(txn, o.parent, o.level, err)) < 0)
                goto out;
            /* No cycles: walk up from the new parent. */
            struct yw_org up;
            (void)yw_copy(up.parent, sizeof(up.parent), o.parent);
            for (int depth = 0; up.parent[0]; depth++) {
                if (strcmp(up.parent, o.code) == 0 || depth > 64) {
                    rc = yw_err_set(err, YW_EINVAL, "parent",
                                    "不能移到自己的下级之下 / cannot move an organisation under "
                                    "itself or its own subordinates");
                    goto out;
                }
                if ((rc = load(txn, yw_str_c(up.parent), "parent", &up, err)) < 0)
                    goto out;
            }
        }
    } else {
        if ((rc = yw_check_text(reason_text, 200, true, "reason", err)) < 0)
            goto out;
        if ((rc = yw_txn_prepare(txn,
                                 "SELECT COUNT(*) FROM yw_orgs WHERE parent = ? AND status = "
                                 "'active'",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_text(st, 1, o.code, strlen(o.code));
        if ((rc = yw_stmt_step(st, err)) < 0)
            goto out;
        if (yw_stmt_column_int64(st, 0) > 0) {
            rc = yw_err_set(err, YW_ECONFLICT, "code",
                            "仍有下级机构，不能撤销 / it still has active subordinate "
                            "organisations");
            goto out;
        }
        yw_stmt_finalize(&st);
        (void)yw_copy(o.status, sizeof(o.status), "closed");
    }
    yw_time_rfc3339(yw_now_ms(), o.updated_at);
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_orgs SET parent = ?, status = ?, updated_at = ? WHERE "
                             "code = ?",
                             &st, err)) < 0)
        goto out;
    if (o.parent[0])
        yw_stmt_bind_text(st, 1, o.parent, strlen(o.parent));
    yw_stmt_bind_text(st, 2, o.status, strlen(o.status));
    yw_stmt_bind_text(st, 3, o.updated_at, strlen(o.updated_at));
    yw_stmt_bind_text(st, 4, o.code, strlen(o.code));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if ((rc = add_history(txn, &o, change, actor, reason_text, &snapshot, err)) < 0 ||
        (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc = record(ledger, strcmp(change, "move") == 0 ? "org.move" : "org.close", actor, &snapshot,
                reason_text[0] ? reason_text : NULL, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&snapshot);
    return rc;
}

int yw_org_move(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                struct yw_str new_parent, const char *actor, struct yw_err *err)
{
    return change_org(store, ledger, code, "move", new_parent, (struct yw_str){NULL, 0}, actor,
                      err);
}

int yw_org_close(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                 struct yw_str reason, const char *actor, struct yw_err *err)
{
    return change_org(store, ledger, code, "close", (struct yw_str){NULL, 0}, reason, actor, err);
}

int yw_org_list(struct yw_store *store, bool include_closed, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    int rc;

    if (list == NULL)
        return YW_ENOMEM;
    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             include_closed ? "SELECT " ORG_COLUMNS " FROM yw_orgs ORDER BY code"
                                            : "SELECT " ORG_COLUMNS
                                              " FROM yw_orgs WHERE status = 'active' ORDER BY code",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_org o;
        read_row(st, &o);
        json_array_append_new(list, yw_org_json(&o));
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return YW_OK;
}

int yw_org_history(struct yw_store *store, struct yw_str code, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    struct yw_org o;
    int rc;

    if (list == NULL)
        return YW_ENOMEM;
    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = load(txn, code, "code", &o, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "SELECT version, change, actor, COALESCE(reason, ''), changed_at, "
                             "snapshot FROM yw_org_history WHERE code = ? ORDER BY version",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, code.p, code.n);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str change = yw_stmt_column_text(st, 1), actor = yw_stmt_column_text(st, 2),
                      reason = yw_stmt_column_text(st, 3), at = yw_stmt_column_text(st, 4),
                      snap = yw_stmt_column_text(st, 5);
        json_t *item = json_pack("{s:I, s:s%, s:s%, s:s%, s:o}", "version",
                                 (json_int_t)yw_stmt_column_int64(st, 0), "change", change.p,
                                 change.n, "actor", actor.p, actor.n, "changed_at", at.p, at.n,
                                 "org", json_loadb(snap.p, snap.n, 0, NULL));
        if (item != NULL && reason.n > 0)
            json_object_set_new(item, "reason", json_stringn(reason.p, reason.n));
        json_array_append_new(list, item);
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return YW_OK;
}

int yw_org_power(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                 struct yw_str action, bool grant, const char *actor, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char now[32];
    struct yw_org o;
    int rc;

    /* Actions are dotted lower-case names: catalog.publish, case.approve. */
    bool ok = action.n >= 3 && action.n <= 64 && memchr(action.p, '.', action.n) != NULL &&
              action.p[0] != '.' && action.p[action.n - 1] != '.';
    for (size_t i = 0; ok && i < action.n; i++)
        ok = (action.p[i] >= 'a' && action.p[i] <= 'z') || action.p[i] == '_' ||
             (action.p[i] == '.' && action.p[i + 1] != '.');
    if (!ok)
        return yw_err_set(err, YW_EINVAL, "action",
                          "权力事项须为点分小写名称，如 catalog.publish / an action is a dotted "
                          "lower-case name such as catalog.publish");
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load(txn, code, "code", &o, err)) < 0)
        goto out;
    if (grant && strcmp(o.status, "active") != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "code", "机构已撤销 / the organisation is closed");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             grant ? "INSERT INTO yw_power_list (org, action, granted_at, "
                                     "granted_by) VALUES (?, ?, ?, ?)"
                                   : "DELETE FROM yw_power_list WHERE org = ? AND action = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, o.code, strlen(o.code));
    yw_stmt_bind_text(st, 2, action.p, action.n);
    if (grant) {
        yw_stmt_bind_text(st, 3, now, strlen(now));
        yw_stmt_bind_text(st, 4, actor, strlen(actor));
    }
    if ((rc = yw_stmt_step(st, err)) < 0) {
        if (rc == YW_ECONFLICT)
            yw_err_set(err, rc, "action", "该机构已有此权力 / the organisation already holds it");
        goto out;
    }
    if (!grant && yw_stmt_changes(st) == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "action",
                        "该机构没有此权力 / the organisation does "
                        "not hold it");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    uint64_t index;
    rc = yw_ledger_event(
        ledger, grant ? "org.power.grant" : "org.power.revoke",
        json_pack("{s:s, s:s, s:s%}", "actor", actor, "org", o.code, "action", action.p, action.n),
        &index, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_org_holds_power(struct yw_store *store, struct yw_str code, const char *action, bool *holds,
                       struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    *holds = false;
    int rc = yw_store_begin(store, YW_TXN_READ, &txn, err);
    if (rc == YW_OK)
        rc = yw_txn_prepare(txn,
                            "SELECT 1 FROM yw_power_list p JOIN yw_orgs o ON o.code = p.org "
                            "WHERE p.org = ? AND p.action = ? AND o.status = 'active'",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, code.p, code.n);
        yw_stmt_bind_text(st, 2, action, strlen(action));
        rc = yw_stmt_step(st, err);
        *holds = rc == 1;
    }
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc < 0 ? rc : YW_OK;
}
