/*
 * Identifier checks: resident identity numbers (GB 11643-1999), unified social
 * credit codes (GB 32100-2015), division codes (GB/T 2260), mainland mobile
 * numbers and e-mail addresses. The rules, their sources and the choices made
 * where the sources are silent are in docs/internals/identifiers.md.
 *
 * Every check reads exactly in.n bytes (in.p may be NULL when in.n is 0), never
 * allocates and keeps no state. Messages are Chinese first, then English, and
 * quote the input only once it is known to be printable ASCII (digits or code
 * characters); any other byte is named by position and hex value.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "directory/directory.h"

/* divisions.c (generated): the sorted table of division codes. */
bool yw__division_find(uint32_t code, const char **name, enum yw_division_level *level,
                       bool *retired);

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

/* Index of the first byte in p[0..n) that is not a decimal digit, or n. */
static size_t first_non_digit(const char *p, size_t n)
{
    size_t i = 0;

    while (i < n && is_digit((unsigned char)p[i]))
        i++;
    return i;
}

/* Value of n (<= 9) decimal digits already known to be digits. */
static uint32_t digits_value(const char *p, size_t n)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (uint32_t)(p[i] - '0');
    return v;
}

/* ---- division codes ------------------------------------------------------ */

enum division_status {
    DIV_CURRENT,        /* in the table, current */
    DIV_RETIRED,        /* in the table, marked retired */
    DIV_PLAUSIBLE,      /* not in the table, but could be a retired county code */
    DIV_NO_PROVINCE,    /* digits 1-2 are not a province */
    DIV_BAD_PREFECTURE, /* digits 3-4 can never be a prefecture (not 01-70 or 90) */
    DIV_COUNTY_NO_PREF, /* xx00yy: a county without a prefecture */
    DIV_UNKNOWN         /* structurally possible, but not a known code */
};

/*
 * Classifies six digits. The table answers first; a code it lacks is
 * "plausible" (a retired county code we cannot list) when the province exists
 * and has subdivisions, the prefecture digits are 01-70 or 90 and the county
 * digits are not 00 (GB/T 2260 layer ranges, cn-standards.md 4.3). Province-
 * and prefecture-level codes are never guessed: they must be in the table.
 */
static enum division_status classify_division(const char *p, enum yw_division_level *level,
                                              const char **name)
{
    uint32_t code = digits_value(p, 6);
    uint32_t province = code / 10000, prefecture = code / 100 % 100, county = code % 100;
    enum yw_division_level found_level = YW_DIVISION_COUNTY;
    const char *found_name = NULL;
    bool retired = false;
    enum yw_division_level province_level;
    bool province_retired = true;

    if (yw__division_find(code, &found_name, &found_level, &retired)) {
        if (level != NULL)
            *level = found_level;
        if (name != NULL)
            *name = found_name;
        return retired ? DIV_RETIRED : DIV_CURRENT;
    }
    if (name != NULL)
        *name = NULL;
    if (!yw__division_find(province * 10000, NULL, &province_level, &province_retired) ||
        province_retired)
        return DIV_NO_PROVINCE;
    /* Taiwan, Hong Kong and Macau are single entries in GB/T 2260. */
    if (province == 71 || province == 81 || province == 82)
        return DIV_UNKNOWN;
    if (prefecture == 0)
        return county == 0 ? DIV_UNKNOWN : DIV_COUNTY_NO_PREF;
    if (!((prefecture >= 1 && prefecture <= 70) || prefecture == 90))
        return DIV_BAD_PREFECTURE;
    if (county == 0)
        return DIV_UNKNOWN;
    if (level != NULL)
        *level = YW_DIVISION_COUNTY;
    return DIV_PLAUSIBLE;
}

/* What a division code is called in the message of each check. */
struct division_role {
    const char *zh;
    const char *en;
};

static const struct division_role role_division = {"行政区划代码", "the division code"};
static const struct division_role role_address = {"地址码", "the address code"};
static const struct division_role role_registrar = {"登记管理机关行政区划码",
                                                    "the registration authority's division code"};

static int division_error(struct yw_err *err, const char *field, const struct division_role *role,
                          const char *p, enum division_status status)
{
    switch (status) {
    case DIV_NO_PROVINCE:
        return yw_err_set(
            err, YW_EINVAL, field,
            "%s%.6s无效：不存在省级代码%.2s / %s %.6s is invalid: there is no province %.2s",
            role->zh, p, p, role->en, p, p);
    case DIV_BAD_PREFECTURE:
        return yw_err_set(err, YW_EINVAL, field,
                          "%s%.6s无效：第3-4位%.2s不可能是地级代码（应为01-70或90） / %s %.6s is "
                          "invalid: digits 3-4 (%.2s) are never a prefecture (01-70 or 90)",
                          role->zh, p, p + 2, role->en, p, p + 2);
    case DIV_COUNTY_NO_PREF:
        return yw_err_set(err, YW_EINVAL, field,
                          "%s%.6s无效：地级代码为00而县级代码不为00 / %s %.6s is invalid: a county "
                          "code under prefecture 00",
                          role->zh, p, role->en, p);
    case DIV_RETIRED:
    case DIV_PLAUSIBLE:
        return yw_err_set(err, YW_EINVAL, field,
                          "%s%.6s不是现行代码（已撤销或未收录） / %s %.6s is not a current "
                          "code (retired, or not in the table)",
                          role->zh, p, role->en, p);
    case DIV_CURRENT:
    case DIV_UNKNOWN:
    default:
        return yw_err_set(err, YW_EINVAL, field,
                          "%s%.6s不是已知的行政区划代码 / %s %.6s is not a known division code",
                          role->zh, p, role->en, p);
    }
}

int yw_id_check_division(struct yw_str in, bool allow_retired, const char *field,
                         enum yw_division_level *level, struct yw_err *err)
{
    enum yw_division_level found = YW_DIVISION_COUNTY;
    enum division_status status;
    size_t bad;

    if (in.n != 6)
        return yw_err_set(err, YW_EINVAL, field,
                          "行政区划代码应为6位数字，实际为%zu字节 / the division code must be 6 "
                          "digits, got %zu bytes",
                          in.n, in.n);
    if ((bad = first_non_digit(in.p, in.n)) < in.n)
        return yw_err_set(err, YW_EINVAL, field,
                          "行政区划代码第%zu位不是数字（0x%02X） / the division code has a "
                          "non-digit at position %zu (0x%02X)",
                          bad + 1, (unsigned char)in.p[bad], bad + 1, (unsigned char)in.p[bad]);
    status = classify_division(in.p, &found, NULL);
    if (status == DIV_CURRENT ||
        (allow_retired && (status == DIV_RETIRED || status == DIV_PLAUSIBLE))) {
        if (level != NULL)
            *level = found;
        return YW_OK;
    }
    return division_error(err, field, &role_division, in.p, status);
}

const char *yw_division_name(struct yw_str code)
{
    const char *name = NULL;

    if (code.n != 6 || first_non_digit(code.p, code.n) != 6)
        return NULL;
    (void)classify_division(code.p, NULL, &name);
    return name;
}

/* ---- resident identity number -------------------------------------------- */

static bool is_leap(uint32_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static uint32_t days_in_month(uint32_t year, uint32_t month)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t year, uint32_t month, uint32_t day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    uint32_t yoe = (uint32_t)(year - era * 400);
    uint32_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Today's day number in China (UTC+8, no daylight saving) at now_ms. */
static int64_t china_today(int64_t now_ms)
{
    const int64_t offset_ms = 8 * 3600 * 1000, day_ms = 86400 * (int64_t)1000;
    int64_t local = now_ms > INT64_MAX - offset_ms ? INT64_MAX : now_ms + offset_ms;
    int64_t days = local / day_ms;

    if (local % day_ms < 0)
        days--;
    return days;
}

/* The GB 11643 check character of 17 digits (ISO 7064 MOD 11-2). */
static char resident_check_char(const char *p)
{
    static const uint8_t weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};
    uint32_t sum = 0;

    for (size_t i = 0; i < 17; i++)
        sum += weights[i] * (uint32_t)(p[i] - '0');
    return chars[sum % 11];
}

/* The earliest birth year accepted: the reference's own vector is born in 1880. */
#define RESIDENT_MIN_YEAR 1800

int yw_id_check_resident(struct yw_str in, int64_t now_ms, const char *field, char out[19],
                         struct yw_err *err)
{
    char id[19];
    size_t bad;
    uint32_t year, month, day;
    char expected;

    if (out != NULL)
        out[0] = '\0';
    if (in.n != 18) {
        if (in.n == 15 && first_non_digit(in.p, in.n) == 15)
            return yw_err_set(err, YW_EINVAL, field,
                              "身份号码应为18位：15位旧号码须先升级为18位 / the identity number "
                              "must have 18 characters: convert a 15-digit number to 18 first");
        return yw_err_set(err, YW_EINVAL, field,
                          "身份号码应为18位，实际为%zu字节 / the identity number must have 18 "
                          "characters, got %zu bytes",
                          in.n, in.n);
    }
    if ((bad = first_non_digit(in.p, 17)) < 17)
        return yw_err_set(err, YW_EINVAL, field,
                          "身份号码第%zu位应为数字（实际为0x%02X） / the identity number must have "
                          "a digit at position %zu (found 0x%02X)",
                          bad + 1, (unsigned char)in.p[bad], bad + 1, (unsigned char)in.p[bad]);
    memcpy(id, in.p, 18);
    id[18] = '\0';
    if (id[17] == 'x')
        id[17] = 'X';
    if (!is_digit((unsigned char)id[17]) && id[17] != 'X')
        return yw_err_set(err, YW_EINVAL, field,
                          "身份号码第18位应为数字或X（实际为0x%02X） / the identity number must "
                          "end in a digit or X (found 0x%02X)",
                          (unsigned char)id[17], (unsigned char)id[17]);

    /* Address code: any division in the table (current or retired), a code
     * plausible as a retired county, or 830000 (Taiwan residents' permits). */
    enum division_status status = classify_division(id, NULL, NULL);
    if (status != DIV_CURRENT && status != DIV_RETIRED && status != DIV_PLAUSIBLE &&
        digits_value(id, 6) != 830000)
        return division_error(err, field, &role_address, id, status);

    year = digits_value(id + 6, 4);
    month = digits_value(id + 10, 2);
    day = digits_value(id + 12, 2);
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return yw_err_set(
            err, YW_EINVAL, field,
            "出生日期%.8s无效：不是真实的日期 / the birth date %.8s is not a real date", id + 6,
            id + 6);
    if (year < RESIDENT_MIN_YEAR)
        return yw_err_set(err, YW_EINVAL, field,
                          "出生日期%.8s无效：早于%d年 / the birth date %.8s is before %d", id + 6,
                          RESIDENT_MIN_YEAR, id + 6, RESIDENT_MIN_YEAR);
    if (days_from_civil(year, month, day) > china_today(now_ms))
        return yw_err_set(err, YW_EINVAL, field,
                          "出生日期%.8s晚于今天 / the birth date %.8s is in the future", id + 6,
                          id + 6);

    expected = resident_check_char(id);
    if (expected != id[17])
        return yw_err_set(err, YW_EINVAL, field,
                          "身份号码校验码应为%c，实际为%c / the identity number's check character "
                          "should be %c, found %c",
                          expected, id[17], expected, id[17]);
    if (out != NULL)
        memcpy(out, id, sizeof(id));
    return YW_OK;
}

/* ---- unified social credit code ------------------------------------------ */

static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* Value 0-30 of a code character, or -1. */
static int uscc_value(unsigned char c)
{
    const char *hit;

    if (c == '\0')
        return -1;
    hit = memchr(uscc_alphabet, c, sizeof(uscc_alphabet) - 1);
    return hit == NULL ? -1 : (int)(hit - uscc_alphabet);
}

/*
 * Organisation categories (position 2) allowed under each registration
 * authority (position 1), cn-standards.md 4.2. Where the reference lists the
 * categories of an authority they are enforced (9 and Y as listed; 1 and 5 as
 * listed plus 9 "其他", which GB 32100 gives both); other authorities take any
 * digit 1-9.
 */
static const char *uscc_categories(unsigned char authority)
{
    switch (authority) {
    case '1': return "1239";
    case '5': return "1239";
    case '9': return "123";
    case 'Y': return "1";
    case '2':
    case '3':
    case '4':
    case '6':
    case '7':
    case '8':
    case 'A':
    case 'N': return "123456789";
    default: return NULL;
    }
}

int yw_id_check_uscc(struct yw_str in, const char *field, struct yw_err *err)
{
    static const uint8_t weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                        29, 25, 13, 8,  24, 10, 30, 28};
    const char *categories;
    size_t bad;
    uint32_t sum = 0;
    char expected;

    if (in.n != 18)
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码应为18位，实际为%zu字节 / the unified social credit "
                          "code must have 18 characters, got %zu bytes",
                          in.n, in.n);
    for (size_t i = 0; i < 18; i++) {
        unsigned char c = (unsigned char)in.p[i];
        if (uscc_value(c) >= 0)
            continue;
        if (is_lower(c) && uscc_value((unsigned char)(c - 'a' + 'A')) >= 0)
            return yw_err_set(err, YW_EINVAL, field,
                              "统一社会信用代码第%zu位字母%c应大写 / the unified social credit "
                              "code must use capitals: position %zu is %c",
                              i + 1, c, i + 1, c);
        if (is_upper(c) || is_lower(c))
            return yw_err_set(err, YW_EINVAL, field,
                              "统一社会信用代码第%zu位不允许字母%c（不用I、O、S、V、Z） / the "
                              "unified social credit code may not contain %c (position %zu; I, "
                              "O, S, V and Z are never used)",
                              i + 1, c, c, i + 1);
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码第%zu位字符不允许（0x%02X） / the unified social "
                          "credit code has a character not allowed at position %zu (0x%02X)",
                          i + 1, c, i + 1, c);
    }

    if ((categories = uscc_categories((unsigned char)in.p[0])) == NULL)
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码第1位（登记管理部门代码）%c未知 / the unified social "
                          "credit code's registration authority (position 1) %c is unknown",
                          in.p[0], in.p[0]);
    if (strchr(categories, in.p[1]) == NULL || in.p[1] == '\0')
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码第2位（机构类别代码）%c不属于登记管理部门%c / the "
                          "organisation category (position 2) %c does not exist under "
                          "registration authority %c",
                          in.p[1], in.p[0], in.p[1], in.p[0]);

    /* Positions 3-8: the registering authority's division, current or
     * retired; 100000 stands for the national level. */
    if ((bad = first_non_digit(in.p + 2, 6)) < 6)
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码第%zu位应为数字（行政区划码） / the unified social "
                          "credit code must have a digit at position %zu (division code)",
                          bad + 3, bad + 3);
    if (digits_value(in.p + 2, 6) != 100000) {
        enum division_status status = classify_division(in.p + 2, NULL, NULL);
        if (status != DIV_CURRENT && status != DIV_RETIRED && status != DIV_PLAUSIBLE)
            return division_error(err, field, &role_registrar, in.p + 2, status);
    }

    for (size_t i = 0; i < 17; i++)
        sum += weights[i] * (uint32_t)uscc_value((unsigned char)in.p[i]);
    expected = uscc_alphabet[(31 - sum % 31) % 31];
    if (expected != in.p[17])
        return yw_err_set(err, YW_EINVAL, field,
                          "统一社会信用代码校验码应为%c，实际为%c / the unified social credit "
                          "code's check character should be %c, found %c",
                          expected, in.p[17], expected, in.p[17]);
    return YW_OK;
}

/* ---- mobile number -------------------------------------------------------- */

int yw_id_check_mobile(struct yw_str in, const char *field, struct yw_err *err)
{
    size_t bad;

    if ((in.n > 0 && in.p[0] == '+') ||
        (in.n == 13 && in.p[0] == '8' && in.p[1] == '6' && first_non_digit(in.p, in.n) == 13))
        return yw_err_set(err, YW_EINVAL, field,
                          "手机号码不要带+86等国家代码 / write the mobile number without +86 or "
                          "another country code");
    if (in.n != 11)
        return yw_err_set(err, YW_EINVAL, field,
                          "手机号码应为11位数字，实际为%zu字节 / the mobile number must be 11 "
                          "digits, got %zu bytes",
                          in.n, in.n);
    if ((bad = first_non_digit(in.p, in.n)) < in.n)
        return yw_err_set(err, YW_EINVAL, field,
                          "手机号码第%zu位不是数字（0x%02X） / the mobile number has a non-digit "
                          "at position %zu (0x%02X)",
                          bad + 1, (unsigned char)in.p[bad], bad + 1, (unsigned char)in.p[bad]);
    if (in.p[0] != '1')
        return yw_err_set(err, YW_EINVAL, field,
                          "手机号码应以1开头，实际为%c / the mobile number must start with 1, "
                          "found %c",
                          in.p[0], in.p[0]);
    if (in.p[1] < '3')
        return yw_err_set(err, YW_EINVAL, field,
                          "手机号码第2位应为3至9，实际为%c / the mobile number's second digit "
                          "must be 3 to 9, found %c",
                          in.p[1], in.p[1]);
    return YW_OK;
}

/* ---- e-mail address ------------------------------------------------------- */

#define EMAIL_MAX 254      /* RFC 5321 path limit less the angle brackets (RFC 3696 errata) */
#define EMAIL_LOCAL_MAX 64 /* RFC 5321 4.5.3.1.1 */
#define EMAIL_LABEL_MAX 63 /* RFC 1035 2.3.4, counted here on the bytes as given */

/* RFC 5322 atext: the characters of a dot-atom besides the dots. */
static bool is_atext(unsigned char c)
{
    return is_digit(c) || is_upper(c) || is_lower(c) ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Checks bytes [0, n) of the local part; positions in messages count from
 * the start of the address. */
static int email_check_local(const char *p, size_t n, const char *field, struct yw_err *err)
{
    if (n == 0)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址@前为空 / the e-mail address has nothing before the @");
    if (n > EMAIL_LOCAL_MAX)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址@前部分超过%d字节（%zu字节） / the part before the @ is "
                          "longer than %d bytes (%zu bytes)",
                          EMAIL_LOCAL_MAX, n, EMAIL_LOCAL_MAX, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '.') {
            if (i == 0 || i == n - 1)
                return yw_err_set(err, YW_EINVAL, field,
                                  "电子邮件地址@前部分不能以点开头或结尾 / the part before the @ "
                                  "must not begin or end with a dot");
            if (p[i + 1] == '.')
                return yw_err_set(err, YW_EINVAL, field,
                                  "电子邮件地址第%zu字节起有连续的点 / the e-mail address has two "
                                  "dots in a row at byte %zu",
                                  i + 1, i + 1);
        } else if (c == ' ') {
            return yw_err_set(err, YW_EINVAL, field,
                              "电子邮件地址第%zu字节是空格 / the e-mail address has a space at "
                              "byte %zu",
                              i + 1, i + 1);
        } else if (c >= 0x80) {
            return yw_err_set(err, YW_EINVAL, field,
                              "电子邮件地址@前第%zu字节不是ASCII字符（不支持国际化的本地部分） / "
                              "byte %zu before the @ is not ASCII (internationalised local parts "
                              "are not accepted)",
                              i + 1, i + 1);
        } else if (!is_atext(c)) {
            return yw_err_set(
                err, YW_EINVAL, field,
                "电子邮件地址第%zu字节的字符不允许（0x%02X） / the e-mail address has "
                "a character not allowed at byte %zu (0x%02X)",
                i + 1, c, i + 1, c);
        }
    }
    return YW_OK;
}

/* Checks the domain p[0..n), which starts at byte `at` (0-based) of the address. */
static int email_check_domain(const char *p, size_t n, size_t at, const char *field,
                              struct yw_err *err)
{
    size_t label_start = 0, n_labels = 0;
    bool label_all_digits = true;

    if (n == 0)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址@后为空 / the e-mail address has nothing after the @");
    if (!yw_utf8_valid(p, n))
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址的域名不是有效的UTF-8 / the e-mail address's domain is not "
                          "valid UTF-8");
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)p[i] : '.';
        if (c == '.') {
            size_t len = i - label_start;
            if (len == 0) {
                if (i == 0 || i == n)
                    return yw_err_set(err, YW_EINVAL, field,
                                      "电子邮件地址的域名不能以点开头或结尾 / the e-mail address's "
                                      "domain must not begin or end with a dot");
                return yw_err_set(err, YW_EINVAL, field,
                                  "电子邮件地址第%zu字节起有连续的点 / the e-mail address has two "
                                  "dots in a row at byte %zu",
                                  at + i, at + i);
            }
            if (len > EMAIL_LABEL_MAX)
                return yw_err_set(err, YW_EINVAL, field,
                                  "电子邮件地址域名的一段超过%d字节（第%zu字节起，%zu字节） / a "
                                  "label of the domain is longer than %d bytes (at byte %zu, %zu "
                                  "bytes)",
                                  EMAIL_LABEL_MAX, at + label_start + 1, len, EMAIL_LABEL_MAX,
                                  at + label_start + 1, len);
            if (p[label_start] == '-' || p[i - 1] == '-')
                return yw_err_set(err, YW_EINVAL, field,
                                  "电子邮件地址域名的一段不能以连字符开头或结尾（第%zu字节起） / a "
                                  "label of the domain must not begin or end with a hyphen (at "
                                  "byte %zu)",
                                  at + label_start + 1, at + label_start + 1);
            n_labels++;
            if (i < n) {
                label_start = i + 1;
                label_all_digits = true;
            }
            continue;
        }
        if (c == ' ')
            return yw_err_set(err, YW_EINVAL, field,
                              "电子邮件地址第%zu字节是空格 / the e-mail address has a space at "
                              "byte %zu",
                              at + i + 1, at + i + 1);
        if (!is_digit(c))
            label_all_digits = false;
        /* Letters, digits, hyphens, and UTF-8 (already validated) for IDN. */
        if (!(is_digit(c) || is_upper(c) || is_lower(c) || c == '-' || c >= 0x80))
            return yw_err_set(err, YW_EINVAL, field,
                              "电子邮件地址域名第%zu字节的字符不允许（0x%02X） / the e-mail "
                              "address's domain has a character not allowed at byte %zu (0x%02X)",
                              at + i + 1, c, at + i + 1, c);
    }
    if (n_labels < 2)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址的域名缺少点和顶级域名 / the e-mail address's domain has no "
                          "dot before a top-level domain");
    if (label_all_digits)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址的顶级域名不能全是数字 / the e-mail address's top-level "
                          "domain must not be all digits");
    return YW_OK;
}

int yw_id_check_email(struct yw_str in, const char *field, struct yw_err *err)
{
    const char *at = NULL;
    int rc;

    if (in.n == 0)
        return yw_err_set(err, YW_EINVAL, field, "电子邮件地址为空 / the e-mail address is empty");
    if (in.n > EMAIL_MAX)
        return yw_err_set(err, YW_EINVAL, field,
                          "电子邮件地址超过%d字节（%zu字节） / the e-mail address is longer than "
                          "%d bytes (%zu bytes)",
                          EMAIL_MAX, in.n, EMAIL_MAX, in.n);
    for (size_t i = 0; i < in.n; i++) {
        if (in.p[i] != '@')
            continue;
        if (at != NULL)
            return yw_err_set(err, YW_EINVAL, field,
                              "电子邮件地址有多个@（第%zu字节） / the e-mail address has more "
                              "than one @ (byte %zu)",
                              i + 1, i + 1);
        at = in.p + i;
    }
    if (at == NULL)
        return yw_err_set(err, YW_EINVAL, field, "电子邮件地址缺少@ / the e-mail address has no @");
    size_t n_local = (size_t)(at - in.p);
    if ((rc = email_check_local(in.p, n_local, field, err)) < 0)
        return rc;
    return email_check_domain(at + 1, in.n - n_local - 1, n_local + 1, field, err);
}
