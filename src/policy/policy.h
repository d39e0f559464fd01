/*
 * policy — who may do what. Every route goes through yw_policy_decide(); it
 * denies by default.
 *
 * For now the only principal is the anonymous one and the only action granted
 * is YW_ACTION_PUBLIC: accounts, roles and the power list (权力清单) arrive with
 * the directory, and will feed this same function.
 */
#ifndef YW_POLICY_H
#define YW_POLICY_H

#include "util/util.h"

/* The action every public route declares. Any other action needs a grant. */
#define YW_ACTION_PUBLIC "public"

enum yw_principal_kind { YW_PRINCIPAL_ANONYMOUS = 0 };

struct yw_principal {
    enum yw_principal_kind kind;
};

/* What an action is aimed at: a kind ("node", "resource" …) and an id, both
 * optional. Lent for the call. */
struct yw_policy_object {
    const char *kind;
    const char *id;
};

/* Decides whether `who` may perform `action` on `object` (NULL: none).
 * Returns 0 to allow; YW_EAUTH when nobody is signed in and the action is not
 * public; YW_EPERM when the principal lacks the grant, or when action is NULL
 * (a route that forgot to declare its permission is denied, never allowed).
 * err gets a bilingual message. Thread-safe. */
int yw_policy_decide(const struct yw_principal *who, const char *action,
                     const struct yw_policy_object *object, struct yw_err *err) YW_MUST_USE;

#endif
