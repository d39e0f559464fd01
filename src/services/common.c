/* Small helpers the module's files share: rows, days, stored documents. */
#include "internal.h"

#include <stdlib.h>

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
