/* libFuzzer harness over the CSV reader and the search terms. Every field read
 * is valid UTF-8 and survives a write with yw_csv_write_field and a second
 * read unchanged; every term is non-empty, bounded and valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes the record and checks that reading it back gives the same fields. */
static void round_trip(const struct yw_str *fields, size_t n_fields)
{
    struct yw_buf b;
    struct yw_csv csv;
    struct yw_str again[YW_CSV_MAX_FIELDS];
    size_t n_again;
    struct yw_err err = {0};

    /* A BOM first, as the reader skips one: the first field may start with U+FEFF. */
    yw_buf_init(&b, SIZE_MAX);
    if (yw_buf_append_c(&b, "\xEF\xBB\xBF") != YW_OK)
        abort();
    if (n_fields == 1 && fields[0].n == 0) {
        if (yw_buf_append_c(&b, "\"\"") != YW_OK) /* else an empty line, which is skipped */
            abort();
    }
    for (size_t i = 0; i < n_fields; i++)
        if ((i > 0 && yw_buf_append_c(&b, ",") != YW_OK) ||
            yw_csv_write_field(&b, fields[i]) != YW_OK)
            abort();
    if (yw_buf_append_c(&b, "\r\n") != YW_OK)
        abort();

    yw_csv_init(&csv, b.data, b.len);
    if (yw_csv_next(&csv, again, &n_again, &err) != 1 || n_again != n_fields || csv.line != 1)
        abort();
    for (size_t i = 0; i < n_fields; i++)
        if (!yw_str_eq(again[i], fields[i]))
            abort();
    if (yw_csv_next(&csv, again, &n_again, &err) != 0)
        abort();
    yw_csv_free(&csv);
    yw_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    struct yw_err err = {0};
    long last_line = 0;
    int rc;

    yw_csv_init(&csv, (const char *)data, size);
    while ((rc = yw_csv_next(&csv, fields, &n_fields, &err)) == 1) {
        if (n_fields == 0 || n_fields > YW_CSV_MAX_FIELDS || csv.line <= last_line)
            abort();
        last_line = csv.line;
        for (size_t i = 0; i < n_fields; i++)
            if (fields[i].n > YW_CSV_MAX_FIELD || !yw_utf8_valid(fields[i].p, fields[i].n) ||
                memchr(fields[i].p, '\0', fields[i].n) != NULL)
                abort();
        round_trip(fields, n_fields);
    }
    if (rc != 0 && (rc != err.code || (rc != YW_EINVAL && rc != YW_ETOOBIG) ||
                    strstr(err.message, "行：") == NULL || strstr(err.message, " / line ") == NULL))
        abort();
    if (n_fields != 0)
        abort();
    yw_csv_free(&csv);

    struct yw_terms t;
    yw_terms_init(&t, (struct yw_str){(const char *)data, size});
    while (yw_terms_next(&t))
        if (t.term_len == 0 || t.term_len > YW_TERM_MAX - 1 || strlen(t.term) != t.term_len ||
            !yw_utf8_valid(t.term, t.term_len))
            abort();
    return 0;
}
