/* libFuzzer harness over the working-day calendar: the file parser, then the
 * arithmetic on whatever it accepted. Each answer is checked against an
 * independent property (walking the days one by one, round trips), so a wrong
 * answer is a crash too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A day near the calendar's entries: 2024-12-01 plus up to ~3 years. */
static int64_t pick_day(const uint8_t *data, size_t size, size_t at)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 2; i++)
        v = v << 8 | (size ? data[(at + i) % size] : 0);
    return INT64_C(20058) + v % 1200;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct yw_calendar *cal = NULL;
    struct yw_err err = {0};
    int rc = yw_calendar_parse((const char *)data, size, &cal, &err);

    if (rc != YW_OK) {
        /* Refused input: no calendar, and a message that names a line. */
        if (cal != NULL || rc != YW_EINVAL || err.code != rc ||
            strstr(err.message, "line ") == NULL || strstr(err.message, "第 ") != err.message)
            abort();
        return 0;
    }
    if (cal == NULL)
        abort();

    /* Working days counted fast agree with walking the days. */
    int64_t from = pick_day(data, size, 0);
    int walked = 0;
    for (int64_t to = from; to < from + 40; to++) {
        if (to > from && yw_calendar_is_working_day(cal, to))
            walked++;
        if (yw_calendar_working_days_between(cal, from, to) != walked)
            abort();
        if (yw_calendar_working_days_between(cal, to, from) != 0)
            abort();
    }
    /* add_working_days inverts working_days_between, and ends on a working day. */
    int n = (int)(pick_day(data, size, 2) % 400);
    int64_t due = yw_calendar_add_working_days(cal, from, n);
    if (due < from || yw_calendar_working_days_between(cal, from, due) != n)
        abort();
    if (n > 0 && (!yw_calendar_is_working_day(cal, due) ||
                  yw_calendar_working_days_between(cal, from, due - 1) != n - 1))
        abort();
    if (n == 0 && due != from)
        abort();

    /* Dates round-trip; covers() matches what is_working_day sees as changed. */
    int y, m, d;
    yw_day_to_ymd(from, &y, &m, &d);
    if (yw_day_from_ymd(y, m, d) != from)
        abort();
    if (!yw_calendar_covers(cal, y)) {
        int64_t first = yw_day_from_ymd(y, 1, 1), last = yw_day_from_ymd(y, 12, 31);
        for (int64_t day = first; day <= last; day++) {
            int w = yw_day_weekday(day);
            if (yw_calendar_is_working_day(cal, day) != (w != 0 && w != 6))
                abort();
        }
    }
    yw_calendar_free(cal);
    return 0;
}
