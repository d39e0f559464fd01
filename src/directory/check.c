/* Checks shared by the directory's records (internal to src/directory/). */
#include "internal.h"

#include "policy/policy.h"
#include "store/store.h"

#include <string.h>

int yw__dir_check_slug(struct yw_str s, const char *field, const char *what_zh, const char *what_en,
                       struct yw_err *err)
{
    bool ok = s.n >= 2 && s.n <= 64;
    for (size_t i = 0; ok && i < s.n; i++) {
        char c = s.p[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             (i > 0 && (c == '.' || c == '_' || c == '-'));
    }
    if (!ok)
        return yw_err_set(err, YW_EINVAL, field,
                          "%s须为 2 至 64 个小写字母、数字或 . _ -，以字母或数字开头 / %s is 2 to "
                          "64 of a-z 0-9 . _ -, starting with a letter or digit",
                          what_zh, what_en);
    return YW_OK;
}

int yw__dir_copy(char *dst, size_t size, const char *src, const char *field, struct yw_err *err)
{
    if (yw_copy(dst, size, src ? src : "") < 0)
        return yw_err_set(err, YW_EINVAL, field, "%s 过长 / %s is too long", field, field);
    return YW_OK;
}

int yw__load_powers(struct yw_txn *txn, struct yw_principal *who, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc;

    who->n_powers = 0;
    if (who->org[0] == '\0')
        return YW_OK;
    rc = yw_txn_prepare(txn, "SELECT action FROM yw_power_list WHERE org = ? ORDER BY action", &st,
                        err);
    if (rc == YW_OK)
        yw_stmt_bind_text(st, 1, who->org, strlen(who->org));
    while (rc >= 0 && (rc = yw_stmt_step(st, err)) == 1 && who->n_powers < YW_POWERS_MAX)
        (void)yw_fmt(who->powers[who->n_powers++], sizeof(who->powers[0]), "%.*s",
                     (int)yw_stmt_column_text(st, 0).n, yw_stmt_column_text(st, 0).p);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}
