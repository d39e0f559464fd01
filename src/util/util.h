/*
 * util — the pieces every module shares: one error vocabulary, length-carrying
 * strings, bounded buffers, checked number parsing, UTF-8 validation, time and
 * the JSON log.
 *
 * Nothing here allocates behind the caller's back except yw_buf, whose memory
 * the caller owns and frees with yw_buf_free().
 */
#ifndef YW_UTIL_H
#define YW_UTIL_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YW_MUST_USE __attribute__((warn_unused_result))
#define YW_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* ---- errors --------------------------------------------------------------
 * Functions that can fail return int: 0 on success, a negative YW_E* code
 * otherwise. The HTTP layer maps each code to a status in one table
 * (src/http/errors.c). */
enum {
    YW_OK = 0,
    YW_EINVAL = -1,     /* bad input from the caller or the outside */
    YW_ENOTFOUND = -2,  /* the named thing does not exist */
    YW_ECONFLICT = -3,  /* it exists already, or the state forbids this */
    YW_EPERM = -4,      /* the principal may not do this */
    YW_EAUTH = -5,      /* nobody is signed in, or the credentials are bad */
    YW_EDB = -6,        /* the database failed */
    YW_ETOOBIG = -7,    /* over a size or count limit */
    YW_ENOMEM = -8,     /* out of memory */
    YW_EIO = -9,        /* file or network I/O failed */
    YW_ECRYPTO = -10,   /* a cryptographic operation failed */
    YW_EVERIFY = -11,   /* a signature, MAC or proof did not verify */
    YW_ESCHEMA = -12,   /* the database schema is newer than this binary */
    YW_EBUSY = -13,     /* out of a pooled resource; try again later */
    YW_EINTERNAL = -14, /* a bug: an "impossible" case */
    YW_ELIMIT = -15     /* too many attempts: locked out or rate limited */
};

/* Carries a message for the user (and the JSON field it concerns) alongside
 * the code. Never allocates; messages longer than the buffer are cut. */
struct yw_err {
    int code;
    char field[64];
    char message[256];
};

/* Fills err (if not NULL) and returns code, so callers can write
 *     return yw_err_set(err, YW_EINVAL, "origin", "origin must not be empty");
 * field may be NULL. */
int yw_err_set(struct yw_err *err, int code, const char *field, const char *fmt, ...)
    YW_PRINTF(4, 5);

/* Stable short name of a code ("invalid", "not_found", ...). */
const char *yw_err_name(int code);

/* ---- strings -------------------------------------------------------------
 * Bytes from outside are never C strings: they travel as slices. */
struct yw_str {
    const char *p;
    size_t n;
};

#define YW_STR_LIT(s) ((struct yw_str){(s), sizeof(s) - 1})
struct yw_str yw_str_c(const char *s); /* slice over a C string; NULL gives {NULL,0} */
bool yw_str_eq(struct yw_str a, struct yw_str b);
bool yw_str_eq_c(struct yw_str a, const char *s);

/* Copies src into dst (size dst_size) with NUL; returns YW_ETOOBIG and leaves
 * dst empty when it does not fit. */
int yw_copy(char *dst, size_t dst_size, const char *src);
/* Text from outside for a named field: well-formed UTF-8 without control
 * characters, 1 (when required) to max_chars characters; NULL counts as
 * empty. YW_EINVAL naming field otherwise. */
int yw_check_text(const char *text, size_t max_chars, bool required, const char *field,
                  struct yw_err *err) YW_MUST_USE;
/* snprintf that reports truncation as YW_ETOOBIG (and leaves dst empty)
 * instead of silently cutting. Callers that build bounded display text may
 * ignore the result; callers building paths or keys must check it. */
int yw_fmt(char *dst, size_t dst_size, const char *fmt, ...) YW_PRINTF(3, 4);

/* ---- bounded buffer ------------------------------------------------------
 * Grows on demand up to `max` bytes and refuses to grow further (YW_ETOOBIG).
 * Always NUL-terminated after the data (the NUL is not counted in len). */
struct yw_buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void yw_buf_init(struct yw_buf *b, size_t max);
int yw_buf_append(struct yw_buf *b, const void *p, size_t n) YW_MUST_USE;
int yw_buf_append_c(struct yw_buf *b, const char *s) YW_MUST_USE;
int yw_buf_printf(struct yw_buf *b, const char *fmt, ...) YW_PRINTF(2, 3) YW_MUST_USE;
void yw_buf_reset(struct yw_buf *b); /* len = 0, keeps memory */
void yw_buf_free(struct yw_buf *b);  /* NULL-safe; leaves b empty and reusable */
/* Hands the memory to the caller (free() it); b is left empty. */
char *yw_buf_take(struct yw_buf *b);

/* ---- parsing -------------------------------------------------------------
 * The one place strtol-family functions are used. The whole slice must be a
 * decimal integer in [min, max]; no sign for unsigned-looking input other
 * than an optional leading '-', no spaces. */
int yw_parse_int64(struct yw_str s, int64_t min, int64_t max, int64_t *out) YW_MUST_USE;
/* A finite decimal number (digits, an optional leading '-', a '.', an
 * exponent), as a database prints a float: PostgreSQL's float8 text. */
int yw_parse_double(struct yw_str s, double *out) YW_MUST_USE;

/* True when the bytes are well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool yw_utf8_valid(const char *p, size_t n);

/* Decodes the code point at p, which must start well-formed UTF-8 (check
 * with yw_utf8_valid first); *len gets its length in bytes (1 to 4). */
uint32_t yw_utf8_decode(const char *p, size_t *len);

/* Lower-case hex of n bytes into out (2n+1 bytes with NUL). */
void yw_hex(const uint8_t *p, size_t n, char *out);
/* Standard base64 (RFC 4648 §4, with padding). out needs 4*((n+2)/3)+1. */
void yw_base64(const uint8_t *p, size_t n, char *out);
/* Decodes standard padded base64; YW_EINVAL on any malformed input. */
int yw_base64_decode(struct yw_str in, uint8_t *out, size_t out_size, size_t *out_len) YW_MUST_USE;

/* ---- time ---------------------------------------------------------------- */
int64_t yw_now_ms(void);       /* wall clock, ms since the epoch */
int64_t yw_monotonic_ns(void); /* for measuring durations */
/* RFC 3339 UTC with milliseconds, e.g. 2026-11-27T08:00:00.123Z (needs 25 bytes). */
void yw_time_rfc3339(int64_t ms, char out[32]);

/* ---- files --------------------------------------------------------------- */
/* Reads a whole file of at most max bytes into a NUL-terminated buffer the
 * caller frees. */
int yw_file_read(const char *path, size_t max, char **out, size_t *out_len,
                 struct yw_err *err) YW_MUST_USE;
/* Maps a whole file of at most max bytes read-only, for reading large input
 * front to back without copying it into memory (the page cache streams it);
 * release with yw_file_unmap(*out, *out_len). An empty file gives "", 0. */
int yw_file_map(const char *path, size_t max, const char **out, size_t *out_len,
                struct yw_err *err) YW_MUST_USE;
void yw_file_unmap(const char *data, size_t n);
/* Creates path exclusively (fails with YW_ECONFLICT if it exists) with the
 * given mode, writes the bytes and fsyncs. On failure nothing is left behind. */
int yw_file_create(const char *path, int mode, const void *p, size_t n,
                   struct yw_err *err) YW_MUST_USE;

/* ---- JSON (json.c) ---------------------------------------------------------- */
/* Refuses obj unless it is an object whose members are all in allowed
 * (NULL-terminated): YW_EINVAL naming prefix + the first unknown member
 * ("fields[2].colour"). */
int yw_json_only_members(const json_t *obj, const char *const *allowed, const char *prefix,
                         struct yw_err *err) YW_MUST_USE;
/* True when the array list holds the string s. */
bool yw_json_array_has(const json_t *list, const char *s);

/* A value domain: slugs for the API, Chinese labels for people. Arrays end
 * with {NULL, NULL}. */
struct yw_domain {
    const char *slug;
    const char *zh;
};
/* The index of value (slug or label) in d, or -1. */
int yw_domain_find(const struct yw_domain *d, struct yw_str value);
/* "a, b, c": the slugs, for messages, into out; YW_ETOOBIG when they do not fit. */
int yw_domain_list(const struct yw_domain *d, char *out, size_t size);
/* The slug of value, a slug or a label of d, into *slug; YW_EINVAL naming
 * field (with the slugs listed) for anything else. */
int yw_domain_slug(const struct yw_domain *d, struct yw_str value, const char *field,
                   const char **slug, struct yw_err *err) YW_MUST_USE;
/* The same for v, a JSON string (anything else is refused). */
int yw_domain_pick(const struct yw_domain *d, const json_t *v, const char *field, const char **slug,
                   struct yw_err *err) YW_MUST_USE;

/* ---- IP allow lists (net.c) ------------------------------------------------
 * Comma-separated IPv4/IPv6 addresses and CIDR blocks ("10.0.0.0/8,::1"). */
/* YW_EINVAL naming field unless every item parses. */
int yw_ip_list_check(const char *list, const char *field, struct yw_err *err) YW_MUST_USE;
/* True when remote (an address as text) is inside one of the items. */
bool yw_ip_list_allows(struct yw_str list, const char *remote);

/* ---- log -----------------------------------------------------------------
 * One JSON object per line on stderr. Thread-safe (one write(2) per line).
 * Never pass secrets: the log is for operators. */
enum yw_log_level { YW_LOG_DEBUG, YW_LOG_INFO, YW_LOG_WARN, YW_LOG_ERROR };

void yw_log_set_level(enum yw_log_level level);
/* msg is a short fixed event name; fmt adds extra JSON members, written
 * verbatim, e.g. yw_log(YW_LOG_INFO, "listening", "\"addr\":\"%s\"", addr).
 * Pass fmt NULL for none. String values must be escaped by the caller with
 * yw_json_escape(). */
void yw_log(enum yw_log_level level, const char *msg, const char *fmt, ...) YW_PRINTF(3, 4);
/* Appends s as the inside of a JSON string (no quotes), escaping as needed;
 * invalid UTF-8 bytes are replaced by U+FFFD. */
int yw_json_escape(struct yw_buf *b, struct yw_str s) YW_MUST_USE;

/* ---- embedded files ------------------------------------------------------
 * Files built into the binary (cmake/embed.cmake): the web portal
 * (yw_web_assets), the OpenAPI document (yw_doc_assets), the schema
 * migrations (yw_migration_files) and the demo catalog (yw_demo_files). Read-only, static lifetime.
 */
struct yw_asset {
    const char *path;          /* relative to its source folder, e.g. "index.html" */
    const unsigned char *data; /* NUL-terminated; the NUL is not counted in size */
    size_t size;
};

extern const struct yw_asset yw_web_assets[];
extern const size_t yw_web_assets_count;
extern const struct yw_asset yw_doc_assets[];
extern const size_t yw_doc_assets_count;
extern const struct yw_asset yw_migration_files[];
extern const size_t yw_migration_files_count;
extern const struct yw_asset yw_calendar_files[]; /* data/calendar/YYYY.txt, as published */
extern const size_t yw_calendar_files_count;
extern const struct yw_asset yw_demo_files[]; /* the CSV files of src/demo/ */
extern const size_t yw_demo_files_count;

/* The asset at exactly this path in the set, or NULL. */
const struct yw_asset *yw_asset_find(const struct yw_asset *set, size_t count, struct yw_str path);

/* ---- CSV (RFC 4180) -------------------------------------------------------
 * A reader over bytes in memory and a field writer, for bulk imports and
 * exports. Fields are comma-separated; a field in double quotes may hold
 * commas, quotes written "" and line breaks. Records end at LF or CRLF. */
#define YW_CSV_MAX_FIELDS 64
#define YW_CSV_MAX_FIELD (64 * 1024) /* bytes in one field, after unquoting */

struct yw_csv {            /* members are private; see csv.c */
    const char *p;         /* the data, lent */
    size_t n, pos;         /* its size and the next byte to read */
    long line;             /* 1-based line where the record last returned started */
    long next_line;        /* the line pos is on */
    struct yw_buf scratch; /* the unquoted bytes of the current record's fields */
    size_t max_field;      /* YW_CSV_MAX_FIELD */
    struct yw_err failed;  /* code != 0 once a call has failed; later calls repeat it */
};

/* Reads from data (lent for the reader's life). Skips one UTF-8 BOM, so a
 * writer whose first field may start with U+FEFF must write a BOM first. */
void yw_csv_init(struct yw_csv *csv, const char *data, size_t n);
void yw_csv_free(struct yw_csv *csv); /* NULL-safe */
/* The next record: fields[0..*n_fields) are slices valid until the next call
 * (or yw_csv_free). Returns 1 (a record), 0 (end of data), or < 0:
 * YW_EINVAL for malformed input (a quote inside an unquoted field, an
 * unterminated quoted field, text after a closing quote, a CR not followed by
 * LF outside quotes, invalid UTF-8, a NUL byte) and YW_ETOOBIG for more than
 * YW_CSV_MAX_FIELDS fields or a field over YW_CSV_MAX_FIELD bytes;
 * err->message names the line ("第 12 行：… / line 12: …"). A CR inside quotes
 * is data. Lines that are completely empty are skipped, so a record of one
 * empty field must be written "". csv->line is the line where the returned
 * record started. After an error, every later call returns the same error. */
int yw_csv_next(struct yw_csv *csv, struct yw_str fields[YW_CSV_MAX_FIELDS], size_t *n_fields,
                struct yw_err *err) YW_MUST_USE;
/* Appends one CSV field to b (no separator), quoted when it holds a comma,
 * quote, CR or LF or starts or ends with a space (quotes doubled). An empty
 * field is written as nothing: write "" yourself for a record of one empty
 * field. YW_ETOOBIG/YW_ENOMEM from the buffer. */
int yw_csv_write_field(struct yw_buf *b, struct yw_str field) YW_MUST_USE;

/* ---- search terms ----------------------------------------------------------
 * Splits Chinese and English text into the terms the full-text search indexes
 * and queries: overlapping bigrams for runs of CJK characters (a lone CJK
 * character is a term of its own), lower-cased words for runs of letters and
 * digits. No allocation; the text is lent for the iterator's life. */
#define YW_TERM_MAX 64
#define YW_TERM_WORD_MAX 32 /* words are cut to this many bytes (on a character boundary) */

struct yw_terms {
    struct yw_str text;     /* private: the text, lent */
    size_t pos;             /* private: the next byte to look at */
    size_t run_prev;        /* private: offset of the last CJK character of the current run */
    size_t run_len;         /* private: CJK characters read in the current run; 0 outside one */
    char term[YW_TERM_MAX]; /* the current term, NUL-terminated */
    size_t term_len;
    bool cjk; /* the current term is a CJK bigram or single character */
};

void yw_terms_init(struct yw_terms *t, struct yw_str text);
/* The next term of the text into t->term (NUL-terminated) and t->term_len;
 * false at the end. The text is UTF-8; invalid bytes separate terms.
 * - A run of CJK characters (U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF,
 *   U+20000–2FA1F, Hiragana/Katakana U+3040–30FF, Hangul U+AC00–D7AF) gives its
 *   overlapping bigrams in order ("居民身份证" → 居民 民身 身份 份证); a run of
 *   one character gives that character. t->cjk is true.
 * - A run of letters and digits (ASCII; fullwidth Ａ–Ｚ ａ–ｚ ０–９ folded to
 *   ASCII; Latin letters U+00C0–024F except × and ÷) gives one word, ASCII
 *   lower-cased, cut to YW_TERM_WORD_MAX bytes. t->cjk is false.
 * - Everything else (spaces, punctuation including U+3000–303F and fullwidth
 *   punctuation, symbols, emoji, other scripts) separates terms, and so does
 *   the change between CJK and letters ("SM2证书" → sm2 证书). */
bool yw_terms_next(struct yw_terms *t);
/* Appends the terms of text (NULL: none) to b, each followed by a space. */
int yw_terms_append(struct yw_buf *b, const char *text) YW_MUST_USE;

/* ---- working-day calendar (工作日历, calendar.c) ----------------------------
 * Deadlines in government services are counted in working days. In China
 * Saturdays and Sundays are off, public holidays (法定节假日) are off and some
 * weekend days are adjusted working days (调休上班). The State Council publishes
 * each year's arrangement (国务院办公厅关于20XX年部分节假日安排的通知), and the
 * node admin keeps it in a text file per year (data/calendar/YYYY.txt):
 *
 *     # UTF-8; '#' starts a comment (to the end of the line); blank lines are ignored
 *     2026-02-16 off 春节          <- a weekday that is a holiday
 *     2026-02-14 work 春节调休     <- a weekend day that is a working day
 *
 * Each other line is `YYYY-MM-DD KIND [NAME]`, separated by spaces or tabs:
 * KIND is `off` or `work`, NAME optional free text (not kept). Lines may end in
 * CRLF; a UTF-8 BOM may start any line (so files can simply be concatenated,
 * joined by a newline). Refused, with YW_EINVAL and a message naming the line
 * ("第 N 行：… / line N: …", lines counted from the start of the text): a line
 * that is not valid UTF-8 or holds a control character, a malformed or
 * impossible date (2026-02-30) or one outside 1970–9999, an unknown kind, a
 * date listed twice, `work` on a weekday (already a working day) and `off` on
 * a Saturday or Sunday (already off: list only the weekdays of a holiday) —
 * harmless in themselves, but refused so that typos surface.
 *
 * Days are counted since 1970-01-01 on the China (UTC+8) date. The supported
 * range is YW_DAY_MIN (1970-01-01) to YW_DAY_MAX (9999-12-31); functions taking
 * a day clamp it into that range. A NULL calendar means weekends only. A
 * calendar is immutable after parsing (a sorted array searched by bisection,
 * no allocation), so one may be shared between threads. */
#define YW_DAY_MIN 0
#define YW_DAY_MAX 2932896 /* 9999-12-31 */

struct yw_calendar; /* opaque */

/* Parses text (one or more files' contents, concatenated) into a new calendar
 * the caller frees with yw_calendar_free(). YW_EINVAL as above, YW_ENOMEM. */
int yw_calendar_parse(const char *text, size_t n, struct yw_calendar **out,
                      struct yw_err *err) YW_MUST_USE;
void yw_calendar_free(struct yw_calendar *cal); /* NULL-safe */

/* The China (UTC+8) date of an instant in ms since the epoch, clamped. */
int64_t yw_day_from_ms(int64_t ms);
/* The day of a date, or -1 for an impossible one or one outside 1970–9999. */
int64_t yw_day_from_ymd(int y, int m, int d);
/* The day of exactly "YYYY-MM-DD", or -1 (malformed, impossible, or outside
 * 1970–9999). */
int64_t yw_day_parse(struct yw_str text);
/* "YYYY-MM-DD" of day into out, or "" for a negative day (none). */
void yw_day_text(int64_t day, char out[11]);
void yw_day_to_ymd(int64_t day, int *y, int *m, int *d);
/* 0 Sunday, 1 Monday … 6 Saturday. */
int yw_day_weekday(int64_t day);

bool yw_calendar_is_working_day(const struct yw_calendar *cal, int64_t day);
/* The n-th working day strictly after day (day itself never counts, working
 * or not: 10 working days from a Friday, or from the Saturday after it, end on
 * the Friday two weeks after that Friday in an ordinary fortnight). day itself
 * for n ≤ 0; YW_DAY_MAX when the range runs out. */
int64_t yw_calendar_add_working_days(const struct yw_calendar *cal, int64_t day, int n);
/* Working days strictly after from, up to and including to (0 when to ≤ from),
 * so that working_days_between(d, add_working_days(d, n)) == n. */
int yw_calendar_working_days_between(const struct yw_calendar *cal, int64_t from, int64_t to);
/* True when the calendar has entries dated in the year: a node should warn
 * when the current or next year is not covered (deadlines would then count
 * weekends only). */
bool yw_calendar_covers(const struct yw_calendar *cal, int year);

#endif
