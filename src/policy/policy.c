#include "policy.h"

#include <string.h>

int yw_policy_decide(const struct yw_principal *who, const char *action,
                     const struct yw_policy_object *object, struct yw_err *err)
{
    (void)object;
    if (action == NULL)
        return yw_err_set(err, YW_EPERM, NULL, "未授权的操作 / action not permitted");
    if (strcmp(action, YW_ACTION_PUBLIC) == 0)
        return YW_OK;
    if (who == NULL || who->kind == YW_PRINCIPAL_ANONYMOUS)
        return yw_err_set(err, YW_EAUTH, NULL, "请先登录 / sign-in required for %s", action);
    return yw_err_set(err, YW_EPERM, NULL, "无权执行 %s / not permitted: %s", action, action);
}
