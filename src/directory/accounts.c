/* Accounts and roles. */
#include "directory.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ledger/ledger.h"
#include "store/store.h"

static const char *const staff_roles[] = {"node_admin",   "cdo",       "data_steward", "approver",
                                          "window_clerk", "assistant", "supervisor",   "auditor"};

/* The role, if it fits an account of this kind. */
static bool role_fits(const char *kind, struct yw_str role)
{
    if (strcmp(kind, "citizen") == 0)
        return yw_str_eq_c(role, "citizen");
    if (strcmp(kind, "enterprise_operator") == 0)
        return yw_str_eq_c(role, "enterprise_operator");
    for (size_t i = 0; i < sizeof(staff_roles) / sizeof(staff_roles[0]); i++)
        if (yw_str_eq_c(role, staff_roles[i]))
            return true;
    return false;
}

void yw_account_mask_login(const char *login, char out[65])
{
    size_t n = strlen(login);
    bool id_like = n == 18;
    for (size_t i = 0; id_like && i < 17; i++)
        id_like = login[i] >= '0' && login[i] <= '9';
    if (!id_like) {
        (void)yw_copy(out, 65, login);
        return;
    }
    (void)yw_fmt(out, 65, "%.6s********%.4s", login, login + 14);
}

/* Reads kind and status of login into the buffers; YW_ENOTFOUND if absent. */
static int load_account(struct yw_txn *txn, struct yw_str login, char kind[24], char status[12],
                        struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT kind, status FROM yw_accounts WHERE login = ?", &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, login.p, login.n);
        rc = yw_stmt_step(st, err);
    }
    if (rc == 1) {
        struct yw_str k = yw_stmt_column_text(st, 0), s = yw_stmt_column_text(st, 1);
        (void)yw_fmt(kind, 24, "%.*s", (int)k.n, k.p);
        (void)yw_fmt(status, 12, "%.*s", (int)s.n, s.p);
        rc = YW_OK;
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "login", "没有这个账户 / no such account");
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* The organisation must be active, and an enterprise partner exactly when
 * the account is an enterprise operator's. */
static int check_org(struct yw_txn *txn, const char *org, const char *kind, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT kind, status FROM yw_orgs WHERE code = ?", &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, org, strlen(org));
        rc = yw_stmt_step(st, err);
    }
    if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "org", "没有机构 %s / no organisation %s", org, org);
    } else if (rc == 1) {
        bool partner = yw_str_eq_c(yw_stmt_column_text(st, 0), "enterprise_partner");
        rc = YW_OK;
        if (!yw_str_eq_c(yw_stmt_column_text(st, 1), "active"))
            rc = yw_err_set(err, YW_ECONFLICT, "org", "机构已撤销 / the organisation is closed");
        else if (partner != (strcmp(kind, "enterprise_operator") == 0))
            rc = yw_err_set(err, YW_EINVAL, "org",
                            "企业经办人属于合作企业，工作人员属于政府部门 / enterprise operators "
                            "belong to an enterprise partner, staff to a government body");
    }
    yw_stmt_finalize(&st);
    return rc;
}

static int insert_role(struct yw_txn *txn, const char *login, struct yw_str role, const char *now,
                       const char *actor, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "INSERT INTO yw_account_roles (login, role, granted_at, granted_by) "
                            "VALUES (?, ?, ?, ?)",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, login, strlen(login));
        yw_stmt_bind_text(st, 2, role.p, role.n);
        yw_stmt_bind_text(st, 3, now, strlen(now));
        yw_stmt_bind_text(st, 4, actor, strlen(actor));
        rc = yw_stmt_step(st, err);
        if (rc == YW_ECONFLICT)
            yw_err_set(err, rc, "role", "账户已有该角色 / the account already holds that role");
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

int yw_account_create(struct yw_store *store, struct yw_ledger *ledger,
                      const struct yw_account_new *in, struct yw_str password, const char *actor,
                      char login_out[65], struct yw_err *err)
{
    char login[65] = "", masked[65], hash[YW_PASSWORD_HASH_SIZE], now[32];
    const char *forced[] = {NULL, NULL};
    const char *const *roles = in->roles;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    const char *kind = in->kind ? in->kind : "";
    bool citizen = strcmp(kind, "citizen") == 0;
    int rc;

    if (!citizen && strcmp(kind, "staff") != 0 && strcmp(kind, "enterprise_operator") != 0)
        return yw_err_set(err, YW_EINVAL, "kind",
                          "账户类型须为 staff、citizen 或 enterprise_operator / kind must be "
                          "staff, citizen or enterprise_operator");
    if (citizen) {
        if (in->id_number == NULL)
            return yw_err_set(err, YW_EINVAL, "id_number",
                              "群众账户须有公民身份号码 / a citizen account needs the identity "
                              "number");
        if ((rc = yw_id_check_resident(yw_str_c(in->id_number), yw_now_ms(), "id_number", login,
                                       err)) < 0)
            return rc;
        forced[0] = "citizen";
        roles = forced;
    } else {
        if ((rc = yw__dir_check_slug(yw_str_c(in->login), "login", "登录名", "a login", err)) < 0 ||
            (rc = yw__dir_copy(login, sizeof(login), in->login, "login", err)) < 0)
            return rc;
        if (in->org == NULL)
            return yw_err_set(err, YW_EINVAL, "org",
                              "须指定所属机构 / the organisation is required");
        if (strcmp(kind, "enterprise_operator") == 0) {
            forced[0] = "enterprise_operator";
            roles = forced;
        }
    }
    if ((rc = yw_check_text(in->name ? in->name : "", 100, true, "name", err)) < 0)
        return rc;
    if (in->mobile && (rc = yw_id_check_mobile(yw_str_c(in->mobile), "mobile", err)) < 0)
        return rc;
    if (in->email && (rc = yw_id_check_email(yw_str_c(in->email), "email", err)) < 0)
        return rc;
    for (size_t i = 0; roles && roles[i]; i++)
        if (!role_fits(kind, yw_str_c(roles[i])))
            return yw_err_set(err, YW_EINVAL, "role",
                              "角色 %s 不适用于 %s 账户 / role %s does not fit a %s account",
                              roles[i], kind, roles[i], kind);
    if ((rc = yw_password_check_strength(password, yw_str_c(login), err)) < 0 ||
        (rc = yw_password_hash(password, hash, sizeof(hash), err)) < 0)
        return rc;

    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if (!citizen && (rc = check_org(txn, in->org, kind, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_accounts (login, kind, name, org, mobile, email, "
                             "password_hash, status, created_at, updated_at) VALUES (?, ?, ?, ?, "
                             "?, ?, ?, 'active', ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *values[] = {login, kind, in->name, citizen ? NULL : in->org, in->mobile, in->email,
                            hash,  now,  now};
    for (int i = 0; i < 9; i++)
        if (values[i] != NULL)
            yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
    if ((rc = yw_stmt_step(st, err)) < 0) {
        if (rc == YW_ECONFLICT)
            yw_err_set(err, rc, "login", "账户已存在 / the account already exists");
        goto out;
    }
    yw_stmt_finalize(&st);
    for (size_t i = 0; roles && roles[i]; i++)
        if ((rc = insert_role(txn, login, yw_str_c(roles[i]), now, actor, err)) < 0)
            goto out;
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    yw_account_mask_login(login, masked);
    json_t *role_list = json_array();
    for (size_t i = 0; roles && roles[i]; i++)
        json_array_append_new(role_list, json_string(roles[i]));
    uint64_t index;
    rc = yw_ledger_event(ledger, "account.create",
                         json_pack("{s:s, s:s, s:s, s:s?, s:o}", "actor", actor, "login", masked,
                                   "kind", kind, "org", citizen ? NULL : in->org, "roles",
                                   role_list),
                         &index, err);
    if (login_out != NULL)
        (void)yw_copy(login_out, 65, login);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_account_role(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login,
                    struct yw_str role, bool grant, const char *actor, struct yw_err *err)
{
    char kind[24], status[12], now[32], masked[65], login_c[65];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if (login.n >= sizeof(login_c))
        return yw_err_set(err, YW_ENOTFOUND, "login", "没有这个账户 / no such account");
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_account(txn, login, kind, status, err)) < 0)
        goto out;
    (void)yw_fmt(login_c, sizeof(login_c), "%.*s", (int)login.n, login.p);
    if (grant) {
        if (strcmp(status, "active") != 0) {
            rc = yw_err_set(err, YW_ECONFLICT, "login", "账户已停用 / the account is disabled");
            goto out;
        }
        if (!role_fits(kind, role)) {
            rc = yw_err_set(err, YW_EINVAL, "role",
                            "角色 %.*s 不适用于 %s 账户 / role %.*s does not fit a %s account",
                            (int)role.n, role.p, kind, (int)role.n, role.p, kind);
            goto out;
        }
        if ((rc = insert_role(txn, login_c, role, now, actor, err)) < 0)
            goto out;
    } else {
        if ((rc = yw_txn_prepare(txn, "DELETE FROM yw_account_roles WHERE login = ? AND role = ?",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_text(st, 1, login.p, login.n);
        yw_stmt_bind_text(st, 2, role.p, role.n);
        if ((rc = yw_stmt_step(st, err)) < 0)
            goto out;
        if (yw_stmt_changes(st) == 0) {
            rc = yw_err_set(err, YW_ENOTFOUND, "role",
                            "账户没有该角色 / the account does not "
                            "hold that role");
            goto out;
        }
        yw_stmt_finalize(&st);
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    yw_account_mask_login(login_c, masked);
    uint64_t index;
    rc = yw_ledger_event(
        ledger, grant ? "account.grant" : "account.revoke",
        json_pack("{s:s, s:s, s:s%}", "actor", actor, "login", masked, "role", role.p, role.n),
        &index, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_account_disable(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login,
                       struct yw_str reason, const char *actor, struct yw_err *err)
{
    char kind[24], status[12], now[32], masked[65], login_c[65], reason_c[401];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if (login.n >= sizeof(login_c))
        return yw_err_set(err, YW_ENOTFOUND, "login", "没有这个账户 / no such account");
    if (reason.n >= sizeof(reason_c))
        return yw_err_set(err, YW_EINVAL, "reason", "理由过长 / reason too long");
    (void)yw_fmt(reason_c, sizeof(reason_c), "%.*s", (int)reason.n, reason.p);
    if ((rc = yw_check_text(reason_c, 200, true, "reason", err)) < 0)
        return rc;
    (void)yw_fmt(login_c, sizeof(login_c), "%.*s", (int)login.n, login.p);
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_account(txn, login, kind, status, err)) < 0)
        goto out;
    if (strcmp(status, "active") != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "login", "账户已停用 / the account is already disabled");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_accounts SET status = 'disabled', updated_at = ? WHERE "
                             "login = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, now, strlen(now));
    yw_stmt_bind_text(st, 2, login.p, login.n);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    yw_account_mask_login(login_c, masked);
    uint64_t index;
    rc = yw_ledger_event(
        ledger, "account.disable",
        json_pack("{s:s, s:s, s:s}", "actor", actor, "login", masked, "reason", reason_c), &index,
        err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_account_list(struct yw_store *store, struct yw_str login, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array(), *current = NULL;
    char last[65] = "";
    int rc;

    if (list == NULL)
        return YW_ENOMEM;
    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             login.n > 0
                                 ? "SELECT a.login, a.kind, a.name, COALESCE(a.org, ''), a.status, "
                                   "a.created_at, COALESCE(r.role, '') FROM yw_accounts a LEFT "
                                   "JOIN yw_account_roles r ON r.login = a.login WHERE a.login = "
                                   "? ORDER BY a.login, r.role"
                                 : "SELECT a.login, a.kind, a.name, COALESCE(a.org, ''), a.status, "
                                   "a.created_at, COALESCE(r.role, '') FROM yw_accounts a LEFT "
                                   "JOIN yw_account_roles r ON r.login = a.login ORDER BY "
                                   "a.login, r.role",
                             &st, err)) < 0)
        goto out;
    if (login.n > 0)
        yw_stmt_bind_text(st, 1, login.p, login.n);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str l = yw_stmt_column_text(st, 0), role = yw_stmt_column_text(st, 6);
        char login_c[65], masked[65];
        (void)yw_fmt(login_c, sizeof(login_c), "%.*s", (int)l.n, l.p);
        if (current == NULL || strcmp(login_c, last) != 0) {
            struct yw_str kind = yw_stmt_column_text(st, 1), name = yw_stmt_column_text(st, 2),
                          org = yw_stmt_column_text(st, 3), status = yw_stmt_column_text(st, 4),
                          created = yw_stmt_column_text(st, 5);
            yw_account_mask_login(login_c, masked);
            current =
                json_pack("{s:s, s:s%, s:s%, s:s%, s:s%, s:s%, s:[]}", "login", masked, "kind",
                          kind.p, kind.n, "name", name.p, name.n, "org", org.p, org.n, "status",
                          status.p, status.n, "created_at", created.p, created.n, "roles");
            if (current == NULL || json_array_append_new(list, current) < 0) {
                rc = YW_ENOMEM;
                break;
            }
            (void)yw_copy(last, sizeof(last), login_c);
        }
        if (role.n > 0)
            json_array_append_new(json_object_get(current, "roles"), json_stringn(role.p, role.n));
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) {
        json_decref(list);
        return rc;
    }
    if (login.n > 0 && json_array_size(list) == 0) {
        json_decref(list);
        return yw_err_set(err, YW_ENOTFOUND, "login", "没有这个账户 / no such account");
    }
    *out = list;
    return YW_OK;
}
