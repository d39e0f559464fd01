/* util/calendar: the working-day calendar (工作日历) — the file parser and
 * working-day arithmetic. See util.h for the file format.
 *
 * A calendar is one allocation: the entries sorted by day, each an exception to
 * the weekend rule (an `off` weekday or a `work` weekend day, the parser
 * refuses anything else). Each entry also carries the sum of the exceptions
 * before it (+1 per `work`, -1 per `off`), so the working days in a range are
 * the weekdays in it plus a difference of two of those sums: two bisections,
 * whatever the range. */
#include "util.h"

#include <stdlib.h>
#include <string.h>

enum { KIND_OFF, KIND_WORK };

struct entry {
    int32_t day;
    int32_t adj_before; /* sum over the entries before this one: +1 work, -1 off */
    int32_t line;       /* where it was listed (for the duplicate message) */
    int32_t kind;
};

struct yw_calendar {
    size_t n;
    int32_t adj_total;
    struct entry e[]; /* sorted by day, no two equal */
};

#define MS_PER_DAY INT64_C(86400000)
#define CHINA_OFFSET_MS INT64_C(28800000) /* a fixed UTC+8 (China has had no DST since 1991) */

static int64_t clamp_day(int64_t day)
{
    return day < YW_DAY_MIN ? YW_DAY_MIN : day > YW_DAY_MAX ? YW_DAY_MAX : day;
}

/* ---- dates ---------------------------------------------------------------
 * The proleptic Gregorian conversions of H. Hinnant ("chrono-Compatible
 * Low-Level Date Algorithms"), on a year that starts on 1 March so that the
 * leap day is the last day of its year. */

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

int64_t yw_day_from_ymd(int y, int m, int d)
{
    if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return -1;
    int64_t yy = m <= 2 ? y - 1 : y;
    int64_t era = yy / 400; /* yy ≥ 1969: no negative division */
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void yw_day_to_ymd(int64_t day, int *y, int *m, int *d)
{
    int64_t z = clamp_day(day) + 719468; /* > 0 */
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (mm <= 2 ? 1 : 0));
    *m = (int)mm;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int yw_day_weekday(int64_t day)
{
    /* 1970-01-01 was a Thursday. */
    int64_t w = (clamp_day(day) + 4) % 7;
    return (int)w;
}

int64_t yw_day_from_ms(int64_t ms)
{
    /* Split before adding the offset, so that no ms overflows. */
    int64_t day = ms / MS_PER_DAY, rest = ms % MS_PER_DAY;
    if (rest < 0) {
        day--;
        rest += MS_PER_DAY; /* 0 … MS_PER_DAY-1 */
    }
    if (rest >= MS_PER_DAY - CHINA_OFFSET_MS)
        day++;
    return clamp_day(day);
}

static bool weekend(int64_t day)
{
    int w = yw_day_weekday(day);
    return w == 0 || w == 6;
}

/* Weekdays (Monday to Friday) in [YW_DAY_MIN, day]; day ≥ YW_DAY_MIN - 1. */
static int64_t weekdays_through(int64_t day)
{
    /* Weeks counted from Thursday 1970-01-01: the first r days of such a week
     * hold this many weekdays (Thu, Fri, Sat, Sun, Mon, Tue, Wed). */
    static const int64_t partial[7] = {0, 1, 2, 2, 2, 3, 4};
    int64_t days = day - YW_DAY_MIN + 1;
    return days / 7 * 5 + partial[days % 7];
}

/* ---- the calendar -------------------------------------------------------- */

/* Index of the first entry whose day is > day (n when none is). */
static size_t first_after(const struct yw_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->e[mid].day <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int32_t adj_before_index(const struct yw_calendar *cal, size_t i)
{
    return i < cal->n ? cal->e[i].adj_before : cal->adj_total;
}

bool yw_calendar_is_working_day(const struct yw_calendar *cal, int64_t day)
{
    day = clamp_day(day);
    if (cal != NULL) {
        size_t i = first_after(cal, day);
        if (i > 0 && cal->e[i - 1].day == day)
            return cal->e[i - 1].kind == KIND_WORK;
    }
    return !weekend(day);
}

/* As yw_calendar_working_days_between, on clamped days, without the int cap. */
static int64_t working_between(const struct yw_calendar *cal, int64_t from, int64_t to)
{
    if (to <= from)
        return 0;
    int64_t count = weekdays_through(to) - weekdays_through(from);
    if (cal != NULL)
        count += adj_before_index(cal, first_after(cal, to)) -
                 adj_before_index(cal, first_after(cal, from));
    return count;
}

int yw_calendar_working_days_between(const struct yw_calendar *cal, int64_t from, int64_t to)
{
    /* At most about 2.1 million over the whole range: always fits an int. */
    return (int)working_between(cal, clamp_day(from), clamp_day(to));
}

int64_t yw_calendar_add_working_days(const struct yw_calendar *cal, int64_t day, int n)
{
    day = clamp_day(day);
    if (n <= 0)
        return day;
    /* The first t > day with n working days in (day, t]: the count grows with t
     * by one at each working day, so the first such t is a working day. Widen
     * (day, hi] until it holds n, then bisect. */
    int64_t lo = day, hi = day;
    int64_t step = (int64_t)n + n / 2 + 8;
    for (;;) {
        hi = hi + step > YW_DAY_MAX ? YW_DAY_MAX : hi + step;
        if (working_between(cal, day, hi) >= n)
            break;
        if (hi == YW_DAY_MAX)
            return YW_DAY_MAX;
        lo = hi;
        step *= 2;
    }
    /* Invariant: working_between(day, lo) < n ≤ working_between(day, hi). */
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        if (working_between(cal, day, mid) >= n)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

bool yw_calendar_covers(const struct yw_calendar *cal, int year)
{
    int64_t first = yw_day_from_ymd(year, 1, 1);
    if (cal == NULL || first < 0)
        return false;
    int64_t last = year == 9999 ? YW_DAY_MAX : yw_day_from_ymd(year + 1, 1, 1) - 1;
    size_t i = first_after(cal, first - 1);
    return i < cal->n && cal->e[i].day <= last;
}

void yw_calendar_free(struct yw_calendar *cal)
{
    free(cal);
}

int64_t yw_day_parse(struct yw_str v)
{
    int64_t y, m, d;
    if (v.p == NULL || v.n != 10 || v.p[4] != '-' || v.p[7] != '-' || v.p[0] == '-' ||
        v.p[5] == '-' || v.p[8] == '-' ||
        yw_parse_int64((struct yw_str){v.p, 4}, 1970, 9999, &y) < 0 ||
        yw_parse_int64((struct yw_str){v.p + 5, 2}, 1, 12, &m) < 0 ||
        yw_parse_int64((struct yw_str){v.p + 8, 2}, 1, 31, &d) < 0)
        return -1;
    return yw_day_from_ymd((int)y, (int)m, (int)d);
}

void yw_day_text(int64_t day, char out[11])
{
    int y, m, d;
    out[0] = '\0';
    if (day < 0)
        return;
    yw_day_to_ymd(day, &y, &m, &d);
    (void)yw_fmt(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* ---- the parser ---------------------------------------------------------- */

static const char *const weekday_zh[7] = {"周日", "周一", "周二", "周三", "周四", "周五", "周六"};
static const char *const weekday_en[7] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                          "Thursday", "Friday", "Saturday"};

static int line_error(struct yw_err *err, long line, const char *zh, const char *en)
{
    return yw_err_set(err, YW_EINVAL, NULL, "第 %ld 行：%s / line %ld: %s", line, zh, line, en);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static int digits_value(const char *p, size_t n)
{
    int64_t v = 0;
    /* Cannot fail: the caller checked that these are 2 or 4 digits. */
    if (yw_parse_int64((struct yw_str){p, n}, 0, 9999, &v) != YW_OK)
        return -1;
    return (int)v;
}

/* Parses one line (without its line break). Adds an entry to *n_entries for a
 * date line; blank and comment lines add nothing. */
static int parse_line(const char *p, size_t n, long line, struct entry *entries, size_t *n_entries,
                      struct yw_err *err)
{
    char msg_zh[160], msg_en[160];

    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    if (n > 0 && p[n - 1] == '\r')
        n--;
    if (!yw_utf8_valid(p, n))
        return line_error(err, line, "不是有效的 UTF-8", "not valid UTF-8");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return line_error(err, line, "含有控制字符", "contains a control character");
    }
    const char *hash = memchr(p, '#', n);
    if (hash != NULL)
        n = (size_t)(hash - p);
    size_t i = 0;
    while (i < n && is_blank(p[i]))
        i++;
    if (i == n)
        return YW_OK; /* blank or comment only */

    /* YYYY-MM-DD, then a blank. */
    const char *date = p + i;
    if (n - i < 10 || !all_digits(date, 4) || date[4] != '-' || !all_digits(date + 5, 2) ||
        date[7] != '-' || !all_digits(date + 8, 2) || (n - i > 10 && !is_blank(date[10])))
        return line_error(err, line, "日期应写作 YYYY-MM-DD", "the date must be YYYY-MM-DD");
    int y = digits_value(date, 4), m = digits_value(date + 5, 2), d = digits_value(date + 8, 2);
    if (y < 1970) {
        (void)yw_fmt(msg_zh, sizeof(msg_zh), "年份 %.4s 不在 1970 至 9999 之间", date);
        (void)yw_fmt(msg_en, sizeof(msg_en), "the year %.4s is outside 1970 to 9999", date);
        return line_error(err, line, msg_zh, msg_en);
    }
    int64_t day = yw_day_from_ymd(y, m, d);
    if (day < 0) {
        (void)yw_fmt(msg_zh, sizeof(msg_zh), "没有 %.10s 这一天", date);
        (void)yw_fmt(msg_en, sizeof(msg_en), "%.10s is not a date", date);
        return line_error(err, line, msg_zh, msg_en);
    }
    i += 10;

    /* The kind, then nothing or a blank and the name. */
    while (i < n && is_blank(p[i]))
        i++;
    size_t kind_start = i;
    while (i < n && !is_blank(p[i]))
        i++;
    struct yw_str kind = {p + kind_start, i - kind_start};
    int k;
    if (yw_str_eq_c(kind, "off"))
        k = KIND_OFF;
    else if (yw_str_eq_c(kind, "work"))
        k = KIND_WORK;
    else
        return line_error(err, line, "类型应为 off（放假）或 work（调休上班）",
                          "the kind must be off (a holiday) or work (an adjusted working day)");

    int w = yw_day_weekday(day);
    if (k == KIND_WORK && !weekend(day)) {
        (void)yw_fmt(msg_zh, sizeof(msg_zh), "%.10s 是%s，本来就上班，不应标 work", date,
                     weekday_zh[w]);
        (void)yw_fmt(msg_en, sizeof(msg_en), "%.10s is a %s, already a working day: not work", date,
                     weekday_en[w]);
        return line_error(err, line, msg_zh, msg_en);
    }
    if (k == KIND_OFF && weekend(day)) {
        (void)yw_fmt(msg_zh, sizeof(msg_zh), "%.10s 是%s，本来就休息，只列出工作日", date,
                     weekday_zh[w]);
        (void)yw_fmt(msg_en, sizeof(msg_en),
                     "%.10s is a %s, already off: list only the weekdays of a holiday", date,
                     weekday_en[w]);
        return line_error(err, line, msg_zh, msg_en);
    }
    entries[*n_entries] = (struct entry){.day = (int32_t)day, .line = (int32_t)line, .kind = k};
    (*n_entries)++;
    return YW_OK;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

int yw_calendar_parse(const char *text, size_t n, struct yw_calendar **out, struct yw_err *err)
{
    struct yw_calendar *cal = NULL;
    int rc = YW_OK;

    *out = NULL;
    if (text == NULL)
        n = 0;
    /* A date line is at least "YYYY-MM-DD off" and a line break: 15 bytes. */
    size_t max_entries = n / 15 + 1;
    if (max_entries > (SIZE_MAX - sizeof(*cal)) / sizeof(struct entry) || max_entries > INT32_MAX) {
        rc = yw_err_set(err, YW_ETOOBIG, NULL, "日历文件太大 / the calendar is too large");
        goto out;
    }
    cal = malloc(sizeof(*cal) + max_entries * sizeof(struct entry));
    if (cal == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "内存不足 / out of memory");
        goto out;
    }
    cal->n = 0;

    long line = 0;
    for (size_t pos = 0; pos < n;) {
        const char *nl = memchr(text + pos, '\n', n - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : n;
        line++;
        if (line > INT32_MAX) {
            rc = yw_err_set(err, YW_ETOOBIG, NULL, "日历文件太大 / the calendar is too large");
            goto out;
        }
        if ((rc = parse_line(text + pos, end - pos, line, cal->e, &cal->n, err)) < 0)
            goto out;
        pos = end + 1;
    }

    qsort(cal->e, cal->n, sizeof(cal->e[0]), entry_cmp);
    /* A date listed twice: name the repeat that comes first in the text. */
    size_t dup = 0;
    for (size_t i = 1; i < cal->n; i++)
        if (cal->e[i].day == cal->e[i - 1].day && (dup == 0 || cal->e[i].line < cal->e[dup].line))
            dup = i;
    if (dup > 0) {
        int y, m, d;
        char zh[96], en[96];
        yw_day_to_ymd(cal->e[dup].day, &y, &m, &d);
        (void)yw_fmt(zh, sizeof(zh), "%04d-%02d-%02d 已在第 %ld 行列出", y, m, d,
                     (long)cal->e[dup - 1].line);
        (void)yw_fmt(en, sizeof(en), "%04d-%02d-%02d is already listed on line %ld", y, m, d,
                     (long)cal->e[dup - 1].line);
        rc = line_error(err, cal->e[dup].line, zh, en);
        goto out;
    }
    int32_t adj = 0;
    for (size_t i = 0; i < cal->n; i++) {
        cal->e[i].adj_before = adj;
        adj += cal->e[i].kind == KIND_WORK ? 1 : -1;
    }
    cal->adj_total = adj;
    *out = cal;
    cal = NULL;
out:
    free(cal);
    return rc;
}
