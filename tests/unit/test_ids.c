/* directory: identifier checks (src/directory/ids.c, divisions.c).
 *
 * Vectors come from /work/shared/reference/cn-standards.md section 4 (the
 * standards' published examples). Every other valid resident identity number
 * here is FICTIONAL: the address code of a real county, a made-up birth date
 * and sequence, and a check character computed by resident_build() below
 * (an implementation independent of ids.c: weights 2^(17-i) mod 11). None is a
 * real person's number. Likewise the constructed USCCs are built by
 * uscc_build() from made-up organisation codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "directory/directory.h"

/* 2025-05-31T20:00:00Z, i.e. 2025-06-01 04:00 in China (UTC+8). */
#define NOW_MS INT64_C(1748721600000)
/* 2025-05-31T15:59:59Z, i.e. 2025-05-31 23:59:59 in China. */
#define BEFORE_MIDNIGHT_MS INT64_C(1748707199000)

#define FIELD "subject.id"

/* Every refusal: the code, the field, a bilingual message that is neither
 * empty nor cut off by the 256-byte buffer, and valid UTF-8. */
static void assert_refusal(int rc, const struct yw_err *err, const char *needle)
{
    assert_int_equal(rc, YW_EINVAL);
    assert_int_equal(err->code, YW_EINVAL);
    assert_string_equal(err->field, FIELD);
    size_t n = strlen(err->message);
    assert_true(n > 0 && n < sizeof(err->message) - 1);
    assert_true(yw_utf8_valid(err->message, n));
    assert_non_null(strstr(err->message, " / "));
    if (needle != NULL && strstr(err->message, needle) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err->message, needle);
}

/* ---- resident identity numbers ------------------------------------------ */

/* Builds address + birth + sequence + computed check character into out[19]. */
static void resident_build(const char *address, const char *birth, const char *sequence,
                           char out[19])
{
    unsigned sum = 0, weight = 1;

    memcpy(out, address, 6);
    memcpy(out + 6, birth, 8);
    memcpy(out + 14, sequence, 3);
    for (int i = 16; i >= 0; i--) {
        weight = weight * 2 % 11; /* 2^(17-i) mod 11 */
        sum += weight * (unsigned)(out[i] - '0');
    }
    unsigned value = (12 - sum % 11) % 11;
    out[17] = value == 10 ? 'X' : (char)('0' + value);
    out[18] = '\0';
}

struct resident_case {
    const char *address, *birth, *sequence; /* built with resident_build */
    const char *literal;                    /* or used as is */
    int64_t now_ms;
    const char *normalised; /* valid: expected output; NULL when refused */
    const char *needle;     /* refused: a piece of the expected message */
};

static const struct resident_case resident_cases[] = {
    /* the reference's vectors (published examples of GB 11643) */
    {NULL, NULL, NULL, "11010519491231002X", NOW_MS, "11010519491231002X", NULL},
    {NULL, NULL, NULL, "440524188001010014", NOW_MS, "440524188001010014",
     NULL}, /* retired 440524 */
    {NULL, NULL, NULL, "34052419800101001X", NOW_MS, "34052419800101001X", NULL},
    {NULL, NULL, NULL, "11010519491231002x", NOW_MS, "11010519491231002X", NULL}, /* x normalised */
    {NULL, NULL, NULL, "110101199003077777", NOW_MS, NULL, "should be 4, found 7"},
    /* fictional, valid */
    {"110101", "19900307", "123", NULL, NOW_MS, "", NULL},
    {"330103", "20000229", "456", NULL, NOW_MS, "", NULL}, /* retired 下城区; leap day */
    {"342401", "19700101", "001", NULL, NOW_MS, "", NULL}, /* plausible retired 六安地区 county */
    {"441900", "19800101", "007", NULL, NOW_MS, "", NULL}, /* 东莞, a prefecture without counties */
    {"810000", "20010101", "002", NULL, NOW_MS, "", NULL}, /* Hong Kong residents' permit */
    {"830000", "20010101", "003", NULL, NOW_MS, "", NULL}, /* Taiwan residents' permit */
    {"110101", "20250601", "000", NULL, NOW_MS, "", NULL}, /* born today (China time) */
    {"110101", "18000101", "010", NULL, NOW_MS, "", NULL},
    /* fictional, refused */
    {"110101", "19900230", "123", NULL, NOW_MS, NULL, "is not a real date"}, /* 2月30日 */
    {"110101", "19000229", "123", NULL, NOW_MS, NULL, "出生日期19000229无效"},
    {"110101", "19901301", "123", NULL, NOW_MS, NULL, "is not a real date"},
    {"110101", "19900100", "123", NULL, NOW_MS, NULL, "is not a real date"},
    {"110101", "19900431", "123", NULL, NOW_MS, NULL, "is not a real date"},
    {"110101", "17991231", "123", NULL, NOW_MS, NULL, "is before 1800"},
    {"110101", "20250602", "123", NULL, NOW_MS, NULL, "in the future"},
    {"110101", "20250601", "123", NULL, BEFORE_MIDNIGHT_MS, NULL, "20250601晚于今天"},
    {"119900", "19900101", "123", NULL, NOW_MS, NULL, "digits 3-4 (99)"},
    {"000000", "19900101", "123", NULL, NOW_MS, NULL, "there is no province 00"},
    {"990101", "19900101", "123", NULL, NOW_MS, NULL, "地址码990101无效"},
    {"110001", "19900101", "123", NULL, NOW_MS, NULL, "under prefecture 00"},
    {"810101", "19900101", "123", NULL, NOW_MS, NULL, "not a known division code"},
    {"130000", "19900101", "123", NULL, NOW_MS, "", NULL}, /* a known division, if odd */
    /* wrong length, wrong characters */
    {NULL, NULL, NULL, "", NOW_MS, NULL, "got 0 bytes"},
    {NULL, NULL, NULL, "11010519491231002", NOW_MS, NULL, "got 17 bytes"},
    {NULL, NULL, NULL, "11010519491231002X1", NOW_MS, NULL, "got 19 bytes"},
    {NULL, NULL, NULL, "110105491231002", NOW_MS, NULL, "convert a 15-digit number"},
    {NULL, NULL, NULL, "1101A519491231002X", NOW_MS, NULL, "at position 5 (found 0x41)"},
    {NULL, NULL, NULL, "11010519491231002Y", NOW_MS, NULL, "end in a digit or X (found 0x59)"},
    {NULL, NULL, NULL, "X10105194912310023", NOW_MS, NULL, "at position 1"},
    {NULL, NULL, NULL, "11010519491231002 ", NOW_MS, NULL, "found 0x20"},
    {NULL, NULL, NULL, "１１０１０５１９４９１", NOW_MS, NULL, "got 33 bytes"}, /* full-width */
};

static void test_resident_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(resident_cases) / sizeof(resident_cases[0]); i++) {
        const struct resident_case *c = &resident_cases[i];
        char built[19], out[19];
        struct yw_err err = {0};
        struct yw_str in;

        if (c->literal != NULL) {
            in = yw_str_c(c->literal);
        } else {
            resident_build(c->address, c->birth, c->sequence, built);
            in = (struct yw_str){built, 18};
        }
        memset(out, '?', sizeof(out));
        int rc = yw_id_check_resident(in, c->now_ms, FIELD, out, &err);
        if (c->normalised != NULL) {
            if (rc != YW_OK)
                fail_msg("case %zu (%.*s) refused: %s", i, (int)in.n, in.p, err.message);
            assert_string_equal(out, c->normalised[0] ? c->normalised : built);
        } else {
            if (rc == YW_OK)
                fail_msg("case %zu (%.*s) accepted", i, (int)in.n, in.p);
            assert_refusal(rc, &err, c->needle);
            assert_string_equal(out, ""); /* nothing half-written on failure */
        }
    }
}

static void test_resident_edges(void **state)
{
    struct yw_err err = {0};
    char id[19];
    (void)state;

    /* out and err may be NULL; NULL input with length 0 is not read. */
    assert_int_equal(
        yw_id_check_resident(YW_STR_LIT("11010519491231002x"), NOW_MS, FIELD, NULL, NULL), YW_OK);
    assert_int_equal(yw_id_check_resident((struct yw_str){NULL, 0}, NOW_MS, NULL, NULL, NULL),
                     YW_EINVAL);
    /* A NUL inside the slice is a character like any other, not an end. */
    assert_refusal(yw_id_check_resident((struct yw_str){"110105\0"
                                                        "9491231002X",
                                                        18},
                                        NOW_MS, FIELD, NULL, &err),
                   &err, "position 7 (found 0x00)");
    /* Only the slice is read: 18 good bytes followed by garbage. */
    assert_int_equal(yw_id_check_resident((struct yw_str){"11010519491231002Xgarbage", 18}, NOW_MS,
                                          FIELD, NULL, &err),
                     YW_OK);
    /* Every single-character substitution of a valid number is refused. */
    resident_build("110101", "19900307", "123", id);
    for (size_t pos = 0; pos < 18; pos++) {
        static const char alphabet[] = "0123456789Xx";
        for (size_t k = 0; k < sizeof(alphabet) - 1; k++) {
            char copy[19];
            memcpy(copy, id, sizeof(copy));
            if (copy[pos] == alphabet[k] || (pos == 17 && (copy[pos] | 0x20) == alphabet[k]))
                continue;
            copy[pos] = alphabet[k];
            if (yw_id_check_resident((struct yw_str){copy, 18}, NOW_MS, FIELD, NULL, &err) == YW_OK)
                fail_msg("substitution %s accepted", copy);
        }
    }
}

/* ---- unified social credit codes ---------------------------------------- */

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Appends the GB 32100 check character to 17 characters (weights 3^i mod 31). */
static void uscc_build(const char *first17, char out[19])
{
    unsigned sum = 0, weight = 1;

    memcpy(out, first17, 17);
    for (int i = 0; i < 17; i++) {
        sum += weight * (unsigned)(strchr(uscc_chars, out[i]) - uscc_chars);
        weight = weight * 3 % 31;
    }
    out[17] = uscc_chars[(31 - sum % 31) % 31];
    out[18] = '\0';
}

static const char *const uscc_valid[] = {
    "91350200776049653A", "913502000728319549", "91440101MA5CJQ4N59",
    "123502001549897397", "91110000802100433B",
};

struct uscc_case {
    const char *first17; /* built with uscc_build */
    const char *literal; /* or used as is */
    bool ok;
    const char *needle;
};

static const struct uscc_case uscc_cases[] = {
    {NULL, "91330000MA27U8Q09J", false, "should be L, found J"},
    {NULL, "91350203M0001QAY9B", false, "should be 9, found B"}, /* non-conforming, see doc */
    {NULL, "91440101ma5cjq4n59", false, "must use capitals: position 9 is m"},
    {NULL, "91350200776049653", false, "got 17 bytes"},
    {NULL, "91350200776049653A0", false, "got 19 bytes"},
    {NULL, "", false, "got 0 bytes"},
    {NULL, "913502007760-9653A", false, "position 13 (0x2D)"},
    {"11100000000013127", NULL, true, NULL}, /* national level 100000 */
    {"52330103MJ0000000", NULL, true, NULL}, /* 民非, retired 下城区 code */
    {"92342401MA0000000", NULL, true, NULL}, /* 个体工商户, plausible retired county */
    {"A1110000MA0000000", NULL, true, NULL}, /* 军委编制 */
    {"N2110000MA0000000", NULL, true, NULL}, /* 农业 */
    {"Y1110000MA0000000", NULL, true, NULL}, /* 其他 */
    {"B1110000MA0000000", NULL, false, "registration authority (position 1) B is unknown"},
    {"01110000MA0000000", NULL, false, "registration authority (position 1) 0 is unknown"},
    {"94110000MA0000000", NULL, false,
     "category (position 2) 4 does not exist under "
     "registration authority 9"},
    {"Y2110000MA0000000", NULL, false, "category (position 2) 2"},
    {"54110000MA0000000", NULL, false, "category (position 2) 4"},
    {"30110000MA0000000", NULL, false, "category (position 2) 0"},
    {"91000000MA0000000", NULL, false, "there is no province 00"},
    {"91119900MA0000000", NULL, false, "digits 3-4 (99)"},
    {"9111A000MA0000000", NULL, false, "digit at position 5"},
    {"91990000MA0000000", NULL, false, "registration authority's division code 990000"},
};

static void test_uscc_table(void **state)
{
    struct yw_err err = {0};
    (void)state;

    for (size_t i = 0; i < sizeof(uscc_valid) / sizeof(uscc_valid[0]); i++)
        if (yw_id_check_uscc(yw_str_c(uscc_valid[i]), FIELD, &err) != YW_OK)
            fail_msg("%s refused: %s", uscc_valid[i], err.message);
    for (size_t i = 0; i < sizeof(uscc_cases) / sizeof(uscc_cases[0]); i++) {
        const struct uscc_case *c = &uscc_cases[i];
        char built[19];
        struct yw_str in;
        if (c->literal != NULL) {
            in = yw_str_c(c->literal);
        } else {
            uscc_build(c->first17, built);
            in = (struct yw_str){built, 18};
        }
        int rc = yw_id_check_uscc(in, FIELD, &err);
        if (c->ok && rc != YW_OK)
            fail_msg("case %zu (%.*s) refused: %s", i, (int)in.n, in.p, err.message);
        if (!c->ok) {
            if (rc == YW_OK)
                fail_msg("case %zu (%.*s) accepted", i, (int)in.n, in.p);
            assert_refusal(rc, &err, c->needle);
        }
    }
}

static void test_uscc_substitutions(void **state)
{
    struct yw_err err = {0};
    /* the alphabet, the five letters it leaves out, lower case, and others */
    static const char others[] = "0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZaxz -\x00\xff";
    (void)state;

    for (size_t v = 0; v < sizeof(uscc_valid) / sizeof(uscc_valid[0]); v++) {
        for (size_t pos = 0; pos < 18; pos++) {
            for (size_t k = 0; k < sizeof(others) - 1; k++) {
                char copy[19];
                memcpy(copy, uscc_valid[v], 19);
                if (copy[pos] == others[k])
                    continue;
                copy[pos] = others[k];
                if (yw_id_check_uscc((struct yw_str){copy, 18}, FIELD, &err) == YW_OK)
                    fail_msg("%s with position %zu changed to 0x%02X accepted", uscc_valid[v],
                             pos + 1, (unsigned char)others[k]);
            }
        }
    }
    /* I O Z S V are refused by name, wherever they stand. */
    static const char refused[] = "IOZSV";
    for (size_t k = 0; k < 5; k++) {
        char copy[19], needle[32];
        memcpy(copy, "91350200776049653A", 19);
        copy[9] = refused[k];
        assert_refusal(yw_id_check_uscc((struct yw_str){copy, 18}, FIELD, &err), &err,
                       "I, O, S, V and Z are never used");
        assert_int_equal(
            yw_fmt(needle, sizeof(needle), "may not contain %c (position 10", refused[k]), YW_OK);
        assert_refusal(YW_EINVAL, &err, needle);
    }
}

/* ---- division codes ------------------------------------------------------- */

struct division_case {
    const char *code;
    bool ok_strict, ok_retired;
    enum yw_division_level level;
    const char *name;
    const char *needle; /* strict refusal */
};

static const struct division_case division_cases[] = {
    {"110000", true, true, YW_DIVISION_PROVINCE, "北京市", NULL},
    {"110100", true, true, YW_DIVISION_PREFECTURE, "市辖区", NULL},
    {"110101", true, true, YW_DIVISION_COUNTY, "东城区", NULL},
    {"441900", true, true, YW_DIVISION_PREFECTURE, "东莞市", NULL},
    {"659012", true, true, YW_DIVISION_COUNTY, "白杨市", NULL}, /* new since 2021 */
    {"810000", true, true, YW_DIVISION_PROVINCE, "香港特别行政区", NULL},
    {"330103", false, true, YW_DIVISION_COUNTY, "下城区", "330103不是现行代码"},
    {"130101", false, true, YW_DIVISION_COUNTY, "市辖区", "not a current code"},
    {"342401", false, true, YW_DIVISION_COUNTY, NULL, "342401 is not a current code"},
    {"000000", false, false, 0, NULL, "there is no province 00"},
    {"119900", false, false, 0, NULL, "are never a prefecture"},
    {"110001", false, false, 0, NULL, "under prefecture 00"},
    {"342400", false, false, 0, NULL, "342400 is not a known division code"},
    {"990000", false, false, 0, NULL, "there is no province 99"},
    {"810101", false, false, 0, NULL, "not a known division code"},
    {"1101", false, false, 0, NULL, "got 4 bytes"},
    {"1101010", false, false, 0, NULL, "got 7 bytes"},
    {"11010a", false, false, 0, NULL, "position 6 (0x61)"},
};

static void test_division_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(division_cases) / sizeof(division_cases[0]); i++) {
        const struct division_case *c = &division_cases[i];
        struct yw_err err = {0};
        enum yw_division_level level = 0;
        struct yw_str in = yw_str_c(c->code);

        int rc = yw_id_check_division(in, false, FIELD, &level, &err);
        if (c->ok_strict) {
            if (rc != YW_OK)
                fail_msg("%s refused (strict): %s", c->code, err.message);
            assert_int_equal(level, c->level);
        } else {
            assert_refusal(rc, &err, c->needle);
        }
        level = 0;
        rc = yw_id_check_division(in, true, FIELD, &level, &err);
        if (c->ok_retired) {
            if (rc != YW_OK)
                fail_msg("%s refused (retired allowed): %s", c->code, err.message);
            assert_int_equal(level, c->level);
        } else {
            assert_refusal(rc, &err, c->needle);
        }
        const char *name = yw_division_name(in);
        if (c->name == NULL)
            assert_null(name);
        else
            assert_string_equal(name, c->name);
    }
    assert_int_equal(yw_id_check_division(YW_STR_LIT("110101"), false, NULL, NULL, NULL), YW_OK);
    assert_null(yw_division_name((struct yw_str){NULL, 0}));
    assert_null(yw_division_name((struct yw_str){"110101", 5}));
}

/* ---- mobile numbers ------------------------------------------------------- */

static void test_mobile(void **state)
{
    static const struct {
        const char *number;
        const char *needle; /* NULL: valid */
    } cases[] = {
        {"13800138000", NULL},
        {"19912345678", NULL},
        {"16600000000", NULL},
        {"12800138000", "second digit must be 3 to 9, found 2"},
        {"10800138000", "found 0"},
        {"23800138000", "must start with 1, found 2"},
        {"1380013800", "got 10 bytes"},
        {"138001380000", "got 12 bytes"},
        {"", "got 0 bytes"},
        {"+8613800138000", "without +86"},
        {"8613800138000", "without +86"},
        {"138 0013 8000", "got 13 bytes"},
        {"1380013800O", "position 11 (0x4F)"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct yw_err err = {0};
        int rc = yw_id_check_mobile(yw_str_c(cases[i].number), FIELD, &err);
        if (cases[i].needle == NULL) {
            if (rc != YW_OK)
                fail_msg("%s refused: %s", cases[i].number, err.message);
        } else {
            if (rc == YW_OK)
                fail_msg("%s accepted", cases[i].number);
            assert_refusal(rc, &err, cases[i].needle);
        }
    }
    assert_int_equal(yw_id_check_mobile((struct yw_str){"13800138000\0", 12}, FIELD, NULL),
                     YW_EINVAL);
}

/* ---- e-mail addresses ----------------------------------------------------- */

/* local@l1.l2.l3.cn with labels of the given lengths, into buf (NUL-ended). */
static struct yw_str email_build(char *buf, size_t local, size_t l1, size_t l2, size_t l3)
{
    size_t n = 0;
    memset(buf + n, 'a', local), n += local;
    buf[n++] = '@';
    memset(buf + n, 'b', l1), n += l1;
    buf[n++] = '.';
    memset(buf + n, 'c', l2), n += l2;
    buf[n++] = '.';
    memset(buf + n, 'd', l3), n += l3;
    memcpy(buf + n, ".cn", 4), n += 3;
    return (struct yw_str){buf, n};
}

static void test_email(void **state)
{
    static const struct {
        const char *address;
        const char *needle; /* NULL: valid */
    } cases[] = {
        {"a@b.cn", NULL},
        {"zhang.san@gov.cn", NULL},
        {"user+tag@mail.example.com", NULL},
        {"o'brien_x-y@example.org", NULL},
        {"x@例子.中国", NULL}, /* IDN domain as UTF-8 */
        {"x@xn--fsqu00a.xn--fiqs8s", NULL},
        {"", "is empty"},
        {"a..b@x.cn", "two dots in a row at byte 2"},
        {"a@x..cn", "two dots in a row at byte 4"},
        {".a@x.cn", "must not begin or end with a dot"},
        {"a.@x.cn", "must not begin or end with a dot"},
        {"a@localhost", "no dot before a top-level domain"},
        {"a b@x.cn", "space at byte 2"},
        {"a@x .cn", "space at byte 4"},
        {" a@x.cn", "space at byte 1"},
        {"张三@example.cn", "not ASCII"},
        {"@x.cn", "nothing before the @"},
        {"a@", "nothing after the @"},
        {"a", "has no @"},
        {"a@b@c.cn", "more than one @ (byte 4)"},
        {"\"a b\"@x.cn", "(0x22)"},
        {"a@-x.cn", "hyphen"},
        {"a@x-.cn", "hyphen"},
        {"a@x.123", "must not be all digits"},
        {"a@x.cn.", "domain must not begin or end with a dot"},
        {"a@.x.cn", "domain must not begin or end with a dot"},
        {"a@[1.2.3.4]", "(0x5B)"},
        {"a@x_y.cn", "(0x5F)"},
        {"a@x.\xff\xfe", "not valid UTF-8"},
        {"a@x.c\xc0\xaf", "not valid UTF-8"},
    };
    struct yw_err err = {0};
    char buf[300];
    (void)state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = yw_id_check_email(yw_str_c(cases[i].address), FIELD, &err);
        if (cases[i].needle == NULL) {
            if (rc != YW_OK)
                fail_msg("%s refused: %s", cases[i].address, err.message);
        } else {
            if (rc == YW_OK)
                fail_msg("%s accepted", cases[i].address);
            assert_refusal(rc, &err, cases[i].needle);
        }
    }

    /* 254 bytes is the limit: 64 + 1 + 63 + 1 + 63 + 1 + 58 + 3. */
    struct yw_str s = email_build(buf, 64, 63, 63, 58);
    assert_int_equal(s.n, 254);
    assert_int_equal(yw_id_check_email(s, FIELD, &err), YW_OK);
    s = email_build(buf, 64, 63, 63, 59);
    assert_int_equal(s.n, 255);
    assert_refusal(yw_id_check_email(s, FIELD, &err), &err, "longer than 254 bytes (255 bytes)");
    s = email_build(buf, 65, 10, 10, 10);
    assert_refusal(yw_id_check_email(s, FIELD, &err), &err, "longer than 64 bytes (65 bytes)");
    s = email_build(buf, 10, 64, 10, 10);
    assert_refusal(yw_id_check_email(s, FIELD, &err), &err, "longer than 63 bytes (at byte 12");
    /* A NUL is a byte like any other; the slice bounds the read. */
    assert_refusal(yw_id_check_email((struct yw_str){"a\0b@x.cn", 8}, FIELD, &err), &err,
                   "byte 2 (0x00)");
    assert_int_equal(yw_id_check_email((struct yw_str){"a@x.cnZZZ", 6}, FIELD, NULL), YW_OK);
    assert_int_equal(yw_id_check_email((struct yw_str){NULL, 0}, NULL, NULL), YW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resident_table), cmocka_unit_test(test_resident_edges),
        cmocka_unit_test(test_uscc_table),     cmocka_unit_test(test_uscc_substitutions),
        cmocka_unit_test(test_division_table), cmocka_unit_test(test_mobile),
        cmocka_unit_test(test_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
