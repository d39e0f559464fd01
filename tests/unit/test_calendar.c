/* util/calendar: dates (leap years, month ends, the China day of an instant), the
 * file parser and every refusal with its line, working-day arithmetic on a NULL
 * calendar, and the real data files (data/calendar/YYYY.txt, found next to this
 * source through __FILE__ or in $YW_CALENDAR_DIR) against the State Council's
 * notices: the 2026 Spring Festival and 2025 National Day with Mid-Autumn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/util.h"

static int64_t ymd(int y, int m, int d)
{
    int64_t day = yw_day_from_ymd(y, m, d);
    assert_true(day >= 0);
    return day;
}

/* "YYYY-MM-DD" of a day, for comparing with readable expectations. */
static const char *show(int64_t day, char out[16])
{
    int y, m, d;
    yw_day_to_ymd(day, &y, &m, &d);
    assert_int_equal(yw_fmt(out, 16, "%04d-%02d-%02d", y, m, d), YW_OK);
    return out;
}

#define assert_day(day, want)                                                                      \
    do {                                                                                           \
        char text_[16];                                                                            \
        assert_string_equal(show((day), text_), (want));                                           \
    } while (0)

static void test_dates(void **state)
{
    (void)state;
    assert_int_equal(yw_day_from_ymd(1970, 1, 1), 0);
    assert_int_equal(yw_day_from_ymd(1970, 1, 2), 1);
    assert_int_equal(yw_day_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(yw_day_from_ymd(9999, 12, 31), YW_DAY_MAX);
    /* Leap years: every 4th, not every 100th, but every 400th. */
    assert_true(yw_day_from_ymd(2024, 2, 29) > 0);
    assert_true(yw_day_from_ymd(2000, 2, 29) > 0);
    assert_int_equal(yw_day_from_ymd(2100, 2, 29), -1);
    assert_int_equal(yw_day_from_ymd(2025, 2, 29), -1);
    assert_int_equal(yw_day_from_ymd(2026, 2, 30), -1);
    assert_int_equal(yw_day_from_ymd(2024, 2, 29) + 1, yw_day_from_ymd(2024, 3, 1));
    assert_int_equal(yw_day_from_ymd(2025, 2, 28) + 1, yw_day_from_ymd(2025, 3, 1));
    /* Month ends. */
    static const int ends[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (int m = 1; m <= 12; m++) {
        assert_true(yw_day_from_ymd(2026, m, ends[m - 1]) > 0);
        assert_int_equal(yw_day_from_ymd(2026, m, ends[m - 1] + 1), -1);
        assert_int_equal(yw_day_from_ymd(2026, m, ends[m - 1]) + 1,
                         m == 12 ? yw_day_from_ymd(2027, 1, 1) : yw_day_from_ymd(2026, m + 1, 1));
    }
    assert_int_equal(yw_day_from_ymd(2026, 0, 1), -1);
    assert_int_equal(yw_day_from_ymd(2026, 13, 1), -1);
    assert_int_equal(yw_day_from_ymd(2026, 1, 0), -1);
    assert_int_equal(yw_day_from_ymd(1969, 12, 31), -1);
    assert_int_equal(yw_day_from_ymd(10000, 1, 1), -1);
    /* Every day of the range goes to a date and back, one after another. */
    int py = 1969, pm = 12, pd = 31;
    for (int64_t day = YW_DAY_MIN; day <= YW_DAY_MAX; day++) {
        int y, m, d;
        yw_day_to_ymd(day, &y, &m, &d);
        if (d != pd + 1 || m != pm || y != py) {
            /* A new month: the previous day was its month's last. */
            assert_int_equal(d, 1);
            assert_int_equal(yw_day_from_ymd(py, pm, pd + 1), -1);
            assert_true((m == pm + 1 && y == py) || (m == 1 && pm == 12 && y == py + 1));
        }
        if (yw_day_from_ymd(y, m, d) != day)
            fail_msg("day %lld gives %04d-%02d-%02d", (long long)day, y, m, d);
        py = y, pm = m, pd = d;
    }
    assert_day(YW_DAY_MAX + 100, "9999-12-31"); /* clamped */
    assert_day(-5, "1970-01-01");
    /* Weekdays: 1970-01-01 was a Thursday, 2026-02-14 a Saturday. */
    assert_int_equal(yw_day_weekday(0), 4);
    assert_int_equal(yw_day_weekday(ymd(2026, 2, 14)), 6);
    assert_int_equal(yw_day_weekday(ymd(2026, 2, 15)), 0);
    assert_int_equal(yw_day_weekday(ymd(2025, 10, 1)), 3);
}

static void test_day_from_ms(void **state)
{
    (void)state;
    /* 2025-12-31T16:00:00Z is midnight 2026-01-01 in China. */
    int64_t midnight = INT64_C(1767196800000);
    assert_day(yw_day_from_ms(midnight), "2026-01-01");
    assert_day(yw_day_from_ms(midnight - 1), "2025-12-31");
    assert_day(yw_day_from_ms(midnight + 86400000 - 1), "2026-01-01");
    assert_day(yw_day_from_ms(midnight + 86400000), "2026-01-02");
    assert_int_equal(yw_day_from_ms(0), 0);                  /* 08:00 in China */
    assert_int_equal(yw_day_from_ms(-28800000), 0);          /* 00:00 in China */
    assert_int_equal(yw_day_from_ms(-28800001), YW_DAY_MIN); /* 1969: clamped */
    assert_int_equal(yw_day_from_ms(INT64_MIN), YW_DAY_MIN);
    assert_int_equal(yw_day_from_ms(INT64_MAX), YW_DAY_MAX);
}

static void test_weekends_only(void **state)
{
    (void)state;
    /* Friday 2025-03-07: ten working days later is Friday 2025-03-21, and so from
     * the Saturday and Sunday after it (day itself never counts). */
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 7), 10), "2025-03-21");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 8), 10), "2025-03-21");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 9), 10), "2025-03-21");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 10), 10), "2025-03-24");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 7), 1), "2025-03-10");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 8), 0), "2025-03-08");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 3, 8), -3), "2025-03-08");
    /* Over a leap day and over month and year ends. */
    assert_day(yw_calendar_add_working_days(NULL, ymd(2024, 2, 22), 5), "2024-02-29");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2024, 2, 23), 5), "2024-03-01");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2025, 2, 21), 5), "2025-02-28");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2026, 12, 30), 3), "2027-01-04");
    assert_day(yw_calendar_add_working_days(NULL, ymd(2026, 4, 30), 1), "2026-05-01");
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2025, 3, 7), ymd(2025, 3, 21)), 10);
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2025, 3, 7), ymd(2025, 3, 9)), 0);
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2025, 3, 21), ymd(2025, 3, 7)), 0);
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2025, 3, 7), ymd(2025, 3, 7)), 0);
    /* 2024 (leap, from a Monday) has 262 weekdays; 2026 (from a Thursday) 261. */
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2023, 12, 31), ymd(2024, 12, 31)),
                     262);
    assert_int_equal(yw_calendar_working_days_between(NULL, ymd(2025, 12, 31), ymd(2026, 12, 31)),
                     261);
    assert_true(
        yw_calendar_is_working_day(NULL, ymd(2026, 2, 16))); /* no holidays without a file */
    assert_false(yw_calendar_is_working_day(NULL, ymd(2026, 2, 14)));
    assert_false(yw_calendar_covers(NULL, 2026));
    /* The whole range, and its end. */
    int all = yw_calendar_working_days_between(NULL, YW_DAY_MIN - 1000, YW_DAY_MAX + 1000);
    assert_int_equal(all, yw_calendar_working_days_between(NULL, YW_DAY_MIN, YW_DAY_MAX));
    /* 9999-12-31 is a Friday. */
    assert_int_equal(yw_calendar_add_working_days(NULL, YW_DAY_MIN, all - 1), YW_DAY_MAX - 1);
    assert_int_equal(yw_calendar_add_working_days(NULL, YW_DAY_MIN, all), YW_DAY_MAX);
    assert_int_equal(yw_calendar_add_working_days(NULL, YW_DAY_MIN, all + 1), YW_DAY_MAX);
    assert_int_equal(yw_calendar_add_working_days(NULL, YW_DAY_MIN, 2147483647), YW_DAY_MAX);
    assert_int_equal(yw_calendar_add_working_days(NULL, INT64_MAX, 5), YW_DAY_MAX);
}

static struct yw_calendar *parse_ok(const char *text)
{
    struct yw_calendar *cal = NULL;
    struct yw_err err = {0};
    int rc = yw_calendar_parse(text, strlen(text), &cal, &err);
    if (rc != YW_OK)
        fail_msg("parse failed: %s", err.message);
    assert_non_null(cal);
    return cal;
}

static void test_parse(void **state)
{
    (void)state;
    /* Comments, blanks, tabs, CRLF, BOMs (one per file, concatenated), no name,
     * no final line break, lines in any order. */
    struct yw_calendar *cal = parse_ok("\xEF\xBB\xBF# 2026\r\n"
                                       "\r\n"
                                       "   # indented comment\n"
                                       "2026-02-14\twork\t春节调休  # a Saturday\r\n"
                                       "\xEF\xBB\xBF"
                                       "2026-02-16 off\n"
                                       "  2026-02-17   off   春节 第二天\n"
                                       "2025-10-08 off 国庆节#中秋");
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 2, 14)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 2, 15)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 2, 16)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 2, 17)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 2, 18)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2025, 10, 8)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2025, 10, 9)));
    assert_true(yw_calendar_covers(cal, 2025));
    assert_true(yw_calendar_covers(cal, 2026));
    assert_false(yw_calendar_covers(cal, 2024));
    assert_false(yw_calendar_covers(cal, 2027));
    assert_false(yw_calendar_covers(cal, 1969));
    assert_false(yw_calendar_covers(cal, 10000));
    /* Friday 2026-02-13: Sat 14 (work) is the first working day, Wed 18 the second. */
    assert_day(yw_calendar_add_working_days(cal, ymd(2026, 2, 13), 1), "2026-02-14");
    assert_day(yw_calendar_add_working_days(cal, ymd(2026, 2, 13), 2), "2026-02-18");
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2026, 2, 13), ymd(2026, 2, 18)), 2);
    yw_calendar_free(cal);

    /* An empty file, or one of comments only, is an empty calendar. */
    cal = parse_ok("");
    assert_false(yw_calendar_covers(cal, 2026));
    assert_day(yw_calendar_add_working_days(cal, ymd(2025, 3, 7), 10), "2025-03-21");
    yw_calendar_free(cal);
    cal = parse_ok("# nothing yet\n\n");
    yw_calendar_free(cal);
    struct yw_calendar *none = NULL;
    assert_int_equal(yw_calendar_parse(NULL, 0, &none, NULL), YW_OK);
    yw_calendar_free(none);
    /* Years at both ends of the range; leap days. */
    cal = parse_ok("1970-01-01 off\n9999-12-31 off\n2024-02-29 off\n2000-02-29 off 2000-02-29");
    assert_true(yw_calendar_covers(cal, 1970) && yw_calendar_covers(cal, 9999));
    assert_false(yw_calendar_is_working_day(cal, YW_DAY_MAX));
    assert_false(yw_calendar_is_working_day(cal, ymd(2024, 2, 29)));
    yw_calendar_free(cal);
    yw_calendar_free(NULL);
}

static void test_parse_errors(void **state)
{
    static const struct {
        const char *text;
        size_t n; /* 0: strlen */
        const char *want;
    } cases[] = {
        {"2026-02-30 off 春节", 0,
         "第 1 行：没有 2026-02-30 这一天 / line 1: 2026-02-30 is not a date"},
        {"2025-02-29 off", 0, "line 1: 2025-02-29 is not a date"},
        {"2100-02-29 off", 0, "line 1: 2100-02-29 is not a date"},
        {"2026-13-01 off", 0, "line 1: 2026-13-01 is not a date"},
        {"2026-00-10 off", 0, "line 1: 2026-00-10 is not a date"},
        {"2026-04-31 off", 0, "line 1: 2026-04-31 is not a date"},
        {"2026-01-00 off", 0, "line 1: 2026-01-00 is not a date"},
        {"1969-12-31 off", 0,
         "第 1 行：年份 1969 不在 1970 至 9999 之间 / line 1: the year 1969 is outside 1970 to "
         "9999"},
        {"# c\n\n2026-2-16 off", 0, "第 3 行：日期应写作 YYYY-MM-DD / line 3: the date must be"},
        {"2026/02/16 off", 0, "line 1: the date must be YYYY-MM-DD"},
        {"20260216 off", 0, "line 1: the date must be YYYY-MM-DD"},
        {"2026-02-16off", 0, "line 1: the date must be YYYY-MM-DD"},
        {"２０２６-02-16 off", 0, "line 1: the date must be YYYY-MM-DD"},
        {"2026-02-16\xE3\x80\x80off", 0, "line 1: the date must be YYYY-MM-DD"}, /* U+3000 */
        {"-2026-02-16 off", 0, "line 1: the date must be YYYY-MM-DD"},
        {"off 2026-02-16", 0, "line 1: the date must be YYYY-MM-DD"},
        {"2026-02-16 holiday 春节", 0,
         "第 1 行：类型应为 off（放假）或 work（调休上班） / line 1: the kind must be off (a "
         "holiday) or work (an adjusted working day)"},
        {"2026-02-16", 0, "line 1: the kind must be off"},
        {"2026-02-16   # off", 0, "line 1: the kind must be off"},
        {"2026-02-16 OFF", 0, "line 1: the kind must be off"},
        {"2026-02-16 off\n2026-02-16 放假", 0, "line 2: the kind must be off"},
        {"2026-02-17 work", 0,
         "第 1 行：2026-02-17 是周二，本来就上班，不应标 work / line 1: 2026-02-17 is a Tuesday, "
         "already a working day: not work"},
        {"2026-02-15 off 春节", 0,
         "第 1 行：2026-02-15 是周日，本来就休息，只列出工作日 / line 1: 2026-02-15 is a Sunday, "
         "already off: list only the weekdays of a holiday"},
        {"2026-02-21 off", 0, "line 1: 2026-02-21 is a Saturday, already off"},
        {"2026-02-16 off\n2026-02-17 off\n2026-02-16 off 又一次", 0,
         "第 3 行：2026-02-16 已在第 1 行列出 / line 3: 2026-02-16 is already listed on line 1"},
        {"2026-02-16 off\n2026-02-16 work", 0, "line 2: 2026-02-16 is a Monday, already a working"},
        /* Of several repeats, the first in the text is named. */
        {"2026-02-17 off\n2026-02-16 off\n2026-02-16 off\n2026-02-17 off", 0,
         "line 3: 2026-02-16 is already listed on line 2"},
        {"2026-02-17 off\n2026-02-16 off\n2026-02-17 off\n2026-02-16 off\n2026-02-16 off", 0,
         "line 3: 2026-02-17 is already listed on line 1"},
        {"2026-02-16 off\n2026-02-16 off\n2026-02-16 off", 0,
         "line 2: 2026-02-16 is already listed on line 1"},
        /* Bytes that are not text; the next file's BOM only at a line start. */
        {"2026-02-16 off \xFF", 0, "第 1 行：不是有效的 UTF-8 / line 1: not valid UTF-8"},
        {"2026-02-16 off \xE6\x98", 0, "line 1: not valid UTF-8"},
        {"2026-02-16 off\n2026-02-17 off \x01", 0,
         "第 2 行：含有控制字符 / line 2: contains a control character"},
        {"2026-02-16 off\n2026-02-17\0off", 29, "line 2: contains a control character"},
        {"2026-02-16 off\r\r\n", 0, "line 1: contains a control character"},
        {"2026-02-16 off\x7F", 0, "line 1: contains a control character"},
        {"2026-02-16 off\xEF\xBB\xBF"
         "2026-02-17 off",
         0, "line 1: the kind must be off"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        static char sentinel;
        struct yw_calendar *cal = (struct yw_calendar *)&sentinel; /* must be reset */
        struct yw_err err = {0};
        size_t n = cases[i].n ? cases[i].n : strlen(cases[i].text);
        int rc = yw_calendar_parse(cases[i].text, n, &cal, &err);
        if (rc != YW_EINVAL || strstr(err.message, cases[i].want) == NULL)
            fail_msg("case %zu (%s): rc %d, message \"%s\", want \"%s\"", i, cases[i].text, rc,
                     err.message, cases[i].want);
        assert_null(cal);
        assert_int_equal(err.code, YW_EINVAL);
        /* Without an err to fill, the code alone. */
        assert_int_equal(yw_calendar_parse(cases[i].text, n, &cal, NULL), YW_EINVAL);
    }
}

/* ---- the data files ------------------------------------------------------ */

/* data/calendar/NAME from $YW_CALENDAR_DIR, or else from the source tree this
 * file is in (CMake compiles it by its absolute path). Appended to buf. */
static void read_data_file(const char *name, struct yw_buf *buf)
{
    char path[1024];
    const char *dir = getenv("YW_CALENDAR_DIR");
    if (dir != NULL && dir[0] != '\0') {
        assert_int_equal(yw_fmt(path, sizeof(path), "%s/%s", dir, name), YW_OK);
    } else {
        const char *src = __FILE__; /* …/tests/unit/test_calendar.c */
        const char *tail = strstr(src, "tests/unit/test_calendar.c");
        assert_non_null(tail);
        assert_int_equal(
            yw_fmt(path, sizeof(path), "%.*sdata/calendar/%s", (int)(tail - src), src, name),
            YW_OK);
    }
    char *text = NULL;
    size_t n = 0;
    struct yw_err err = {0};
    if (yw_file_read(path, 1 << 20, &text, &n, &err) != YW_OK)
        fail_msg("reading %s: %s", path, err.message);
    assert_int_equal(yw_buf_append(buf, text, n), YW_OK);
    assert_int_equal(yw_buf_append_c(buf, "\n"), YW_OK);
    free(text);
}

static int load_files(void **state)
{
    struct yw_buf buf;
    struct yw_err err = {0};
    struct yw_calendar *cal = NULL;

    yw_buf_init(&buf, 1 << 21);
    read_data_file("2025.txt", &buf);
    read_data_file("2026.txt", &buf);
    if (yw_calendar_parse(buf.data, buf.len, &cal, &err) != YW_OK)
        fail_msg("data/calendar: %s", err.message);
    yw_buf_free(&buf);
    *state = cal;
    return 0;
}

static int free_files(void **state)
{
    yw_calendar_free(*state);
    return 0;
}

static void test_files_cover(void **state)
{
    const struct yw_calendar *cal = *state;
    assert_true(yw_calendar_covers(cal, 2025));
    assert_true(yw_calendar_covers(cal, 2026));
    assert_false(yw_calendar_covers(cal, 2024));
    assert_false(yw_calendar_covers(cal, 2027));
    /* Since 2025 the law (全国年节及纪念日放假办法, revised 2024) gives 13 public-holiday
     * days, and 调休 moves days without adding any: each year has its weekdays less
     * 13 working days. Both years have 261 weekdays (365 days from a Wednesday and
     * from a Thursday). */
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2024, 12, 31), ymd(2025, 12, 31)),
                     261 - 13);
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2025, 12, 31), ymd(2026, 12, 31)),
                     261 - 13);
    /* 2026 元旦: 1月1日（周四）至3日（周六）放假调休，1月4日（周日）上班. */
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 1, 1)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 1, 2)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 1, 3)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 1, 4)));
    assert_day(yw_calendar_add_working_days(cal, ymd(2025, 12, 31), 1), "2026-01-04");
}

static void test_files_spring_festival_2026(void **state)
{
    const struct yw_calendar *cal = *state;
    /* 国办发明电〔2025〕7号: 春节 2月15日（周日）至23日（周一）放假调休，共9天；
     * 2月14日（周六）、2月28日（周六）上班. */
    for (int d = 15; d <= 23; d++)
        assert_false(yw_calendar_is_working_day(cal, ymd(2026, 2, d)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 2, 14)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 2, 24)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2026, 2, 28)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2026, 3, 1)));
    /* An application on Monday 2026-02-09, to be answered within 10 working days.
     * By hand: Tue 10 (1), Wed 11 (2), Thu 12 (3), Fri 13 (4), Sat 14 调休上班 (5),
     * Sun 15 – Mon 23 off, Tue 24 (6), Wed 25 (7), Thu 26 (8), Fri 27 (9),
     * Sat 28 调休上班 (10): the deadline is Saturday 2026-02-28. Counting
     * weekends only it would be Monday 2026-02-23, in the middle of the holiday. */
    int64_t applied = ymd(2026, 2, 9);
    assert_day(yw_calendar_add_working_days(cal, applied, 10), "2026-02-28");
    assert_day(yw_calendar_add_working_days(NULL, applied, 10), "2026-02-23");
    assert_day(yw_calendar_add_working_days(cal, applied, 5), "2026-02-14");
    assert_day(yw_calendar_add_working_days(cal, applied, 6), "2026-02-24");
    assert_int_equal(yw_calendar_working_days_between(cal, applied, ymd(2026, 2, 28)), 10);
    assert_int_equal(yw_calendar_working_days_between(cal, applied, ymd(2026, 2, 27)), 9);
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2026, 2, 14), ymd(2026, 2, 23)), 0);
    /* Filed during the holiday (Wednesday 2026-02-18, 初二): counting starts at
     * Tue 24, so 5 working days end on Sat 28. */
    assert_day(yw_calendar_add_working_days(cal, ymd(2026, 2, 18), 5), "2026-02-28");
    assert_day(yw_calendar_add_working_days(cal, ymd(2026, 2, 18), 1), "2026-02-24");
}

static void test_files_national_day_2025(void **state)
{
    const struct yw_calendar *cal = *state;
    /* 国办发明电〔2024〕12号: 国庆节、中秋节 10月1日（周三）至8日（周三）放假调休，共8天；
     * 9月28日（周日）、10月11日（周六）上班. */
    for (int d = 1; d <= 8; d++)
        assert_false(yw_calendar_is_working_day(cal, ymd(2025, 10, d)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2025, 9, 28)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2025, 9, 27)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2025, 10, 9)));
    assert_true(yw_calendar_is_working_day(cal, ymd(2025, 10, 11)));
    assert_false(yw_calendar_is_working_day(cal, ymd(2025, 10, 12)));
    /* Applied Thursday 2025-09-25, 10 working days. By hand: Fri 26 (1),
     * Sat 27 off, Sun 28 调休上班 (2), Mon 29 (3), Tue 30 (4), Oct 1–8 off,
     * Thu 9 (5), Fri 10 (6), Sat 11 调休上班 (7), Sun 12 off, Mon 13 (8),
     * Tue 14 (9), Wed 15 (10): the deadline is Wednesday 2025-10-15. */
    int64_t applied = ymd(2025, 9, 25);
    assert_day(yw_calendar_add_working_days(cal, applied, 10), "2025-10-15");
    assert_day(yw_calendar_add_working_days(NULL, applied, 10), "2025-10-09");
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2025, 9, 30), ymd(2025, 10, 8)), 0);
    assert_int_equal(yw_calendar_working_days_between(cal, ymd(2025, 9, 30), ymd(2025, 10, 9)), 1);
    assert_day(yw_calendar_add_working_days(cal, ymd(2025, 9, 30), 1), "2025-10-09");
    /* 2025 春节 too: 1月28日至2月4日, 1月26日（周日）、2月8日（周六）上班. */
    assert_day(yw_calendar_add_working_days(cal, ymd(2025, 1, 24), 1), "2025-01-26");
    assert_day(yw_calendar_add_working_days(cal, ymd(2025, 1, 27), 1), "2025-02-05");
}

/* The fast count agrees with walking the days one by one, across both years. */
static void test_files_walk(void **state)
{
    const struct yw_calendar *cal = *state;
    int64_t start = ymd(2024, 12, 1), end = ymd(2027, 2, 1);
    for (int64_t from = start; from < end; from += 3) {
        int walked = 0;
        for (int64_t to = from; to < from + 60; to++) {
            if (to > from && yw_calendar_is_working_day(cal, to))
                walked++;
            assert_int_equal(yw_calendar_working_days_between(cal, from, to), walked);
            if (to > from && yw_calendar_is_working_day(cal, to))
                assert_int_equal(yw_calendar_add_working_days(cal, from, walked), to);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_day_from_ms),
        cmocka_unit_test(test_weekends_only),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test_setup_teardown(test_files_cover, load_files, free_files),
        cmocka_unit_test_setup_teardown(test_files_spring_festival_2026, load_files, free_files),
        cmocka_unit_test_setup_teardown(test_files_national_day_2025, load_files, free_files),
        cmocka_unit_test_setup_teardown(test_files_walk, load_files, free_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
