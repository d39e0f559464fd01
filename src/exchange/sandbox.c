/* The data sandbox (数据沙箱): aggregates over a resource's records for a
 * system that may not see them row by row. The query runs inside the node;
 * only the aggregate leaves, and the query is ledgered.
 *
 * The request is never turned into SQL: the node reads every record of the
 * resource (SELECT data … WHERE code = ?) and filters, groups and measures in
 * C, with a hash table of groups. That costs one JSON parse per record per
 * query: measured at 0.7–1 s for 200 000 records on two cores (SQLite), two
 * thirds of it in jansson; on PostgreSQL libpq also holds the whole result
 * while it is scanned. Reading only the asked columns from the stored
 * canonical text, rather than parsing every record whole, is the first
 * speed-up to make should that matter.
 *
 * Protection, in this order:
 *   - k-anonymity: a group of fewer than k_min records (true count) is left
 *     out, and the answer says how many were; without group_by the single
 *     group is left out the same way.
 *   - Laplace noise, when the request names epsilon_milli (ε in thousandths)
 *     and the grant has a privacy budget. ε is split evenly among the noisy
 *     statistics (sequential composition): the count, and per measured column
 *     its sum (for sum or avg) and its count of values (for avg); groups are
 *     disjoint, so each costs its share once (parallel composition). A count
 *     has sensitivity 1. A sum's sensitivity is the largest magnitude of the
 *     column over all of the resource's records: the catalog declares no
 *     bounds, so the bound is observed rather than declared, which weakens the
 *     formal guarantee for sums (a declared per-field bound would restore it).
 *     min and max are not offered with noise (a single record decides them).
 *     Noisy counts are rounded and never negative.
 *     What noise does not cover: which groups appear and how many are
 *     suppressed follow the true counts (k-anonymity stays exact), and the
 *     exact "skipped" count is withheld (null) under noise.
 *
 * Numbers are decimal text in the records and in the answer: counts are JSON
 * integers; sums, averages, minima and maxima are decimal strings, so the
 * answer has canonical bytes (RFC 8785, integers only) for its digest. Sums
 * are exact decimals while they fit 18 digits with at most 9 after the point
 * (then a compensated double); min and max are the records' own text. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define GROUP_BY_MAX 5
#define MEASURES_MAX 10
#define FILTERS_MAX 10
#define IN_VALUES_MAX 1000
#define GROUPS_MAX 1000000   /* distinct groups held while scanning */
#define EXACT_SCALE_MAX 9    /* digits after the point kept exactly in sums */
#define AVG_EXTRA_DECIMALS 4 /* an average shows its column's decimals and these */
#define KEY_MAX (1024 * 1024)

/* ---- decimal numbers -------------------------------------------------------------- */

/* A value of a numeric column: [+-]digits[.digits], as the loader checks. */
struct number {
    double value;
    int64_t mantissa; /* value × 10^scale, when exact */
    int scale;        /* digits after the point */
    bool exact;       /* at most 18 significant digits and EXACT_SCALE_MAX decimals */
};

/* 10^n as a double (n ≥ 0); infinity past the range. */
static double pow10_of(int n)
{
    double p = 1;
    for (int i = 0; i < n && i < 400; i++)
        p *= 10;
    return p;
}

static bool parse_number(const char *s, struct number *out)
{
    uint64_t m = 0;
    int scale = 0, lost_integer = 0;
    bool negative = false, point = false, any = false, dropped = false;

    if (s == NULL)
        return false;
    if (*s == '+' || *s == '-')
        negative = *s++ == '-';
    for (; *s; s++) {
        if (*s == '.' && !point) {
            point = true;
            continue;
        }
        if (*s < '0' || *s > '9')
            return false;
        any = true;
        if (m < 100000000000000000ULL) { /* 10^17: m stays below 10^18 */
            m = m * 10 + (uint64_t)(*s - '0');
            scale += point;
        } else if (!point) {
            lost_integer++;
            dropped = true;
        } else {
            dropped = dropped || *s != '0';
        }
    }
    if (!any)
        return false;
    double v = (double)m * pow10_of(lost_integer) / pow10_of(scale);
    if (!isfinite(v))
        return false;
    out->value = negative ? -v : v;
    out->exact = !dropped && scale <= EXACT_SCALE_MAX;
    out->mantissa = negative ? -(int64_t)m : (int64_t)m;
    out->scale = scale;
    return true;
}

static bool scale_up(int64_t *x, int by)
{
    for (int i = 0; i < by; i++)
        if (__builtin_mul_overflow(*x, 10, x))
            return false;
    return true;
}

/* m × 10^-scale as decimal text, keeping the scale ("3.0"). */
static void format_decimal(int64_t m, int scale, char *out, size_t size)
{
    char digits[32];
    uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u || n < (size_t)scale + 1);
    size_t o = 0;
    if (m < 0 && o + 1 < size)
        out[o++] = '-';
    while (n > 0 && o + 1 < size) {
        out[o++] = digits[--n];
        if (n == (size_t)scale && scale > 0 && o + 1 < size)
            out[o++] = '.';
    }
    out[o] = '\0';
}

/* v with decimals digits after the point, without "-0"; trim drops
 * trailing zeros (and a bare point). */
static void format_double(double v, int decimals, bool trim, char *out, size_t size)
{
    if (yw_fmt(out, size, "%.*f", decimals, v) < 0) {
        (void)yw_copy(out, size, "0");
        return;
    }
    if (trim && strchr(out, '.')) {
        size_t n = strlen(out);
        while (out[n - 1] == '0')
            out[--n] = '\0';
        if (out[n - 1] == '.')
            out[--n] = '\0';
    }
    if (out[0] == '-' && strspn(out + 1, "0.") == strlen(out + 1))
        memmove(out, out + 1, strlen(out));
}

/* ---- Laplace noise ------------------------------------------------------------------- */

/* ln x for finite x > 0. libm is not linked (yiwang_core links no -lm), so:
 * x = m·2^e with m in [√½, √2), ln x = e·ln 2 + 2·atanh((m−1)/(m+1)), the
 * series converging to double precision in a dozen terms. */
static double ln_of(double x)
{
    uint64_t bits;
    int e = 0;
    if (!(x > 0))
        return -INFINITY;
    memcpy(&bits, &x, sizeof(bits));
    if (((bits >> 52) & 0x7ff) == 0) { /* subnormal */
        x *= 18014398509481984.0;      /* 2^54 */
        e -= 54;
        memcpy(&bits, &x, sizeof(bits));
    }
    e += (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
    double m;
    memcpy(&m, &bits, sizeof(m));
    if (m > 1.4142135623730951) {
        m /= 2;
        e++;
    }
    double s = (m - 1) / (m + 1), s2 = s * s, term = s, sum = 0;
    for (int k = 0; k < 30; k++) {
        sum += term / (2 * k + 1);
        term *= s2;
    }
    return e * 0.69314718055994530942 + 2 * sum;
}

/* One draw of Laplace(0, scale) by inverse CDF: u uniform in (−½, ½) from
 * 53 random bits, x = −scale·sgn(u)·ln(1 − 2|u|). (Floating-point Laplace
 * leaks through its low bits — Mironov 2012; noisy counts are rounded.) */
static int laplace(double scale, double *out)
{
    uint64_t r;
    int rc = yw_random(&r, sizeof(r));
    if (rc < 0)
        return rc;
    double u = ((double)(r >> 11) + 0.5) / 9007199254740992.0 - 0.5; /* 2^53 */
    double a = u < 0 ? -u : u;
    double x = -scale * ln_of(1 - 2 * a);
    *out = u < 0 ? -x : x;
    return YW_OK;
}

/* A double rounded half away from zero to int64, saturating. */
static int64_t round_int64(double v)
{
    if (!(v == v))
        return 0;
    if (v >= 9.2e18)
        return INT64_MAX;
    if (v <= -9.2e18)
        return INT64_MIN;
    return (int64_t)(v < 0 ? v - 0.5 : v + 0.5);
}

static double magnitude(double v)
{
    return v < 0 ? -v : v;
}

/* ---- the query ------------------------------------------------------------------------ */

enum measure_op { OP_COUNT, OP_SUM, OP_AVG, OP_MIN, OP_MAX };
static const char *const op_names[] = {"count", "sum", "avg", "min", "max", NULL};

enum filter_op { FILTER_EQ, FILTER_IN, FILTER_RANGE };
static const char *const filter_names[] = {"eq", "in", "range", NULL};

struct measure {
    enum measure_op op;
    const char *column; /* borrowed from the body; NULL for count */
};

/* A column measured by sum, avg, min or max. */
struct stat_col {
    const char *column; /* borrowed from the body */
    char type;          /* its data type letter */
    bool sum, avg, extremes;
    double bound; /* with noise: the largest magnitude over all the records */
    int decimals; /* with noise: most digits after the point over all the records */
};

struct filter {
    const char *column; /* borrowed from the body */
    enum filter_op op;
    char type;
    json_t *given;           /* owned: eq [value], in values */
    const json_t *from, *to; /* range: borrowed, NULL when open */
    json_t *texts_owned;     /* owned: the given values as text */
    const char **texts;      /* owned array, sorted; strings in texts_owned */
    double *numbers;         /* owned, sorted: numeric columns */
    size_t n;                /* values of eq and in */
    const char *from_text, *to_text;
    double from_number, to_number;
};

struct query {
    const char *group_by[GROUP_BY_MAX]; /* borrowed from the body */
    size_t n_group_by;
    struct measure measures[MEASURES_MAX];
    size_t n_measures;
    struct stat_col stats[MEASURES_MAX];
    size_t n_stats;
    struct filter filters[FILTERS_MAX];
    size_t n_filters;
    int64_t epsilon_milli; /* 0: no noise */
    struct yw_str purpose;
};

static void query_free(struct query *q)
{
    for (size_t i = 0; i < q->n_filters; i++) {
        json_decref(q->filters[i].given);
        json_decref(q->filters[i].texts_owned);
        free(q->filters[i].texts);
        free(q->filters[i].numbers);
    }
    q->n_filters = 0;
}

static bool is_numeric(char type)
{
    return type == 'N' || type == 'I' || type == 'Y' || type == 'B' || type == 'F';
}

static bool is_time(char type)
{
    return type == 'D' || type == 'T';
}

/* Text order, except that a T value's date and time may be separated by 'T'
 * or ' ' alike. */
static int text_cmp(char type, const char *a, const char *b)
{
    if (type != 'T')
        return strcmp(a, b);
    for (size_t i = 0;; i++) {
        int x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (i == 10 && (x == 'T' || x == ' ') && (y == 'T' || y == ' '))
            continue;
        if (x != y || x == 0)
            return x - y;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The data type letter of column in the document, 0 when it has none. */
static char type_of(const json_t *doc, const char *column)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        const char *c = json_string_value(json_object_get(f, "column"));
        const char *t = json_string_value(json_object_get(f, "data_type"));
        if (c && t && strcmp(c, column) == 0)
            return t[0];
    }
    return 0;
}

static int check_members(const json_t *obj, const char *const *allowed, const char *where,
                         struct yw_err *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool known = false;
        for (size_t i = 0; allowed[i] && !known; i++)
            known = strcmp(key, allowed[i]) == 0;
        if (!known)
            return yw_err_set(err, YW_EINVAL, key, "未知字段 / unknown member \"%s%s\"", where,
                              key);
    }
    return YW_OK;
}

static int word_of(const json_t *v, const char *const *words)
{
    const char *s = json_string_value(v);
    for (int i = 0; s && words[i]; i++)
        if (strcmp(s, words[i]) == 0)
            return i;
    return -1;
}

static int parse_group_by(const json_t *v, struct query *q, struct yw_err *err)
{
    size_t i;
    json_t *c;
    if (v == NULL || json_is_null(v))
        return YW_OK;
    if (!json_is_array(v) || json_array_size(v) > GROUP_BY_MAX)
        return yw_err_set(err, YW_EINVAL, "group_by",
                          "group_by 须为至多 %d 个字段名的列表 / group_by lists at most %d columns",
                          GROUP_BY_MAX, GROUP_BY_MAX);
    json_array_foreach(v, i, c)
    {
        const char *column = json_string_value(c);
        if (column == NULL || !column[0])
            return yw_err_set(err, YW_EINVAL, "group_by",
                              "group_by 须为字段名 / group_by lists column names");
        for (size_t k = 0; k < q->n_group_by; k++)
            if (strcmp(q->group_by[k], column) == 0)
                return yw_err_set(err, YW_EINVAL, "group_by",
                                  "group_by 中 %s 重复 / %s appears twice in group_by", column,
                                  column);
        q->group_by[q->n_group_by++] = column;
    }
    return YW_OK;
}

static int parse_measures(const json_t *v, struct query *q, struct yw_err *err)
{
    static const char *const members[] = {"op", "column", NULL};
    size_t i;
    json_t *m;
    int rc;
    if (v == NULL || json_is_null(v)) { /* the count alone */
        q->measures[q->n_measures++] = (struct measure){OP_COUNT, NULL};
        return YW_OK;
    }
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > MEASURES_MAX)
        return yw_err_set(err, YW_EINVAL, "measures",
                          "measures 须为 1 至 %d 个统计项 / measures lists 1 to %d measures",
                          MEASURES_MAX, MEASURES_MAX);
    json_array_foreach(v, i, m)
    {
        char where[32];
        (void)yw_fmt(where, sizeof(where), "measures[%zu].", i);
        if (!json_is_object(m))
            return yw_err_set(err, YW_EINVAL, "measures",
                              "统计项须为对象 / a measure is an object {\"op\", \"column\"}");
        if ((rc = check_members(m, members, where, err)) < 0)
            return rc;
        int op = word_of(json_object_get(m, "op"), op_names);
        const char *column = json_string_value(json_object_get(m, "column"));
        if (op < 0)
            return yw_err_set(err, YW_EINVAL, "measures",
                              "op 须为 count、sum、avg、min 或 max / op is count, sum, avg, min "
                              "or max");
        if (op == OP_COUNT && json_object_get(m, "column") != NULL)
            return yw_err_set(err, YW_EINVAL, "measures", "count 不带字段 / count takes no column");
        if (op != OP_COUNT && (column == NULL || !column[0]))
            return yw_err_set(err, YW_EINVAL, "measures", "%s 须指明字段 / %s needs a column",
                              op_names[op], op_names[op]);
        if ((op == OP_MIN || op == OP_MAX) && q->epsilon_milli > 0)
            return yw_err_set(err, YW_EINVAL, "measures",
                              "加噪声时不提供 min 和 max（单条记录即决定其值）/ min and max are "
                              "not offered with noise: one record decides them");
        q->measures[q->n_measures++] = (struct measure){(enum measure_op)op, column};
        if (op == OP_COUNT)
            continue;
        struct stat_col *s = NULL;
        for (size_t k = 0; k < q->n_stats && s == NULL; k++)
            if (strcmp(q->stats[k].column, column) == 0)
                s = &q->stats[k];
        if (s == NULL) {
            s = &q->stats[q->n_stats++];
            *s = (struct stat_col){.column = column};
        }
        s->sum = s->sum || op == OP_SUM || op == OP_AVG;
        s->avg = s->avg || op == OP_AVG;
        s->extremes = s->extremes || op == OP_MIN || op == OP_MAX;
    }
    return YW_OK;
}

static int parse_filters(const json_t *v, struct query *q, struct yw_err *err)
{
    static const char *const members[][5] = {{"column", "op", "value", NULL},
                                             {"column", "op", "values", NULL},
                                             {"column", "op", "from", "to", NULL}};
    size_t i;
    json_t *f;
    int rc;
    if (v == NULL || json_is_null(v))
        return YW_OK;
    if (!json_is_array(v) || json_array_size(v) > FILTERS_MAX)
        return yw_err_set(err, YW_EINVAL, "filters",
                          "filters 须为至多 %d 个条件 / filters lists at most %d conditions",
                          FILTERS_MAX, FILTERS_MAX);
    json_array_foreach(v, i, f)
    {
        char where[32];
        (void)yw_fmt(where, sizeof(where), "filters[%zu].", i);
        int op = word_of(json_object_get(f, "op"), filter_names);
        if (!json_is_object(f) || op < 0)
            return yw_err_set(err, YW_EINVAL, "filters",
                              "条件须为 {\"column\", \"op\": eq|in|range, …} / a filter is "
                              "{\"column\", \"op\": eq|in|range, …}");
        if ((rc = check_members(f, members[op], where, err)) < 0)
            return rc;
        struct filter *x = &q->filters[q->n_filters++];
        *x = (struct filter){.column = json_string_value(json_object_get(f, "column")),
                             .op = (enum filter_op)op};
        if (x->column == NULL || !x->column[0])
            return yw_err_set(err, YW_EINVAL, "filters",
                              "条件须指明字段 / a filter names a column");
        json_t *value = json_object_get(f, "value"), *values = json_object_get(f, "values");
        switch (x->op) {
        case FILTER_EQ:
            if (value == NULL || json_is_null(value))
                return yw_err_set(err, YW_EINVAL, "filters", "eq 须给出 value / eq needs a value");
            x->given = json_pack("[O]", value);
            break;
        case FILTER_IN:
            if (!json_is_array(values) || json_array_size(values) == 0 ||
                json_array_size(values) > IN_VALUES_MAX)
                return yw_err_set(err, YW_EINVAL, "filters",
                                  "in 须给出 1 至 %d 个值 / in needs 1 to %d values", IN_VALUES_MAX,
                                  IN_VALUES_MAX);
            x->given = json_incref(values);
            break;
        case FILTER_RANGE:
            x->from = json_is_null(json_object_get(f, "from")) ? NULL : json_object_get(f, "from");
            x->to = json_is_null(json_object_get(f, "to")) ? NULL : json_object_get(f, "to");
            if (x->from == NULL && x->to == NULL)
                return yw_err_set(err, YW_EINVAL, "filters",
                                  "range 须给出 from 或 to / range needs from, to or both");
            break;
        }
        if (x->op != FILTER_RANGE && x->given == NULL)
            return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    }
    return YW_OK;
}

static int parse_body(const json_t *body, struct query *q, struct yw_err *err)
{
    static const char *const members[] = {"group_by",      "measures", "filters",
                                          "epsilon_milli", "purpose",  NULL};
    int rc;
    if (!json_is_object(body))
        return yw_err_set(err, YW_EINVAL, NULL,
                          "请求体须为 JSON 对象 / the body must be a JSON object");
    if ((rc = check_members(body, members, "", err)) < 0)
        return rc;
    json_t *eps = json_object_get(body, "epsilon_milli");
    if (eps != NULL && !json_is_null(eps)) {
        if (!json_is_integer(eps) || json_integer_value(eps) < 1 ||
            json_integer_value(eps) > 1000000)
            return yw_err_set(err, YW_EINVAL, "epsilon_milli",
                              "epsilon_milli 须为 1 至 1000000 的整数（千分之一）/ epsilon_milli "
                              "is an integer from 1 to 1000000 (thousandths of ε)");
        q->epsilon_milli = json_integer_value(eps);
    }
    json_t *purpose = json_object_get(body, "purpose");
    if (purpose != NULL && !json_is_null(purpose)) {
        if (!json_is_string(purpose))
            return yw_err_set(err, YW_EINVAL, "purpose", "purpose 须为文本 / purpose is text");
        q->purpose = (struct yw_str){json_string_value(purpose), json_string_length(purpose)};
    }
    if ((rc = parse_group_by(json_object_get(body, "group_by"), q, err)) < 0 ||
        (rc = parse_measures(json_object_get(body, "measures"), q, err)) < 0 ||
        (rc = parse_filters(json_object_get(body, "filters"), q, err)) < 0)
        return rc;
    return YW_OK;
}

/* A filter value of a numeric column as a number. */
static bool number_of(const json_t *v, double *out)
{
    struct number n;
    if (json_is_integer(v))
        *out = (double)json_integer_value(v);
    else if (json_is_real(v))
        *out = json_real_value(v);
    else if (json_is_string(v) && parse_number(json_string_value(v), &n))
        *out = n.value;
    else
        return false;
    return isfinite(*out);
}

/* A filter value of any other column as text (new reference), or NULL. */
static json_t *text_of(const json_t *v)
{
    char number[32];
    if (json_is_string(v))
        return json_incref((json_t *)v);
    if (json_is_integer(v) &&
        yw_fmt(number, sizeof(number), "%lld", (long long)json_integer_value(v)) == YW_OK)
        return json_string(number);
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "true" : "false");
    return NULL;
}

/* Turns a filter's given values into sorted numbers or texts for its
 * column's type. */
static int prepare_filter(struct filter *f, struct yw_err *err)
{
    size_t i;
    json_t *v;
    f->n = json_array_size(f->given);
    if (is_numeric(f->type)) {
        if (f->op == FILTER_RANGE) {
            if ((f->from && !number_of(f->from, &f->from_number)) ||
                (f->to && !number_of(f->to, &f->to_number)))
                goto not_number;
            return YW_OK;
        }
        if ((f->numbers = malloc(f->n * sizeof(*f->numbers))) == NULL)
            return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        json_array_foreach(f->given, i, v)
        {
            if (!number_of(v, &f->numbers[i]))
                goto not_number;
        }
        qsort(f->numbers, f->n, sizeof(*f->numbers), cmp_double);
        return YW_OK;
    }
    if (f->op == FILTER_RANGE) {
        f->from_text = f->from ? json_string_value(f->from) : NULL;
        f->to_text = f->to ? json_string_value(f->to) : NULL;
        if ((f->from && f->from_text == NULL) || (f->to && f->to_text == NULL))
            return yw_err_set(err, YW_EINVAL, "filters",
                              "%s 的 range 须以文本给出 / the range of %s is given as text",
                              f->column, f->column);
        return YW_OK;
    }
    f->texts_owned = json_array();
    if (f->texts_owned == NULL || (f->texts = malloc(f->n * sizeof(*f->texts))) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    json_array_foreach(f->given, i, v)
    {
        json_t *t = text_of(v);
        if (t == NULL)
            return yw_err_set(err, YW_EINVAL, "filters",
                              "%s 的值须为文本 / the values of %s are text", f->column, f->column);
        json_array_append_new(f->texts_owned, t);
        f->texts[i] = json_string_value(t);
    }
    qsort(f->texts, f->n, sizeof(*f->texts), cmp_text);
    return YW_OK;
not_number:
    return yw_err_set(err, YW_EINVAL, "filters",
                      "%s 为数值字段，条件值须为数 / %s is numeric: its filter values are numbers",
                      f->column, f->column);
}

/* Every column must be among the grant's fields, with a type that fits. */
static int check_columns(struct query *q, const struct yw__grant *g, const json_t *doc,
                         struct yw_err *err)
{
    static const char granted_msg[] =
        "字段 %s 不在授权范围内 / %s is not among the fields the grant allows";
    for (size_t i = 0; i < q->n_group_by; i++)
        if (!yw_json_array_has(g->fields, q->group_by[i]))
            return yw_err_set(err, YW_EINVAL, "group_by", granted_msg, q->group_by[i],
                              q->group_by[i]);
    for (size_t i = 0; i < q->n_stats; i++) {
        struct stat_col *s = &q->stats[i];
        if (!yw_json_array_has(g->fields, s->column))
            return yw_err_set(err, YW_EINVAL, "measures", granted_msg, s->column, s->column);
        s->type = type_of(doc, s->column);
        if (s->sum && !is_numeric(s->type))
            return yw_err_set(err, YW_EINVAL, "measures",
                              "sum 和 avg 只用于数值字段（N I Y B F），%s 不是 / sum and avg need "
                              "a numeric column (N I Y B F): %s is not",
                              s->column, s->column);
        if (s->extremes && !is_numeric(s->type) && !is_time(s->type))
            return yw_err_set(err, YW_EINVAL, "measures",
                              "min 和 max 只用于数值和日期字段，%s 不是 / min and max need a "
                              "numeric or date column: %s is not",
                              s->column, s->column);
    }
    for (size_t i = 0; i < q->n_filters; i++) {
        struct filter *f = &q->filters[i];
        int rc;
        if (!yw_json_array_has(g->fields, f->column))
            return yw_err_set(err, YW_EINVAL, "filters", granted_msg, f->column, f->column);
        f->type = type_of(doc, f->column);
        if ((rc = prepare_filter(f, err)) < 0)
            return rc;
    }
    return YW_OK;
}

static bool filter_matches(const struct filter *f, const json_t *record)
{
    const char *v = json_string_value(json_object_get(record, f->column));
    if (v == NULL)
        return false;
    if (is_numeric(f->type)) {
        struct number x;
        if (!parse_number(v, &x))
            return false;
        if (f->op == FILTER_RANGE)
            return (f->from == NULL || x.value >= f->from_number) &&
                   (f->to == NULL || x.value <= f->to_number);
        return bsearch(&x.value, f->numbers, f->n, sizeof(*f->numbers), cmp_double) != NULL;
    }
    if (f->op == FILTER_RANGE)
        return (f->from_text == NULL || text_cmp(f->type, v, f->from_text) >= 0) &&
               (f->to_text == NULL || text_cmp(f->type, v, f->to_text) <= 0);
    return bsearch(&v, f->texts, f->n, sizeof(*f->texts), cmp_text) != NULL;
}

/* ---- groups ------------------------------------------------------------------------------ */

/* What one group has seen of one measured column. */
struct acc {
    int64_t n;         /* values measured */
    double sum, carry; /* Neumaier-compensated sum */
    int64_t exact_sum; /* × 10^-scale, while !inexact */
    int scale;         /* of exact_sum */
    int decimals;      /* most digits after the point seen, at most EXACT_SCALE_MAX */
    bool inexact;      /* the exact sum overflowed or a value had too many digits */
    double min, max;   /* numeric columns */
    char *min_text;    /* owned: the records' own text */
    char *max_text;    /* owned */
};

struct group {
    uint64_t hash;
    size_t key_len;
    char *key; /* encoded values of the group_by columns (key_append), in this block */
    int64_t count, skipped;
    struct acc accs[]; /* one per query.stats */
};

struct table {
    struct group **slots;
    size_t cap, n; /* cap is a power of two, at least twice n */
};

static void table_free(struct table *t, size_t n_stats)
{
    for (size_t i = 0; i < t->cap; i++) {
        struct group *g = t->slots[i];
        for (size_t k = 0; g && k < n_stats; k++) {
            free(g->accs[k].min_text);
            free(g->accs[k].max_text);
        }
        free(g);
    }
    free(t->slots);
    *t = (struct table){0};
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int table_grow(struct table *t)
{
    size_t cap = t->cap ? 2 * t->cap : 1024;
    struct group **slots = calloc(cap, sizeof(*slots));
    if (slots == NULL)
        return YW_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        struct group *g = t->slots[i];
        if (g == NULL)
            continue;
        size_t k = g->hash & (cap - 1);
        while (slots[k])
            k = (k + 1) & (cap - 1);
        slots[k] = g;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    return YW_OK;
}

/* The group of key, created (empty) when new. */
static int group_of(struct table *t, const char *key, size_t key_len, size_t n_stats,
                    struct group **out, struct yw_err *err)
{
    uint64_t h = fnv1a(key, key_len);
    if (2 * (t->n + 1) > t->cap && table_grow(t) < 0)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    size_t k = h & (t->cap - 1);
    for (; t->slots[k]; k = (k + 1) & (t->cap - 1)) {
        struct group *g = t->slots[k];
        if (g->hash == h && g->key_len == key_len && memcmp(g->key, key, key_len) == 0) {
            *out = g;
            return YW_OK;
        }
    }
    if (t->n >= GROUPS_MAX)
        return yw_err_set(err, YW_ETOOBIG, "group_by", "分组超过 %d 个 / more than %d groups",
                          GROUPS_MAX, GROUPS_MAX);
    struct group *g = calloc(1, sizeof(*g) + n_stats * sizeof(struct acc) + key_len + 1);
    if (g == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    g->hash = h;
    g->key_len = key_len;
    g->key = (char *)(g->accs + n_stats);
    memcpy(g->key, key, key_len);
    t->slots[k] = g;
    t->n++;
    *out = g;
    return YW_OK;
}

/* Group keys: per group_by column, 0x00 when the record lacks it, or 0x01,
 * the value's length (4 bytes, big-endian) and its bytes. */
static int key_append(struct yw_buf *key, const json_t *value)
{
    const char *v = json_string_value(value);
    size_t n = json_string_length(value);
    if (v == NULL)
        return yw_buf_append(key, "\0", 1);
    uint8_t head[5] = {1, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    int rc = yw_buf_append(key, head, sizeof(head));
    return rc < 0 ? rc : yw_buf_append(key, v, n);
}

/* The next value of an encoded key; false when the record lacked it. */
static bool key_next(const char **p, const char **value, size_t *n)
{
    const unsigned char *u = (const unsigned char *)*p;
    if (u[0] == 0) {
        *p += 1;
        return false;
    }
    *n = (size_t)u[1] << 24 | (size_t)u[2] << 16 | (size_t)u[3] << 8 | (size_t)u[4];
    *value = *p + 5;
    *p += 5 + *n;
    return true;
}

/* Groups in the order of their values, column by column (missing first). */
static int group_cmp(const void *a, const void *b)
{
    const struct group *x = *(struct group *const *)a, *y = *(struct group *const *)b;
    const char *p = x->key, *q = y->key, *end = x->key + x->key_len;
    while (p < end) {
        const char *vp = NULL, *vq = NULL;
        size_t np = 0, nq = 0;
        bool hp = key_next(&p, &vp, &np), hq = key_next(&q, &vq, &nq);
        if (hp != hq)
            return hp ? 1 : -1;
        if (!hp)
            continue;
        int c = memcmp(vp, vq, np < nq ? np : nq);
        if (c != 0)
            return c;
        if (np != nq)
            return np < nq ? -1 : 1;
    }
    return 0;
}

static int replace_text(char **slot, const char *text, struct yw_err *err)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    free(*slot);
    *slot = copy;
    return YW_OK;
}

/* Adds a numeric value to a. */
static int acc_number(struct acc *a, const struct stat_col *s, const struct number *x,
                      const char *text, struct yw_err *err)
{
    double t = a->sum + x->value;
    if (magnitude(a->sum) >= magnitude(x->value))
        a->carry += (a->sum - t) + x->value;
    else
        a->carry += (x->value - t) + a->sum;
    a->sum = t;
    if (!a->inexact && !x->exact) {
        a->inexact = true;
    } else if (!a->inexact) {
        int64_t sum = a->exact_sum, v = x->mantissa;
        int scale = a->scale;
        bool ok = true;
        if (x->scale > scale) {
            ok = scale_up(&sum, x->scale - scale);
            scale = x->scale;
        } else {
            ok = scale_up(&v, scale - x->scale);
        }
        if (!ok || __builtin_add_overflow(sum, v, &sum)) {
            a->inexact = true;
        } else {
            a->exact_sum = sum;
            a->scale = scale;
        }
    }
    int decimals = x->scale < EXACT_SCALE_MAX ? x->scale : EXACT_SCALE_MAX;
    a->decimals = decimals > a->decimals ? decimals : a->decimals;
    int rc = YW_OK;
    if (s->extremes && (a->n == 0 || x->value < a->min)) {
        a->min = x->value;
        rc = replace_text(&a->min_text, text, err);
    }
    if (rc == YW_OK && s->extremes && (a->n == 0 || x->value > a->max)) {
        a->max = x->value;
        rc = replace_text(&a->max_text, text, err);
    }
    a->n++;
    return rc;
}

/* Adds a date or time value to a (min and max only). */
static int acc_text(struct acc *a, const struct stat_col *s, const char *text, struct yw_err *err)
{
    int rc = YW_OK;
    if (a->n == 0 || text_cmp(s->type, text, a->min_text) < 0)
        rc = replace_text(&a->min_text, text, err);
    if (rc == YW_OK && (a->n == 0 || text_cmp(s->type, text, a->max_text) > 0))
        rc = replace_text(&a->max_text, text, err);
    a->n++;
    return rc;
}

/* One record: the noise bounds see it, then the filters decide, then its
 * group counts it and measures its values. */
static int add_record(struct query *q, struct table *t, const json_t *record, struct yw_buf *key,
                      struct yw_err *err)
{
    struct group *g = NULL;
    int rc;
    if (q->epsilon_milli > 0)
        for (size_t i = 0; i < q->n_stats; i++) {
            struct number x;
            struct stat_col *s = &q->stats[i];
            if (!parse_number(json_string_value(json_object_get(record, s->column)), &x))
                continue;
            if (magnitude(x.value) > s->bound)
                s->bound = magnitude(x.value);
            if (x.scale > s->decimals)
                s->decimals = x.scale < EXACT_SCALE_MAX ? x.scale : EXACT_SCALE_MAX;
        }
    for (size_t i = 0; i < q->n_filters; i++)
        if (!filter_matches(&q->filters[i], record))
            return YW_OK;
    yw_buf_reset(key);
    for (size_t i = 0; i < q->n_group_by; i++)
        if (key_append(key, json_object_get(record, q->group_by[i])) < 0)
            return yw_err_set(err, YW_ETOOBIG, "group_by", "分组值过长 / group values too long");
    if ((rc = group_of(t, key->data ? key->data : "", key->len, q->n_stats, &g, err)) < 0)
        return rc;
    g->count++;
    for (size_t i = 0; i < q->n_stats; i++) {
        const struct stat_col *s = &q->stats[i];
        const char *v = json_string_value(json_object_get(record, s->column));
        struct number x;
        if (is_numeric(s->type) && v && parse_number(v, &x))
            rc = acc_number(&g->accs[i], s, &x, v, err);
        else if (!is_numeric(s->type) && v)
            rc = acc_text(&g->accs[i], s, v, err);
        else
            g->skipped++;
        if (rc < 0)
            return rc;
    }
    return YW_OK;
}

/* Reads every record of code into t. */
static int scan(struct yw_exchange *ex, const char *code, struct query *q, struct table *t,
                struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf key;
    int rc;

    yw_buf_init(&key, KEY_MAX);
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "SELECT data FROM yw_exchange_records WHERE code = ?", &st,
                             err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, code, strlen(code));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str data = yw_stmt_column_text(st, 0);
        json_t *record = json_loadb(data.p, data.n, 0, NULL);
        rc = json_is_object(record)
                 ? add_record(q, t, record, &key, err)
                 : yw_err_set(err, YW_EINTERNAL, NULL, "stored record is not a JSON object");
        json_decref(record);
        if (rc < 0)
            goto out;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&key);
    return rc < 0 ? rc : YW_OK;
}

/* ---- the answer ------------------------------------------------------------------------ */

/* The true sum of a as a double. */
static double acc_sum(const struct acc *a)
{
    return a->inexact ? a->sum + a->carry : (double)a->exact_sum / pow10_of(a->scale);
}

static json_t *decimal_json(double v, int decimals, bool trim)
{
    char text[400];
    if (!isfinite(v))
        return json_null();
    format_double(v, decimals, trim, text, sizeof(text));
    return json_string(text);
}

static int avg_decimals(int decimals)
{
    int d = decimals + AVG_EXTRA_DECIMALS;
    return d < 12 ? d : 12;
}

/* One group as the answer shows it. share is each noisy statistic's ε, 0
 * without noise. */
static int group_json(const struct query *q, const struct group *g, double share, json_t **out,
                      struct yw_err *err)
{
    double noisy_sum[MEASURES_MAX] = {0}, noisy_n[MEASURES_MAX] = {0}, draw = 0;
    int64_t count = g->count;
    int rc;

    *out = NULL;
    if (share > 0) {
        if ((rc = laplace(1 / share, &draw)) < 0)
            return yw_err_set(err, rc, NULL, "no randomness");
        count = round_int64((double)g->count + draw);
        count = count < 0 ? 0 : count;
        for (size_t i = 0; i < q->n_stats; i++) {
            const struct stat_col *s = &q->stats[i];
            const struct acc *a = &g->accs[i];
            if (s->sum && (rc = laplace(s->bound / share, &draw)) < 0)
                return yw_err_set(err, rc, NULL, "no randomness");
            noisy_sum[i] = s->sum ? acc_sum(a) + draw : 0;
            if (s->avg && (rc = laplace(1 / share, &draw)) < 0)
                return yw_err_set(err, rc, NULL, "no randomness");
            noisy_n[i] = s->avg ? (double)a->n + draw : 0;
        }
    }
    json_t *key = json_object(), *item = NULL;
    const char *p = g->key;
    for (size_t i = 0; key && i < q->n_group_by; i++) {
        const char *v = NULL;
        size_t n = 0;
        json_object_set_new(key, q->group_by[i],
                            key_next(&p, &v, &n) ? json_stringn(v, n) : json_null());
    }
    item = json_pack("{s:o, s:I}", "key", key, "count", (json_int_t)count);
    if (item == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < q->n_measures; i++) {
        const struct measure *m = &q->measures[i];
        char name[80], text[32];
        size_t k = 0;
        if (m->op == OP_COUNT)
            continue;
        while (strcmp(q->stats[k].column, m->column) != 0)
            k++;
        const struct acc *a = &g->accs[k];
        const struct stat_col *s = &q->stats[k];
        json_t *v;
        (void)yw_fmt(name, sizeof(name), "%s_%s", op_names[m->op], m->column);
        switch (m->op) {
        case OP_SUM:
            if (share > 0)
                v = decimal_json(noisy_sum[k], s->decimals, false);
            else if (a->n == 0)
                v = json_null();
            else if (!a->inexact) {
                format_decimal(a->exact_sum, a->scale, text, sizeof(text));
                v = json_string(text);
            } else
                v = decimal_json(a->sum + a->carry, a->decimals, false);
            break;
        case OP_AVG:
            if (share > 0)
                v = decimal_json(noisy_sum[k] / (noisy_n[k] > 1 ? noisy_n[k] : 1),
                                 avg_decimals(s->decimals), true);
            else
                v = a->n ? decimal_json(acc_sum(a) / (double)a->n, avg_decimals(a->decimals), true)
                         : json_null();
            break;
        case OP_MIN: v = a->min_text ? json_string(a->min_text) : json_null(); break;
        case OP_MAX: v = a->max_text ? json_string(a->max_text) : json_null(); break;
        default: v = json_null(); break;
        }
        json_object_set_new(item, name, v);
    }
    *out = item;
    return YW_OK;
}

/* The answer without its ledger index: groups of at least k records, in
 * order, and what was left out. */
static int build_answer(struct yw_exchange *ex, const struct query *q, const struct table *t,
                        const struct yw__grant *g, const char *code, int64_t *n_groups,
                        int64_t *suppressed, json_t **out, struct yw_err *err)
{
    struct group **sorted = malloc((t->n ? t->n : 1) * sizeof(*sorted));
    json_t *groups = json_array();
    int64_t k_min = ex->cfg.k_min, skipped = 0;
    size_t n = 0;
    int rc = YW_OK;

    *out = NULL;
    *n_groups = *suppressed = 0;
    if (sorted == NULL || groups == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i])
            sorted[n++] = t->slots[i];
    qsort(sorted, n, sizeof(*sorted), group_cmp);
    /* Each noisy statistic gets an equal share of ε: the count, and per
     * column its sum (sum, avg) and its number of values (avg). */
    double share = 0;
    if (q->epsilon_milli > 0) {
        int n_noisy = 1;
        for (size_t i = 0; i < q->n_stats; i++)
            n_noisy += q->stats[i].sum + q->stats[i].avg;
        share = (double)q->epsilon_milli / 1000.0 / n_noisy;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item;
        if (sorted[i]->count < k_min) {
            (*suppressed)++;
            continue;
        }
        if ((rc = group_json(q, sorted[i], share, &item, err)) < 0)
            goto out;
        json_array_append_new(groups, item);
        skipped += sorted[i]->skipped;
    }
    if (q->n_group_by == 0 && n == 0) /* nothing matched: the one group is below k */
        *suppressed = 1;
    *n_groups = (int64_t)json_array_size(groups);
    *out = json_pack("{s:s, s:I, s:s, s:I, s:O, s:I, s:o, s:o}", "resource", code, "version",
                     (json_int_t)g->version, "grant", g->id, "k", (json_int_t)k_min, "groups",
                     groups, "suppressed", (json_int_t)*suppressed, "skipped",
                     share > 0 ? json_null() : json_integer(skipped), "noise",
                     share > 0 ? json_pack("{s:I}", "epsilon_milli", (json_int_t)q->epsilon_milli)
                               : json_null());
    if (*out == NULL)
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    free(sorted);
    json_decref(groups);
    return rc;
}

/* The hex digest of value's canonical bytes. */
static int digest_of(const struct yw_exchange *ex, const json_t *value,
                     char digest[2 * YW_HASH_SIZE + 1], struct yw_err *err)
{
    struct yw_buf bytes;
    uint8_t h[YW_HASH_SIZE];
    yw_buf_init(&bytes, 64 * 1024 * 1024);
    int rc = yw_ledger_canonical(value, &bytes);
    if (rc == YW_OK)
        rc = yw_hash(ex->cfg.catalog.profile, bytes.data, bytes.len, h);
    yw_buf_free(&bytes);
    if (rc < 0)
        return yw_err_set(err, rc, NULL, "cannot digest the answer");
    yw_hex(h, sizeof(h), digest);
    return YW_OK;
}

/* The query as the ledger keeps it: columns and operators, never the
 * filters' values (they may identify people). */
static json_t *query_json(const struct query *q)
{
    json_t *group_by = json_array(), *measures = json_array(), *filters = json_array();
    for (size_t i = 0; i < q->n_group_by; i++)
        json_array_append_new(group_by, json_string(q->group_by[i]));
    for (size_t i = 0; i < q->n_measures; i++)
        json_array_append_new(measures, json_pack("{s:s, s:s*}", "op", op_names[q->measures[i].op],
                                                  "column", q->measures[i].column));
    for (size_t i = 0; i < q->n_filters; i++)
        json_array_append_new(filters, json_pack("{s:s, s:s}", "column", q->filters[i].column, "op",
                                                 filter_names[q->filters[i].op]));
    return json_pack("{s:o, s:o, s:o}", "group_by", group_by, "measures", measures, "filters",
                     filters);
}

/* ---- checks and refusals -------------------------------------------------------------- */

/* Ledgers the refusal (synchronously: this route answers at once) and
 * returns YW_EPERM with the reason code in err->field. */
static int refuse(struct yw_exchange *ex, const struct yw_principal *who, const char *remote,
                  const char *code, const char *grant, int64_t day, const char *reason,
                  const char *message, struct yw_err *err)
{
    uint64_t index;
    json_t *entry =
        json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:I}", "actor", who->login, "consumer",
                  who->org, "system", who->login + 4, "resource", code, "grant", grant, "reason",
                  reason, "kind", "sandbox", "remote", remote, "day", (json_int_t)day);
    if (entry == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    int rc = yw_ledger_event(ex->cfg.catalog.ledger, "exchange.refusal", entry, &index, err);
    return rc < 0 ? rc : yw_err_set(err, YW_EPERM, reason, "%s", message);
}

int yw_exchange_aggregate(struct yw_exchange *ex, const struct yw_principal *who,
                          const char *remote, struct yw_str code_in, const json_t *body,
                          json_t **out, struct yw_err *err)
{
    struct query q;
    struct yw__grant g = {0};
    struct table t = {0};
    struct yw_txn *txn = NULL;
    json_t *doc = NULL, *answer = NULL, *entry = NULL;
    int64_t now = yw_now_ms(), day = yw_day_from_ms(now), epsilon_micro = 0;
    int64_t n_groups = 0, suppressed = 0;
    char key_id[YW__ID_SIZE], code[65], digest[2 * YW_HASH_SIZE + 1];
    const char *why, *message = NULL;
    bool reserved = false;
    uint64_t index;
    int rc;

    *out = NULL;
    memset(&q, 0, sizeof(q));
    remote = remote ? remote : "";
    if (who == NULL || who->kind != YW_PRINCIPAL_SYSTEM || strncmp(who->login, "key:", 4) != 0)
        return yw_err_set(err, YW_EPERM, NULL,
                          "数据沙箱只对持有 API 密钥的业务系统开放 / the sandbox answers only "
                          "systems with an API key");
    if (code_in.n == 0 || yw_fmt(code, sizeof(code), "%.*s", (int)code_in.n, code_in.p) < 0)
        return yw_err_set(err, YW_ENOTFOUND, "resource", "没有这个资源 / no such resource");
    (void)yw_copy(key_id, sizeof(key_id), who->login + 4);
    if ((rc = parse_body(body, &q, err)) < 0)
        goto out;

    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    rc = yw__grant_for(txn, key_id, code, "sandbox", &g, err);
    yw_store_rollback(&txn);
    if (rc == YW_ENOTFOUND) {
        rc = refuse(ex, who, remote, code, NULL, day, "no_grant",
                    "没有该资源的数据沙箱授权 / no sandbox grant for this resource", err);
        goto out;
    }
    if (rc < 0)
        goto out;
    if ((why = yw__grant_broken(&g, remote, q.purpose, now, 0, &message)) != NULL) {
        rc = refuse(ex, who, remote, code, g.id, day, why, message, err);
        goto out;
    }
    if ((rc = yw__published_doc(ex, yw_str_c(code), g.version, &doc, err)) < 0 ||
        (rc = check_columns(&q, &g, doc, err)) < 0)
        goto out;

    /* A use (and its ε) is reserved before anything is read. */
    epsilon_micro = q.epsilon_milli * 1000;
    enum yw__admit admit = yw__count_reserve(ex, &g, day, epsilon_micro);
    if (admit != YW__ADMIT_OK) {
        rc = admit == YW__ADMIT_BUDGET
                 ? refuse(ex, who, remote, code, g.id, day, "privacy_budget",
                          g.epsilon_micro > 0
                              ? "隐私预算不足 / the grant's privacy budget is spent"
                              : "授权没有隐私预算，不能加噪声查询 / the grant has no privacy "
                                "budget for noisy queries",
                          err)
             : admit == YW__ADMIT_DAILY
                 ? refuse(ex, who, remote, code, g.id, day, "daily_quota",
                          "今日次数已用完 / today's uses are spent", err)
                 : refuse(ex, who, remote, code, g.id, day, "quota",
                          "授权次数已用完 / the grant's uses are spent", err);
        goto out;
    }
    reserved = true;
    if ((rc = scan(ex, code, &q, &t, err)) < 0 ||
        (rc = build_answer(ex, &q, &t, &g, code, &n_groups, &suppressed, &answer, err)) < 0 ||
        (rc = digest_of(ex, answer, digest, err)) < 0)
        goto out;

    /* The entry: who asked what of which resource, what it got (as a
     * digest), and the ε spent. */
    entry = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:s, "
                      "s:s}",
                      "actor", who->login, "consumer", who->org, "system", key_id, "provider",
                      g.provider, "resource", code, "version", (json_int_t)g.version, "grant", g.id,
                      "purpose", g.purpose ? g.purpose : "", "query", query_json(&q), "groups",
                      (json_int_t)n_groups, "suppressed", (json_int_t)suppressed, "epsilon_micro",
                      (json_int_t)epsilon_micro, "day", (json_int_t)day, "digest", digest, "remote",
                      remote);
    if (entry == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    rc = yw_ledger_event(ex->cfg.catalog.ledger, "exchange.sandbox", entry, &index, err);
    entry = NULL; /* stolen */
    if (rc < 0)
        goto out;
    reserved = false;
    yw__count_durable(ex, g.id, g.code, day, 0, epsilon_micro, index, NULL);
    json_object_set_new(answer, "digest", json_string(digest));
    json_object_set_new(answer, "ledger_index", json_integer((json_int_t)index));
    *out = answer;
    answer = NULL;
out:
    if (reserved)
        yw__count_release(ex, g.id, day, epsilon_micro);
    yw_store_rollback(&txn);
    table_free(&t, q.n_stats);
    query_free(&q);
    json_decref(doc);
    json_decref(answer);
    json_decref(entry);
    yw__grant_free(&g);
    return rc;
}
