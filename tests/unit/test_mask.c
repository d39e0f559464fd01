/* policy/mask.c: the masking operators (脱敏), table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t key_a[32] = "0123456789abcdef0123456789abcdef";
static const uint8_t key_b[32] = "0123456789abcdef0123456789abcdeg";

struct mask_case {
    const char *op;
    const char *in;
    size_t in_len; /* 0: strlen(in) */
    const char *want;
};

/* Applies op to in and returns the result in a static buffer (NULL for JSON
 * null), failing the test on any error. */
static const char *apply_len(const char *op, const char *in, size_t in_len)
{
    static char result[1024];
    struct yw_mask m;
    struct yw_err err = {0};
    struct yw_mask_key key = {YW_PROFILE_INTL, key_a, sizeof(key_a)};
    struct yw_buf out;
    bool is_null = true;

    assert_int_equal(yw_mask_parse(yw_str_c(op), &m, "mask", &err), YW_OK);
    yw_buf_init(&out, 4096);
    struct yw_str value = {in, in ? (in_len ? in_len : strlen(in)) : 0};
    assert_int_equal(yw_mask_apply(&m, value, &key, &out, &is_null), YW_OK);
    if (is_null) {
        assert_int_equal(out.len, 0);
        yw_buf_free(&out);
        return NULL;
    }
    assert_true(yw_utf8_valid(out.data ? out.data : "", out.len));
    assert_true(out.len < sizeof(result));
    memcpy(result, out.data ? out.data : "", out.len);
    result[out.len] = '\0';
    yw_buf_free(&out);
    return result;
}

static const char *apply(const char *op, const char *in)
{
    return apply_len(op, in, 0);
}

static void run_cases(const struct mask_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = apply_len(cases[i].op, cases[i].in, cases[i].in_len);
        if (got == NULL || strcmp(got, cases[i].want) != 0)
            fail_msg("%s(\"%s\"): got \"%s\", want \"%s\"", cases[i].op, cases[i].in,
                     got ? got : "(null)", cases[i].want);
    }
}

static void test_parse(void **state)
{
    static const char *const good[] = {"keep", "redact",   "id_number", "mobile",     "bank_card",
                                       "name", "address",  "email",     "year",       "hash",
                                       "null", "ends:0:0", "ends:3:4",  "ends:32:32", "ends:10:0"};
    static const char *const bad[] = {"",          "Keep",       "redact ",   "ends",
                                      "ends:",     "ends:3",     "ends:3:",   "ends::4",
                                      "ends:33:0", "ends:0:33",  "ends:03:4", "ends:-1:4",
                                      "ends:+1:4", "ends:3:4:5", "ends:3 :4", "ends:100:1",
                                      "遮蔽",      "hash\n",     "ends:1:1x"};
    struct yw_mask m;
    struct yw_err err = {0};
    char name[16];
    (void)state;

    for (size_t i = 0; i < N_OF(good); i++) {
        assert_int_equal(yw_mask_parse(yw_str_c(good[i]), &m, "mask", &err), YW_OK);
        yw_mask_name(&m, name, sizeof(name));
        assert_string_equal(name, good[i]);
    }
    assert_int_equal(yw_mask_parse(YW_STR_LIT("ends:3:4"), &m, "mask", &err), YW_OK);
    assert_int_equal(m.kind, YW_MASK_ENDS);
    assert_int_equal(m.first, 3);
    assert_int_equal(m.last, 4);
    assert_int_equal(yw_mask_parse(YW_STR_LIT("id_number"), &m, "mask", &err), YW_OK);
    assert_int_equal(m.kind, YW_MASK_ID_NUMBER);

    for (size_t i = 0; i < N_OF(bad); i++) {
        m = (struct yw_mask){.kind = YW_MASK_NULL, .first = 7, .last = 7};
        memset(&err, 0, sizeof(err));
        assert_int_equal(yw_mask_parse(yw_str_c(bad[i]), &m, "fields[2].mask", &err), YW_EINVAL);
        assert_int_equal(err.code, YW_EINVAL);
        assert_string_equal(err.field, "fields[2].mask");
        assert_non_null(strstr(err.message, " / "));
        assert_non_null(strstr(err.message, "id_number"));
        /* Unchanged on failure. */
        assert_int_equal(m.kind, YW_MASK_NULL);
        assert_int_equal(m.first, 7);
    }
    assert_int_equal(yw_mask_parse((struct yw_str){NULL, 0}, &m, "mask", &err), YW_EINVAL);
    /* A NUL inside the slice is not the end of the name. */
    assert_int_equal(yw_mask_parse((struct yw_str){"keep\0x", 6}, &m, "mask", &err), YW_EINVAL);

    m = (struct yw_mask){.kind = (enum yw_mask_kind)99};
    yw_mask_name(&m, name, sizeof(name));
    assert_string_equal(name, "unknown");
}

static void test_keep_redact_null(void **state)
{
    static const struct mask_case cases[] = {
        {"keep", "", 0, ""},
        {"keep", "张三 110101199003071234", 0, "张三 110101199003071234"},
        /* Invalid bytes become U+FFFD, so the output stays UTF-8. */
        {"keep",
         "a\xFF"
         "b\xE5\xBC",
         0,
         "a\xEF\xBF\xBD"
         "b\xEF\xBF\xBD\xEF\xBF\xBD"},
        {"redact", "", 0, ""},
        {"redact", "x", 0, "*"},
        {"redact", "13812341234", 0, "***********"},
        /* One '*' per character, not per byte. */
        {"redact", "张三丰", 0, "***"},
        {"redact", "😀a", 0, "**"},
        {"redact", "a\xFF\xC0z", 0, "****"},
        {"redact", "a\0b", 3, "***"},
    };
    (void)state;

    run_cases(cases, N_OF(cases));
    assert_null(apply("null", "anything"));
    assert_null(apply("null", ""));
    /* An SQL NULL stays NULL under every operator. */
    static const char *const ops[] = {"keep",   "redact",    "ends:1:1", "id_number",
                                      "mobile", "bank_card", "name",     "address",
                                      "email",  "year",      "hash"};
    for (size_t i = 0; i < N_OF(ops); i++)
        assert_null(apply(ops[i], NULL));
}

static void test_ends(void **state)
{
    static const struct mask_case cases[] = {
        {"ends:3:4", "13812341234", 0, "138****1234"},
        {"ends:0:4", "6222021234567890", 0, "************7890"},
        {"ends:2:0", "abcdef", 0, "ab****"},
        {"ends:0:0", "abc", 0, "***"},
        {"ends:1:1", "张三丰", 0, "张*丰"},
        {"ends:1:2", "😀ab😀cd", 0, "😀***cd"},
        /* M + N at least the length: everything is masked. */
        {"ends:3:4", "1234567", 0, "*******"},
        {"ends:3:4", "123456", 0, "******"},
        {"ends:1:1", "张三", 0, "**"},
        {"ends:1:0", "张", 0, "*"},
        {"ends:0:1", "", 0, ""},
        {"ends:32:32", "short", 0, "*****"},
        /* A kept invalid byte is written as U+FFFD and counts as one character. */
        {"ends:1:1",
         "\xFF"
         "abc\xFE",
         0, "\xEF\xBF\xBD***\xEF\xBF\xBD"},
        /* A truncated sequence at the end is one invalid byte per byte. */
        {"ends:1:1", "ab\xE5\xBC", 0, "a**\xEF\xBF\xBD"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_id_number(void **state)
{
    static const struct mask_case cases[] = {
        {"id_number", "110101199003071234", 0, "110101********1234"},
        {"id_number", "11010519491231002X", 0, "110105********002X"},
        {"id_number", "11010519491231002x", 0, "110105********002x"},
        /* Check character not verified: a mistyped number is masked alike. */
        {"id_number", "110101199003077777", 0, "110101********7777"},
        {"id_number", "110101900307123", 0, "110101******123"},
        /* Wrong shapes: redacted whole. */
        {"id_number", "", 0, ""},
        {"id_number", "1", 0, "*"},
        {"id_number", "11010119900307123", 0, "*****************"},
        {"id_number", "1101011990030712345", 0, "*******************"},
        {"id_number", "X10101199003071234", 0, "******************"},
        {"id_number", "11010119900307123Y", 0, "******************"},
        {"id_number", "11010190030712X", 0, "***************"},
        {"id_number", "110101 199003071234", 0, "*******************"},
        {"id_number", "１１０１０１１９９００３０７１２３４", 0, "******************"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_mobile(void **state)
{
    static const struct mask_case cases[] = {
        {"mobile", "13812341234", 0, "138****1234"},
        {"mobile", "19912345678", 0, "199****5678"},
        {"mobile", "+8613812341234", 0, "+86138****1234"},
        {"mobile", "8613812341234", 0, "86138****1234"},
        {"mobile", "+86 13812341234", 0, "+86 138****1234"},
        {"mobile", "+86-13812341234", 0, "+86-138****1234"},
        {"mobile", "86 13812341234", 0, "86 138****1234"},
        /* Wrong shapes. */
        {"mobile", "", 0, ""},
        {"mobile", "1", 0, "*"},
        {"mobile", "1381234123", 0, "**********"},
        {"mobile", "138123412345", 0, "************"},
        {"mobile", "12812341234", 0, "***********"},
        {"mobile", "23812341234", 0, "***********"},
        {"mobile", "138-1234-1234", 0, "*************"},
        {"mobile", "+8513812341234", 0, "**************"},
        {"mobile", "+86", 0, "***"},
        {"mobile", "+86 ", 0, "****"},
        {"mobile", "+86  13812341234", 0, "****************"},
        {"mobile", "010-12345678", 0, "************"},
        {"mobile", "手机13812341234", 0, "*************"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_bank_card(void **state)
{
    static const struct mask_case cases[] = {
        {"bank_card", "6222021234567890123", 0, "622202*********0123"},
        {"bank_card", "6222 0212 3456 7890", 0, "622202******7890"},
        {"bank_card", " 622202123456 ", 0, "622202**3456"},
        {"bank_card", "4111111111111111", 0, "411111******1111"},
        /* Wrong shapes: fewer than 12 or more than 19 digits, other characters. */
        {"bank_card", "", 0, ""},
        {"bank_card", "62220212345", 0, "***********"},
        {"bank_card", "62220212345678901234", 0, "********************"},
        {"bank_card", "6222-0212-3456-7890", 0, "*******************"},
        {"bank_card", "6222021234567890X", 0, "*****************"},
        {"bank_card", "    ", 0, "****"},
        {"bank_card", "卡号6222021234567890", 0, "******************"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_name(void **state)
{
    static const struct mask_case cases[] = {
        {"name", "张三", 0, "张*"},
        {"name", "张三丰", 0, "张**"},
        {"name", "欧阳娜娜", 0, "欧阳**"},
        {"name", "欧阳娜", 0, "欧阳*"},
        {"name", "司马相如", 0, "司马**"},
        {"name", "诸葛亮", 0, "诸葛*"},
        {"name", "申屠嘉", 0, "申屠*"},
        {"name", "歐陽修", 0, "歐陽*"},
        /* Two characters are a surname and a given name, even if they spell a
         * compound surname: the whole name is never shown. */
        {"name", "欧阳", 0, "欧*"},
        {"name", "张", 0, "*"},
        {"name", "", 0, ""},
        {"name", "阿依古丽·买买提", 0, "阿*******"},
        {"name", "𠀋三", 0, "𠀋*"},
        /* Latin names: each word keeps its first letter. */
        {"name", "Li Wei", 0, "L* W**"},
        {"name", "Zhang San Feng", 0, "Z**** S** F***"},
        {"name", "Li  Wei ", 0, "L*  W** "},
        {"name", "Li", 0, "L*"},
        {"name", "J Smith", 0, "J S****"},
        {"name", "张 三丰", 0, "张 三*"},
        /* Initials only would show the whole name. */
        {"name", "A B", 0, "***"},
        {"name", "张 三", 0, "***"},
        {"name", " ", 0, "*"},
        {"name", "\xFF\xFE", 0, "\xEF\xBF\xBD*"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_address(void **state)
{
    static const struct mask_case cases[] = {
        {"address", "浙江省杭州市西湖区文三路90号", 0, "浙江省杭州市西湖区***"},
        {"address", "青岚省青川市临江县城关镇", 0, "青岚省青川市临江县***"},
        {"address", "北京市东城区王府井大街1号", 0, "北京市东城区***"},
        {"address", "上海市浦东新区世纪大道100号", 0, "上海市浦东新区***"},
        {"address", "重庆市城口县葛城街道", 0, "重庆市城口县***"},
        {"address", "浙江省杭州市建德市新安江街道", 0, "浙江省杭州市建德市***"},
        {"address", "内蒙古自治区呼和浩特市土默特左旗察素齐镇", 0,
         "内蒙古自治区呼和浩特市土默特左旗***"},
        {"address", "内蒙古自治区锡林郭勒盟二连浩特市", 0, "内蒙古自治区锡林郭勒盟二连浩特市***"},
        {"address", "新疆维吾尔自治区乌鲁木齐市天山区解放南路", 0,
         "新疆维吾尔自治区乌鲁木齐市天山区***"},
        {"address", "新疆维吾尔自治区阿克苏地区阿克苏市", 0,
         "新疆维吾尔自治区阿克苏地区阿克苏市***"},
        {"address", "湖北省恩施土家族苗族自治州恩施市舞阳大道", 0,
         "湖北省恩施土家族苗族自治州恩施市***"},
        {"address", "青海省海东市积石山保安族东乡族撒拉族自治县吹麻滩镇", 0,
         "青海省海东市积石山保安族东乡族撒拉族自治县***"},
        {"address", "香港特别行政区中西区皇后大道中", 0, "香港特别行政区中西区***"},
        {"address", "山东省济南市市中区经四路", 0, "山东省济南市市中区***"},
        {"address", "北京市通州区新华大街", 0, "北京市通州区***"},
        {"address", "广东省广州市天河区体育西路", 0, "广东省广州市天河区***"},
        {"address", "河北省唐山市路南区", 0, "河北省唐山市路南区***"},
        {"address", "陕西省商洛市镇安县永乐街道", 0, "陕西省商洛市镇安县***"},
        {"address", "湖南省永州市道县", 0, "湖南省永州市道县***"},
        {"address", "西湖区文三路90号", 0, "西湖区***"},
        {"address", "杭州市西湖区", 0, "杭州市西湖区***"},
        /* No county-level unit to trust: redacted whole. */
        {"address", "", 0, ""},
        {"address", "区", 0, "*"},
        {"address", "北京市", 0, "***"},
        {"address", "浙江省杭州市", 0, "******"},
        {"address", "海南省三沙市", 0, "******"},
        {"address", "广东省东莞市南城街道鸿福社区", 0, "**************"},
        {"address", "广东省东莞市南城街道某某小区5栋", 0, "****************"},
        {"address", "吉林省长春市红旗街100号", 0, "*************"},
        {"address", "浙江省杭州市文三路90号西湖区", 0, "***************"},
        {"address", "No. 1 Main Street, Springfield", 0, "******************************"},
        {"address", "浙江省杭州市西湖\xFF区", 0, "**********"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_email(void **state)
{
    static const struct mask_case cases[] = {
        {"email", "zhangsan@example.com", 0, "z*******@example.com"},
        {"email", "dd@126.com", 0, "d*@126.com"},
        {"email", "张三丰@例子.中国", 0, "张**@例子.中国"},
        {"email", "first.last+tag@mail.gov.cn", 0, "f*************@mail.gov.cn"},
        /* Split at the last '@': the quoted local part "a@b" is masked. */
        {"email", "\"a@b\"@x.org", 0, "\"****@x.org"},
        /* A one-character local part would be shown whole. */
        {"email", "a@example.com", 0, "*@example.com"},
        /* Wrong shapes. */
        {"email", "", 0, ""},
        {"email", "@", 0, "*"},
        {"email", "zhangsan", 0, "********"},
        {"email", "@example.com", 0, "************"},
        {"email", "zhangsan@", 0, "*********"},
        {"email", "zhangsan@localhost", 0, "******************"},
        {"email", "zs@.example.com", 0, "***************"},
        {"email", "zs@example.com.", 0, "***************"},
        {"email", "zs@example..com", 0, "***************"},
        {"email", "call me @ example.com", 0, "*********************"},
        {"email", "zs@exa mple.com", 0, "***************"},
        {"email", "z\xFFs@example.com", 0, "***************"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void test_year(void **state)
{
    static const struct mask_case cases[] = {
        {"year", "1990-03-07", 0, "1990"},
        {"year", "19900307", 0, "1990"},
        {"year", "1990/03/07", 0, "1990"},
        {"year", "2024-02-29", 0, "2024"},
        {"year", "2000-02-29", 0, "2000"},
        {"year", "2026-11-27T08:00:00Z", 0, "2026"},
        {"year", "2026-11-27T08:00:00.123Z", 0, "2026"},
        {"year", "2026-11-27t08:00:00+08:00", 0, "2026"},
        {"year", "2026-11-27T23:59:60-05:30", 0, "2026"},
        {"year", "2026-11-27 08:00:00", 0, "2026"},
        /* Not a date: redacted. */
        {"year", "", 0, ""},
        {"year", "1990", 0, "****"},
        {"year", "1990-03", 0, "*******"},
        {"year", "1990-3-7", 0, "********"},
        {"year", "1990-13-01", 0, "**********"},
        {"year", "1990-00-10", 0, "**********"},
        {"year", "1990-02-29", 0, "**********"},
        {"year", "1900-02-29", 0, "**********"},
        {"year", "1990-04-31", 0, "**********"},
        {"year", "19900230", 0, "********"},
        {"year", "1990-03/07", 0, "**********"},
        {"year", "1990/03/07T08:00:00Z", 0, "********************"},
        {"year", "1990-03-07T", 0, "***********"},
        {"year", "1990-03-07T24:00:00Z", 0, "********************"},
        {"year", "1990-03-07T08:00Z", 0, "*****************"},
        {"year", "1990-03-07T08:00:00.Z", 0, "*********************"},
        {"year", "1990-03-07T08:00:00+8:00", 0, "************************"},
        {"year", "1990-03-07T08:00:00ZZ", 0, "*********************"},
        {"year", "1990-03-07 is my birthday", 0, "*************************"},
        {"year", "一九九〇年三月七日", 0, "*********"},
        {"year", "-990-03-07", 0, "**********"},
    };
    (void)state;
    run_cases(cases, N_OF(cases));
}

static void hash_of(enum yw_profile profile, const uint8_t *key, size_t key_len, const char *in,
                    char out[33])
{
    struct yw_mask m = {.kind = YW_MASK_HASH};
    struct yw_mask_key k = {profile, key, key_len};
    struct yw_buf b;
    bool is_null = true;

    yw_buf_init(&b, 64);
    assert_int_equal(yw_mask_apply(&m, yw_str_c(in), &k, &b, &is_null), YW_OK);
    assert_false(is_null);
    assert_int_equal(b.len, 32);
    for (size_t i = 0; i < 32; i++)
        assert_non_null(strchr("0123456789abcdef", b.data[i]));
    memcpy(out, b.data, 33);
    yw_buf_free(&b);
}

static void test_hash(void **state)
{
    static const enum yw_profile profiles[] = {YW_PROFILE_GM, YW_PROFILE_INTL};
    char a1[33], a2[33], b1[33], other[33], empty[33], gm[33];
    (void)state;

    for (size_t p = 0; p < N_OF(profiles); p++) {
        hash_of(profiles[p], key_a, sizeof(key_a), "110101199003071234", a1);
        hash_of(profiles[p], key_a, sizeof(key_a), "110101199003071234", a2);
        assert_string_equal(a1, a2); /* deterministic */
        hash_of(profiles[p], key_b, sizeof(key_b), "110101199003071234", b1);
        assert_string_not_equal(a1, b1); /* depends on the key */
        hash_of(profiles[p], key_a, sizeof(key_a), "110101199003071235", other);
        assert_string_not_equal(a1, other);
        hash_of(profiles[p], key_a, sizeof(key_a), "", empty);
        assert_string_not_equal(a1, empty);
        /* It is the keyed MAC, not a plain hash of the value. */
        uint8_t mac[YW_HASH_SIZE], plain[YW_HASH_SIZE];
        char hex[2 * YW_HASH_SIZE + 1];
        assert_int_equal(yw_hmac(profiles[p], key_a, sizeof(key_a), "110101199003071234", 18, mac),
                         YW_OK);
        yw_hex(mac, 16, hex);
        assert_string_equal(a1, hex);
        assert_int_equal(yw_hash(profiles[p], "110101199003071234", 18, plain), YW_OK);
        yw_hex(plain, 16, hex);
        assert_string_not_equal(a1, hex);
        if (profiles[p] == YW_PROFILE_GM)
            memcpy(gm, a1, sizeof(gm));
        else
            assert_string_not_equal(gm, a1); /* SM3 and SHA-256 differ */
    }
    /* intl is HMAC-SHA-256: RFC 4231 test case 2 (key "Jefe", under the
     * operator's minimum, so through yw_hmac), its first 16 bytes. */
    uint8_t mac[YW_HASH_SIZE];
    char hex[33];
    assert_int_equal(yw_hmac(YW_PROFILE_INTL, "Jefe", 4, "what do ya want for nothing?", 28, mac),
                     YW_OK);
    yw_hex(mac, 16, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c7");
}

static void test_caller_errors(void **state)
{
    struct yw_mask hash = {.kind = YW_MASK_HASH};
    struct yw_mask keep = {.kind = YW_MASK_KEEP};
    struct yw_mask_key short_key = {YW_PROFILE_INTL, key_a, YW_MASK_KEY_MIN - 1};
    struct yw_mask_key no_profile = {(enum yw_profile)0, key_a, sizeof(key_a)};
    struct yw_buf b;
    bool is_null = false;
    (void)state;

    yw_buf_init(&b, 64);
    assert_int_equal(yw_buf_append_c(&b, "prefix"), YW_OK);
    /* hash without a usable key: refused, never a plain hash; out unchanged. */
    assert_int_equal(yw_mask_apply(&hash, YW_STR_LIT("x"), NULL, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&hash, YW_STR_LIT("x"), &short_key, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&hash, YW_STR_LIT("x"), &no_profile, &b, &is_null), YW_EINVAL);
    assert_string_equal(b.data, "prefix");
    struct yw_mask bad_kind = {.kind = (enum yw_mask_kind)42};
    struct yw_mask bad_ends = {.kind = YW_MASK_ENDS, .first = 33, .last = 0};
    struct yw_mask neg_ends = {.kind = YW_MASK_ENDS, .first = 0, .last = -1};
    assert_int_equal(yw_mask_apply(&bad_kind, YW_STR_LIT("x"), NULL, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&bad_ends, YW_STR_LIT("x"), NULL, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&neg_ends, YW_STR_LIT("x"), NULL, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(NULL, YW_STR_LIT("x"), NULL, &b, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&keep, YW_STR_LIT("x"), NULL, NULL, &is_null), YW_EINVAL);
    assert_int_equal(yw_mask_apply(&keep, YW_STR_LIT("x"), NULL, &b, NULL), YW_EINVAL);
    /* Appends after what is there. */
    assert_int_equal(yw_mask_apply(&keep, YW_STR_LIT(":x"), NULL, &b, &is_null), YW_OK);
    assert_string_equal(b.data, "prefix:x");
    yw_buf_free(&b);

    /* The buffer's ceiling: YW_ETOOBIG and out left as it was, for every
     * operator that writes more than fits. */
    static const char *const ops[] = {"keep",   "redact",    "ends:1:1", "id_number",
                                      "mobile", "bank_card", "name",     "address",
                                      "email",  "year",      "hash"};
    static const char *const values[] = {"keep me",
                                         "redact me",
                                         "abcdef",
                                         "110101199003071234",
                                         "+8613812341234",
                                         "6222 0212 3456 7890",
                                         "Zhang San Feng",
                                         "浙江省杭州市西湖区文三路90号",
                                         "zhangsan@example.com",
                                         "2026-11-27T08:00:00Z",
                                         "x"};
    struct yw_mask_key key = {YW_PROFILE_GM, key_a, sizeof(key_a)};
    for (size_t i = 0; i < N_OF(ops); i++) {
        struct yw_mask m;
        struct yw_err err = {0};
        assert_int_equal(yw_mask_parse(yw_str_c(ops[i]), &m, "mask", &err), YW_OK);
        yw_buf_init(&b, 5);
        assert_int_equal(yw_buf_append_c(&b, "ab"), YW_OK);
        assert_int_equal(yw_mask_apply(&m, yw_str_c(values[i]), &key, &b, &is_null), YW_ETOOBIG);
        assert_int_equal(b.len, 2);
        assert_string_equal(b.data, "ab");
        yw_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),  cmocka_unit_test(test_keep_redact_null),
        cmocka_unit_test(test_ends),   cmocka_unit_test(test_id_number),
        cmocka_unit_test(test_mobile), cmocka_unit_test(test_bank_card),
        cmocka_unit_test(test_name),   cmocka_unit_test(test_address),
        cmocka_unit_test(test_email),  cmocka_unit_test(test_year),
        cmocka_unit_test(test_hash),   cmocka_unit_test(test_caller_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
