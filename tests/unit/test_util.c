/* util: errors, slices, bounded buffers, parsing, UTF-8, hex, base64, files, JSON escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/util.h"

static void test_err_set(void **state)
{
    struct yw_err err = {0};
    (void)state;
    assert_int_equal(yw_err_set(&err, YW_EINVAL, "name", "bad %s", "value"), YW_EINVAL);
    assert_int_equal(err.code, YW_EINVAL);
    assert_string_equal(err.field, "name");
    assert_string_equal(err.message, "bad value");
    assert_int_equal(yw_err_set(NULL, YW_EDB, NULL, "x"), YW_EDB);
    char longfield[100];
    memset(longfield, 'f', sizeof(longfield) - 1);
    longfield[99] = '\0';
    yw_err_set(&err, YW_EINVAL, longfield, "m");
    assert_string_equal(err.field, ""); /* too long to be a field name: dropped, not cut */
    assert_string_equal(yw_err_name(YW_ENOTFOUND), "not_found");
    assert_string_equal(yw_err_name(-999), "internal");
}

static void test_buf_limits(void **state)
{
    struct yw_buf b;
    (void)state;
    yw_buf_init(&b, 10);
    assert_int_equal(yw_buf_append(&b, "12345", 5), YW_OK);
    assert_int_equal(yw_buf_printf(&b, "%d", 678), YW_OK);
    assert_string_equal(b.data, "12345678");
    assert_int_equal(yw_buf_append(&b, "9ab", 3), YW_ETOOBIG); /* 11 > 10 */
    assert_int_equal(b.len, 8);                                /* unchanged */
    assert_int_equal(yw_buf_append(&b, "90", 2), YW_OK);       /* exactly 10 */
    assert_int_equal(yw_buf_append(&b, "", 0), YW_OK);
    assert_int_equal(yw_buf_append(&b, "x", 1), YW_ETOOBIG);
    assert_int_equal(yw_buf_printf(&b, "%s", "x"), YW_ETOOBIG);
    assert_int_equal(b.data[b.len], '\0');
    char *taken = yw_buf_take(&b);
    assert_string_equal(taken, "1234567890");
    free(taken);
    assert_null(b.data);
    yw_buf_reset(&b);
    yw_buf_free(&b);
    yw_buf_free(NULL);
    /* Overflowing sizes are refused, never wrapped. */
    yw_buf_init(&b, SIZE_MAX);
    assert_int_equal(yw_buf_append(&b, "a", 1), YW_OK);
    assert_int_equal(yw_buf_append(&b, "a", SIZE_MAX), YW_ETOOBIG);
    yw_buf_free(&b);
}

static void test_copy_and_fmt(void **state)
{
    char small[4];
    (void)state;
    assert_int_equal(yw_copy(small, sizeof(small), "abc"), YW_OK);
    assert_string_equal(small, "abc");
    assert_int_equal(yw_copy(small, sizeof(small), "abcd"), YW_ETOOBIG);
    assert_string_equal(small, "");
    assert_int_equal(yw_fmt(small, sizeof(small), "%d", 123), YW_OK);
    assert_int_equal(yw_fmt(small, sizeof(small), "%d", 1234), YW_ETOOBIG);
    assert_string_equal(small, "");
}

static void test_parse_int64(void **state)
{
    static const struct {
        const char *in;
        int rc;
        int64_t value;
    } cases[] = {
        {"0", YW_OK, 0},
        {"42", YW_OK, 42},
        {"-7", YW_OK, -7},
        {"9223372036854775807", YW_OK, INT64_MAX},
        {"-9223372036854775808", YW_OK, INT64_MIN},
        {"9223372036854775808", YW_EINVAL, 0},
        {"", YW_EINVAL, 0},
        {"-", YW_EINVAL, 0},
        {"+1", YW_EINVAL, 0},
        {" 1", YW_EINVAL, 0},
        {"1 ", YW_EINVAL, 0},
        {"1e3", YW_EINVAL, 0},
        {"0x10", YW_EINVAL, 0},
        {"12345678901234567890123456789012345", YW_EINVAL, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t v = -1;
        int rc = yw_parse_int64(yw_str_c(cases[i].in), INT64_MIN, INT64_MAX, &v);
        assert_int_equal(rc, cases[i].rc);
        if (rc == YW_OK)
            assert_true(v == cases[i].value);
    }
    int64_t v;
    assert_int_equal(yw_parse_int64(YW_STR_LIT("11"), 0, 10, &v), YW_EINVAL);
    assert_int_equal(yw_parse_int64(YW_STR_LIT("10"), 0, 10, &v), YW_OK);
    /* Not NUL-terminated input stops at the slice's end. */
    assert_int_equal(yw_parse_int64((struct yw_str){"123abc", 3}, 0, 1000, &v), YW_OK);
    assert_int_equal(v, 123);
}

static void test_parse_double(void **state)
{
    static const struct {
        const char *in;
        int rc;
        double value;
    } cases[] = {
        {"0", YW_OK, 0.0},
        {"-2.5", YW_OK, -2.5},
        {"0.3333333333333333", YW_OK, 0.3333333333333333},
        {"1e-06", YW_OK, 1e-6},
        {"-1.7976931348623157e+308", YW_OK, -1.7976931348623157e308},
        {"1e999", YW_EINVAL, 0},
        {"", YW_EINVAL, 0},
        {"-", YW_EINVAL, 0},
        {"1e", YW_EINVAL, 0},
        {" 1", YW_EINVAL, 0},
        {"NaN", YW_EINVAL, 0},
        {"Infinity", YW_EINVAL, 0},
        {"0x10", YW_EINVAL, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = -1.0;
        int rc = yw_parse_double(yw_str_c(cases[i].in), &v);
        assert_int_equal(rc, cases[i].rc);
        if (rc == YW_OK)
            assert_true(v == cases[i].value);
    }
    double v;
    /* Not NUL-terminated input stops at the slice's end. */
    assert_int_equal(yw_parse_double((struct yw_str){"2.5e3x", 5}, &v), YW_OK);
    assert_true(v == 2.5e3);
}

static void test_utf8(void **state)
{
    static const struct {
        const char *bytes;
        bool valid;
    } cases[] = {
        {"", true},
        {"ascii", true},
        {"一网通办", true},
        {"\xF0\x9F\x98\x80", true},  /* U+1F600 */
        {"\xF4\x8F\xBF\xBF", true},  /* U+10FFFF */
        {"\xC0\xAF", false},         /* overlong '/' */
        {"\xE0\x80\xAF", false},     /* overlong */
        {"\xED\xA0\x80", false},     /* surrogate D800 */
        {"\xF4\x90\x80\x80", false}, /* above U+10FFFF */
        {"\xFF", false},
        {"\xE4\xB8", false},                /* truncated */
        {"\x80", false},                    /* lone continuation */
        {"\xE4\xB8\xAD\xE6\x96\x87", true}, /* 中文 */
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(yw_utf8_valid(cases[i].bytes, strlen(cases[i].bytes)), cases[i].valid);
}

static void test_hex_base64(void **state)
{
    /* RFC 4648 section 10 test vectors. */
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *encoded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char out[64];
    uint8_t back[64];
    size_t n;
    (void)state;
    for (size_t i = 0; i < 7; i++) {
        yw_base64((const uint8_t *)plain[i], strlen(plain[i]), out);
        assert_string_equal(out, encoded[i]);
        assert_int_equal(yw_base64_decode(yw_str_c(encoded[i]), back, sizeof(back), &n), YW_OK);
        assert_int_equal(n, strlen(plain[i]));
        assert_memory_equal(back, plain[i], n);
    }
    static const char *bad[] = {"Zg=", "Zg===", "Z===", "Zh==", "Zm9v!", "=Zm9", "Zg==Zg=="};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(yw_base64_decode(yw_str_c(bad[i]), back, sizeof(back), &n), YW_EINVAL);
    assert_int_equal(yw_base64_decode(YW_STR_LIT("Zm9vYmFy"), back, 5, &n), YW_ETOOBIG);
    yw_hex((const uint8_t *)"\x00\xab\xff", 3, out);
    assert_string_equal(out, "00abff");
}

static void test_json_escape(void **state)
{
    struct yw_buf b;
    (void)state;
    yw_buf_init(&b, 1024);
    assert_int_equal(yw_json_escape(&b, yw_str_c("a\"b\\c\n\x01中\xff")), YW_OK);
    assert_string_equal(b.data, "a\\\"b\\\\c\\u000a\\u0001中\xEF\xBF\xBD");
    yw_buf_free(&b);
}

static void test_files(void **state)
{
    char dir[] = "/tmp/yw-util-XXXXXX";
    char path[128];
    char *text = NULL;
    size_t n = 0;
    struct yw_err err = {0};
    struct stat sb;
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(yw_fmt(path, sizeof(path), "%s/f", dir), YW_OK);
    assert_int_equal(yw_file_create(path, 0600, "hello", 5, &err), YW_OK);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(yw_file_create(path, 0600, "again", 5, &err), YW_ECONFLICT);
    assert_int_equal(yw_file_read(path, 100, &text, &n, &err), YW_OK);
    assert_int_equal(n, 5);
    assert_string_equal(text, "hello");
    free(text);
    assert_int_equal(yw_file_read(path, 4, &text, &n, &err), YW_ETOOBIG);
    unlink(path);
    assert_int_equal(yw_file_read(path, 100, &text, &n, &err), YW_ENOTFOUND);
    rmdir(dir);
}

static void test_time(void **state)
{
    char out[32];
    (void)state;
    yw_time_rfc3339(1700000000123, out);
    assert_string_equal(out, "2023-11-14T22:13:20.123Z");
    assert_true(yw_now_ms() > 1700000000000);
    int64_t a = yw_monotonic_ns(), b = yw_monotonic_ns();
    assert_true(b >= a);
}

static void test_assets_embedded(void **state)
{
    (void)state;
    assert_non_null(yw_asset_find(yw_doc_assets, yw_doc_assets_count, YW_STR_LIT("openapi.json")));
    assert_non_null(yw_asset_find(yw_web_assets, yw_web_assets_count, YW_STR_LIT("index.html")));
    assert_null(yw_asset_find(yw_web_assets, yw_web_assets_count, YW_STR_LIT("index.htm")));
    assert_true(yw_migration_files_count >= 1);
    for (size_t i = 0; i < yw_web_assets_count; i++)
        assert_int_equal(yw_web_assets[i].data[yw_web_assets[i].size], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err_set),         cmocka_unit_test(test_buf_limits),
        cmocka_unit_test(test_copy_and_fmt),    cmocka_unit_test(test_parse_int64),
        cmocka_unit_test(test_parse_double),    cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_hex_base64),      cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_files),           cmocka_unit_test(test_time),
        cmocka_unit_test(test_assets_embedded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
