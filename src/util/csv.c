/*
 * CSV (RFC 4180) reader and field writer.
 *
 * The reader walks the lent bytes once. Each field is unquoted into one
 * scratch buffer, the fields of a record one after the other, so the slices it
 * hands out are made only when the record is complete (the buffer may move
 * while it grows). Every byte is checked on the way: UTF-8 sequences as a
 * whole, NUL, bare CR, stray quotes, so an error can name the line it is on.
 */
#include "util.h"

#include <stdio.h>
#include <string.h>

void yw_csv_init(struct yw_csv *csv, const char *data, size_t n)
{
    memset(csv, 0, sizeof(*csv));
    csv->p = data;
    csv->n = data ? n : 0;
    if (csv->n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        csv->pos = 3;
    csv->line = 0;
    csv->next_line = 1;
    csv->max_field = YW_CSV_MAX_FIELD;
    /* Never reached: fields are checked one by one against max_field. */
    yw_buf_init(&csv->scratch, YW_CSV_MAX_FIELDS * (YW_CSV_MAX_FIELD + (size_t)1));
}

void yw_csv_free(struct yw_csv *csv)
{
    if (csv != NULL)
        yw_buf_free(&csv->scratch);
}

/* Fails this call and every later one with the same message. */
static int fail(struct yw_csv *csv, struct yw_err *err, int code, long line, const char *zh,
                const char *en)
{
    yw_err_set(&csv->failed, code, NULL, "第 %ld 行：%s / line %ld: %s", line, zh, line, en);
    csv->pos = csv->n;
    if (err != NULL)
        *err = csv->failed;
    return code;
}

/* Copies the run of ordinary bytes at pos into the current field (which
 * started at scratch offset field_start): up to a comma, quote, CR, LF or the
 * end outside quotes; up to a quote or the end inside them (counting LFs).
 * Stops with YW_EINVAL at NUL or invalid UTF-8. */
static int copy_run(struct yw_csv *csv, bool quoted, size_t field_start, struct yw_err *err)
{
    size_t start = csv->pos, i = csv->pos;

    while (i < csv->n) {
        unsigned char c = (unsigned char)csv->p[i];
        if (c == '"' || (!quoted && (c == ',' || c == '\r' || c == '\n')))
            break;
        if (c == '\0')
            return fail(csv, err, YW_EINVAL, csv->next_line, "含有 NUL 字节", "NUL byte");
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (len > csv->n - i || !yw_utf8_valid(csv->p + i, len))
            return fail(csv, err, YW_EINVAL, csv->next_line, "不是合法的 UTF-8", "invalid UTF-8");
        if (c == '\n')
            csv->next_line++;
        i += len;
    }
    csv->pos = i;
    if (csv->scratch.len - field_start + (i - start) > csv->max_field)
        return fail(csv, err, YW_ETOOBIG, csv->next_line, "字段超过 64 KiB",
                    "field longer than 64 KiB");
    int rc = yw_buf_append(&csv->scratch, csv->p + start, i - start);
    if (rc < 0)
        return fail(csv, err, rc, csv->next_line, "内存不足", "out of memory");
    return YW_OK;
}

/* At the end of a field: consumes a comma (returns 1) or the end of the
 * record, LF, CRLF or the end of the data (returns 0). */
static int end_field(struct yw_csv *csv, struct yw_err *err)
{
    if (csv->pos >= csv->n)
        return 0;
    char c = csv->p[csv->pos];
    if (c == ',') {
        csv->pos++;
        return 1;
    }
    if (c == '\n' || (c == '\r' && csv->pos + 1 < csv->n && csv->p[csv->pos + 1] == '\n')) {
        csv->pos += c == '\n' ? 1 : 2;
        csv->next_line++;
        return 0;
    }
    if (c == '\r')
        return fail(csv, err, YW_EINVAL, csv->next_line, "引号外有单独的回车符（CR）",
                    "CR not followed by LF outside quotes");
    if (c == '"')
        return fail(csv, err, YW_EINVAL, csv->next_line, "未加引号的字段中有引号",
                    "quote inside an unquoted field");
    return fail(csv, err, YW_EINVAL, csv->next_line, "结束引号后还有文字",
                "text after a closing quote");
}

/* Reads one field into scratch; returns end_field()'s answer or an error. */
static int read_field(struct yw_csv *csv, struct yw_err *err)
{
    size_t field_start = csv->scratch.len;
    int rc;

    if (csv->pos >= csv->n || csv->p[csv->pos] != '"') {
        if ((rc = copy_run(csv, false, field_start, err)) < 0)
            return rc;
        return end_field(csv, err);
    }
    long quote_line = csv->next_line;
    csv->pos++;
    for (;;) {
        if ((rc = copy_run(csv, true, field_start, err)) < 0)
            return rc;
        if (csv->pos >= csv->n)
            return fail(csv, err, YW_EINVAL, quote_line, "引号字段没有结束",
                        "unterminated quoted field");
        csv->pos++; /* the quote */
        if (csv->pos >= csv->n || csv->p[csv->pos] != '"')
            break;
        /* "" is one quote: the second one starts the next run. */
        if (csv->scratch.len - field_start + 1 > csv->max_field)
            return fail(csv, err, YW_ETOOBIG, csv->next_line, "字段超过 64 KiB",
                        "field longer than 64 KiB");
        if ((rc = yw_buf_append(&csv->scratch, "\"", 1)) < 0)
            return fail(csv, err, rc, csv->next_line, "内存不足", "out of memory");
        csv->pos++;
    }
    return end_field(csv, err);
}

int yw_csv_next(struct yw_csv *csv, struct yw_str fields[YW_CSV_MAX_FIELDS], size_t *n_fields,
                struct yw_err *err)
{
    *n_fields = 0;
    if (csv->failed.code != 0) {
        if (err != NULL)
            *err = csv->failed;
        return csv->failed.code;
    }
    yw_buf_reset(&csv->scratch);

    /* Skip empty lines. */
    while (csv->pos < csv->n) {
        if (csv->p[csv->pos] == '\n')
            csv->pos++;
        else if (csv->p[csv->pos] == '\r' && csv->pos + 1 < csv->n && csv->p[csv->pos + 1] == '\n')
            csv->pos += 2;
        else
            break;
        csv->next_line++;
    }
    if (csv->pos >= csv->n)
        return 0;
    csv->line = csv->next_line;

    size_t n = 0;
    int rc;
    do {
        if (n == YW_CSV_MAX_FIELDS)
            return fail(csv, err, YW_ETOOBIG, csv->next_line, "字段超过 64 个",
                        "more than 64 fields");
        size_t before = csv->scratch.len;
        if ((rc = read_field(csv, err)) < 0)
            return rc;
        fields[n++].n = csv->scratch.len - before;
    } while (rc == 1);

    /* Fields lie one after another in scratch. */
    const char *at = csv->scratch.data ? csv->scratch.data : "";
    for (size_t i = 0; i < n; i++) {
        fields[i].p = at;
        at += fields[i].n;
    }
    *n_fields = n;
    return 1;
}

int yw_csv_write_field(struct yw_buf *b, struct yw_str field)
{
    bool quote = field.n > 0 && (field.p[0] == ' ' || field.p[field.n - 1] == ' ');
    for (size_t i = 0; i < field.n && !quote; i++) {
        char c = field.p[i];
        quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    if (!quote)
        return yw_buf_append(b, field.p, field.n);

    int rc = yw_buf_append(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < field.n && rc == YW_OK; i++) {
        if (field.p[i] == '"') {
            rc = yw_buf_append(b, field.p + start, i + 1 - start); /* through the quote */
            start = i;                                             /* and it again */
        }
    }
    if (rc == YW_OK)
        rc = yw_buf_append(b, field.p + start, field.n - start);
    if (rc == YW_OK)
        rc = yw_buf_append(b, "\"", 1);
    return rc;
}
