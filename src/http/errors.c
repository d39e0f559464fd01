#include "internal.h"

/* The one table from error codes to HTTP statuses. */
static const struct {
    int code;
    unsigned status;
    const char *name;
} status_table[] = {
    {YW_EINVAL, 400, "invalid"},
    {YW_EAUTH, 401, "unauthenticated"},
    {YW_EPERM, 403, "forbidden"},
    {YW_ENOTFOUND, 404, "not_found"},
    {YW_ECONFLICT, 409, "conflict"},
    {YW_ETOOBIG, 413, "too_large"},
    {YW_EVERIFY, 422, "verify_failed"},
    {YW_EBUSY, 503, "busy"},
    {YW_ELIMIT, 429, "too_many_attempts"},
    {YW_EDB, 500, "internal"},
    {YW_ESCHEMA, 500, "internal"},
    {YW_ENOMEM, 500, "internal"},
    {YW_EIO, 500, "internal"},
    {YW_ECRYPTO, 500, "internal"},
    {YW_EINTERNAL, 500, "internal"},
};

unsigned yw__status_of(int code, const char **code_name)
{
    for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
        if (status_table[i].code == code) {
            *code_name = status_table[i].name;
            return status_table[i].status;
        }
    *code_name = "internal";
    return 500;
}
