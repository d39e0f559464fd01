/* API keys for department systems. */
#include "directory.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define KEY_PREFIX "ywk_"
#define ID_HEX 16 /* 8 random bytes */

static void secret_digest(struct yw_str secret, char out[2 * YW_HASH_SIZE + 1])
{
    uint8_t d[YW_HASH_SIZE];
    if (yw_hash(YW_PROFILE_INTL, secret.p, secret.n, d) != YW_OK)
        memset(d, 0, sizeof(d));
    yw_hex(d, sizeof(d), out);
}

int yw_key_create(struct yw_store *store, struct yw_ledger *ledger, const char *name,
                  const char *org, const char *const *roles, const char *allow_ips,
                  const char *actor, char token_out[YW_API_KEY_TOKEN_SIZE], struct yw_err *err)
{
    char id[sizeof(KEY_PREFIX) + ID_HEX], secret[2 * 32 + 1], digest[2 * YW_HASH_SIZE + 1], now[32];
    char role_text[256] = "", kind[24] = "";
    uint8_t raw[32], id_raw[ID_HEX / 2];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *role_list = NULL;
    uint64_t index;
    int rc;

    if ((rc = yw_check_text(name ? name : "", 100, true, "name", err)) < 0)
        return rc;
    if (roles == NULL || roles[0] == NULL)
        return yw_err_set(err, YW_EINVAL, "role", "须至少一个角色 / at least one role is needed");
    if (allow_ips && (rc = yw_ip_list_check(allow_ips, "allow_ips", err)) < 0)
        return rc;
    if (yw_random(raw, sizeof(raw)) < 0 || yw_random(id_raw, sizeof(id_raw)) < 0)
        return yw_err_set(err, YW_ECRYPTO, NULL, "no randomness");
    yw_hex(id_raw, sizeof(id_raw), id + strlen(KEY_PREFIX));
    memcpy(id, KEY_PREFIX, strlen(KEY_PREFIX));
    yw_hex(raw, sizeof(raw), secret);
    secret_digest(yw_str_c(secret), digest);
    if (yw_fmt(token_out, YW_API_KEY_TOKEN_SIZE, "%s.%s", id, secret) < 0)
        return yw_err_set(err, YW_EINTERNAL, NULL, "token too long");
    yw_time_rfc3339(yw_now_ms(), now);

    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    /* The organisation decides which roles fit: staff roles for a government
     * body, enterprise_operator for an enterprise partner. */
    if ((rc = yw_txn_prepare(txn, "SELECT kind, status FROM yw_orgs WHERE code = ?", &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, org ? org : "", org ? strlen(org) : 0);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 0 || !yw_str_eq_c(yw_stmt_column_text(st, 1), "active")) {
        rc = yw_err_set(err, YW_ENOTFOUND, "org",
                        "没有这个在用的机构 / no such active organisation");
        goto out;
    }
    (void)yw_copy(kind, sizeof(kind),
                  yw_str_eq_c(yw_stmt_column_text(st, 0), "enterprise_partner")
                      ? "enterprise_operator"
                      : "staff");
    yw_stmt_finalize(&st);
    role_list = json_array();
    for (size_t i = 0; roles[i]; i++) {
        unsigned bit = yw_policy_role(yw_str_c(roles[i]));
        bool fits = strcmp(kind, "staff") == 0
                        ? bit != 0 && bit != YW_ROLE_CITIZEN && bit != YW_ROLE_ENTERPRISE_OPERATOR
                        : bit == YW_ROLE_ENTERPRISE_OPERATOR;
        size_t used = strlen(role_text);
        if (!fits || yw_fmt(role_text + used, sizeof(role_text) - used, "%s%s", used ? " " : "",
                            roles[i]) < 0) {
            rc = yw_err_set(err, YW_EINVAL, "role",
                            "角色 %s 不适用于该机构的系统 / role %s does "
                            "not fit a system of this organisation",
                            roles[i], roles[i]);
            goto out;
        }
        json_array_append_new(role_list, json_string(roles[i]));
    }
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_api_keys (id, name, org, roles, secret_hash, "
                             "allow_ips, status, created_at, created_by) VALUES (?, ?, ?, ?, ?, "
                             "?, 'active', ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *values[] = {id, name, org, role_text, digest, allow_ips, now, actor};
    for (int i = 0; i < 8; i++)
        if (values[i] != NULL)
            yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
    if ((rc = yw_stmt_step(st, err)) < 0 || (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc = yw_ledger_event(ledger, "key.create",
                         json_pack("{s:s, s:s, s:s, s:s, s:O, s:s?}", "actor", actor, "id", id,
                                   "name", name, "org", org, "roles", role_list, "allow_ips",
                                   allow_ips),
                         &index, err);
out:
    if (rc < 0)
        explicit_bzero(token_out, YW_API_KEY_TOKEN_SIZE);
    json_decref(role_list);
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    explicit_bzero(secret, sizeof(secret));
    explicit_bzero(raw, sizeof(raw));
    return rc;
}

int yw_key_revoke(struct yw_store *store, struct yw_ledger *ledger, struct yw_str id,
                  struct yw_str reason, const char *actor, struct yw_err *err)
{
    char reason_c[401], now[32];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    uint64_t index;
    int rc;

    if (reason.n >= sizeof(reason_c))
        return yw_err_set(err, YW_EINVAL, "reason", "理由过长 / reason too long");
    (void)yw_fmt(reason_c, sizeof(reason_c), "%.*s", (int)reason.n, reason.p);
    if ((rc = yw_check_text(reason_c, 200, true, "reason", err)) < 0)
        return rc;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "UPDATE yw_api_keys SET status = 'revoked', revoked_at = ? WHERE id = "
                             "? AND status = 'active'",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, now, strlen(now));
    yw_stmt_bind_text(st, 2, id.p, id.n);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (yw_stmt_changes(st) == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有这个在用的密钥 / no such active key");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc = yw_ledger_event(
        ledger, "key.revoke",
        json_pack("{s:s, s:s%, s:s}", "actor", actor, "id", id.p, id.n, "reason", reason_c), &index,
        err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_key_list(struct yw_store *store, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    int rc;

    if (list == NULL)
        return YW_ENOMEM;
    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT id, name, org, roles, COALESCE(allow_ips, ''), status, "
                             "created_at, created_by, COALESCE(last_used_ms, 0) FROM yw_api_keys "
                             "ORDER BY created_at, id",
                             &st, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str c[8];
        for (int i = 0; i < 8; i++)
            c[i] = yw_stmt_column_text(st, i);
        json_array_append_new(
            list, json_pack("{s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:I}", "id", c[0].p,
                            c[0].n, "name", c[1].p, c[1].n, "org", c[2].p, c[2].n, "roles", c[3].p,
                            c[3].n, "allow_ips", c[4].p, c[4].n, "status", c[5].p, c[5].n,
                            "created_at", c[6].p, c[6].n, "created_by", c[7].p, c[7].n,
                            "last_used_ms", (json_int_t)yw_stmt_column_int64(st, 8)));
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

int yw_key_authenticate_txn(struct yw_txn *txn, struct yw_str token, const char *remote,
                            int64_t now_ms, struct yw_principal *who, bool *stale,
                            struct yw_err *err)
{
    char id[64], digest[2 * YW_HASH_SIZE + 1];
    struct yw_stmt *st = NULL;
    const char *dot = memchr(token.p, '.', token.n);
    int rc;

    memset(who, 0, sizeof(*who));
    *stale = false;
    if (dot == NULL || token.n < strlen(KEY_PREFIX) || memcmp(token.p, KEY_PREFIX, 4) != 0 ||
        (size_t)(dot - token.p) >= sizeof(id))
        return yw_err_set(err, YW_EAUTH, NULL, "API 密钥无效 / invalid API key");
    memcpy(id, token.p, (size_t)(dot - token.p));
    id[dot - token.p] = '\0';
    secret_digest((struct yw_str){dot + 1, token.n - (size_t)(dot - token.p) - 1}, digest);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT secret_hash, status, org, roles, COALESCE(allow_ips, ''), "
                             "COALESCE(last_used_ms, 0) FROM yw_api_keys WHERE id = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    struct yw_str stored = rc == 1 ? yw_stmt_column_text(st, 0) : (struct yw_str){"", 0};
    if (rc == 0 || stored.n != strlen(digest) || !yw_mem_equal(stored.p, digest, stored.n) ||
        !yw_str_eq_c(yw_stmt_column_text(st, 1), "active")) {
        rc = yw_err_set(err, YW_EAUTH, NULL, "API 密钥无效或已吊销 / invalid or revoked API key");
        goto out;
    }
    struct yw_str allow = yw_stmt_column_text(st, 4);
    if (allow.n && !yw_ip_list_allows(allow, remote ? remote : "")) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "来源地址不在该密钥的许可范围内 / this key may not be used from %s",
                        remote ? remote : "?");
        goto out;
    }
    who->kind = YW_PRINCIPAL_SYSTEM;
    (void)yw_fmt(who->login, sizeof(who->login), "key:%s", id);
    (void)yw_fmt(who->org, sizeof(who->org), "%.*s", (int)yw_stmt_column_text(st, 2).n,
                 yw_stmt_column_text(st, 2).p);
    struct yw_str roles = yw_stmt_column_text(st, 3);
    for (const char *p = roles.p, *end = roles.p + roles.n; p < end;) {
        const char *space = memchr(p, ' ', (size_t)(end - p));
        size_t n = space ? (size_t)(space - p) : (size_t)(end - p);
        who->roles |= yw_policy_role((struct yw_str){p, n});
        p += n + 1;
    }
    *stale = now_ms - yw_stmt_column_int64(st, 5) > 60000;
    yw_stmt_finalize(&st);
    rc = yw__load_powers(txn, who, err);
out:
    yw_stmt_finalize(&st);
    if (rc < 0) {
        memset(who, 0, sizeof(*who));
        *stale = false;
    }
    return rc < 0 ? rc : YW_OK;
}

int yw_key_touch(struct yw_store *store, const struct yw_principal *who, int64_t now_ms,
                 struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    const char *id = who->login + 4; /* "key:" */
    int rc;

    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "UPDATE yw_api_keys SET last_used_ms = ? WHERE id = ? AND "
                             "COALESCE(last_used_ms, 0) < ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, now_ms);
    yw_stmt_bind_text(st, 2, id, strlen(id));
    yw_stmt_bind_int64(st, 3, now_ms - 60000);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc < 0 ? rc : YW_OK;
}

int yw_key_authenticate(struct yw_store *store, struct yw_str token, const char *remote,
                        int64_t now_ms, struct yw_principal *who, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    bool stale = false;
    /* A read: every request of a system comes here; the write of its last
     * use happens at most once a minute, in its own transaction. */
    int rc = yw_store_begin(store, YW_TXN_READ, &txn, err);
    if (rc == YW_OK)
        rc = yw_key_authenticate_txn(txn, token, remote, now_ms, who, &stale, err);
    yw_store_rollback(&txn);
    if (rc == YW_OK && stale && (rc = yw_key_touch(store, who, now_ms, err)) < 0)
        memset(who, 0, sizeof(*who));
    return rc;
}
