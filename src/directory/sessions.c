/* Sign-in, lockout and sessions. */
#include "directory.h"
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/crypto.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

/* Unknown logins are checked against this hash, made once per process, so
 * that they cost the same time as a wrong password. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[YW_PASSWORD_HASH_SIZE];

static void make_dummy_hash(void)
{
    uint8_t raw[24];
    char text[40];
    if (yw_random(raw, sizeof(raw)) == YW_OK) {
        yw_base64(raw, sizeof(raw), text);
        if (yw_password_hash(yw_str_c(text), dummy_hash, sizeof(dummy_hash), NULL) != YW_OK)
            dummy_hash[0] = '\0';
    }
}

static void token_hash(struct yw_str token, char out[2 * YW_HASH_SIZE + 1])
{
    uint8_t digest[YW_HASH_SIZE];
    /* SHA-256 whatever the profile: the hash only names the row. */
    if (yw_hash(YW_PROFILE_INTL, token.p, token.n, digest) != YW_OK)
        memset(digest, 0, sizeof(digest));
    yw_hex(digest, sizeof(digest), out);
}

static void base64url(const uint8_t *p, size_t n, char *out)
{
    yw_base64(p, n, out);
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '=')
        out[--len] = '\0';
    for (size_t i = 0; i < len; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
}

/* Citizens type their identity number with a lower-case x now and then. */
static void normalise_login(struct yw_str in, char out[65])
{
    size_t n = in.n < 64 ? in.n : 64;
    memcpy(out, in.p, n);
    out[n] = '\0';
    if (n == 18 && out[17] == 'x')
        out[17] = 'X';
}

static int load_roles(struct yw_txn *txn, struct yw_principal *who, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT role FROM yw_account_roles WHERE login = ?", &st, err);
    if (rc == YW_OK)
        yw_stmt_bind_text(st, 1, who->login, strlen(who->login));
    while (rc >= 0 && (rc = yw_stmt_step(st, err)) == 1)
        who->roles |= yw_policy_role(yw_stmt_column_text(st, 0));
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : yw__load_powers(txn, who, err);
}

static int exec_bound(struct yw_txn *txn, const char *sql, const char *const *text, size_t n_text,
                      const int64_t *ints, size_t n_ints, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, sql, &st, err);
    for (size_t i = 0; rc == YW_OK && i < n_text; i++)
        if (text[i] != NULL)
            yw_stmt_bind_text(st, (int)i + 1, text[i], strlen(text[i]));
    for (size_t i = 0; rc == YW_OK && i < n_ints; i++)
        yw_stmt_bind_int64(st, (int)(n_text + i) + 1, ints[i]);
    if (rc == YW_OK)
        rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

static int record_totp_step(struct yw_txn *txn, const char *login, int64_t step, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc =
        yw_txn_prepare(txn, "UPDATE yw_accounts SET totp_last_step = ? WHERE login = ?", &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_int64(st, 1, step);
        yw_stmt_bind_text(st, 2, login, strlen(login));
        rc = yw_stmt_step(st, err);
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* Opens the sealed secret and checks code against the current time step and
 * one either side; a step not after the last accepted one is a replay. */
static int check_totp(const struct yw_auth_config *cfg, const char *login, const char *sealed_b64,
                      struct yw_str code, int64_t now_ms, int64_t last_step, int64_t *step)
{
    uint8_t sealed[256], secret[YW_TOTP_SECRET_MAX];
    size_t sealed_n = 0, secret_n = 0;
    int rc;

    if (code.n == 0)
        return YW_EAUTH;
    if (yw_base64_decode(yw_str_c(sealed_b64), sealed, sizeof(sealed), &sealed_n) < 0 ||
        yw_open(cfg->profile, cfg->seal_key, login, strlen(login), sealed, sealed_n, secret,
                sizeof(secret), &secret_n) < 0)
        return YW_EINTERNAL;
    rc = yw_totp_verify(secret, secret_n, code, now_ms / 1000, 1, step);
    explicit_bzero(secret, sizeof(secret));
    if (rc == YW_OK && *step <= last_step)
        rc = YW_EVERIFY;
    return rc == YW_OK ? YW_OK : YW_EAUTH;
}

static void slow_down(int failures)
{
    int steps = failures < 5 ? failures : 5;
    struct timespec ts = {0, (long)steps * 200 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

int yw_auth_login(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login_in,
                  struct yw_str password, struct yw_str totp, struct yw_str old_token,
                  const char *remote, int64_t now_ms, const struct yw_auth_config *limits,
                  char token_out[YW_SESSION_TOKEN_SIZE], char csrf_out[YW_CSRF_TOKEN_SIZE],
                  struct yw_principal *who, struct yw_err *err)
{
    char login[65], hash[YW_PASSWORD_HASH_SIZE] = "", status[12] = "", org[65] = "";
    char masked[65], token_digest[2 * YW_HASH_SIZE + 1];
    int64_t locked_until = 0, failures = 0, totp_last = -1, totp_step = -1;
    char totp_sealed[256] = "";
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    bool found = false;
    uint64_t index;
    int rc;

    pthread_once(&dummy_once, make_dummy_hash);
    if (login_in.n == 0 || login_in.n > 64 || password.n == 0)
        return yw_err_set(err, YW_EINVAL, login_in.n ? "password" : "login",
                          "请填写登录名和密码 / enter your login and password");
    normalise_login(login_in, login);
    yw_account_mask_login(login, masked);

    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT password_hash, status, COALESCE(org, ''), failed_logins, "
                             "COALESCE(locked_until, '0'), COALESCE(totp_secret, ''), "
                             "COALESCE(totp_last_step, -1) FROM yw_accounts WHERE login = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, login, strlen(login));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 1) {
        found = true;
        (void)yw_fmt(hash, sizeof(hash), "%.*s", (int)yw_stmt_column_text(st, 0).n,
                     yw_stmt_column_text(st, 0).p);
        (void)yw_fmt(status, sizeof(status), "%.*s", (int)yw_stmt_column_text(st, 1).n,
                     yw_stmt_column_text(st, 1).p);
        (void)yw_fmt(org, sizeof(org), "%.*s", (int)yw_stmt_column_text(st, 2).n,
                     yw_stmt_column_text(st, 2).p);
        failures = yw_stmt_column_int64(st, 3);
        if (yw_parse_int64(yw_stmt_column_text(st, 4), 0, INT64_MAX, &locked_until) < 0)
            locked_until = 0;
        struct yw_str sealed = yw_stmt_column_text(st, 5);
        if (sealed.n > 0 && sealed.n < sizeof(totp_sealed)) {
            memcpy(totp_sealed, sealed.p, sealed.n);
            totp_sealed[sealed.n] = '\0';
        }
        totp_last = yw_stmt_column_int64(st, 6);
    }
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);

    if (found && locked_until > now_ms) {
        rc = yw_err_set(err, YW_ELIMIT, NULL,
                        "登录失败次数过多，账户已暂时锁定，请 %lld 分钟后再试 / too many failed "
                        "sign-ins: the account is locked for %lld more minutes",
                        (long long)((locked_until - now_ms) / 60000 + 1),
                        (long long)((locked_until - now_ms) / 60000 + 1));
        goto out;
    }
    /* The same work whether or not the account exists. */
    rc = yw_password_verify(password, found ? hash : dummy_hash);
    /* An enrolled account also needs the current one-time code, used once. */
    if (rc == YW_OK && found && totp_sealed[0] != '\0')
        rc = check_totp(limits, login, totp_sealed, totp, now_ms, totp_last, &totp_step);
    if (!found || rc != YW_OK || strcmp(status, "active") != 0) {
        if (found) {
            bool lock = failures + 1 >= limits->max_failures;
            char until[24];
            (void)yw_fmt(until, sizeof(until), "%lld",
                         (long long)(lock ? now_ms + limits->lockout_ms : 0));
            const char *text[] = {lock ? until : NULL, login};
            if (yw_store_begin(store, YW_TXN_WRITE, &txn, err) == YW_OK &&
                exec_bound(txn,
                           lock ? "UPDATE yw_accounts SET failed_logins = 0, locked_until = ? "
                                  "WHERE login = ?"
                                : "UPDATE yw_accounts SET failed_logins = failed_logins + 1, "
                                  "locked_until = ? WHERE login = ?",
                           text, 2, NULL, 0, err) == YW_OK &&
                yw_store_commit(&txn, err) == YW_OK && lock &&
                yw_ledger_event(ledger, "auth.lockout",
                                json_pack("{s:s, s:I}", "login", masked, "until_ms",
                                          (json_int_t)(now_ms + limits->lockout_ms)),
                                &index, NULL) < 0)
                yw_log(YW_LOG_ERROR, "lockout_not_recorded", NULL);
            yw_store_rollback(&txn);
        }
        slow_down((int)failures + 1);
        rc = yw_err_set(err, YW_EAUTH, NULL,
                        "登录名、密码或动态码错误 / the login, the password or the one-time code "
                        "is wrong");
        goto out;
    }

    /* Success: end any previous session, open a new one. */
    uint8_t raw[32], csrf_raw[32];
    if (yw_random(raw, sizeof(raw)) < 0 || yw_random(csrf_raw, sizeof(csrf_raw)) < 0) {
        rc = yw_err_set(err, YW_ECRYPTO, NULL, "no randomness");
        goto out;
    }
    base64url(raw, sizeof(raw), token_out);
    yw_hex(csrf_raw, sizeof(csrf_raw), csrf_out);
    token_hash(yw_str_c(token_out), token_digest);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if (old_token.n > 0) {
        char old_digest[2 * YW_HASH_SIZE + 1];
        token_hash(old_token, old_digest);
        const char *text[] = {old_digest};
        if ((rc = exec_bound(txn, "DELETE FROM yw_sessions WHERE token_hash = ?", text, 1, NULL, 0,
                             err)) < 0)
            goto out;
    }
    const char *reset[] = {login};
    const char *text[] = {token_digest, login, csrf_out, remote};
    int64_t times[] = {now_ms, now_ms};
    if ((rc = exec_bound(txn,
                         "UPDATE yw_accounts SET failed_logins = 0, locked_until = NULL WHERE "
                         "login = ?",
                         reset, 1, NULL, 0, err)) < 0 ||
        (totp_step >= 0 && (rc = record_totp_step(txn, login, totp_step, err)) < 0) ||
        (rc = exec_bound(txn,
                         "INSERT INTO yw_sessions (token_hash, login, csrf, remote, created_ms, "
                         "seen_ms) VALUES (?, ?, ?, ?, ?, ?)",
                         text, 4, times, 2, err)) < 0)
        goto out;
    memset(who, 0, sizeof(*who));
    who->kind = YW_PRINCIPAL_ACCOUNT;
    (void)yw_copy(who->login, sizeof(who->login), login);
    (void)yw_copy(who->org, sizeof(who->org), org);
    if ((rc = load_roles(txn, who, err)) < 0 || (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    rc = yw_ledger_event(ledger, "auth.login",
                         json_pack("{s:s, s:s}", "login", masked, "remote", remote ? remote : ""),
                         &index, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) {
        token_out[0] = '\0';
        csrf_out[0] = '\0';
    }
    return rc;
}

int yw_auth_session(struct yw_store *store, struct yw_str token, int64_t now_ms,
                    const struct yw_auth_config *limits, struct yw_principal *who,
                    char csrf_out[YW_CSRF_TOKEN_SIZE], struct yw_err *err)
{
    char digest[2 * YW_HASH_SIZE + 1];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    bool expired = false;
    int rc;

    memset(who, 0, sizeof(*who));
    if (token.n == 0 || token.n >= YW_SESSION_TOKEN_SIZE)
        return yw_err_set(err, YW_EAUTH, NULL, "请先登录 / please sign in");
    token_hash(token, digest);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT s.login, s.csrf, s.created_ms, s.seen_ms, a.status, "
                             "COALESCE(a.org, '') FROM yw_sessions s JOIN yw_accounts a ON "
                             "a.login = s.login WHERE s.token_hash = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, digest, strlen(digest));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = yw_err_set(err, YW_EAUTH, NULL, "请先登录 / please sign in");
        goto out;
    }
    struct yw_str login = yw_stmt_column_text(st, 0), csrf = yw_stmt_column_text(st, 1);
    int64_t created = yw_stmt_column_int64(st, 2), seen = yw_stmt_column_int64(st, 3);
    expired = now_ms - seen > limits->idle_ms || now_ms - created > limits->max_ms ||
              !yw_str_eq_c(yw_stmt_column_text(st, 4), "active");
    who->kind = YW_PRINCIPAL_ACCOUNT;
    (void)yw_fmt(who->login, sizeof(who->login), "%.*s", (int)login.n, login.p);
    (void)yw_fmt(who->org, sizeof(who->org), "%.*s", (int)yw_stmt_column_text(st, 5).n,
                 yw_stmt_column_text(st, 5).p);
    (void)yw_fmt(csrf_out, YW_CSRF_TOKEN_SIZE, "%.*s", (int)csrf.n, csrf.p);
    yw_stmt_finalize(&st);
    const char *text[] = {digest};
    if (expired) {
        memset(who, 0, sizeof(*who));
        csrf_out[0] = '\0';
        if ((rc = exec_bound(txn, "DELETE FROM yw_sessions WHERE token_hash = ?", text, 1, NULL, 0,
                             err)) == YW_OK &&
            (rc = yw_store_commit(&txn, err)) == YW_OK)
            rc = yw_err_set(err, YW_EAUTH, NULL,
                            "会话已过期，请重新登录 / the session has ended, please sign in again");
        goto out;
    }
    int64_t times[] = {now_ms};
    if ((rc = load_roles(txn, who, err)) < 0 ||
        (rc = exec_bound(txn, "UPDATE yw_sessions SET seen_ms = ? WHERE token_hash = ?", NULL, 0,
                         times, 1, err)) < 0)
        goto out;
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    if (rc < 0) {
        memset(who, 0, sizeof(*who));
        csrf_out[0] = '\0';
    }
    return rc;
}

int yw_auth_logout(struct yw_store *store, struct yw_str token, struct yw_err *err)
{
    char digest[2 * YW_HASH_SIZE + 1];
    struct yw_txn *txn = NULL;
    const char *text[] = {digest};
    int rc;

    token_hash(token, digest);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) == YW_OK &&
        (rc = exec_bound(txn, "DELETE FROM yw_sessions WHERE token_hash = ?", text, 1, NULL, 0,
                         err)) == YW_OK)
        rc = yw_store_commit(&txn, err);
    yw_store_rollback(&txn);
    return rc;
}

int yw_auth_totp(struct yw_store *store, struct yw_ledger *ledger, const struct yw_auth_config *cfg,
                 struct yw_str login, bool disable, const char *actor, char uri_out[512],
                 struct yw_err *err)
{
    uint8_t secret[YW_TOTP_SECRET_SIZE], sealed[YW_TOTP_SECRET_SIZE + YW_SEAL_OVERHEAD];
    char login_c[65], sealed_b64[128], masked[65];
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    size_t sealed_n = 0;
    uint64_t index;
    int rc;

    if (login.n == 0 || login.n >= sizeof(login_c))
        return yw_err_set(err, YW_ENOTFOUND, "login", "没有这个账户 / no such account");
    memcpy(login_c, login.p, login.n);
    login_c[login.n] = '\0';
    uri_out[0] = '\0';
    if (!disable) {
        if (yw_random(secret, sizeof(secret)) < 0 ||
            yw_seal(cfg->profile, cfg->seal_key, login_c, strlen(login_c), secret, sizeof(secret),
                    sealed, sizeof(sealed), &sealed_n) < 0) {
            rc = yw_err_set(err, YW_ECRYPTO, NULL, "cannot seal the secret");
            goto out;
        }
        yw_base64(sealed, sealed_n, sealed_b64);
        if ((rc = yw_totp_uri(yw_str_c(login_c), secret, sizeof(secret), uri_out, 512, err)) < 0)
            goto out;
    }
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "UPDATE yw_accounts SET totp_secret = ?, totp_last_step = NULL "
                             "WHERE login = ? AND status = 'active'",
                             &st, err)) < 0)
        goto out;
    if (!disable)
        yw_stmt_bind_text(st, 1, sealed_b64, strlen(sealed_b64));
    yw_stmt_bind_text(st, 2, login_c, strlen(login_c));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (yw_stmt_changes(st) == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "login", "没有这个在用的账户 / no such active account");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    yw_account_mask_login(login_c, masked);
    rc = yw_ledger_event(ledger, disable ? "account.totp.disable" : "account.totp.enable",
                         json_pack("{s:s, s:s}", "actor", actor, "login", masked), &index, err);
out:
    if (rc < 0)
        uri_out[0] = '\0';
    explicit_bzero(secret, sizeof(secret));
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}
