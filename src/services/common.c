/* Small helpers the module's files share: rows, days, stored documents, lists. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void yw__text_col(struct yw_stmt *st, int col, char *out, size_t size)
{
    struct yw_str v = yw_stmt_column_text(st, col);
    (void)yw_fmt(out, size, "%.*s", (int)v.n, v.p ? v.p : "");
}

int64_t yw__today(void)
{
    return yw_day_from_ms(yw_now_ms());
}

int yw__json_store(const json_t *v, struct yw_buf *out)
{
    char *text = v ? json_dumps(v, JSON_COMPACT) : NULL;
    yw_buf_reset(out);
    int rc = text ? yw_buf_append_c(out, text) : YW_ENOMEM;
    free(text);
    return rc;
}

int yw__check_page(int64_t *limit, int64_t offset, struct yw_err *err)
{
    if (*limit == 0)
        *limit = 50;
    if (*limit < 1 || *limit > 200 || offset < 0 || offset > 100000)
        return yw_err_set(err, YW_EINVAL, "limit",
                          "limit 1-200，offset 0-100000 / limit 1-200, offset 0-100000");
    return YW_OK;
}

int yw__list_rows(const struct yw_services *s, const char *sql, const char *const *params, int n,
                  int64_t limit, int64_t offset, json_t *(*row)(struct yw_stmt *st),
                  const char *key, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, sql, &st, err)) < 0)
        goto out;
    for (int i = 0; i < n; i++)
        if (params[i])
            yw_stmt_bind_text(st, i + 1, params[i], strlen(params[i]));
        else
            yw_stmt_bind_null(st, i + 1);
    yw_stmt_bind_int64(st, n + 1, limit);
    yw_stmt_bind_int64(st, n + 2, offset);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        json_t *r = row(st);
        if (r == NULL) {
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "stored %s unreadable", key);
            goto out;
        }
        json_array_append_new(list, r);
    }
    if (rc < 0)
        goto out;
    *out = json_pack("{s:O}", key, list);
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}
