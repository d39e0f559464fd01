/*
 * The masking operators (脱敏) the data exchange applies to each delivered
 * field. policy.h has the interface; this file has the exact rules.
 *
 * Two principles run through every operator:
 *
 *   - Characters are code points. A kept character is copied whole, a masked
 *     one becomes a single '*', so nothing is ever cut inside a UTF-8
 *     sequence. A byte that does not start a well-formed sequence counts as
 *     one character; kept, it is written as U+FFFD, so the output is always
 *     valid UTF-8.
 *   - When in doubt, redact. An operator with a shape (identity number,
 *     mobile, bank card, e-mail, date, address) redacts the whole value when
 *     the value does not have that shape, and an operator that shows part of
 *     a value never shows all of it: ends:M:N with M+N at least the length, a
 *     one-character name, a Latin name of initials only, an e-mail whose local
 *     part is one character all mask what would otherwise be shown. (An
 *     address that stops at its county does show it: that is the point.)
 *
 * redact keeps the length (one '*' per character), as Hutool and Ranger's
 * MASK do: a reader sees that a value is long or short, which is what a
 * masked table is for; use null or hash when even the length must not show.
 */
#include "policy.h"

#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const mask_names[] = {
    [YW_MASK_KEEP] = "keep",     [YW_MASK_REDACT] = "redact",
    [YW_MASK_ENDS] = "ends",     [YW_MASK_ID_NUMBER] = "id_number",
    [YW_MASK_MOBILE] = "mobile", [YW_MASK_BANK_CARD] = "bank_card",
    [YW_MASK_NAME] = "name",     [YW_MASK_ADDRESS] = "address",
    [YW_MASK_EMAIL] = "email",   [YW_MASK_YEAR] = "year",
    [YW_MASK_HASH] = "hash",     [YW_MASK_NULL] = "null",
};

/* ---- parsing the operator's name ----------------------------------------- */

/* A bound of ends:M:N: "0" or 1-2 digits without a leading zero, at most
 * YW_MASK_ENDS_MAX. */
static bool parse_bound(struct yw_str s, int *out)
{
    if (s.n < 1 || s.n > 2 || (s.n == 2 && s.p[0] == '0'))
        return false;
    int v = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (s.p[i] - '0');
    }
    if (v > YW_MASK_ENDS_MAX)
        return false;
    *out = v;
    return true;
}

int yw_mask_parse(struct yw_str name, struct yw_mask *out, const char *field, struct yw_err *err)
{
    for (size_t k = 0; k < N_OF(mask_names); k++) {
        if (k != YW_MASK_ENDS && yw_str_eq_c(name, mask_names[k])) {
            *out = (struct yw_mask){.kind = (enum yw_mask_kind)k};
            return YW_OK;
        }
    }
    static const char prefix[] = "ends:";
    if (name.p != NULL && name.n > sizeof(prefix) - 1 &&
        memcmp(name.p, prefix, sizeof(prefix) - 1) == 0) {
        struct yw_str rest = {name.p + sizeof(prefix) - 1, name.n - (sizeof(prefix) - 1)};
        const char *colon = memchr(rest.p, ':', rest.n);
        int first, last;
        if (colon != NULL &&
            parse_bound((struct yw_str){rest.p, (size_t)(colon - rest.p)}, &first) &&
            parse_bound((struct yw_str){colon + 1, rest.n - (size_t)(colon - rest.p) - 1}, &last)) {
            *out = (struct yw_mask){.kind = YW_MASK_ENDS, .first = first, .last = last};
            return YW_OK;
        }
    }
    return yw_err_set(err, YW_EINVAL, field,
                      "脱敏方式无效 / mask must be one of: keep, redact, ends:M:N (M and N 0..%d), "
                      "id_number, mobile, bank_card, name, address, email, year, hash, null",
                      YW_MASK_ENDS_MAX);
}

void yw_mask_name(const struct yw_mask *m, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    out[0] = '\0';
    if (m == NULL || (unsigned)m->kind >= N_OF(mask_names)) {
        (void)yw_fmt(out, out_size, "unknown");
    } else if (m->kind == YW_MASK_ENDS) {
        (void)yw_fmt(out, out_size, "ends:%d:%d", m->first, m->last);
    } else {
        (void)yw_fmt(out, out_size, "%s", mask_names[m->kind]);
    }
}

/* ---- characters ---------------------------------------------------------- */

/* The length in bytes of the character at s.p[i] (i < s.n): a well-formed
 * UTF-8 sequence, or 1 for a byte that does not start one (*valid false). */
static size_t char_at(struct yw_str s, size_t i, bool *valid)
{
    unsigned char c = (unsigned char)s.p[i];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    *valid = len != 0 && len <= s.n - i && yw_utf8_valid(s.p + i, len);
    return *valid ? len : 1;
}

/* The code point at s.p[i], its length in *len; U+FFFD for an invalid byte. */
static uint32_t code_at(struct yw_str s, size_t i, size_t *len)
{
    bool valid;
    *len = char_at(s, i, &valid);
    if (!valid)
        return 0xFFFD;
    size_t ignored;
    return yw_utf8_decode(s.p + i, &ignored);
}

static size_t count_chars(struct yw_str s)
{
    size_t n = 0;
    bool valid;
    for (size_t i = 0; i < s.n; i += char_at(s, i, &valid))
        n++;
    return n;
}

static int put_stars(struct yw_buf *b, size_t n)
{
    static const char stars[] = "****************************************************************";
    int rc = YW_OK;
    while (n > 0 && rc == YW_OK) {
        size_t k = n < sizeof(stars) - 1 ? n : sizeof(stars) - 1;
        rc = yw_buf_append(b, stars, k);
        n -= k;
    }
    return rc;
}

/* Appends the bytes s.p[from..to), writing U+FFFD for each invalid byte. */
static int put_chars(struct yw_buf *b, struct yw_str s, size_t from, size_t to)
{
    struct yw_str part = {s.p + from, to - from};
    if (yw_utf8_valid(part.p, part.n))
        return yw_buf_append(b, part.p, part.n);
    int rc = YW_OK;
    bool valid;
    for (size_t i = 0, len; i < part.n && rc == YW_OK; i += len) {
        len = char_at(part, i, &valid);
        rc = valid ? yw_buf_append(b, part.p + i, len) : yw_buf_append(b, "\xEF\xBF\xBD", 3);
    }
    return rc;
}

static int redact(struct yw_buf *b, struct yw_str s)
{
    return put_stars(b, count_chars(s));
}

/* Keeps the first `first` and the last `last` of the n_chars characters of
 * s and writes '*' for each one between. The caller makes sure something is
 * masked (first + last < n_chars). */
static int put_ends(struct yw_buf *b, struct yw_str s, size_t n_chars, size_t first, size_t last)
{
    size_t i = 0, k = 0;
    bool valid;
    while (k < first && i < s.n) {
        i += char_at(s, i, &valid);
        k++;
    }
    int rc = put_chars(b, s, 0, i);
    if (rc == YW_OK)
        rc = put_stars(b, n_chars - first - last);
    for (; k < n_chars - last && i < s.n; k++)
        i += char_at(s, i, &valid);
    return rc == YW_OK ? put_chars(b, s, i, s.n) : rc;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(p[i]))
            return false;
    return true;
}

/* ---- the operators with a shape ------------------------------------------ */

/* Resident identity numbers (GB 11643): 17 digits and a digit or X keep the
 * division code (6) and the last 4; old 15-digit numbers the division code
 * and the 3-digit sequence. The check character is not verified: a mistyped
 * number is still somebody's number and is masked the same way. */
static int mask_id_number(struct yw_buf *b, struct yw_str s)
{
    if (s.n == 18 && all_digits(s.p, 17) && (is_digit(s.p[17]) || s.p[17] == 'X' || s.p[17] == 'x'))
        return put_ends(b, s, 18, 6, 4);
    if (s.n == 15 && all_digits(s.p, 15))
        return put_ends(b, s, 15, 6, 3);
    return redact(b, s);
}

/* Mainland mobiles, 1[3-9] and 9 more digits (as yw_id_check_mobile), keep
 * the first 3 and last 4; a leading "+86" or "86", with or without one space
 * or '-' after it, is kept as written. */
static int mask_mobile(struct yw_buf *b, struct yw_str s)
{
    size_t pre = 0;
    if (s.n >= 3 && memcmp(s.p, "+86", 3) == 0)
        pre = 3;
    else if (s.n >= 2 && memcmp(s.p, "86", 2) == 0 && s.n > 11)
        pre = 2;
    if (pre > 0 && pre < s.n && (s.p[pre] == ' ' || s.p[pre] == '-'))
        pre++;
    struct yw_str num = {s.p + pre, s.n - pre};
    if (num.n != 11 || !all_digits(num.p, 11) || num.p[0] != '1' || num.p[1] < '3')
        return redact(b, s);
    int rc = yw_buf_append(b, s.p, pre);
    return rc == YW_OK ? put_ends(b, num, 11, 3, 4) : rc;
}

/* Bank cards (PAN): 12 to 19 digits, spaces anywhere and dropped; the issuer
 * number (first 6) and the last 4 stay. */
static int mask_bank_card(struct yw_buf *b, struct yw_str s)
{
    char digits[19];
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == ' ')
            continue;
        if (!is_digit(s.p[i]) || n == sizeof(digits))
            return redact(b, s);
        digits[n++] = s.p[i];
    }
    if (n < 12)
        return redact(b, s);
    return put_ends(b, (struct yw_str){digits, n}, n, 6, 4);
}

/* Common Chinese compound surnames (复姓), simplified and the traditional
 * forms that differ. The two characters stay when the name is longer. */
static const char *const compound_surnames[] = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "令狐", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "钟离",
    "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "太史", "申屠", "万俟", "司空", "淳于",
    "单于", "仲孙", "太叔", "东郭", "南门", "羊舌", "微生", "左丘", "东门", "第五", "梁丘",
    "拓跋", "鲜于", "闾丘", "亓官", "司寇", "巫马", "公西", "颛孙", "壤驷", "公良", "漆雕",
    "乐正", "宰父", "谷梁", "段干", "公羊", "褚师", "夹谷", "乌孙", "完颜", "叱干", "歐陽",
    "司馬", "諸葛", "東方", "長孫", "軒轅", "獨孤", "南宮", "西門", "鍾離", "聞人", "赫連",
    "澹臺", "濮陽", "尉遲", "公孫", "仲孫", "東郭", "閭丘", "鮮于", "顓孫", "壤駟", "樂正",
};

/* Names. With a space the name is read as Latin and each word keeps its
 * first letter (Li Wei -> L* W**); otherwise as Chinese, keeping the surname:
 * one character, or two for a compound surname when the name has at least
 * three (欧阳娜娜 -> 欧阳**, but 欧阳 alone is 欧 + 阳 -> 欧*). */
static int mask_name(struct yw_buf *b, struct yw_str s)
{
    size_t n_chars = count_chars(s);
    if (n_chars <= 1)
        return put_stars(b, n_chars);
    if (memchr(s.p, ' ', s.n) == NULL) {
        size_t keep = 1;
        for (size_t k = 0; n_chars >= 3 && k < N_OF(compound_surnames); k++) {
            size_t len = strlen(compound_surnames[k]);
            if (s.n > len && memcmp(s.p, compound_surnames[k], len) == 0)
                keep = 2;
        }
        return put_ends(b, s, n_chars, keep, 0);
    }
    /* Latin: initials only (a word of one character each) would reveal the
     * whole value. */
    bool valid, word_start = true, any_masked = false;
    for (size_t i = 0; i < s.n; i += char_at(s, i, &valid)) {
        any_masked = any_masked || (s.p[i] != ' ' && !word_start);
        word_start = s.p[i] == ' ';
    }
    if (!any_masked)
        return put_stars(b, n_chars);
    int rc = YW_OK;
    word_start = true;
    for (size_t i = 0, len; i < s.n && rc == YW_OK; i += len) {
        len = char_at(s, i, &valid);
        if (s.p[i] == ' ') {
            rc = yw_buf_append(b, " ", 1);
            word_start = true;
        } else {
            rc = word_start ? put_chars(b, s, i, i + len) : put_stars(b, 1);
            word_start = false;
        }
    }
    return rc;
}

/* E-mail addresses: the local part keeps its first character (all of it is
 * masked when it has only one), the domain stays. The address splits at its
 * last '@'; the domain must look like one (letters, digits, '-', non-ASCII
 * letters, dot-separated labels, at least one dot), so free text that merely
 * contains an '@' is redacted rather than half shown. */
static int mask_email(struct yw_buf *b, struct yw_str s)
{
    const char *at = NULL;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] == '@')
            at = s.p + i;
    if (at == NULL || !yw_utf8_valid(s.p, s.n))
        return redact(b, s);
    struct yw_str local = {s.p, (size_t)(at - s.p)};
    struct yw_str domain = {at + 1, s.n - local.n - 1};
    bool ok = local.n > 0 && domain.n > 0 && domain.p[0] != '.' && domain.p[domain.n - 1] != '.';
    bool dot = false;
    for (size_t i = 0; ok && i < domain.n; i++) {
        unsigned char c = (unsigned char)domain.p[i];
        if (c == '.') {
            ok = domain.p[i + 1] != '.'; /* the last byte is not '.', so i + 1 < n */
            dot = true;
        } else {
            ok = c >= 0x80 || c == '-' || is_digit((char)c) || (c >= 'a' && c <= 'z') ||
                 (c >= 'A' && c <= 'Z');
        }
    }
    if (!ok || !dot)
        return redact(b, s);
    size_t n_local = count_chars(local);
    int rc = n_local == 1 ? put_stars(b, 1) : put_ends(b, local, n_local, 1, 0);
    return rc == YW_OK ? yw_buf_append(b, at, domain.n + 1) : rc;
}

/* Two digits at p in [lo, hi] into *out. */
static bool two_digits(const char *p, int lo, int hi, int *out)
{
    if (!is_digit(p[0]) || !is_digit(p[1]))
        return false;
    *out = (p[0] - '0') * 10 + (p[1] - '0');
    return *out >= lo && *out <= hi;
}

static bool valid_date(const char *y, const char *m, const char *d)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year_hi, year_lo, month, day;
    if (!two_digits(y, 0, 99, &year_hi) || !two_digits(y + 2, 0, 99, &year_lo) ||
        !two_digits(m, 1, 12, &month) || !two_digits(d, 1, 31, &day))
        return false;
    int year = year_hi * 100 + year_lo;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap);
}

/* The time after a date: RFC 3339's full-time, HH:MM:SS[.frac] and Z or
 * +HH:MM / -HH:MM, the offset optional (SQLite's "2024-05-01 08:30:00" is a
 * date-time too; only the year is shown either way). */
static bool valid_time(struct yw_str t)
{
    int v;
    if (t.n < 8 || !two_digits(t.p, 0, 23, &v) || t.p[2] != ':' ||
        !two_digits(t.p + 3, 0, 59, &v) || t.p[5] != ':' || !two_digits(t.p + 6, 0, 60, &v))
        return false;
    size_t i = 8;
    if (i < t.n && t.p[i] == '.') {
        size_t start = ++i;
        while (i < t.n && is_digit(t.p[i]))
            i++;
        if (i == start)
            return false;
    }
    if (i == t.n)
        return true;
    if (t.p[i] == 'Z' || t.p[i] == 'z')
        return i + 1 == t.n;
    return (t.p[i] == '+' || t.p[i] == '-') && t.n - i == 6 && two_digits(t.p + i + 1, 0, 23, &v) &&
           t.p[i + 3] == ':' && two_digits(t.p + i + 4, 0, 59, &v);
}

/* Dates: YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD (a real calendar date) or a
 * date-time (the date, 'T', 't' or a space, the time) keep their year. */
static int mask_year(struct yw_buf *b, struct yw_str s)
{
    bool ok = false;
    if (s.n == 8)
        ok = valid_date(s.p, s.p + 4, s.p + 6);
    else if (s.n >= 10 && (s.p[4] == '-' || s.p[4] == '/') && s.p[7] == s.p[4])
        ok = valid_date(s.p, s.p + 5, s.p + 8) &&
             (s.n == 10 ||
              (s.p[4] == '-' && s.n > 11 && (s.p[10] == 'T' || s.p[10] == 't' || s.p[10] == ' ') &&
               valid_time((struct yw_str){s.p + 11, s.n - 11})));
    return ok ? yw_buf_append(b, s.p, 4) : redact(b, s);
}

/* ---- addresses ------------------------------------------------------------
 * A Chinese address names its divisions from the top: province-level (省,
 * 自治区, 特别行政区, or a municipality 北京市), prefecture-level (市, 自治州,
 * 盟, 地区), county-level (区, 县, 旗, 自治县, or a 市 under a prefecture),
 * then the township, street and number. The address operator keeps the
 * divisions through the first county-level one and appends "***".
 *
 * The address is read as a run of components, each ending at the first
 * division suffix after at least one character of name (so 市中区 is a name
 * ending in 区, not 市 and 中区) and at most 20 characters long (the longest
 * county name, 积石山保安族东乡族撒拉族自治县, has 15). 州 ends a component
 * only in 自治州, since it ends so many names (杭州市, 通州区). Anything that
 * looks like a street, community or number inside a component (a digit, 号,
 * 街, 村, 栋, 室, 小区, 社区, 路 or 镇 after the first character: 路南区 and
 * 镇安县 are counties), a county suffix followed by 街, 路 or 巷 (红旗街 is a
 * street), more than three divisions above the county, or no county at all
 * (东莞市南城街道…, 三沙市, a Latin address) redacts the whole value: a
 * heuristic must err towards showing less.
 */
enum division { DIV_NONE, DIV_PROVINCE, DIV_PREFECTURE, DIV_COUNTY };

#define ADDRESS_COMPONENT_MAX 20

static enum division classify(uint32_t cp, uint32_t prev2, uint32_t prev1, bool under_prefecture)
{
    switch (cp) {
    case 0x7701: /* 省 */ return DIV_PROVINCE;
    case 0x533A:                                    /* 区 */
    case 0x5340:                                    /* 區 */
        if ((prev2 == 0x81EA && prev1 == 0x6CBB) || /* 自治区 */
            (prev2 == 0x884C && prev1 == 0x653F))   /* 特别行政区 */
            return DIV_PROVINCE;
        return prev1 == 0x5730 /* 地区 */ ? DIV_PREFECTURE : DIV_COUNTY;
    case 0x5DDE: /* 州: only 自治州 */
        return prev2 == 0x81EA && prev1 == 0x6CBB ? DIV_PREFECTURE : DIV_NONE;
    case 0x76DF: /* 盟 */ return DIV_PREFECTURE;
    case 0x53BF: /* 县 */
    case 0x7E23: /* 縣 */
    case 0x65D7: /* 旗 */ return DIV_COUNTY;
    case 0x5E02: /* 市 */ return under_prefecture ? DIV_COUNTY : DIV_PREFECTURE;
    default: return DIV_NONE;
    }
}

static bool has(struct yw_str s, const char *needle)
{
    return memmem(s.p, s.n, needle, strlen(needle)) != NULL;
}

/* True when the component names something below a county: see above. */
static bool street_like(struct yw_str c)
{
    static const char *const anywhere[] = {"号", "街", "村", "栋", "室", "小区", "社区", "０", "１",
                                           "２", "３", "４", "５", "６", "７",   "８",   "９"};
    static const char *const not_first[] = {"路", "镇"};
    for (size_t i = 0; i < c.n; i++)
        if (is_digit(c.p[i]))
            return true;
    for (size_t k = 0; k < N_OF(anywhere); k++)
        if (has(c, anywhere[k]))
            return true;
    size_t first;
    (void)code_at(c, 0, &first);
    struct yw_str rest = {c.p + first, c.n - first};
    for (size_t k = 0; k < N_OF(not_first); k++)
        if (has(rest, not_first[k]))
            return true;
    return false;
}

/* The byte length of the address through its first county-level division,
 * or 0 when there is none to trust. s is valid UTF-8. */
static size_t county_prefix(struct yw_str s)
{
    size_t pos = 0;
    int n_above = 0;
    bool under_prefecture = false;

    while (pos < s.n) {
        uint32_t prev2 = 0, prev1 = 0;
        enum division div = DIV_NONE;
        size_t i = pos, len = 0;
        for (int k = 0; i < s.n && k < ADDRESS_COMPONENT_MAX; k++, i += len) {
            uint32_t cp = code_at(s, i, &len);
            if (k > 0 && (div = classify(cp, prev2, prev1, under_prefecture)) != DIV_NONE)
                break;
            prev2 = prev1;
            prev1 = cp;
        }
        if (div == DIV_NONE)
            return 0;
        size_t end = i + len;
        if (street_like((struct yw_str){s.p + pos, end - pos}))
            return 0;
        if (div == DIV_COUNTY) {
            size_t next_len;
            uint32_t next = end < s.n ? code_at(s, end, &next_len) : 0;
            if (next == 0x8857 /* 街 */ || next == 0x8DEF /* 路 */ || next == 0x5DF7 /* 巷 */)
                return 0;
            return end;
        }
        if (++n_above > 3)
            return 0;
        under_prefecture = under_prefecture || div == DIV_PREFECTURE;
        pos = end;
    }
    return 0;
}

static int mask_address(struct yw_buf *b, struct yw_str s)
{
    size_t keep = yw_utf8_valid(s.p, s.n) ? county_prefix(s) : 0;
    if (keep == 0)
        return redact(b, s);
    int rc = yw_buf_append(b, s.p, keep);
    return rc == YW_OK ? yw_buf_append(b, "***", 3) : rc;
}

/* ---- keyed pseudonyms ---------------------------------------------------- */

/* HMAC(profile, key, value), the first 16 bytes in lower-case hex: equal
 * values give equal pseudonyms under one key (records can still be joined),
 * and without the key a dictionary of likely values (every identity number
 * of a county) cannot be tried against them, as a plain hash could. */
static int mask_hash(struct yw_buf *b, struct yw_str s, const struct yw_mask_key *key)
{
    uint8_t mac[YW_HASH_SIZE];
    char hex[2 * 16 + 1];
    if (key == NULL || key->key == NULL || key->key_len < YW_MASK_KEY_MIN ||
        (key->profile != YW_PROFILE_GM && key->profile != YW_PROFILE_INTL))
        return YW_EINVAL;
    int rc = yw_hmac(key->profile, key->key, key->key_len, s.p, s.n, mac);
    if (rc < 0)
        return rc == YW_EINVAL ? YW_EINVAL : YW_ECRYPTO;
    yw_hex(mac, 16, hex);
    return yw_buf_append(b, hex, 32);
}

/* ---- the entry point ----------------------------------------------------- */

int yw_mask_apply(const struct yw_mask *m, struct yw_str value, const struct yw_mask_key *key,
                  struct yw_buf *out, bool *is_null)
{
    if (m == NULL || out == NULL || is_null == NULL || (unsigned)m->kind >= N_OF(mask_names) ||
        (m->kind == YW_MASK_ENDS && (m->first < 0 || m->first > YW_MASK_ENDS_MAX || m->last < 0 ||
                                     m->last > YW_MASK_ENDS_MAX)))
        return YW_EINVAL;
    *is_null = value.p == NULL || m->kind == YW_MASK_NULL;
    if (*is_null)
        return YW_OK;

    size_t mark = out->len;
    int rc;
    switch (m->kind) {
    case YW_MASK_KEEP: rc = put_chars(out, value, 0, value.n); break;
    case YW_MASK_ENDS: {
        size_t n_chars = count_chars(value);
        if ((size_t)m->first + (size_t)m->last >= n_chars)
            rc = put_stars(out, n_chars);
        else
            rc = put_ends(out, value, n_chars, (size_t)m->first, (size_t)m->last);
        break;
    }
    case YW_MASK_ID_NUMBER: rc = mask_id_number(out, value); break;
    case YW_MASK_MOBILE: rc = mask_mobile(out, value); break;
    case YW_MASK_BANK_CARD: rc = mask_bank_card(out, value); break;
    case YW_MASK_NAME: rc = mask_name(out, value); break;
    case YW_MASK_ADDRESS: rc = mask_address(out, value); break;
    case YW_MASK_EMAIL: rc = mask_email(out, value); break;
    case YW_MASK_YEAR: rc = mask_year(out, value); break;
    case YW_MASK_HASH: rc = mask_hash(out, value, key); break;
    case YW_MASK_REDACT:
    case YW_MASK_NULL: /* handled above */
    default: rc = redact(out, value); break;
    }
    if (rc < 0) {
        out->len = mark;
        if (out->data != NULL)
            out->data[mark] = '\0';
    }
    return rc;
}
