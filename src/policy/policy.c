#include "policy.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} role_names[] = {
    {"node_admin", YW_ROLE_NODE_ADMIN},
    {"cdo", YW_ROLE_CDO},
    {"data_steward", YW_ROLE_DATA_STEWARD},
    {"approver", YW_ROLE_APPROVER},
    {"window_clerk", YW_ROLE_WINDOW_CLERK},
    {"assistant", YW_ROLE_ASSISTANT},
    {"supervisor", YW_ROLE_SUPERVISOR},
    {"auditor", YW_ROLE_AUDITOR},
    {"enterprise_operator", YW_ROLE_ENTERPRISE_OPERATOR},
    {"citizen", YW_ROLE_CITIZEN},
};

/* Which roles may perform each action, and whether the organisation must
 * also hold the action on its power list. An action absent here is denied
 * to everyone but YW_ACTION_PUBLIC. */
enum { ROLE_ONLY = 0, NEEDS_POWER = 1, OWN_ORG = 2 };
static const struct {
    const char *action;
    unsigned roles;
    int power;
} grants[] = {
    {"node.update", YW_ROLE_NODE_ADMIN, ROLE_ONLY},
    /* Traffic counts say who is busy when: operators and auditors only (a
     * monitoring system uses an API key with the auditor role). */
    {"metrics.read", YW_ROLE_NODE_ADMIN | YW_ROLE_AUDITOR, ROLE_ONLY},
    /* The directory: admins change it; the CDO, stewards and auditors read it. */
    {"orgs.read",
     YW_ROLE_NODE_ADMIN | YW_ROLE_CDO | YW_ROLE_DATA_STEWARD | YW_ROLE_AUDITOR | YW_ROLE_APPROVER |
         YW_ROLE_SUPERVISOR,
     ROLE_ONLY},
    {"orgs.write", YW_ROLE_NODE_ADMIN, ROLE_ONLY},
    {"accounts.read", YW_ROLE_NODE_ADMIN | YW_ROLE_AUDITOR, ROLE_ONLY},
    {"accounts.write", YW_ROLE_NODE_ADMIN, ROLE_ONLY},
    {"keys.read", YW_ROLE_NODE_ADMIN | YW_ROLE_AUDITOR, ROLE_ONLY},
    {"keys.write", YW_ROLE_NODE_ADMIN, ROLE_ONLY},
    /* The catalog: every government organisation reads it; stewards keep
     * their own organisation's resources; the data authority reviews. */
    {"catalog.read", YW_ROLES_STAFF, ROLE_ONLY},
    {"catalog.manage", YW_ROLE_DATA_STEWARD | YW_ROLE_CDO, ROLE_ONLY}, /* the write routes' gate */
    {"catalog.write", YW_ROLE_DATA_STEWARD, OWN_ORG},
    {"catalog.govern", YW_ROLE_CDO | YW_ROLE_AUDITOR | YW_ROLE_NODE_ADMIN, ROLE_ONLY},
    /* Government powers: the role and the organisation's power list. */
    {"catalog.review", YW_ROLE_CDO, NEEDS_POWER},
    /* The exchange: stewards apply for their organisation and load its data;
     * the provider's approvers answer; the data authority arbitrates and sees
     * all; systems (API keys) receive deliveries under their grants. */
    {"exchange.read", YW_ROLES_STAFF, ROLE_ONLY},
    {"exchange.manage", YW_ROLE_DATA_STEWARD | YW_ROLE_CDO | YW_ROLE_APPROVER, ROLE_ONLY},
    {"exchange.apply", YW_ROLE_DATA_STEWARD | YW_ROLE_CDO, OWN_ORG},
    {"exchange.approve", YW_ROLE_APPROVER, OWN_ORG},
    {"exchange.load", YW_ROLE_DATA_STEWARD, OWN_ORG},
    {"exchange.deliver", YW_ROLES_STAFF, ROLE_ONLY},
    {"exchange.arbitrate", YW_ROLE_CDO, NEEDS_POWER},
    {"exchange.my_uses", YW_ROLE_CITIZEN, ROLE_ONLY},
    /* One-stop services: the implementing organisation's approvers (or the
     * CDO) keep its service items; applicants apply for themselves, window
     * clerks and kiosks for an applicant present, assistants with consent;
     * the handling organisation accepts and decides by its power list; the
     * services authority (case.oversee on its power list) sees every case. */
    {"item.write", YW_ROLE_APPROVER | YW_ROLE_CDO, OWN_ORG},
    {"case.apply",
     YW_ROLE_CITIZEN | YW_ROLE_ENTERPRISE_OPERATOR | YW_ROLE_WINDOW_CLERK | YW_ROLE_ASSISTANT,
     ROLE_ONLY},
    {"case.read", YW_ROLES_STAFF | YW_ROLE_CITIZEN | YW_ROLE_ENTERPRISE_OPERATOR, ROLE_ONLY},
    {"case.forward", YW_ROLE_WINDOW_CLERK, ROLE_ONLY},
    {"case.oversee", YW_ROLE_CDO, NEEDS_POWER},
    {"case.accept", YW_ROLE_WINDOW_CLERK | YW_ROLE_APPROVER, NEEDS_POWER},
    {"case.approve", YW_ROLE_APPROVER, NEEDS_POWER},
    /* 审管联动: both organisations' staff read a task; the supervising
     * organisation's supervisors claim it (a power) and act on it. */
    {"supervision.read", YW_ROLES_STAFF, ROLE_ONLY},
    {"supervision.claim", YW_ROLE_SUPERVISOR, NEEDS_POWER},
    {"supervision.act", YW_ROLE_SUPERVISOR, ROLE_ONLY},
    /* 好差评: applicants rate their cases (a rating device of the hall is a
     * system key with the window_clerk role; staff accounts are refused per
     * case); the handling organisation's approvers, window clerks and CDO
     * handle the rectifications of bad reviews; staff read their
     * organisation's statistics; the data authority (review.arbitrate on its
     * power list) decides appeals and sees all. */
    {"review.write", YW_ROLE_CITIZEN | YW_ROLE_ENTERPRISE_OPERATOR | YW_ROLE_WINDOW_CLERK,
     ROLE_ONLY},
    {"review.handle", YW_ROLE_APPROVER | YW_ROLE_WINDOW_CLERK | YW_ROLE_CDO, OWN_ORG},
    {"review.stats", YW_ROLES_STAFF, ROLE_ONLY},
    {"review.arbitrate", YW_ROLE_CDO, NEEDS_POWER},
};

unsigned yw_policy_role(struct yw_str name)
{
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
        if (yw_str_eq_c(name, role_names[i].name))
            return role_names[i].bit;
    return 0;
}

const char *yw_policy_role_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
        if (role_names[i].bit == bit)
            return role_names[i].name;
    return NULL;
}

int yw_policy_decide(const struct yw_principal *who, const char *action,
                     const struct yw_policy_object *object, struct yw_err *err)
{
    if (action == NULL)
        return yw_err_set(err, YW_EPERM, NULL, "未授权的操作 / action not permitted");
    if (strcmp(action, YW_ACTION_PUBLIC) == 0)
        return YW_OK;
    if (who == NULL || who->kind == YW_PRINCIPAL_ANONYMOUS)
        return yw_err_set(err, YW_EAUTH, NULL, "请先登录 / sign-in required for %s", action);
    if (strcmp(action, YW_ACTION_SELF) == 0)
        return YW_OK;
    for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
        if (strcmp(action, grants[i].action) != 0 || (who->roles & grants[i].roles) == 0)
            continue;
        if (grants[i].power == ROLE_ONLY)
            return YW_OK;
        if (grants[i].power == OWN_ORG) {
            if (object == NULL || object->org == NULL || strcmp(object->org, who->org) == 0)
                return YW_OK;
            return yw_err_set(err, YW_EPERM, NULL,
                              "只能管理本机构的数据 / %s is limited to the organisation's own data",
                              action);
        }
        for (int k = 0; k < who->n_powers && k < YW_POWERS_MAX; k++)
            if (strcmp(who->powers[k], action) == 0)
                return YW_OK;
        return yw_err_set(err, YW_EPERM, NULL,
                          "本机构的权力清单中没有 %s / %s is not on the organisation's power list",
                          action, action);
    }
    return yw_err_set(err, YW_EPERM, NULL, "无权执行 %s / not permitted: %s", action, action);
}

bool yw_policy_oversees(const struct yw_principal *who, const char *authority_action)
{
    if (who == NULL || (who->roles & (YW_ROLE_AUDITOR | YW_ROLE_NODE_ADMIN)))
        return true;
    return yw_policy_decide(who, authority_action, NULL, NULL) == YW_OK;
}
