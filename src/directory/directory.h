/*
 * directory — who is who: identifier checks, organisations, accounts, roles
 * and the power list (权力清单).
 *
 * Identifier checks (ids.c, divisions.c). Each check takes bytes from outside, answers YW_OK or
 * YW_EINVAL with a bilingual message naming what is wrong (err->field set to
 * the field name the caller passes), and never allocates. Thread-safe.
 */
#ifndef YW_DIRECTORY_H
#define YW_DIRECTORY_H

#include <jansson.h>

#include "crypto/crypto.h"
#include "util/util.h"

/* Resident identity number (GB 11643-1999): 18 characters; an address code
 * that is a current or retired division, or plausible for a retired one
 * (docs/internals/identifiers.md: no table of older retired codes exists);
 * a real birth date, not after today in China time (UTC+8) at now_ms (passed
 * for testability); sequence; check character by ISO 7064 MOD 11-2. A
 * lower-case x is accepted and normalised: out (may be NULL) receives the
 * normalised 18 characters and a NUL, or an empty string on refusal. */
int yw_id_check_resident(struct yw_str in, int64_t now_ms, const char *field, char out[19],
                         struct yw_err *err) YW_MUST_USE;

/* Unified social credit code (GB 32100-2015): 18 characters from
 * 0123456789ABCDEFGHJKLMNPQRTUWXY, registration authority and category codes,
 * division code, check character by weights 3^i mod 31. */
int yw_id_check_uscc(struct yw_str in, const char *field, struct yw_err *err) YW_MUST_USE;

enum yw_division_level {
    YW_DIVISION_PROVINCE = 1,   /* 110000 */
    YW_DIVISION_PREFECTURE = 2, /* 110100 */
    YW_DIVISION_COUNTY = 3      /* 110101 */
};

/* Administrative division code (GB/T 2260): 6 digits naming a current
 * division; with allow_retired also a retired or plausibly retired one (the
 * rule in docs/internals/identifiers.md). *level is written on success. */
int yw_id_check_division(struct yw_str in, bool allow_retired, const char *field,
                         enum yw_division_level *level, struct yw_err *err) YW_MUST_USE;

/* The division's name as the table has it ("北京市", "东城区"; 110100 is
 * "市辖区"), retired codes included, or NULL when the code is unknown. */
const char *yw_division_name(struct yw_str code);

/* Mainland mobile number: 11 digits, 1[3-9]xxxxxxxxx. */
int yw_id_check_mobile(struct yw_str in, const char *field, struct yw_err *err) YW_MUST_USE;

/* E-mail address syntax (the practical subset of RFC 5321/5322 that mail
 * systems accept: local@domain, at most 254 bytes, dot-atom local part,
 * a domain of LDH labels with a dot; IDN domains as UTF-8 accepted). */
int yw_id_check_email(struct yw_str in, const char *field, struct yw_err *err) YW_MUST_USE;

/* ---- organisations (orgs.c) ----------------------------------------------
 * A tree per node. Each organisation has a stable code, a level, a division,
 * a kind and an optional parent; moving or closing it keeps the row and adds
 * a history version in the same transaction, and every change is then a
 * ledger entry naming who made it (actor: "cli:<user>" or "account:<id>"). */

#define YW_ORG_CODE_MAX 64

struct yw_org {
    char code[YW_ORG_CODE_MAX + 1];   /* [a-z0-9][a-z0-9._-]*, 2-64 bytes */
    char name[401];                   /* 1-100 characters */
    char uscc[19];                    /* "" when none; required for enterprise partners */
    char level[16];                   /* national province city county township */
    char division[7];                 /* GB/T 2260, current */
    char parent[YW_ORG_CODE_MAX + 1]; /* "" for a root */
    char kind[24];                    /* department data_authority approval_bureau supervision
                                         enterprise_partner other */
    char liaison[401];                /* liaison officer (联络员), "" when none */
    char liaison_phone[16];
    char status[8]; /* active closed */
    char created_at[32];
    char updated_at[32];
};

struct yw_ledger;
struct yw_store;
struct yw_txn;

/* Checks org (code, name, level, kind, division, USCC, liaison phone, parent
 * active and not of a higher level than the child) and creates it. */
int yw_org_create(struct yw_store *store, struct yw_ledger *ledger, const struct yw_org *org,
                  const char *actor, struct yw_err *err) YW_MUST_USE;
int yw_org_get(struct yw_store *store, struct yw_str code, struct yw_org *out,
               struct yw_err *err) YW_MUST_USE;
/* Moves code under new_parent ("" makes it a root); refuses cycles. */
int yw_org_move(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                struct yw_str new_parent, const char *actor, struct yw_err *err) YW_MUST_USE;
/* Closes code (reason required); refuses while it has active children. */
int yw_org_close(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                 struct yw_str reason, const char *actor, struct yw_err *err) YW_MUST_USE;
/* All organisations (closed ones too when include_closed), by code, as a
 * JSON array the caller owns. */
int yw_org_list(struct yw_store *store, bool include_closed, json_t **out,
                struct yw_err *err) YW_MUST_USE;
/* The organisation's versions, oldest first, as a JSON array the caller owns. */
int yw_org_history(struct yw_store *store, struct yw_str code, json_t **out,
                   struct yw_err *err) YW_MUST_USE;
/* The organisation as JSON (a new reference). */
json_t *yw_org_json(const struct yw_org *org);

/* The power list (权力清单): grants or withdraws an action (a dotted name such
 * as "catalog.publish") for an active organisation. Ledger entries
 * org.power.grant / org.power.revoke. */
int yw_org_power(struct yw_store *store, struct yw_ledger *ledger, struct yw_str code,
                 struct yw_str action, bool grant, const char *actor,
                 struct yw_err *err) YW_MUST_USE;
/* Whether the active organisation code holds action on its power list
 * (false for an unknown or closed one). */
int yw_org_holds_power(struct yw_store *store, struct yw_str code, const char *action, bool *holds,
                       struct yw_err *err) YW_MUST_USE;

/* ---- accounts and roles (accounts.c) -------------------------------------
 * Staff (in an organisation that is not an enterprise partner), citizens
 * (login = their resident identity number, checked and normalised) and
 * enterprise operators (in an enterprise partner). Passwords meet the
 * strength rule and are stored as Argon2id strings; no password ever reaches
 * a log, a response or the ledger, and identity numbers appear masked. */

struct yw_account_new {
    const char *kind;  /* staff citizen enterprise_operator */
    const char *login; /* staff, operators: [a-z0-9][a-z0-9._-]{2,63}; citizens: NULL */
    const char *name;
    const char *org;          /* staff, operators */
    const char *id_number;    /* citizens */
    const char *mobile;       /* optional */
    const char *email;        /* optional */
    const char *const *roles; /* NULL-terminated; citizens get "citizen", operators
                                 "enterprise_operator" whatever is passed */
};

/* Creates the account with password (strength checked against the login);
 * login_out (may be NULL, 65 bytes) gets the login. Ledger: account.create. */
int yw_account_create(struct yw_store *store, struct yw_ledger *ledger,
                      const struct yw_account_new *in, struct yw_str password, const char *actor,
                      char login_out[65], struct yw_err *err) YW_MUST_USE;
/* Grants or revokes one role, effective at once. Ledger: account.grant /
 * account.revoke. Refuses roles that do not fit the account's kind. */
int yw_account_role(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login,
                    struct yw_str role, bool grant, const char *actor,
                    struct yw_err *err) YW_MUST_USE;
/* Disables the account (reason required). Ledger: account.disable. */
int yw_account_disable(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login,
                       struct yw_str reason, const char *actor, struct yw_err *err) YW_MUST_USE;
/* Accounts (or one, when login.n > 0) as a JSON array with their roles; the
 * caller owns it. Identity numbers are masked. */
int yw_account_list(struct yw_store *store, struct yw_str login, json_t **out,
                    struct yw_err *err) YW_MUST_USE;
/* Masks a login that is an identity number: 110101********1234. */
void yw_account_mask_login(const char *login, char out[65]);

/* ---- sign-in and sessions (sessions.c) -----------------------------------
 * People sign in with login and password and get a session: a random token
 * for an HttpOnly cookie (only its hash is stored) and a CSRF token. Each
 * failed sign-in is answered more slowly; after max_failures in a row the
 * account is locked for lockout_ms, even for the right password. Sessions end
 * after idle_ms without use or max_ms after sign-in, and with the account. */

struct yw_auth_config {
    int64_t idle_ms;
    int64_t max_ms;
    int max_failures;
    int64_t lockout_ms;
    enum yw_profile profile;            /* seals the stored TOTP secrets */
    uint8_t seal_key[YW_SEAL_KEY_SIZE]; /* derived from the node's key */
};

#define YW_SESSION_TOKEN_SIZE 48 /* base64url of 32 random bytes (43), a NUL, room */
#define YW_CSRF_TOKEN_SIZE 65    /* hex of 32 random bytes, and a NUL */

struct yw_principal;

/* Signs in with login, password and, for an account that has enrolled one,
 * the current one-time code (totp; {NULL, 0} otherwise). On success writes the new session's token
 * and CSRF token and fills who (roles read now). Unknown login and wrong password give the same
 * YW_EAUTH answer after the same work; a locked account YW_ELIMIT. A previous
 * session (old_token, may be empty) is ended first: no session fixation.
 * Ledger: auth.login, and auth.lockout when an account locks. */
int yw_auth_login(struct yw_store *store, struct yw_ledger *ledger, struct yw_str login,
                  struct yw_str password, struct yw_str totp, struct yw_str old_token,
                  const char *remote, int64_t now_ms, const struct yw_auth_config *limits,
                  char token_out[YW_SESSION_TOKEN_SIZE], char csrf_out[YW_CSRF_TOKEN_SIZE],
                  struct yw_principal *who, struct yw_err *err) YW_MUST_USE;
/* The principal behind a session token, with its current roles; YW_EAUTH
 * (the session removed) when it is unknown, expired or its account disabled. */
int yw_auth_session(struct yw_store *store, struct yw_str token, int64_t now_ms,
                    const struct yw_auth_config *limits, struct yw_principal *who,
                    char csrf_out[YW_CSRF_TOKEN_SIZE], struct yw_err *err) YW_MUST_USE;
/* Enrols login for one-time codes (a new secret, sealed; uri_out gets the
 * otpauth:// URI to show once as a QR code) or, with disable, removes them.
 * Ledger: account.totp.enable / account.totp.disable. */
int yw_auth_totp(struct yw_store *store, struct yw_ledger *ledger, const struct yw_auth_config *cfg,
                 struct yw_str login, bool disable, const char *actor, char uri_out[512],
                 struct yw_err *err) YW_MUST_USE;

/* Ends the session (no error if it is already gone). */
int yw_auth_logout(struct yw_store *store, struct yw_str token, struct yw_err *err) YW_MUST_USE;

/* ---- API keys for department systems (keys.c) -----------------------------
 * A key belongs to an organisation, carries roles that fit it, and may be
 * limited to source addresses (IPv4/IPv6 addresses or CIDR blocks). It is
 * presented as "Authorization: Bearer ywk_<id>.<secret>", the secret 256
 * random bits shown once at creation and stored only as its SHA-256. */

#define YW_API_KEY_TOKEN_SIZE 96 /* "ywk_" + 16 hex + "." + 64 hex + NUL = 86 */

/* Creates a key; token_out gets the whole token, to be shown once. roles is
 * NULL-terminated; allow_ips a comma-separated list or NULL. Ledger:
 * key.create (never the secret). */
int yw_key_create(struct yw_store *store, struct yw_ledger *ledger, const char *name,
                  const char *org, const char *const *roles, const char *allow_ips,
                  const char *actor, char token_out[YW_API_KEY_TOKEN_SIZE],
                  struct yw_err *err) YW_MUST_USE;
/* Revokes key id, effective at once. Ledger: key.revoke. */
int yw_key_revoke(struct yw_store *store, struct yw_ledger *ledger, struct yw_str id,
                  struct yw_str reason, const char *actor, struct yw_err *err) YW_MUST_USE;
/* All keys, without secrets, as a JSON array the caller owns. */
int yw_key_list(struct yw_store *store, json_t **out, struct yw_err *err) YW_MUST_USE;
/* The principal behind a bearer token from remote: YW_EAUTH for an unknown,
 * malformed or revoked key or a wrong secret; YW_EPERM when remote is outside
 * the key's allow list. Records the last use (at most once a minute). */
int yw_key_authenticate(struct yw_store *store, struct yw_str token, const char *remote,
                        int64_t now_ms, struct yw_principal *who, struct yw_err *err) YW_MUST_USE;
/* The same inside txn (a read transaction the caller owns, which may go on
 * to serve the request): *stale is true when the key's last use should be
 * recorded, by yw_key_touch() once txn has ended (a write needs its own
 * transaction, and one thread never holds two connections). */
int yw_key_authenticate_txn(struct yw_txn *txn, struct yw_str token, const char *remote,
                            int64_t now_ms, struct yw_principal *who, bool *stale,
                            struct yw_err *err) YW_MUST_USE;
int yw_key_touch(struct yw_store *store, const struct yw_principal *who, int64_t now_ms,
                 struct yw_err *err) YW_MUST_USE;

#endif
