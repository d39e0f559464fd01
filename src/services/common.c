/* Small helpers the module's files share: rows, days, stored documents. */
#include "internal.h"

#include <stdlib.h>

void yw__text_col(struct yw_stmt *st, int col, char *out, size_t size)
{
    struct yw_str v = yw_stmt_column_text(st, col);
    (void)yw_fmt(out, size, "%.*s", (int)v.n, v.p ? v.p : "");
}

void yw__day_text(int64_t day, char out[11])
{
    int y, m, d;
    out[0] = '\0';
    if (day < 0)
        return;
    yw_day_to_ymd(day, &y, &m, &d);
    (void)yw_fmt(out, 11, "%04d-%02d-%02d", y, m, d);
}

int64_t yw__parse_day(struct yw_str v)
{
    int64_t y, m, d;
    if (v.n != 10 || v.p[4] != '-' || v.p[7] != '-' || v.p[0] == '-' || v.p[5] == '-' ||
        v.p[8] == '-' || yw_parse_int64((struct yw_str){v.p, 4}, 1970, 9999, &y) < 0 ||
        yw_parse_int64((struct yw_str){v.p + 5, 2}, 1, 12, &m) < 0 ||
        yw_parse_int64((struct yw_str){v.p + 8, 2}, 1, 31, &d) < 0)
        return -1;
    return yw_day_from_ymd((int)y, (int)m, (int)d);
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
