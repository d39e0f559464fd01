/*
 * policy — who may do what. Every route goes through yw_policy_decide(); it
 * denies by default.
 *
 * The decision is data: a static table says which roles may perform which
 * action (policy.c); the principal carries its roles, resolved from the
 * directory at each request, so a grant or revocation takes effect at once.
 * Actions that exercise a government power (publishing a catalog resource,
 * approving a case …) also need the principal's organisation to hold that
 * action on its power list (权力清单): a role alone is not enough.
 */
#ifndef YW_POLICY_H
#define YW_POLICY_H

#include "util/util.h"

/* The action every public route declares. Any other action needs a grant. */
#define YW_ACTION_PUBLIC "public"

/* Any signed-in principal may perform this on itself (who am I, sign out). */
#define YW_ACTION_SELF "auth.self"

enum yw_principal_kind {
    YW_PRINCIPAL_ANONYMOUS = 0,
    YW_PRINCIPAL_ACCOUNT = 1, /* a person, by session */
    YW_PRINCIPAL_SYSTEM = 2   /* a department system, by API key; login is "key:<id>" */
};

enum yw_role {
    YW_ROLE_NODE_ADMIN = 1 << 0,
    YW_ROLE_CDO = 1 << 1,
    YW_ROLE_DATA_STEWARD = 1 << 2,
    YW_ROLE_APPROVER = 1 << 3,
    YW_ROLE_WINDOW_CLERK = 1 << 4,
    YW_ROLE_ASSISTANT = 1 << 5,
    YW_ROLE_SUPERVISOR = 1 << 6,
    YW_ROLE_AUDITOR = 1 << 7,
    YW_ROLE_ENTERPRISE_OPERATOR = 1 << 8,
    YW_ROLE_CITIZEN = 1 << 9
};

/* Staff of any kind: not citizens, not enterprise operators. */
#define YW_ROLES_STAFF                                                                             \
    (YW_ROLE_NODE_ADMIN | YW_ROLE_CDO | YW_ROLE_DATA_STEWARD | YW_ROLE_APPROVER |                  \
     YW_ROLE_WINDOW_CLERK | YW_ROLE_ASSISTANT | YW_ROLE_SUPERVISOR | YW_ROLE_AUDITOR)

#define YW_POWERS_MAX 32

struct yw_principal {
    enum yw_principal_kind kind;
    char login[65];
    char org[65];
    unsigned roles; /* enum yw_role bits */
    /* The organisation's power list (权力清单), read with the roles. */
    int n_powers;
    char powers[YW_POWERS_MAX][65];
};

/* The role's bit for its name ("node_admin"), 0 for none. */
unsigned yw_policy_role(struct yw_str name);
/* The name of one role bit, NULL for none. */
const char *yw_policy_role_name(unsigned bit);

/* What an action is aimed at: a kind ("node", "resource" …), an id and the
 * organisation that owns it, all optional. Lent for the call. */
struct yw_policy_object {
    const char *kind;
    const char *id;
    const char *org; /* actions scoped to the own organisation compare this */
};

/* Decides whether `who` may perform `action` on `object` (NULL: none).
 * Returns 0 to allow; YW_EAUTH when nobody is signed in and the action is not
 * public; YW_EPERM when the principal lacks the grant, or when action is NULL
 * (a route that forgot to declare its permission is denied, never allowed).
 * Actions scoped to the principal's own organisation (a data steward edits
 * only its own department's resources) are allowed without an object, for
 * the route gate, and against an object only when object->org is the
 * principal's organisation.
 * err gets a bilingual message. Thread-safe. */
int yw_policy_decide(const struct yw_principal *who, const char *action,
                     const struct yw_policy_object *object, struct yw_err *err) YW_MUST_USE;

/* Whether who oversees everything an action covers, across organisations:
 * node admins and auditors always, otherwise whoever may perform
 * authority_action (catalog.review, exchange.arbitrate …); who NULL is the
 * node's own console and oversees all. */
bool yw_policy_oversees(const struct yw_principal *who, const char *authority_action);

/* ---- masking (脱敏, mask.c) ------------------------------------------------
 * The operators the data exchange applies to each delivered field; the
 * catalog names them by these strings (src/catalog/rules.c) and
 * docs/internals/catalog.md says which applies by default. Characters are
 * Unicode code points: nothing is ever cut in the middle of a UTF-8 sequence.
 * A value whose shape does not fit its operator (an identity number of the
 * wrong length, a mobile that is not 11 digits …) is redacted entirely,
 * never passed through; and an operator that shows part of a value never
 * shows all of it (but an address that stops at its county shows that). */
#include "crypto/crypto.h"

enum yw_mask_kind {
    YW_MASK_KEEP,      /* "keep": unchanged */
    YW_MASK_REDACT,    /* "redact": every character becomes '*' (the length stays visible) */
    YW_MASK_ENDS,      /* "ends:M:N": the first M and last N characters, the rest '*' */
    YW_MASK_ID_NUMBER, /* "id_number": 110101********1234; 15 digits: 110101******123 */
    YW_MASK_MOBILE,    /* "mobile": 138****1234, a leading +86 or 86 kept */
    YW_MASK_BANK_CARD, /* "bank_card": 12-19 digits (spaces dropped): 622202*********1234 */
    YW_MASK_NAME,      /* "name": 张*, 欧阳**; Latin names L* W** */
    YW_MASK_ADDRESS,   /* "address": to the county level, then ***: 北京市东城区*** */
    YW_MASK_EMAIL,     /* "email": z*******@example.com */
    YW_MASK_YEAR,      /* "year": a date or RFC 3339 date-time to its year, 2024 */
    YW_MASK_HASH,      /* "hash": keyed pseudonym, 32 lower-case hex digits */
    YW_MASK_NULL       /* "null": JSON null */
};

#define YW_MASK_ENDS_MAX 32 /* M and N of "ends:M:N" are 0..32 */

struct yw_mask {
    enum yw_mask_kind kind;
    int first, last; /* YW_MASK_ENDS only: M and N */
};

/* Parses an operator name: one of keep redact id_number mobile bank_card
 * name address email year hash null, or ends:M:N with M and N decimal in
 * 0..YW_MASK_ENDS_MAX without sign or leading zeros ("ends:3:4"). Anything
 * else is YW_EINVAL naming field, with a bilingual message listing the
 * operators; *out is then unchanged. Thread-safe. */
int yw_mask_parse(struct yw_str name, struct yw_mask *out, const char *field,
                  struct yw_err *err) YW_MUST_USE;

/* The canonical name of m ("id_number", "ends:3:4"), which yw_mask_parse
 * reads back, into out (16 bytes are enough; empty when it does not fit);
 * "unknown" for an invalid kind. */
void yw_mask_name(const struct yw_mask *m, char *out, size_t out_size);

/* The secret for keyed pseudonyms (operator hash), lent for the call: a
 * dedicated secret of at least YW_MASK_KEY_MIN bytes, such as
 * yw_key_derive_secret(node key, "yiwang mask v1"), never the signing key
 * itself. profile chooses HMAC-SM3 (gm) or HMAC-SHA-256 (intl). */
#define YW_MASK_KEY_MIN 16
struct yw_mask_key {
    enum yw_profile profile;
    const uint8_t *key;
    size_t key_len;
};

/* Masks value (UTF-8 text, as stored) and appends the result to out.
 * *is_null is set true when the result is JSON null (operator null, or
 * value.p NULL: an SQL NULL stays NULL under every operator) and nothing is
 * appended; false otherwise. key is used by hash only (NULL for the others).
 *
 * Never fails on odd input: a value that does not fit the operator's shape
 * is redacted as by "redact". Invalid UTF-8 bytes count as one character
 * each; one that is kept is written as U+FFFD, so the output is always valid
 * UTF-8 (keep returns valid input byte for byte). See mask.c for each
 * operator's exact rule.
 *
 * Errors, with out left as it was: YW_ETOOBIG/YW_ENOMEM from the buffer;
 * YW_EINVAL for a caller's bug (m, out or is_null NULL, an invalid kind or
 * ends bound, hash without a key of at least YW_MASK_KEY_MIN bytes or with an
 * invalid profile); YW_ECRYPTO if the HMAC fails. Thread-safe. */
int yw_mask_apply(const struct yw_mask *m, struct yw_str value, const struct yw_mask_key *key,
                  struct yw_buf *out, bool *is_null) YW_MUST_USE;
/* ---- end of masking ------------------------------------------------------- */

#endif
