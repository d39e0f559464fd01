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

#endif
