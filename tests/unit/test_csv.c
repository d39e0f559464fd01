/* util/csv: the RFC 4180 reader (records, line numbers, every malformed case) and
 * the field writer, round-tripped through the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* Reads all of in, rendering each record as "LINE:[field][field]\n", until the
 * end (returns 0) or an error (returns it, with the message in err). */
static int render(const char *in, size_t n, struct yw_buf *out, struct yw_err *err)
{
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    int rc;

    yw_csv_init(&csv, in, n);
    while ((rc = yw_csv_next(&csv, fields, &n_fields, err)) == 1) {
        assert_int_equal(yw_buf_printf(out, "%ld:", csv.line), YW_OK);
        for (size_t i = 0; i < n_fields; i++)
            assert_int_equal(yw_buf_printf(out, "[%.*s]", (int)fields[i].n, fields[i].p), YW_OK);
        assert_int_equal(yw_buf_append_c(out, "\n"), YW_OK);
    }
    assert_int_equal(n_fields, 0);
    yw_csv_free(&csv);
    return rc;
}

static void test_csv_records(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\n"},
        {"a,b,c\n1,2,3", "1:[a][b][c]\n2:[1][2][3]\n"}, /* no final newline */
        {"a,b\r\n1,2\r\n", "1:[a][b]\n2:[1][2]\n"},     /* CRLF */
        {"\xEF\xBB\xBF"
         "a,b\n",
         "1:[a][b]\n"},                                                   /* BOM */
        {",a,,\n,\n", "1:[][a][][]\n2:[][]\n"},                           /* empty fields */
        {" a , b \n", "1:[ a ][ b ]\n"},                                  /* spaces are data */
        {"\"a,b\",\"say \"\"hi\"\"\",\"\"\n", "1:[a,b][say \"hi\"][]\n"}, /* commas, quotes */
        {"\"\"\"\"", "1:[\"]\n"},     /* one quote, at the end */
        {"\"\"\n", "1:[]\n"},         /* one empty field */
        {"\"abc\"", "1:[abc]\n"},     /* quoted, at the end */
        {"\"a\rb\"\n", "1:[a\rb]\n"}, /* CR inside quotes is data */
        /* Line breaks inside quotes; the next record's line counts them. */
        {"x,\"line1\nline2\r\nline3\"\ny,z\n", "1:[x][line1\nline2\r\nline3]\n4:[y][z]\n"},
        {"\"\n\n\"\n\nq", "1:[\n\n]\n5:[q]\n"},
        /* Empty lines are skipped but counted. */
        {"\n\r\na\n\n\nb\n\r\n", "3:[a]\n6:[b]\n"},
        {"姓名,身份证号\r\n张三,110101199003071234\r\n",
         "1:[姓名][身份证号]\n2:[张三][110101199003071234]\n"},
        {"", ""},
        {"\xEF\xBB\xBF", ""},
        /* Only the first BOM is skipped; later ones are data (found by fuzz_csv). */
        {"\xEF\xBB\xBF\xEF\xBB\xBF"
         "a\n\xEF\xBB\xBF"
         "b\n",
         "1:[\xEF\xBB\xBF"
         "a]\n2:[\xEF\xBB\xBF"
         "b]\n"},
        {"\n\r\n\n", ""},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct yw_buf out;
        struct yw_err err = {0};
        yw_buf_init(&out, 4096);
        assert_int_equal(render(cases[i].in, strlen(cases[i].in), &out, &err), 0);
        assert_string_equal(out.data ? out.data : "", cases[i].want);
        yw_buf_free(&out);
    }
}

static void test_csv_malformed(void **state)
{
    static const struct {
        const char *in;
        size_t n;           /* 0: strlen(in) */
        const char *before; /* the records read before the error */
        int rc;
        const char *msg;
    } cases[] = {
        {"a,b\nc\"d\n", 0, "1:[a][b]\n", YW_EINVAL,
         "第 2 行：未加引号的字段中有引号 / line 2: quote inside an unquoted field"},
        {" \"a\"\n", 0, "", YW_EINVAL, "line 1: quote inside an unquoted field"},
        {"a\n\"abc\n\ndef", 0, "1:[a]\n", YW_EINVAL,
         "第 2 行：引号字段没有结束 / line 2: unterminated quoted field"},
        {"\"", 0, "", YW_EINVAL, "line 1: unterminated quoted field"},
        {"a\n\"ab\ncd\"x,y\n", 0, "1:[a]\n", YW_EINVAL,
         "第 3 行：结束引号后还有文字 / line 3: text after a closing quote"},
        {"\"abc\" ,y", 0, "", YW_EINVAL, "line 1: text after a closing quote"},
        {"a\n\n\xFF\n", 0, "1:[a]\n", YW_EINVAL,
         "第 3 行：不是合法的 UTF-8 / line 3: invalid UTF-8"},
        {"\"x\n\xC3\x28\"", 0, "", YW_EINVAL, "line 2: invalid UTF-8"},     /* bad continuation */
        {"\xC0\xAF", 0, "", YW_EINVAL, "line 1: invalid UTF-8"},            /* overlong */
        {"\xED\xA0\x80", 0, "", YW_EINVAL, "line 1: invalid UTF-8"},        /* surrogate */
        {"a\nb\xE4\xB8", 0, "1:[a]\n", YW_EINVAL, "line 2: invalid UTF-8"}, /* cut short */
        {"a\nb\0c\n", 6, "1:[a]\n", YW_EINVAL, "第 2 行：含有 NUL 字节 / line 2: NUL byte"},
        {"\"\0\"", 3, "", YW_EINVAL, "line 1: NUL byte"},
        {"a\rb\n", 0, "", YW_EINVAL,
         "第 1 行：引号外有单独的回车符（CR） / line 1: CR not followed by LF outside quotes"},
        {"a,b\r", 0, "", YW_EINVAL, "line 1: CR not followed by LF outside quotes"},
        {"x\n\"q\"\rz", 0, "1:[x]\n", YW_EINVAL, "line 2: CR not followed by LF outside quotes"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct yw_buf out;
        struct yw_err err = {0};
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].in);
        yw_buf_init(&out, 4096);
        assert_int_equal(render(cases[i].in, n, &out, &err), cases[i].rc);
        assert_string_equal(out.data ? out.data : "", cases[i].before);
        assert_non_null(strstr(err.message, cases[i].msg));
        assert_int_equal(err.code, cases[i].rc);
        yw_buf_free(&out);
    }
}

/* After an error every call repeats it; err may be NULL. */
static void test_csv_error_sticks(void **state)
{
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    struct yw_err err = {0};
    (void)state;
    yw_csv_init(&csv, "a\"\nb\n", 5);
    assert_int_equal(yw_csv_next(&csv, fields, &n_fields, NULL), YW_EINVAL);
    assert_int_equal(yw_csv_next(&csv, fields, &n_fields, &err), YW_EINVAL);
    assert_int_equal(n_fields, 0);
    assert_non_null(strstr(err.message, "line 1:"));
    yw_csv_free(&csv);
    yw_csv_free(&csv);
    yw_csv_free(NULL);
}

/* n fields "x,x,…" on line 2, after a first record. */
static int read_fields(size_t n, struct yw_err *err, size_t *n_fields)
{
    struct yw_buf b;
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    int rc;

    yw_buf_init(&b, 1024);
    assert_int_equal(yw_buf_append_c(&b, "first\n"), YW_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(yw_buf_append_c(&b, i ? ",x" : "x"), YW_OK);
    yw_csv_init(&csv, b.data, b.len);
    assert_int_equal(yw_csv_next(&csv, fields, n_fields, err), 1);
    rc = yw_csv_next(&csv, fields, n_fields, err);
    yw_csv_free(&csv);
    yw_buf_free(&b);
    return rc;
}

static void test_csv_too_many_fields(void **state)
{
    struct yw_err err = {0};
    size_t n_fields;
    (void)state;
    assert_int_equal(read_fields(YW_CSV_MAX_FIELDS, &err, &n_fields), 1);
    assert_int_equal(n_fields, YW_CSV_MAX_FIELDS);
    assert_int_equal(read_fields(YW_CSV_MAX_FIELDS + 1, &err, &n_fields), YW_ETOOBIG);
    assert_string_equal(err.message, "第 2 行：字段超过 64 个 / line 2: more than 64 fields");
}

/* A field of n bytes of 'a' on line 2, unquoted or quoted (with one "" inside). */
static int read_long(size_t n, bool quoted, struct yw_err *err, size_t *got)
{
    struct yw_buf b;
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    int rc;

    yw_buf_init(&b, 2 * YW_CSV_MAX_FIELD);
    assert_int_equal(yw_buf_append_c(&b, "\nx,"), YW_OK);
    if (quoted)
        assert_int_equal(yw_buf_append_c(&b, "\"\"\""), YW_OK); /* opening quote, then "" */
    for (size_t i = quoted ? 1 : 0; i < n; i++)
        assert_int_equal(yw_buf_append(&b, "a", 1), YW_OK);
    assert_int_equal(yw_buf_append_c(&b, quoted ? "\",y\n" : ",y\n"), YW_OK);
    yw_csv_init(&csv, b.data, b.len);
    rc = yw_csv_next(&csv, fields, &n_fields, err);
    if (rc == 1) {
        assert_int_equal(n_fields, 3);
        assert_int_equal(csv.line, 2);
        *got = fields[1].n;
        assert_int_equal(fields[1].p[0], quoted ? '"' : 'a');
        assert_int_equal(fields[1].p[n - 1], 'a');
        assert_int_equal(fields[2].n, 1);
        assert_int_equal(fields[2].p[0], 'y');
    }
    yw_csv_free(&csv);
    yw_buf_free(&b);
    return rc;
}

static void test_csv_field_too_long(void **state)
{
    struct yw_err err = {0};
    size_t got = 0;
    (void)state;
    for (int quoted = 0; quoted <= 1; quoted++) {
        assert_int_equal(read_long(YW_CSV_MAX_FIELD, quoted, &err, &got), 1);
        assert_int_equal(got, YW_CSV_MAX_FIELD);
        memset(&err, 0, sizeof(err));
        assert_int_equal(read_long(YW_CSV_MAX_FIELD + 1, quoted, &err, &got), YW_ETOOBIG);
        assert_string_equal(err.message,
                            "第 2 行：字段超过 64 KiB / line 2: field longer than 64 KiB");
    }
}

static void test_csv_write_field(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"a\"b", "\"a\"\"b\""},
        {"\"", "\"\"\"\""},
        {"x\ny", "\"x\ny\""},
        {"x\ry", "\"x\ry\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"in side", "in side"},
        {"中文，全角逗号", "中文，全角逗号"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct yw_buf b;
        yw_buf_init(&b, 64);
        assert_int_equal(yw_csv_write_field(&b, yw_str_c(cases[i].in)), YW_OK);
        assert_string_equal(b.data ? b.data : "", cases[i].want);
        yw_buf_free(&b);
    }
    struct yw_buf small;
    yw_buf_init(&small, 3);
    assert_int_equal(yw_csv_write_field(&small, YW_STR_LIT("a,b")), YW_ETOOBIG);
    yw_buf_free(&small);
}

/* Awkward values written with yw_csv_write_field read back unchanged. */
static void test_csv_round_trip(void **state)
{
    static const char *const values[] = {
        "",      " ",           "a,b",        "\"",
        "\"\"",  "line\nbreak", "cr\rhere",   "crlf\r\n",
        " lead", "trail ",      "中文，逗号", "x\"y\"z",
        ",",     "\n",          "\"quoted\"", "a\"\"",
        "end\"", "𠀀 emoji 😀",  "tab\there",  "\xEF\xBB\xBF-bom",
        "",
    };
    const size_t n_values = sizeof(values) / sizeof(values[0]);
    struct yw_buf b;
    struct yw_csv csv;
    struct yw_str fields[YW_CSV_MAX_FIELDS];
    size_t n_fields;
    struct yw_err err = {0};
    (void)state;

    yw_buf_init(&b, 4096);
    for (int record = 0; record < 2; record++) {
        for (size_t i = 0; i < n_values; i++) {
            if (i > 0)
                assert_int_equal(yw_buf_append_c(&b, ","), YW_OK);
            assert_int_equal(yw_csv_write_field(&b, yw_str_c(values[i])), YW_OK);
        }
        assert_int_equal(yw_buf_append_c(&b, record ? "\r\n" : "\n"), YW_OK);
    }
    assert_int_equal(yw_buf_append_c(&b, "\"\"\n"), YW_OK); /* a record of one empty field */

    yw_csv_init(&csv, b.data, b.len);
    for (int record = 0; record < 2; record++) {
        assert_int_equal(yw_csv_next(&csv, fields, &n_fields, &err), 1);
        assert_int_equal(n_fields, n_values);
        for (size_t i = 0; i < n_values; i++)
            assert_true(yw_str_eq_c(fields[i], values[i]));
    }
    assert_int_equal(csv.line, 5); /* "line\nbreak", "crlf\r\n" and "\n" each add one */
    assert_int_equal(yw_csv_next(&csv, fields, &n_fields, &err), 1);
    assert_int_equal(n_fields, 1);
    assert_int_equal(fields[0].n, 0);
    assert_int_equal(csv.line, 9);
    assert_int_equal(yw_csv_next(&csv, fields, &n_fields, &err), 0);
    assert_int_equal(yw_csv_next(&csv, fields, &n_fields, &err), 0);
    yw_csv_free(&csv);
    yw_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_records),        cmocka_unit_test(test_csv_malformed),
        cmocka_unit_test(test_csv_error_sticks),   cmocka_unit_test(test_csv_too_many_fields),
        cmocka_unit_test(test_csv_field_too_long), cmocka_unit_test(test_csv_write_field),
        cmocka_unit_test(test_csv_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
