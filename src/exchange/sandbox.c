/* The data sandbox (数据沙箱): being written. */
#include "internal.h"

int yw_exchange_aggregate(struct yw_exchange *ex, const struct yw_principal *who,
                          const char *remote, struct yw_str code, const json_t *body, json_t **out,
                          struct yw_err *err)
{
    (void)ex, (void)who, (void)remote, (void)code, (void)body;
    *out = NULL;
    return yw_err_set(err, YW_EINTERNAL, NULL, "the sandbox is not built yet");
}
