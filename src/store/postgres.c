/*
 * postgres.c — the PostgreSQL driver, through libpq. One PGconn per pooled
 * connection. Statements are sent with PQexecParams: `?` placeholders are
 * rewritten to $n once at prepare, parameters travel separately (text as
 * text, blobs in binary as bytea, int64 as bigint text), and the first step
 * fetches the whole result, which later steps walk.
 */
#include "store/driver.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Type OIDs from the server's pg_type.h (stable across versions). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20

#define PG_MAX_PARAMS 65535

struct yw__conn {
    PGconn *pg;
};

enum { ST_READY, ST_ROWS, ST_DONE };

struct pg_stmt {
    struct yw_stmt base; /* must be first */
    struct yw__conn *conn;
    char *sql; /* rewritten to $n */
    int n_params;
    char **values; /* owned copies; NULL = SQL NULL */
    int *lengths;
    int *formats;
    Oid *types;
    PGresult *res;
    int state;
    int row;
    int changes;
    unsigned char **blobs; /* decoded bytea of the current row, per column */
    size_t *blob_sizes;
    int n_blob_cols;
};

static struct pg_stmt *pgs(struct yw_stmt *st)
{
    return (struct pg_stmt *)st;
}

/* ---- `?` to $n ----------------------------------------------------------- */

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || (unsigned char)c >= 0x80;
}

/* Length of a dollar-quote tag ($$ or $name$) at s, or 0 if there is none. */
static size_t dollar_tag(const char *s)
{
    size_t n = 1;

    if (s[0] != '$')
        return 0;
    if ((s[1] >= '0' && s[1] <= '9')) /* $1 is a parameter, not a tag */
        return 0;
    while (s[n] != '\0' && s[n] != '$' && ident_char(s[n]))
        n++;
    return s[n] == '$' ? n + 1 : 0;
}

/* Index just past the quoted run that starts at sql[i] (a ' or "), where a
 * doubled quote stands for itself and, in E'...' strings, a backslash escapes
 * the next byte. An unterminated run ends at the end of the text. */
static size_t skip_quoted(const char *sql, size_t i, size_t n, bool backslash)
{
    char q = sql[i];

    for (i++; i < n; i++) {
        if (backslash && sql[i] == '\\' && i + 1 < n) {
            i++;
        } else if (sql[i] == q) {
            if (i + 1 < n && sql[i + 1] == q)
                i++;
            else
                return i + 1;
        }
    }
    return n;
}

int yw__store_pg_rewrite(const char *sql, char **out, int *n_params)
{
    struct yw_buf b;
    size_t n = strlen(sql), i = 0, copied = 0;
    int count = 0, rc = YW_OK;

    *out = NULL;
    *n_params = 0;
    yw_buf_init(&b, n > SIZE_MAX / 8 ? SIZE_MAX / 2 : n * 6 + 16);
    while (i < n) {
        char c = sql[i];
        if (c == '\'') {
            bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                           (i < 2 || !ident_char(sql[i - 2]));
            i = skip_quoted(sql, i, n, escapes);
        } else if (c == '"') {
            i = skip_quoted(sql, i, n, false);
        } else if (c == '-' && sql[i + 1] == '-') {
            while (i < n && sql[i] != '\n')
                i++;
        } else if (c == '/' && sql[i + 1] == '*') {
            /* PostgreSQL block comments nest. */
            int depth = 1;
            for (i += 2; i < n && depth > 0;) {
                if (sql[i] == '/' && sql[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (sql[i] == '*' && sql[i + 1] == '/') {
                    depth--;
                    i += 2;
                } else {
                    i++;
                }
            }
        } else if (c == '$' && (i == 0 || !ident_char(sql[i - 1])) && dollar_tag(sql + i) > 0) {
            size_t tag = dollar_tag(sql + i);
            const char *end = NULL; /* the same tag again */
            for (size_t j = i + tag; j + tag <= n; j++) {
                if (sql[j] == '$' && memcmp(sql + j, sql + i, tag) == 0) {
                    end = sql + j;
                    break;
                }
            }
            i = end != NULL ? (size_t)(end - sql) + tag : n;
        } else if (c == '?') {
            if (count == PG_MAX_PARAMS) {
                rc = YW_ETOOBIG;
                goto out;
            }
            count++;
            if ((rc = yw_buf_append(&b, sql + copied, i - copied)) < 0 ||
                (rc = yw_buf_printf(&b, "$%d", count)) < 0)
                goto out;
            copied = ++i;
        } else {
            i++;
        }
    }
    if ((rc = yw_buf_append(&b, sql + copied, n - copied)) < 0)
        goto out;
    *out = yw_buf_take(&b);
    *n_params = count;
out:
    yw_buf_free(&b);
    return rc;
}

/* ---- errors -------------------------------------------------------------- */

/* Copies a libpq message into out on one line (libpq's own messages end in a
 * newline and may continue with a tab-indented hint). */
static void one_line(const char *msg, char *out, size_t out_size)
{
    size_t o = 0;
    bool space = false;

    for (const char *p = msg; *p != '\0' && o + 1 < out_size; p++) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < out_size)
            out[o++] = ' ';
        space = false;
        out[o++] = *p;
    }
    out[o] = '\0';
}

/* The server's primary message (the DETAIL line, which quotes key values, is
 * left out) mapped to our codes by SQLSTATE. */
static int pg_error(PGconn *pg, const PGresult *res, struct yw_err *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char line[256];
    int code = YW_EDB;

    if (state != NULL) {
        if (strcmp(state, "23505") == 0) /* unique_violation */
            code = YW_ECONFLICT;
        else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                 strcmp(state, "55P03") == 0) /* serialization, deadlock, lock not available */
            code = YW_EBUSY;
    }
    one_line(primary != NULL ? primary : PQerrorMessage(pg), line, sizeof(line));
    if (line[0] == '\0')
        return yw_err_set(err, code, NULL, "PostgreSQL failed without a message");
    return yw_err_set(err, code, NULL, "%s", line);
}

/* Runs a command without parameters and without interest in rows. */
static int pg_run(PGconn *pg, const char *sql, struct yw_err *err)
{
    PGresult *res = PQexec(pg, sql);
    ExecStatusType status = PQresultStatus(res);
    int rc = YW_OK;

    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
        rc = pg_error(pg, res, err);
    PQclear(res);
    return rc;
}

/* ---- connections --------------------------------------------------------- */

/* Server notices ("relation already exists, skipping") would otherwise go to
 * stderr in libpq's format; they go to the debug log instead. */
static void notice_to_log(void *arg, const char *message)
{
    struct yw_buf b;
    char line[512];

    (void)arg;
    one_line(message, line, sizeof(line));
    yw_buf_init(&b, 2048);
    if (yw_json_escape(&b, yw_str_c(line)) == YW_OK)
        yw_log(YW_LOG_DEBUG, "db_notice", "\"message\":\"%s\"", b.data ? b.data : "");
    yw_buf_free(&b);
}

/* Hides secret in s (cut to s_size): a "quoted" value that contains it
 * becomes "***" (libpq quotes the values it complains about), and so does
 * any other occurrence of a secret long enough not to be an ordinary
 * substring of the message. */
static void redact(char *s, size_t s_size, const char *secret, size_t secret_len)
{
    char out[512];
    size_t o = 0, i = 0;

    if (secret_len == 0 || s_size == 0)
        return;
    while (s[i] != '\0' && o + 4 < sizeof(out)) {
        if (s[i] == '"' && strchr(s + i + 1, '"') != NULL) {
            size_t len = (size_t)(strchr(s + i + 1, '"') - (s + i + 1));
            if (memmem(s + i + 1, len, secret, secret_len) != NULL) {
                memcpy(out + o, "\"***", 4);
                o += 4;
                i += len + 1; /* the closing quote is copied next */
                continue;
            }
        }
        if (secret_len >= 4 && strncmp(s + i, secret, secret_len) == 0) {
            memcpy(out + o, "***", 3);
            o += 3;
            i += secret_len;
            continue;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    if (o >= s_size)
        o = s_size - 1;
    memcpy(s, out, o);
    s[o] = '\0';
}

/* Removes any password the URL carries from a message about it: in the
 * user-info part (postgres://user:PASSWORD@host) or as a parameter. */
static void redact_url_secrets(char *msg, size_t msg_size, const char *url)
{
    const char *auth = strstr(url, "://");
    if (auth != NULL) {
        auth += 3;
        size_t auth_len = strcspn(auth, "/?");
        const char *at = memrchr(auth, '@', auth_len);
        const char *colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
        if (colon != NULL)
            redact(msg, msg_size, colon + 1, (size_t)(at - colon - 1));
    }
    for (const char *q = strchr(url, '?'); q != NULL; q = strchr(q + 1, '&')) {
        if (strncmp(q + 1, "password=", 9) == 0)
            redact(msg, msg_size, q + 10, strcspn(q + 10, "&"));
    }
    PQconninfoOption *opts = PQconninfoParse(url, NULL);
    for (PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL)
            redact(msg, msg_size, o->val, strlen(o->val));
    PQconninfoFree(opts);
}

static void pg_disconnect(struct yw__conn *conn)
{
    if (conn == NULL)
        return;
    PQfinish(conn->pg);
    free(conn);
}

static int pg_connect(const char *url, struct yw__conn **out, struct yw_err *err)
{
    /* The URL's own settings override the defaults before it; the client
     * encoding after it is not negotiable: every string we handle is UTF-8. */
    static const char *const keys[] = {"connect_timeout", "application_name", "dbname",
                                       "client_encoding", NULL};
    const char *values[] = {"10", "yiwang", url, "UTF8", NULL};
    struct yw__conn *conn;
    char line[256];

    *out = NULL;
    if ((conn = calloc(1, sizeof(*conn))) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    conn->pg = PQconnectdbParams(keys, values, 1);
    if (conn->pg == NULL) {
        free(conn);
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    }
    if (PQstatus(conn->pg) != CONNECTION_OK) {
        one_line(PQerrorMessage(conn->pg), line, sizeof(line));
        redact_url_secrets(line, sizeof(line), url);
        pg_disconnect(conn);
        return yw_err_set(err, YW_EDB, "db", "cannot connect to PostgreSQL: %s", line);
    }
    PQsetNoticeProcessor(conn->pg, notice_to_log, NULL);
    *out = conn;
    return YW_OK;
}

static int pg_begin(struct yw__conn *conn, enum yw_txn_mode mode, struct yw_err *err)
{
    const char *sql = mode == YW_TXN_READ            ? "BEGIN READ ONLY"
                      : mode == YW_TXN_WRITE_DERIVED ? "BEGIN READ WRITE; "
                                                       "SET LOCAL synchronous_commit TO off"
                                                     : "BEGIN READ WRITE";

    /* A connection the server dropped (restart, idle timeout) is re-made
     * once here, the only point where that is safe: no transaction is open. */
    if (PQstatus(conn->pg) == CONNECTION_BAD)
        PQreset(conn->pg);
    int rc = pg_run(conn->pg, sql, err);
    if (rc < 0 && PQstatus(conn->pg) == CONNECTION_BAD) {
        PQreset(conn->pg);
        rc = pg_run(conn->pg, sql, err);
    }
    return rc;
}

static int pg_commit(struct yw__conn *conn, struct yw_err *err)
{
    PGresult *res = PQexec(conn->pg, "COMMIT");
    int rc = YW_OK;

    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = pg_error(conn->pg, res, err);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
        /* The server answers ROLLBACK to COMMIT in a failed transaction. */
        rc = yw_err_set(err, YW_EDB, NULL, "the transaction was rolled back by the server");
    PQclear(res);
    return rc;
}

static void pg_rollback(struct yw__conn *conn)
{
    PGTransactionStatusType ts = PQtransactionStatus(conn->pg);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        PQclear(PQexec(conn->pg, "ROLLBACK"));
}

static int pg_exec(struct yw__conn *conn, const char *sql, struct yw_err *err)
{
    return pg_run(conn->pg, sql, err);
}

/* ---- statements ---------------------------------------------------------- */

static void clear_blobs(struct pg_stmt *st)
{
    for (int i = 0; i < st->n_blob_cols; i++) {
        if (st->blobs[i] != NULL)
            PQfreemem(st->blobs[i]);
        st->blobs[i] = NULL;
    }
}

static void clear_result(struct pg_stmt *st)
{
    clear_blobs(st);
    free(st->blobs);
    free(st->blob_sizes);
    st->blobs = NULL;
    st->blob_sizes = NULL;
    st->n_blob_cols = 0;
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
}

static int pg_prepare(struct yw__conn *conn, const char *sql, struct yw_stmt **out,
                      struct yw_err *err)
{
    struct pg_stmt *st;
    int rc;

    *out = NULL;
    if ((st = calloc(1, sizeof(*st))) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    st->conn = conn;
    st->state = ST_READY;
    st->row = -1;
    if ((rc = yw__store_pg_rewrite(sql, &st->sql, &st->n_params)) < 0) {
        yw_err_set(err, rc, NULL,
                   rc == YW_ETOOBIG ? "more than 65535 parameters in one statement"
                                    : "out of memory");
        goto fail;
    }
    if (st->n_params > 0) {
        size_t n = (size_t)st->n_params;
        st->values = calloc(n, sizeof(*st->values));
        st->lengths = calloc(n, sizeof(*st->lengths));
        st->formats = calloc(n, sizeof(*st->formats));
        st->types = calloc(n, sizeof(*st->types));
        if (!st->values || !st->lengths || !st->formats || !st->types) {
            rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
            goto fail;
        }
    }
    *out = &st->base;
    return YW_OK;
fail:
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->types);
    free(st->sql);
    free(st);
    return rc;
}

static int pg_bind(struct yw_stmt *base, int idx, const struct yw__value *v)
{
    struct pg_stmt *st = pgs(base);
    char *copy = NULL;
    int length = 0, format = 0;
    Oid type = 0;

    if (st->state != ST_READY || idx > st->n_params)
        return YW_EINVAL;
    switch (v->type) {
    case YW__NULL: break;
    case YW__INT64:
        if ((copy = malloc(24)) == NULL)
            return YW_ENOMEM;
        snprintf(copy, 24, "%" PRId64, v->i64);
        type = OID_INT8;
        break;
    case YW__TEXT:
        /* Left untyped, as SQLite would: the server takes the column's or
         * the function argument's type (text, timestamptz, jsonb...). */
        if (v->n > (size_t)INT32_MAX - 1)
            return YW_ETOOBIG;
        if ((copy = malloc(v->n + 1)) == NULL)
            return YW_ENOMEM;
        memcpy(copy, v->p, v->n);
        copy[v->n] = '\0';
        length = (int)v->n;
        break;
    case YW__BLOB:
        if (v->n > (size_t)INT32_MAX)
            return YW_ETOOBIG;
        if ((copy = malloc(v->n > 0 ? v->n : 1)) == NULL)
            return YW_ENOMEM;
        if (v->n > 0)
            memcpy(copy, v->p, v->n);
        length = (int)v->n;
        format = 1; /* binary: bytea's binary form is the bytes themselves */
        type = OID_BYTEA;
        break;
    default: return YW_EINVAL;
    }
    free(st->values[idx - 1]);
    st->values[idx - 1] = copy;
    st->lengths[idx - 1] = length;
    st->formats[idx - 1] = format;
    st->types[idx - 1] = type;
    return YW_OK;
}

/* Rows changed, for INSERT/UPDATE/DELETE/MERGE only (PQcmdTuples also counts
 * the rows of a SELECT). */
static int count_changes(PGresult *res)
{
    static const char *const verbs[] = {"INSERT ", "UPDATE ", "DELETE ", "MERGE "};
    const char *status = PQcmdStatus(res);
    int64_t n;

    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
        if (strncmp(status, verbs[i], strlen(verbs[i])) == 0)
            return yw_parse_int64(yw_str_c(PQcmdTuples(res)), 0, INT32_MAX, &n) == YW_OK ? (int)n
                                                                                         : 0;
    return 0;
}

static int pg_step(struct yw_stmt *base, struct yw_err *err)
{
    struct pg_stmt *st = pgs(base);

    if (st->state == ST_DONE)
        return 0;
    if (st->state == ST_READY) {
        PGresult *res = PQexecParams(st->conn->pg, st->sql, st->n_params, st->types,
                                     (const char *const *)st->values, st->lengths, st->formats, 0);
        ExecStatusType status = PQresultStatus(res);
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            int rc = status == PGRES_EMPTY_QUERY
                         ? yw_err_set(err, YW_EINVAL, NULL, "empty SQL statement")
                         : pg_error(st->conn->pg, res, err);
            PQclear(res);
            st->state = ST_DONE;
            return rc;
        }
        st->res = res;
        st->changes = count_changes(res);
        st->row = -1;
        st->state = ST_ROWS;
        int n_cols = PQnfields(res);
        if (n_cols > 0) {
            st->blobs = calloc((size_t)n_cols, sizeof(*st->blobs));
            st->blob_sizes = calloc((size_t)n_cols, sizeof(*st->blob_sizes));
            if (st->blobs == NULL || st->blob_sizes == NULL) {
                clear_result(st);
                st->state = ST_DONE;
                return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
            }
            st->n_blob_cols = n_cols;
        }
    }
    clear_blobs(st);
    if (st->row + 1 < PQntuples(st->res)) {
        st->row++;
        return 1;
    }
    clear_result(st);
    st->state = ST_DONE;
    return 0;
}

static int pg_changes(struct yw_stmt *base)
{
    return pgs(base)->changes;
}

static bool pg_column_is_null(struct yw_stmt *base, int col)
{
    struct pg_stmt *st = pgs(base);
    if (st->state != ST_ROWS || st->row < 0 || col >= PQnfields(st->res))
        return true;
    return PQgetisnull(st->res, st->row, col) != 0;
}

static int64_t pg_column_int64(struct yw_stmt *base, int col)
{
    struct pg_stmt *st = pgs(base);
    int64_t v;

    if (pg_column_is_null(base, col))
        return 0;
    const char *p = PQgetvalue(st->res, st->row, col);
    if (PQftype(st->res, col) == OID_BOOL)
        return p[0] == 't';
    /* Integer-valued numerics (SUM of bigints) parse too. */
    if (yw_parse_int64((struct yw_str){p, (size_t)PQgetlength(st->res, st->row, col)}, INT64_MIN,
                       INT64_MAX, &v) < 0)
        return 0;
    return v;
}

static double pg_column_double(struct yw_stmt *base, int col)
{
    struct pg_stmt *st = pgs(base);
    double v;

    if (pg_column_is_null(base, col))
        return 0.0;
    const char *p = PQgetvalue(st->res, st->row, col);
    if (yw_parse_double((struct yw_str){p, (size_t)PQgetlength(st->res, st->row, col)}, &v) < 0)
        return 0.0;
    return v;
}

static struct yw_str pg_column_text(struct yw_stmt *base, int col)
{
    struct pg_stmt *st = pgs(base);
    if (pg_column_is_null(base, col))
        return (struct yw_str){NULL, 0};
    return (struct yw_str){PQgetvalue(st->res, st->row, col),
                           (size_t)PQgetlength(st->res, st->row, col)};
}

static struct yw_str pg_column_blob(struct yw_stmt *base, int col)
{
    struct pg_stmt *st = pgs(base);

    if (pg_column_is_null(base, col))
        return (struct yw_str){NULL, 0};
    if (PQftype(st->res, col) != OID_BYTEA)
        return pg_column_text(base, col);
    if (st->blobs[col] == NULL) {
        /* Text results show bytea as \x followed by hex; decoded once per
         * row and column, kept until the next step. */
        st->blobs[col] = PQunescapeBytea((const unsigned char *)PQgetvalue(st->res, st->row, col),
                                         &st->blob_sizes[col]);
        if (st->blobs[col] == NULL)
            return (struct yw_str){NULL, 0};
    }
    if (st->blob_sizes[col] == 0)
        return (struct yw_str){"", 0};
    return (struct yw_str){(const char *)st->blobs[col], st->blob_sizes[col]};
}

static void pg_reset(struct yw_stmt *base)
{
    struct pg_stmt *st = pgs(base);
    clear_result(st);
    st->state = ST_READY;
    st->changes = 0;
}

static void pg_stmt_close(struct yw_stmt *base)
{
    struct pg_stmt *st = pgs(base);

    clear_result(st);
    for (int i = 0; i < st->n_params; i++)
        free(st->values[i]);
    free(st->values);
    free(st->lengths);
    free(st->formats);
    free(st->types);
    free(st->sql);
    st->values = NULL;
    st->lengths = NULL;
    st->formats = NULL;
    st->types = NULL;
    st->sql = NULL;
    st->n_params = 0;
    st->state = ST_DONE;
}

const struct yw__driver yw__store_postgres = {
    .dialect = YW_DIALECT_POSTGRES,
    .single_writer = false,
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .wants_checkpoint = NULL, /* the server checkpoints */
    .checkpoint = NULL,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .bind = pg_bind,
    .step = pg_step,
    .changes = pg_changes,
    .column_is_null = pg_column_is_null,
    .column_int64 = pg_column_int64,
    .column_double = pg_column_double,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .reset = pg_reset,
    .stmt_close = pg_stmt_close,
};
