/* util/search: the terms the full-text search stores and queries, exactly and in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

/* All terms of text (n bytes), space-separated. */
static void terms_of(const char *text, size_t n, struct yw_buf *out)
{
    struct yw_terms t;
    yw_terms_init(&t, (struct yw_str){text, n});
    while (yw_terms_next(&t)) {
        assert_true(t.term_len > 0 && t.term_len < YW_TERM_MAX);
        assert_int_equal(strlen(t.term), t.term_len);
        assert_true(yw_utf8_valid(t.term, t.term_len));
        if (out->len > 0)
            assert_int_equal(yw_buf_append_c(out, " "), YW_OK);
        assert_int_equal(yw_buf_append(out, t.term, t.term_len), YW_OK);
    }
    assert_false(yw_terms_next(&t)); /* stays at the end */
}

static void test_terms(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"居民身份证信息 (Resident ID)", "居民 民身 身份 份证 证信 信息 resident id"},
        {"婚", "婚"},
        {"婚 姻", "婚 姻"},
        {"a婚b", "a 婚 b"},
        {"ＡＢＣ１２", "abc12"},
        {"ａｂｃ－ＸＹＺ", "abc xyz"}, /* fullwidth hyphen separates */
        {"身份证，户籍", "身份 份证 户籍"},
        {"《数据共享》、“一网通办”。", "数据 据共 共享 一网 网通 通办"},
        {"数　据", "数 据"}, /* ideographic space */
        {"SM2证书", "sm2 证书"},
        {"申请SM2证书", "申请 sm2 证书"},
        {"ID号码123", "id 号码 123"},
        {"2024年", "2024 年"},
        {"Hello, World! hello_world", "hello world hello world"},
        {"Café Müller ÉCOLE", "café müller École"},
        {"3×4÷5", "3 4 5"},
        {"ひらがな カタカナ", "ひら らが がな カタ タカ カナ"},
        {"한국어", "한국 국어"},
        {"𠀀𠀁", "𠀀𠀁"},   /* CJK Extension B */
        {"😀数据😀", "数据"}, /* emoji separate */
        {"Привет мир", ""}, /* other scripts are not indexed */
        {"", ""},
        {"   ", ""},
        {"，。！？、（）-_ ·…", ""},
        /* Invalid UTF-8 separates and never swallows what follows. */
        {"居民\xFF身份", "居民 身份"},
        {"ab\xC3(cd", "ab cd"},
        {"居\xE4\xB8民", "居 民"},        /* a cut sequence */
        {"x\xED\xA0\x80y", "x y"},        /* a surrogate */
        {"\x80\x80\xC0\xAFok\xF5", "ok"}, /* stray continuations, overlong, out of range */
        {"end\xE4", "end"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct yw_buf out;
        yw_buf_init(&out, 1024);
        terms_of(cases[i].in, strlen(cases[i].in), &out);
        assert_string_equal(out.data ? out.data : "", cases[i].want);
        yw_buf_free(&out);
    }
}

static void test_terms_word_limit(void **state)
{
    char text[128];
    struct yw_buf out;
    (void)state;

    /* 40 letters: cut to 32, and the next word still comes. */
    memset(text, 'A', 40);
    memcpy(text + 40, " b", 3);
    yw_buf_init(&out, 1024);
    terms_of(text, strlen(text), &out);
    assert_string_equal(out.data, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b");
    yw_buf_free(&out);

    /* A two-byte letter that would end past 32 bytes is dropped, with the rest. */
    memset(text, 'a', 31);
    memcpy(text + 31, "éb 婚", sizeof("éb 婚"));
    yw_buf_init(&out, 1024);
    terms_of(text, strlen(text), &out);
    assert_string_equal(out.data, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 婚");
    yw_buf_free(&out);

    /* Fullwidth letters count one byte each once folded. */
    for (size_t i = 0; i < 34; i++)
        memcpy(text + 3 * i, "Ａ", 3);
    yw_buf_init(&out, 1024);
    terms_of(text, 3 * 34, &out);
    assert_string_equal(out.data, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    yw_buf_free(&out);
}

static void test_terms_cjk_flag(void **state)
{
    static const struct {
        const char *term;
        bool cjk;
    } want[] = {{"婚", true}, {"ab", false}, {"居民", true}, {"民身", true}, {"é1", false}};
    struct yw_terms t;
    size_t i = 0;
    (void)state;
    yw_terms_init(&t, yw_str_c("婚ab居民身 é1"));
    while (yw_terms_next(&t)) {
        assert_true(i < sizeof(want) / sizeof(want[0]));
        assert_string_equal(t.term, want[i].term);
        assert_int_equal(t.cjk, want[i].cjk);
        i++;
    }
    assert_int_equal(i, sizeof(want) / sizeof(want[0]));

    yw_terms_init(&t, (struct yw_str){NULL, 0});
    assert_false(yw_terms_next(&t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_terms),
        cmocka_unit_test(test_terms_word_limit),
        cmocka_unit_test(test_terms_cjk_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
