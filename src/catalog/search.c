/* Full-text search over the catalog, in Chinese and English.
 *
 * Both stores index the same terms (yw_terms: CJK bigrams and lower-case
 * words): SQLite in an FTS5 table whose unicode61 tokenizer just splits the
 * space-separated terms again, PostgreSQL in a tsvector cast from the terms,
 * so neither a tokenizer nor a locale decides what Chinese text means. A query
 * becomes phrases of adjacent bigrams ("身份证" → "身份 份证"), words as
 * prefixes, all required. Names weigh more than the rest. */
#include "internal.h"

#include <string.h>

#include "policy/policy.h"
#include "store/store.h"

#define BODY_TERMS_MAX 4000

/* Appends the terms of text to b, space-separated; *count counts them. */
static int add_terms(struct yw_buf *b, const char *text, size_t *count)
{
    struct yw_terms t;
    yw_terms_init(&t, yw_str_c(text));
    while (*count < BODY_TERMS_MAX && yw_terms_next(&t)) {
        int rc = yw_buf_append(b, t.term, t.term_len);
        if (rc == YW_OK)
            rc = yw_buf_append(b, " ", 1);
        if (rc < 0)
            return rc;
        (*count)++;
    }
    return YW_OK;
}

/* A tsvector literal of the terms in terms (space-separated), each with its
 * position and, for the title, weight A. */
static int tsvector_of(struct yw_buf *out, const char *terms, const char *weight, size_t *pos)
{
    const char *p = terms;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n) {
            int rc = yw_buf_append(out, "'", 1);
            for (size_t i = 0; rc == YW_OK && i < n; i++)
                rc = p[i] == '\'' || p[i] == '\\' ? yw_buf_printf(out, "%c%c", p[i], p[i])
                                                  : yw_buf_append(out, &p[i], 1);
            if (rc == YW_OK)
                rc = yw_buf_printf(out, "':%zu%s ", ++*pos > 16383 ? (size_t)16383 : *pos, weight);
            if (rc < 0)
                return rc;
        }
        p += n + (end != NULL);
    }
    return YW_OK;
}

int yw__search_index(struct yw_txn *txn, int64_t id, const json_t *doc, const char *provider_name,
                     struct yw_err *err)
{
    struct yw_buf title, body, vec;
    struct yw_stmt *st = NULL;
    size_t n_title = 0, n_body = 0, i;
    json_t *f;
    int rc;

    yw_buf_init(&title, 64 * 1024);
    yw_buf_init(&body, 1024 * 1024);
    yw_buf_init(&vec, 2 * 1024 * 1024);
    rc = add_terms(&title, json_string_value(json_object_get(doc, "name")), &n_title);
    if (rc == YW_OK)
        rc = add_terms(&title, json_string_value(json_object_get(doc, "code")), &n_title);
    if (rc == YW_OK)
        rc = add_terms(&body, json_string_value(json_object_get(doc, "summary")), &n_body);
    if (rc == YW_OK)
        rc = add_terms(&body, provider_name, &n_body);
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        if (rc == YW_OK)
            rc = add_terms(&body, json_string_value(json_object_get(f, "name")), &n_body);
        if (rc == YW_OK)
            rc = add_terms(&body, json_string_value(json_object_get(f, "description")), &n_body);
    }
    if (rc < 0) {
        rc = yw_err_set(err, rc, NULL, "search terms too large");
        goto out;
    }
    if (yw_txn_dialect(txn) == YW_DIALECT_SQLITE) {
        if ((rc = yw__search_unindex(txn, id, err)) < 0 ||
            (rc = yw_txn_prepare(txn,
                                 "INSERT INTO yw_catalog_fts (rowid, title, body) VALUES (?, ?, ?)",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_int64(st, 1, id);
        yw_stmt_bind_text(st, 2, title.data ? title.data : "", title.len);
        yw_stmt_bind_text(st, 3, body.data ? body.data : "", body.len);
    } else {
        size_t pos = 0;
        if ((rc = tsvector_of(&vec, title.data ? title.data : "", "A", &pos)) < 0 ||
            (rc = tsvector_of(&vec, body.data ? body.data : "", "", &pos)) < 0) {
            rc = yw_err_set(err, rc, NULL, "search terms too large");
            goto out;
        }
        if ((rc = yw_txn_prepare(txn,
                                 "UPDATE yw_catalog_resources SET search = CAST(? AS tsvector) "
                                 "WHERE id = ?",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_text(st, 1, vec.data ? vec.data : "", vec.len);
        yw_stmt_bind_int64(st, 2, id);
    }
    rc = yw_stmt_step(st, err);
    rc = rc < 0 ? rc : YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&title);
    yw_buf_free(&body);
    yw_buf_free(&vec);
    return rc;
}

int yw__search_unindex(struct yw_txn *txn, int64_t id, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    if (yw_txn_dialect(txn) != YW_DIALECT_SQLITE)
        return YW_OK; /* the tsvector goes with its row */
    int rc = yw_txn_prepare(txn, "DELETE FROM yw_catalog_fts WHERE rowid = ?", &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* ---- queries ------------------------------------------------------------------ */

/* The first and last UTF-8 character of a term. */
static struct yw_str first_char(const char *s)
{
    size_t len;
    (void)yw_utf8_decode(s, &len);
    return (struct yw_str){s, len};
}

static struct yw_str last_char(const char *s, size_t n)
{
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    return (struct yw_str){s + (i ? i - 1 : 0), n - (i ? i - 1 : 0)};
}

/* Builds the store's query for q: FTS5 syntax on SQLite, a tsquery on
 * PostgreSQL; title_only restricts it to names. Empty when q has no terms. */
static int build_query(struct yw_str q, enum yw_dialect dialect, bool title_only,
                       struct yw_buf *out)
{
    struct yw_terms t;
    char prev[YW_TERM_MAX] = "";
    size_t prev_len = 0;
    bool open_phrase = false;
    int rc = YW_OK;

    yw_terms_init(&t, q);
    while (rc == YW_OK && yw_terms_next(&t)) {
        struct yw_str head = first_char(t.term);
        bool chained = t.cjk && open_phrase && prev_len &&
                       yw_str_eq(head, last_char(prev, prev_len)) && t.term_len > head.n;
        bool single = t.cjk && t.term_len == head.n;
        if (dialect == YW_DIALECT_SQLITE) {
            if (chained) {
                rc = yw_buf_printf(out, " %s", t.term);
            } else {
                if (open_phrase)
                    rc = yw_buf_append_c(out, "\"");
                if (rc == YW_OK && out->len)
                    rc = yw_buf_append_c(out, " AND ");
                if (rc == YW_OK)
                    rc = yw_buf_printf(out, "%s\"%s", title_only ? "title : " : "", t.term);
            }
            open_phrase = true;
            if (rc == YW_OK && (!t.cjk || single)) {
                rc = yw_buf_append_c(out, "\"*");
                open_phrase = false;
            }
        } else {
            /* 'term':*A: a prefix (words, lone characters) and the title weight. */
            char suffix[4];
            (void)yw_fmt(suffix, sizeof(suffix), "%s%s%s",
                         (!t.cjk || single || title_only) ? ":" : "", !t.cjk || single ? "*" : "",
                         title_only ? "A" : "");
            if (chained)
                rc = yw_buf_printf(out, " <-> '%s'%s", t.term, suffix);
            else
                rc = yw_buf_printf(out, "%s'%s'%s", out->len ? " & " : "", t.term, suffix);
            open_phrase = t.cjk && !single;
        }
        (void)yw_copy(prev, sizeof(prev), t.term);
        prev_len = t.term_len;
    }
    if (rc == YW_OK && open_phrase && dialect == YW_DIALECT_SQLITE)
        rc = yw_buf_append_c(out, "\"");
    return rc;
}

#define RANK_MAX 2000  /* matches ranked by relevance; more are listed in catalog order */
#define TOTAL_MAX 1000 /* matches counted exactly; more are reported as 1000, total_capped */

/* One COUNT(*) over a subquery with one text parameter and a LIMIT. */
static int count_capped(struct yw_txn *txn, const char *sql, const char *text, size_t text_len,
                        int64_t cap, int64_t *count, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, sql, &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, text, text_len);
        yw_stmt_bind_int64(st, 2, cap);
        if ((rc = yw_stmt_step(st, err)) == 1) {
            *count = yw_stmt_column_int64(st, 0);
            rc = YW_OK;
        }
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* A filter value checked against its domain; the slug goes to the SQL. */
static int filter_value(struct yw_str value, const struct yw__domain *d, const char *name,
                        const char **slug, struct yw_err *err)
{
    int i;
    *slug = NULL;
    if (value.n == 0)
        return YW_OK;
    if ((i = yw__domain_find(d, value)) < 0) {
        char list[600];
        (void)yw__domain_list(d, list, sizeof(list));
        return yw_err_set(err, YW_EINVAL, name, "%s 的值无效 / %s must be one of: %s", name, name,
                          list);
    }
    *slug = d[i].slug;
    return YW_OK;
}

static const struct yw__domain statuses[] = {{"draft", "草稿"},       {"under_review", "审核中"},
                                             {"published", "已发布"}, {"deprecated", "已停用"},
                                             {"archived", "已归档"},  {NULL, NULL}};

/* SQL text and the parameters it binds, in order. */
struct query {
    struct yw_buf sql;
    const char *params[16];
    size_t lens[16];
    int n;
};

static int param(struct query *q, const char *sql, const char *value, size_t len)
{
    if (q->n >= 16)
        return YW_EINTERNAL;
    q->params[q->n] = value;
    q->lens[q->n++] = len;
    return yw_buf_append_c(&q->sql, sql);
}

int yw_catalog_search(const struct yw_catalog *cat, const struct yw_principal *who,
                      const struct yw_catalog_query *in, json_t **out, struct yw_err *err)
{
    const char *type, *grade, *sharing, *cycle, *status;
    struct yw_buf match, title_match;
    struct query q = {.n = 0};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL, *one = NULL;
    json_t *items = json_array();
    int64_t limit = in->limit ? in->limit : 20, total = 0;
    bool privileged = yw_policy_oversees(who, "catalog.review");
    bool ranked = false; /* by relevance; otherwise in catalog order */
    const char *org = who ? who->org : "";
    char grade_rank[4];
    int rc;

    *out = NULL;
    yw_buf_init(&match, 16 * 1024);
    yw_buf_init(&title_match, 16 * 1024);
    yw_buf_init(&q.sql, 16 * 1024);
    if (in->q.n > 200) {
        rc = yw_err_set(err, YW_EINVAL, "q", "检索词不能超过 200 字节 / q is over 200 bytes");
        goto out;
    }
    if (limit < 1 || limit > 100 || in->offset < 0 || in->offset > 10000) {
        rc = yw_err_set(err, YW_EINVAL, "limit",
                        "limit 须为 1-100，offset 须为 0-10000 / limit must be 1-100 and offset "
                        "0-10000");
        goto out;
    }
    if ((rc = filter_value(in->type, yw__resource_types, "type", &type, err)) < 0 ||
        (rc = filter_value(in->grade, yw__grades, "grade", &grade, err)) < 0 ||
        (rc = filter_value(in->sharing, yw__sharing_types, "sharing", &sharing, err)) < 0 ||
        (rc = filter_value(in->cycle, yw__update_cycles, "cycle", &cycle, err)) < 0 ||
        (rc = filter_value(in->status, statuses, "status", &status, err)) < 0 ||
        (rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    enum yw_dialect dialect = yw_txn_dialect(txn);
    if ((rc = build_query(in->q, dialect, false, &match)) < 0 ||
        (rc = build_query(in->q, dialect, true, &title_match)) < 0) {
        rc = yw_err_set(err, YW_EINVAL, "q", "检索词过长 / q is too long");
        goto out;
    }
    if (in->q.n && match.len == 0) /* nothing searchable in q: nothing found */
        goto answer;

    bool text = match.len > 0, sqlite = dialect == YW_DIALECT_SQLITE;
    /* Ranking costs for every match: a query matching more than RANK_MAX
     * resources (a common word) lists them in catalog order instead, which
     * stops at the page. */
    if (text) {
        int64_t matches = 0;
        if ((rc = count_capped(txn,
                               sqlite ? "SELECT COUNT(*) FROM (SELECT 1 FROM yw_catalog_fts WHERE "
                                        "yw_catalog_fts MATCH ? LIMIT ?) c"
                                      : "SELECT COUNT(*) FROM (SELECT 1 FROM yw_catalog_resources "
                                        "WHERE search @@ CAST(? AS tsquery) LIMIT ?) c",
                               match.data, match.len, RANK_MAX + 1, &matches, err)) < 0)
            goto out;
        ranked = matches <= RANK_MAX;
    }
    if (text && sqlite && ranked) /* FTS5 ranks only where it drives the scan */
        rc = param(&q,
                   "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(yw_catalog_fts, 10.0, 1.0) "
                   "AS rank FROM yw_catalog_fts WHERE yw_catalog_fts MATCH ?) SELECT r.id FROM m "
                   "JOIN yw_catalog_resources r ON r.id = m.id WHERE 1 = 1 ",
                   match.data, match.len);
    else if (text && sqlite)
        rc = param(&q,
                   "SELECT r.id FROM yw_catalog_fts f JOIN yw_catalog_resources r ON r.id = "
                   "f.rowid WHERE yw_catalog_fts MATCH ? ",
                   match.data, match.len);
    else if (text)
        rc = param(&q,
                   "SELECT r.id FROM yw_catalog_resources r WHERE r.search @@ CAST(? AS tsquery) ",
                   match.data, match.len);
    else
        rc = yw_buf_append_c(&q.sql, "SELECT r.id FROM yw_catalog_resources r WHERE 1 = 1 ");
    struct {
        const char *sql;
        const char *value;
    } filters[] = {{"AND r.provider = ? ", in->provider.n ? in->provider.p : NULL},
                   {"AND r.resource_type = ? ", type},
                   {"AND r.grade_rank = CAST(? AS INTEGER) ", grade},
                   {"AND r.sharing = ? ", sharing},
                   {"AND r.update_cycle = ? ", cycle},
                   {"AND r.status = ? ", status}};
    if (grade) {
        (void)yw_fmt(grade_rank, sizeof(grade_rank), "%d", yw__grade_rank(grade));
        filters[2].value = grade_rank;
    }
    for (size_t i = 0; rc == YW_OK && i < sizeof(filters) / sizeof(filters[0]); i++)
        if (filters[i].value)
            rc = param(&q, filters[i].sql, filters[i].value,
                       i == 0 ? in->provider.n : strlen(filters[i].value));
    if (rc == YW_OK && !status)
        rc = yw_buf_append_c(&q.sql, "AND r.status IN ('published', 'deprecated') ");
    /* Other organisations' 不予共享 resources show no grade, type or cycle, so
     * no filter on those may find them either. */
    if (rc == YW_OK && !privileged && (type || grade || cycle))
        rc = param(&q, "AND (r.sharing <> 'none' OR r.provider = ?) ", org, strlen(org));
    /* Drafts and reviews: only the provider's, unless privileged. */
    if (rc == YW_OK && status && !privileged &&
        (strcmp(status, "draft") == 0 || strcmp(status, "under_review") == 0))
        rc = param(&q, "AND r.provider = ? ", org, strlen(org));
    /* 不予共享 resources are found by name only outside their provider. */
    if (rc == YW_OK && text && !privileged) {
        rc = param(&q, "AND (r.sharing <> 'none' OR r.provider = ? ", org, strlen(org));
        if (rc == YW_OK && sqlite)
            rc = param(&q,
                       "OR r.id IN (SELECT rowid FROM yw_catalog_fts WHERE yw_catalog_fts MATCH "
                       "?)) ",
                       title_match.data, title_match.len);
        else if (rc == YW_OK)
            rc =
                param(&q, "OR r.search @@ CAST(? AS tsquery)) ", title_match.data, title_match.len);
    }
    size_t where_len = q.sql.len; /* the matching rows, for the total */
    int where_params = q.n;
    if (rc == YW_OK && text && ranked && sqlite)
        rc = yw_buf_append_c(&q.sql, "ORDER BY m.rank, r.code ");
    else if (rc == YW_OK && text && ranked)
        rc = param(&q, "ORDER BY ts_rank(r.search, CAST(? AS tsquery)) DESC, r.code ", match.data,
                   match.len);
    else if (rc == YW_OK && text)
        rc = yw_buf_append_c(&q.sql, sqlite ? "ORDER BY f.rowid " : "ORDER BY r.id ");
    else if (rc == YW_OK)
        rc = yw_buf_append_c(&q.sql, "ORDER BY r.code ");
    if (rc == YW_OK)
        rc = yw_buf_append_c(&q.sql, "LIMIT ? OFFSET ?");
    if (rc < 0) {
        rc = yw_err_set(err, rc, NULL, "search too complex");
        goto out;
    }
    /* The total, counted up to TOTAL_MAX + 1 so that a common word stays cheap. */
    struct yw_buf count;
    yw_buf_init(&count, 64 * 1024);
    rc = yw_buf_printf(&count, "SELECT COUNT(*) FROM (%.*s LIMIT ?) c", (int)where_len, q.sql.data);
    if (rc == YW_OK)
        rc = yw_txn_prepare(txn, count.data, &st, err);
    yw_buf_free(&count);
    if (rc < 0)
        goto out;
    for (int i = 0; i < where_params; i++)
        yw_stmt_bind_text(st, i + 1, q.params[i], q.lens[i]);
    yw_stmt_bind_int64(st, where_params + 1, TOTAL_MAX + 1);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    total = yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    if ((rc = yw_txn_prepare(txn, q.sql.data, &st, err)) < 0)
        goto out;
    for (int i = 0; i < q.n; i++)
        yw_stmt_bind_text(st, i + 1, q.params[i], q.lens[i]);
    yw_stmt_bind_int64(st, q.n + 1, limit);
    yw_stmt_bind_int64(st, q.n + 2, in->offset);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT v.doc, r.status, r.version, COALESCE(r.published_at, ''), "
                             "o.name FROM yw_catalog_resources r JOIN yw_catalog_versions v ON "
                             "v.code = r.code AND v.version = r.version JOIN yw_orgs o ON o.code = "
                             "r.provider WHERE r.id = ?",
                             &one, err)) < 0)
        goto out;
    while ((rc = yw_stmt_step(st, err)) == 1) {
        (void)yw_stmt_reset(one);
        yw_stmt_bind_int64(one, 1, yw_stmt_column_int64(st, 0));
        if ((rc = yw_stmt_step(one, err)) != 1) {
            rc = rc < 0 ? rc : yw_err_set(err, YW_EINTERNAL, NULL, "catalog row without version");
            goto out;
        }
        struct yw_str d = yw_stmt_column_text(one, 0);
        json_t *doc = json_loadb(d.p, d.n, 0, NULL);
        const char *provider = json_string_value(json_object_get(doc, "provider"));
        const char *share =
            json_string_value(json_object_get(json_object_get(doc, "sharing"), "type"));
        bool full = privileged || (provider && strcmp(provider, org) == 0) ||
                    (share && strcmp(share, "none") != 0);
        json_t *item = doc ? yw__resource_summary(doc, full) : NULL;
        json_decref(doc);
        if (item == NULL) {
            rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
            goto out;
        }
        struct yw_str s = yw_stmt_column_text(one, 1), pub = yw_stmt_column_text(one, 3);
        struct yw_str name = yw_stmt_column_text(one, 4);
        json_object_set_new(item, "status", json_stringn(s.p, s.n));
        json_object_set_new(item, "provider_name", json_stringn(name.p, name.n));
        if (full) {
            json_object_set_new(item, "version", json_integer(yw_stmt_column_int64(one, 2)));
            json_object_set_new(item, "published_at",
                                pub.n ? json_stringn(pub.p, pub.n) : json_null());
        }
        json_array_append_new(items, item);
    }
    if (rc < 0)
        goto out;
answer:
    *out = json_pack("{s:I, s:I, s:I, s:O}", "total", (json_int_t)total, "limit", (json_int_t)limit,
                     "offset", (json_int_t)in->offset, "items", items);
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    yw_stmt_finalize(&st);
    yw_stmt_finalize(&one);
    yw_store_rollback(&txn);
    yw_buf_free(&match);
    yw_buf_free(&title_match);
    yw_buf_free(&q.sql);
    json_decref(items);
    return rc;
}
