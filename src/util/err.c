#include "util.h"

#include <stdio.h>
#include <string.h>

int yw_err_set(struct yw_err *err, int code, const char *field, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->field[0] = '\0';
    if (field != NULL && strlen(field) < sizeof(err->field))
        memcpy(err->field, field, strlen(field) + 1);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    if (n < 0)
        err->message[0] = '\0';
    return code;
}

const char *yw_err_name(int code)
{
    switch (code) {
    case YW_OK: return "ok";
    case YW_EINVAL: return "invalid";
    case YW_ENOTFOUND: return "not_found";
    case YW_ECONFLICT: return "conflict";
    case YW_EPERM: return "forbidden";
    case YW_EAUTH: return "unauthenticated";
    case YW_EDB: return "database";
    case YW_ETOOBIG: return "too_big";
    case YW_ENOMEM: return "no_memory";
    case YW_EIO: return "io";
    case YW_ECRYPTO: return "crypto";
    case YW_EVERIFY: return "verify_failed";
    case YW_ESCHEMA: return "schema_too_new";
    case YW_EBUSY: return "busy";
    case YW_ELIMIT: return "too_many_attempts";
    default: return "internal";
    }
}
