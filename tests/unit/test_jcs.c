/*
 * src/ledger/jcs.c: RFC 8785 canonical JSON for yiwang's integer-only
 * entries. The RFC's own examples (section 3.2.3 sorting, the string and
 * literal parts of section 3.2.4), every control character, UTF-16 ordering
 * around the surrogate range, nesting, and the refusals (reals, integers
 * beyond 2^53 - 1, invalid UTF-8, runaway depth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"

static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
    if (v == NULL)
        fail_msg("bad test JSON %s: %s", text, error.text);
    return v;
}

/* Canonicalizes the JSON text `in` and compares with `want` (want_len bytes,
 * or strlen when 0). */
static void check(const char *in, const char *want, size_t want_len)
{
    json_t *v = parse(in);
    struct yw_buf b;
    yw_buf_init(&b, 1 << 20);
    int rc = yw__jcs(v, &b);
    if (rc != 0)
        fail_msg("jcs(%s) = %d", in, rc);
    if (want_len == 0)
        want_len = strlen(want);
    if (b.len != want_len || memcmp(b.data, want, want_len) != 0)
        fail_msg("jcs(%s)\n got: %s\nwant: %s", in, b.data, want);
    yw_buf_free(&b);
    json_decref(v);
}

static int jcs_rc(const json_t *v)
{
    struct yw_buf b;
    yw_buf_init(&b, 1 << 20);
    assert_int_equal(yw_buf_append_c(&b, "prefix"), 0);
    int rc = yw__jcs(v, &b);
    if (rc < 0) /* a refusal leaves the buffer as it was */
        assert_string_equal(b.data, "prefix");
    yw_buf_free(&b);
    return rc;
}

/* RFC 8785 section 3.2.3: property names sort by their UTF-16 code units. */
static void test_rfc8785_sorting(void **state)
{
    (void)state;
    check("{\n"
          "  \"\\u20ac\": \"Euro Sign\",\n"
          "  \"\\r\": \"Carriage Return\",\n"
          "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
          "  \"1\": \"One\",\n"
          "  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n"
          "  \"\\u0080\": \"Control\",\n"
          "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n"
          "}",
          "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
          "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\","
          "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
          "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}",
          0);
}

/* RFC 8785 section 3.2.4, the parts without numbers. */
static void test_rfc8785_strings_and_literals(void **state)
{
    (void)state;
    check("{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\"}",
          "{\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", 0);
    check("{\"literals\": [null, true, false]}", "{\"literals\":[null,true,false]}", 0);
}

/* Every control character, and the characters that stay literal. */
static void test_escaping(void **state)
{
    static const char *const want[32] = {
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
        "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
        "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    };
    (void)state;

    for (int c = 0; c < 32; c++) {
        char s[3] = {'x', (char)c, 'y'};
        json_t *v = json_stringn(s, 3);
        struct yw_buf b;
        char expect[16];
        assert_non_null(v);
        yw_buf_init(&b, 64);
        assert_int_equal(yw__jcs(v, &b), 0);
        snprintf(expect, sizeof(expect), "\"x%sy\"", want[c]);
        assert_string_equal(b.data, expect);
        yw_buf_free(&b);
        json_decref(v);
    }
    /* the same through the parser, all at once, as a key and as a value */
    check("[\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\"]",
          "[\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\\"]", 0);
    check("{\"\\u0007\\n\":\"\\u007f\"}", "{\"\\u0007\\n\":\"\x7f\"}", 0);
    /* literal: '/', DEL, U+2028, U+2029, non-ASCII, astral */
    check("\"a/b\\/c\\u007f\\u2028\\u2029\\u00e9\\ud83d\\ude00\"",
          "\"a/b/c\x7f\xe2\x80\xa8\xe2\x80\xa9\xc3\xa9\xf0\x9f\x98\x80\"", 0);
    check("\"\"", "\"\"", 0);
}

/* UTF-16 order differs from code point (and UTF-8 byte) order exactly when
 * a supplementary character meets U+E000..U+FFFF. */
static void test_utf16_order(void **state)
{
    (void)state;
    /* U+FFFF and U+E000 sort after U+1F600 (D83D DE00); U+D7FF before it */
    check("{\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"\\ue000\":3,\"\\ud7ff\":4}",
          "{\"\xed\x9f\xbf\":4,\"\xf0\x9f\x98\x80\":2,\"\xee\x80\x80\":3,\"\xef\xbf\xbf\":1}", 0);
    /* supplementary characters among themselves: code point order */
    check("{\"\\udbff\\udfff\":1,\"\\ud800\\udc00\":2,\"\\ud83d\\ude00\":3}",
          "{\"\xf0\x90\x80\x80\":2,\"\xf0\x9f\x98\x80\":3,\"\xf4\x8f\xbf\xbf\":1}", 0);
    /* prefixes first; ASCII by byte; empty name first of all */
    check("{\"ab\":1,\"a\":2,\"\":3,\"b\":4,\"B\":5,\"a!\":6}",
          "{\"\":3,\"B\":5,\"a\":2,\"a!\":6,\"ab\":1,\"b\":4}", 0);
    /* a key with an astral char followed by more vs. a BMP-high char */
    check("{\"x\\uff01\":1,\"x\\ud83d\\ude00z\":2}",
          "{\"x\xf0\x9f\x98\x80z\":2,\"x\xef\xbc\x81\":1}", 0);
}

static void test_nesting_and_whitespace(void **state)
{
    (void)state;
    check(" { \"b\" : [ 1 , { \"z\" : null , \"a\" : [ ] } ] ,\n\t\"a\" : { } } ",
          "{\"a\":{},\"b\":[1,{\"a\":[],\"z\":null}]}", 0);
    check("[[[[]]],{},[{}],\"x\"]", "[[[[]]],{},[{}],\"x\"]", 0);
    check("{\"c\":{\"b\":{\"a\":{\"z\":1,\"y\":2}}},\"a\":0}",
          "{\"a\":0,\"c\":{\"b\":{\"a\":{\"y\":2,\"z\":1}}}}", 0);
    check("true", "true", 0);
    check("null", "null", 0);
    check("{}", "{}", 0);
    check("[]", "[]", 0);
}

static void test_integers(void **state)
{
    (void)state;
    check("[0,-0,1,-1,42,9007199254740991,-9007199254740991]",
          "[0,0,1,-1,42,9007199254740991,-9007199254740991]", 0);

    static const json_int_t bad[] = {
        9007199254740992LL,
        -9007199254740992LL,
        9223372036854775807LL,
        -9223372036854775807LL - 1,
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *v = json_integer(bad[i]);
        assert_int_equal(jcs_rc(v), YW_EINVAL);
        json_t *arr = json_pack("[i, {s: I}]", 1, "deep", bad[i]);
        assert_non_null(arr);
        assert_int_equal(jcs_rc(arr), YW_EINVAL);
        json_decref(arr);
        json_decref(v);
    }
}

static void test_reals_refused(void **state)
{
    static const char *const reals[] = {
        "1.0",      "0.5",
        "1e0",      "-0.0",
        "1E30",     "333333333.33333329",
        "[1, 2.5]", "{\"a\": {\"b\": 0.1}}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
        json_t *v = parse(reals[i]);
        assert_int_equal(jcs_rc(v), YW_EINVAL);
        json_decref(v);
    }
}

static void test_bad_utf8_and_nul(void **state)
{
    (void)state;
    /* strings made without jansson's UTF-8 check */
    json_t *s = json_stringn_nocheck("a\xff", 2);
    assert_int_equal(jcs_rc(s), YW_EINVAL);
    json_decref(s);
    s = json_string_nocheck("\xed\xa0\x80"); /* a surrogate */
    assert_int_equal(jcs_rc(s), YW_EINVAL);
    json_decref(s);
    json_t *o = json_object();
    assert_int_equal(json_object_set_new_nocheck(o, "k\xc0\xaf", json_true()), 0);
    assert_int_equal(jcs_rc(o), YW_EINVAL);
    json_decref(o);

    /* NUL inside a string and inside a key */
    json_t *v = json_object();
    assert_int_equal(json_object_setn_new(v, "a\0b", 3, json_stringn("x\0y", 3)), 0);
    assert_int_equal(json_object_setn_new(v, "a", 1, json_integer(1)), 0);
    struct yw_buf b;
    yw_buf_init(&b, 256);
    assert_int_equal(yw__jcs(v, &b), 0);
    assert_string_equal(b.data, "{\"a\":1,\"a\\u0000b\":\"x\\u0000y\"}");
    yw_buf_free(&b);
    json_decref(v);
}

static void test_limits(void **state)
{
    (void)state;
    assert_int_equal(jcs_rc(NULL), YW_EINVAL);

    /* the output ceiling: YW_ETOOBIG, and the buffer as it was */
    json_t *v = parse("{\"key\":\"a fairly long value that will not fit\"}");
    struct yw_buf b;
    yw_buf_init(&b, 16);
    assert_int_equal(yw_buf_append_c(&b, "pre"), 0);
    assert_int_equal(yw__jcs(v, &b), YW_ETOOBIG);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "pre");
    yw_buf_free(&b);
    json_decref(v);

    /* nesting: 2000 levels are fine, 3000 are refused */
    for (int depth = 2000; depth <= 3000; depth += 1000) {
        json_t *root = json_array(), *cur = root;
        for (int i = 1; i < depth; i++) {
            json_t *next = json_array();
            assert_int_equal(json_array_append_new(cur, next), 0);
            cur = next;
        }
        assert_int_equal(jcs_rc(root), depth == 2000 ? 0 : YW_EINVAL);
        json_decref(root);
    }
}

/* The output is a fixed point: parsing it and canonicalizing again gives the
 * same bytes, and member order in the input does not matter. */
static void test_idempotent(void **state)
{
    static const char *const inputs[] = {
        "{\"z\":[3,2,1],\"a\":{\"y\":\"\\u00e9\\n\",\"x\":false},\"m\":null}",
        "{\"m\":null,\"a\":{\"x\":false,\"y\":\"\\u00e9\\n\"},\"z\":[3,2,1]}",
    };
    struct yw_buf first, again;
    (void)state;

    yw_buf_init(&first, 1024);
    for (size_t i = 0; i < 2; i++) {
        json_t *v = parse(inputs[i]);
        struct yw_buf b;
        yw_buf_init(&b, 1024);
        assert_int_equal(yw__jcs(v, &b), 0);
        if (i == 0)
            assert_int_equal(yw_buf_append(&first, b.data, b.len), 0);
        else
            assert_string_equal(b.data, first.data);
        json_t *w = parse(b.data);
        yw_buf_init(&again, 1024);
        assert_int_equal(yw__jcs(w, &again), 0);
        assert_string_equal(again.data, b.data);
        yw_buf_free(&again);
        yw_buf_free(&b);
        json_decref(w);
        json_decref(v);
    }
    yw_buf_free(&first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8785_sorting),
        cmocka_unit_test(test_rfc8785_strings_and_literals),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_utf16_order),
        cmocka_unit_test(test_nesting_and_whitespace),
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_reals_refused),
        cmocka_unit_test(test_bad_utf8_and_nul),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_idempotent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
