/* Full-text search over the catalog, in Chinese and English.
 *
 * Both stores index the same terms (yw_terms: CJK bigrams and lower-case
 * words): SQLite in an FTS5 table whose unicode61 tokenizer just splits the
 * space-separated terms again, PostgreSQL in a tsvector cast from the terms,
 * so neither a tokenizer nor a locale decides what Chinese text means. A query
 * becomes phrases of adjacent bigrams ("身份证" → "身份 份证"), words as
 * prefixes, all required. Names weigh more than the rest. */
#include "internal.h"

#include <stdlib.h>
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
        /* The tags come from the row, which the caller has just written. */
        if ((rc = yw__search_unindex(txn, id, err)) < 0 ||
            (rc = yw_txn_prepare(txn,
                                 "INSERT INTO yw_catalog_search (rowid, title, body, tags) SELECT "
                                 "?, ?, ?, tags FROM yw_catalog_search_tags WHERE id = ?",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_int64(st, 1, id);
        yw_stmt_bind_text(st, 2, title.data ? title.data : "", title.len);
        yw_stmt_bind_text(st, 3, body.data ? body.data : "", body.len);
        yw_stmt_bind_int64(st, 4, id);
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
    int rc = yw_txn_prepare(txn, "DELETE FROM yw_catalog_search WHERE rowid = ?", &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_int64(st, 1, id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

int yw__search_optimize(struct yw_txn *txn, size_t n_written, struct yw_err *err)
{
    if (yw_txn_dialect(txn) != YW_DIALECT_SQLITE || n_written < 1000)
        return YW_OK; /* PostgreSQL's GIN index needs nothing; FTS5 merges a few itself */
    return yw_txn_exec(txn, "INSERT INTO yw_catalog_search (yw_catalog_search) VALUES ('optimize')",
                       err);
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
 * PostgreSQL; title_only restricts it to names. Empty when q has no terms.
 * *n_phrases counts its phrases (SQLite; NULL-safe). */
static int build_query(struct yw_str q, enum yw_dialect dialect, bool title_only,
                       struct yw_buf *out, int *n_phrases)
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
                if (n_phrases)
                    (*n_phrases)++;
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

/* A filter value checked against its domain; the slug goes to the SQL. */
static int filter_value(struct yw_str value, const struct yw_domain *d, const char *name,
                        const char **slug, struct yw_err *err)
{
    *slug = NULL;
    return value.n == 0 ? YW_OK : yw_domain_slug(d, value, name, slug, err);
}

static const struct yw_domain statuses[] = {{"draft", "草稿"},       {"under_review", "审核中"},
                                            {"published", "已发布"}, {"deprecated", "已停用"},
                                            {"archived", "已归档"},  {NULL, NULL}};

/* A search, its input checked: the store's text queries and the filters. */
struct spec {
    struct yw_buf match;       /* all text; empty when no text */
    struct yw_buf title_match; /* the same, in names only */
    int n_phrases;             /* in match (SQLite) */
    struct yw_str provider;
    const char *type, *grade, *sharing, *cycle, *status; /* slugs or NULL */
    char grade_rank[4];
    bool privileged; /* oversees the catalog: sees every resource in full */
    const char *org; /* the asker's organisation */
};

/* Drafts and reviews are listed only to their provider, unless privileged. */
static bool own_drafts_only(const struct spec *sp)
{
    return sp->status && !sp->privileged &&
           (strcmp(sp->status, "draft") == 0 || strcmp(sp->status, "under_review") == 0);
}

/* Other organisations' 不予共享 resources show no grade, type or cycle, so no
 * filter on those may find them either. */
static bool hides_unshared(const struct spec *sp)
{
    return !sp->privileged && (sp->type || sp->grade || sp->cycle);
}

/* ---- SQLite: one FTS5 expression ------------------------------------------------
 * Text, filters and visibility rules are one expression over the search
 * table, whose tags column holds each row's filter values as tokens (a letter
 * and the value's hex, migration 0011): FTS5 intersects doclists, and neither
 * the count nor the page joins a text match to its row to test a filter. */

static int append_tag(struct yw_buf *e, const char *before, char kind, const char *value, size_t n)
{
    int rc = yw_buf_printf(e, "%stags : \"%c", before, kind);
    for (size_t i = 0; rc == YW_OK && i < n; i++)
        rc = yw_buf_printf(e, "%02X", (unsigned)(unsigned char)value[i]);
    return rc == YW_OK ? yw_buf_append_c(e, "\"") : rc;
}

/* Rows of other organisations' 不予共享 resources. */
static int append_unshared(struct yw_buf *e, const char *org)
{
    int rc = append_tag(e, "", 's', "none", 4);
    return rc == YW_OK ? append_tag(e, " NOT ", 'p', org, strlen(org)) : rc;
}

/* The expression for sp into e; empty when there is neither text nor a
 * filter (the caller lists the catalog instead). Exclusions nest as
 * ((positive) NOT (a)) NOT (b). */
static int fts_expr(const struct spec *sp, struct yw_buf *e)
{
    static const char *const unlisted[] = {"draft", "under_review", "archived"};
    struct yw_buf pos;
    enum { UNLISTED, UNSHARED, UNSHARED_BUT_NAMED } excluded[2];
    int n_excluded = 0, rc = YW_OK;
    struct {
        char kind;
        const char *value;
        size_t n;
    } tags[] = {{'p', sp->provider.n ? sp->provider.p : NULL, sp->provider.n},
                {'t', sp->type, sp->type ? strlen(sp->type) : 0},
                {'s', sp->sharing, sp->sharing ? strlen(sp->sharing) : 0},
                {'c', sp->cycle, sp->cycle ? strlen(sp->cycle) : 0},
                {'z', sp->status, sp->status ? strlen(sp->status) : 0}};

    yw_buf_init(&pos, 16 * 1024);
    if (sp->match.len)
        rc = yw_buf_printf(&pos, "{title body} : (%s)", sp->match.data);
    for (size_t i = 0; rc == YW_OK && i < sizeof(tags) / sizeof(tags[0]); i++)
        if (tags[i].value)
            rc = append_tag(&pos, pos.len ? " AND " : "", tags[i].kind, tags[i].value, tags[i].n);
    if (rc == YW_OK && sp->grade) /* the rank, in decimal */
        rc = yw_buf_printf(&pos, "%stags : \"g%s\"", pos.len ? " AND " : "", sp->grade_rank);
    if (rc == YW_OK && own_drafts_only(sp))
        rc = append_tag(&pos, " AND ", 'p', sp->org, strlen(sp->org));
    if (rc < 0 || pos.len == 0)
        goto out;
    if (!sp->status) /* listed by default: published and deprecated */
        excluded[n_excluded++] = UNLISTED;
    if (hides_unshared(sp))
        excluded[n_excluded++] = UNSHARED;
    else if (sp->match.len && !sp->privileged)
        excluded[n_excluded++] = UNSHARED_BUT_NAMED;
    for (int i = 0; rc == YW_OK && i < n_excluded; i++)
        rc = yw_buf_append_c(e, "(");
    if (rc == YW_OK)
        rc = yw_buf_printf(e, "(%s)", pos.data);
    for (int i = 0; rc == YW_OK && i < n_excluded; i++) {
        rc = yw_buf_append_c(e, " NOT (");
        switch (excluded[i]) {
        case UNLISTED:
            for (size_t k = 0; rc == YW_OK && k < 3; k++)
                rc = append_tag(e, k ? " OR " : "", 'z', unlisted[k], strlen(unlisted[k]));
            break;
        case UNSHARED: rc = rc == YW_OK ? append_unshared(e, sp->org) : rc; break;
        case UNSHARED_BUT_NAMED: /* 不予共享 resources are found by name only */
            rc = rc == YW_OK ? yw_buf_append_c(e, "(") : rc;
            rc = rc == YW_OK ? append_unshared(e, sp->org) : rc;
            rc = rc == YW_OK ? yw_buf_printf(e, ") NOT (%s)", sp->title_match.data) : rc;
            break;
        }
        if (rc == YW_OK)
            rc = yw_buf_append_c(e, "))");
    }
out:
    yw_buf_free(&pos);
    return rc;
}

/* ---- SQL: filters on the resource rows ---------------------------------------
 * PostgreSQL's query (text through the tsvector column) and SQLite's listing
 * without text. */

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

/* Appends sp's filters on r (yw_catalog_resources) to q's WHERE clause;
 * named_sql ("OR …" with one parameter, the names-only text query) lets a
 * 不予共享 resource be found by name. */
static int sql_filters(const struct spec *sp, const char *named_sql, struct query *q)
{
    const char *org = sp->org;
    int rc = YW_OK;
    struct {
        const char *sql;
        const char *value;
        size_t n;
    } filters[] = {{"AND r.provider = ? ", sp->provider.n ? sp->provider.p : NULL, sp->provider.n},
                   {"AND r.resource_type = ? ", sp->type, 0},
                   {"AND r.grade_rank = CAST(? AS INTEGER) ", sp->grade ? sp->grade_rank : NULL, 0},
                   {"AND r.sharing = ? ", sp->sharing, 0},
                   {"AND r.update_cycle = ? ", sp->cycle, 0},
                   {"AND r.status = ? ", sp->status, 0}};
    for (size_t i = 0; rc == YW_OK && i < sizeof(filters) / sizeof(filters[0]); i++)
        if (filters[i].value)
            rc = param(q, filters[i].sql, filters[i].value,
                       filters[i].n ? filters[i].n : strlen(filters[i].value));
    if (rc == YW_OK && !sp->status)
        rc = yw_buf_append_c(&q->sql, "AND r.status IN ('published', 'deprecated') ");
    if (rc == YW_OK && hides_unshared(sp))
        rc = param(q, "AND (r.sharing <> 'none' OR r.provider = ?) ", org, strlen(org));
    if (rc == YW_OK && own_drafts_only(sp))
        rc = param(q, "AND r.provider = ? ", org, strlen(org));
    /* 不予共享 resources are found by name only outside their provider. */
    if (rc == YW_OK && sp->match.len && !sp->privileged) {
        rc = param(q, "AND (r.sharing <> 'none' OR r.provider = ? ", org, strlen(org));
        if (rc == YW_OK)
            rc = param(q, named_sql, sp->title_match.data, sp->title_match.len);
        if (rc == YW_OK)
            rc = yw_buf_append_c(&q->sql, ") ");
    }
    return rc;
}

/* The rows of one statement: its text parameters, then up to two integers
 * (ints[0..n_ints)). *n_rows counts every row; the first column of rows
 * skip … skip + max_ids - 1 goes to ids. */
struct rows {
    int64_t *ids;
    size_t max_ids, n_ids;
    int64_t skip, n_rows;
};

static int run(struct yw_txn *txn, const char *sql, const char *const *params, const size_t *lens,
               int n_params, const int64_t *ints, int n_ints, struct rows *out, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, sql, &st, err);
    out->n_ids = 0;
    out->n_rows = 0;
    if (rc < 0)
        return rc;
    for (int i = 0; i < n_params; i++)
        yw_stmt_bind_text(st, i + 1, params[i], lens[i]);
    for (int i = 0; i < n_ints; i++)
        yw_stmt_bind_int64(st, n_params + i + 1, ints[i]);
    while ((rc = yw_stmt_step(st, err)) == 1)
        if (out->n_rows++ >= out->skip && out->n_ids < out->max_ids)
            out->ids[out->n_ids++] = yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* A statement's one integer (a COUNT). */
static int run_count(struct yw_txn *txn, const char *sql, const char *const *params,
                     const size_t *lens, int n_params, int64_t cap, int64_t *count,
                     struct yw_err *err)
{
    struct rows r = {.ids = count, .max_ids = 1};
    *count = 0;
    return run(txn, sql, params, lens, n_params, &cap, 1, &r, err);
}

static int fts_count(struct yw_txn *txn, const char *expr, size_t len, int64_t cap, int64_t *count,
                     struct yw_err *err)
{
    return run_count(txn,
                     "SELECT COUNT(*) FROM (SELECT 1 FROM yw_catalog_search WHERE "
                     "yw_catalog_search MATCH ? LIMIT ?)",
                     &expr, &len, 1, cap, count, err);
}

/* Appends "name":"value" (after a comma unless first). */
static int append_member(struct yw_buf *b, bool first, const char *name, struct yw_str value)
{
    int rc = yw_buf_printf(b, "%s\"%s\":\"", first ? "" : ",", name);
    if (rc == YW_OK)
        rc = yw_json_escape(b, value);
    return rc == YW_OK ? yw_buf_append_c(b, "\"") : rc;
}

/* The page's resources as listed to who, as JSON text appended to b: the
 * stored listing copied as it is (never parsed) and the row's status,
 * provider name, version and publication; for another organisation's 不予共享
 * resource its code, name, provider and sharing type only. */
static int list_items(struct yw_txn *txn, const struct spec *sp, const int64_t *ids, size_t n_ids,
                      struct yw_buf *b, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT r.listing, r.status, r.version, COALESCE(r.published_at, ''), "
                            "o.name, r.code, r.name, r.provider, r.sharing FROM "
                            "yw_catalog_resources r JOIN yw_orgs o ON o.code = r.provider WHERE "
                            "r.id = ?",
                            &st, err);
    for (size_t i = 0; rc == YW_OK && i < n_ids; i++) {
        (void)yw_stmt_reset(st);
        yw_stmt_bind_int64(st, 1, ids[i]);
        if ((rc = yw_stmt_step(st, err)) != 1) {
            rc = rc < 0 ? rc : yw_err_set(err, YW_EINTERNAL, NULL, "catalog row vanished");
            break;
        }
        struct yw_str listing = yw_stmt_column_text(st, 0), status = yw_stmt_column_text(st, 1);
        struct yw_str pub = yw_stmt_column_text(st, 3), org_name = yw_stmt_column_text(st, 4);
        struct yw_str code = yw_stmt_column_text(st, 5), name = yw_stmt_column_text(st, 6);
        struct yw_str provider = yw_stmt_column_text(st, 7);
        bool full = sp->privileged || yw_str_eq_c(provider, sp->org) ||
                    !yw_str_eq_c(yw_stmt_column_text(st, 8), "none");
        rc = yw_buf_append_c(b, i ? ",{" : "{");
        if (full) {
            /* The object's members, without its braces. */
            while (listing.n &&
                   (listing.p[listing.n - 1] == ' ' || listing.p[listing.n - 1] == '\n'))
                listing.n--;
            if (listing.n < 2 || listing.p[0] != '{' || listing.p[listing.n - 1] != '}') {
                rc = yw_err_set(err, YW_EINTERNAL, NULL, "catalog listing of %.*s is not JSON",
                                (int)code.n, code.p);
                break;
            }
            struct yw_str members = {listing.p + 1, listing.n - 2};
            bool empty = true;
            for (size_t k = 0; k < members.n && empty; k++)
                empty = members.p[k] == ' ' || members.p[k] == '\n';
            if (rc == YW_OK && !empty)
                rc = yw_buf_append(b, members.p, members.n);
            if (rc == YW_OK)
                rc = append_member(b, empty, "status", status);
        } else {
            rc = rc == YW_OK ? append_member(b, true, "code", code) : rc;
            rc = rc == YW_OK ? append_member(b, false, "name", name) : rc;
            rc = rc == YW_OK ? append_member(b, false, "provider", provider) : rc;
            rc = rc == YW_OK ? yw_buf_append_c(b, ",\"sharing\":{\"type\":\"none\"},"
                                                  "\"restricted\":true")
                             : rc;
            rc = rc == YW_OK ? append_member(b, false, "status", status) : rc;
        }
        if (rc == YW_OK)
            rc = append_member(b, false, "provider_name", org_name);
        if (rc == YW_OK && full)
            rc = yw_buf_printf(
                b, ",\"version\":%lld,\"published_at\":", (long long)yw_stmt_column_int64(st, 2));
        if (rc == YW_OK && full && pub.n) {
            rc = yw_buf_append_c(b, "\"");
            rc = rc == YW_OK ? yw_json_escape(b, pub) : rc;
            rc = rc == YW_OK ? yw_buf_append_c(b, "\"") : rc;
        } else if (rc == YW_OK && full) {
            rc = yw_buf_append_c(b, "null");
        }
        if (rc == YW_OK)
            rc = yw_buf_append_c(b, "}");
        if (rc < 0) {
            rc = yw_err_set(err, rc, NULL, "search answer too large");
            break;
        }
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* A ranked match: its row, its score and, once needed, its code. */
struct hit {
    int64_t id;
    double score;
    const char *code;
    size_t code_at, code_len; /* in the buffer of codes */
};

static int by_score(const void *a, const void *b)
{
    double x = ((const struct hit *)a)->score, y = ((const struct hit *)b)->score;
    return (x > y) - (x < y);
}

/* By score, then code as SQLite's BINARY collation orders text. */
static int by_score_code(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    int c = by_score(a, b);
    if (c == 0)
        c = memcmp(x->code, y->code, x->code_len < y->code_len ? x->code_len : y->code_len);
    return c ? c : (x->code_len > y->code_len) - (x->code_len < y->code_len);
}

/* The page of a ranked search on SQLite into *page, *total every match.
 * The whole expression (text, filters and rules: fts_expr, which puts the
 * text's phrases first) is scored by yw_bm25 over the text's phrases alone,
 * so no match is joined to its row; the scores are sorted here, and only the
 * rows that share a score with the page's first or last are looked up for
 * their code, the tie-break. The order is that of ORDER BY score, code. */
static int rank_sqlite(struct yw_txn *txn, const struct spec *sp, const struct yw_buf *expr,
                       int64_t limit, int64_t offset, int64_t *total, struct rows *page,
                       struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct hit *hits = NULL;
    struct yw_buf codes;
    size_t n = 0, first, end, page_end;
    int rc;

    page->n_ids = 0;
    page->n_rows = 0;
    yw_buf_init(&codes, 1024 * 1024);
    if ((hits = calloc(RANK_MAX, sizeof(*hits))) == NULL) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto out;
    }
    /* The docsize row (FTS5's token counts per column) spares yw_bm25 a
     * lookup of its own per match; LEFT, so that it drives no row away. */
    if ((rc = yw_txn_prepare(txn,
                             "SELECT s.rowid, yw_bm25(s.yw_catalog_search, d.sz, ?, ?, 10.0, "
                             "1.0) "
                             "FROM yw_catalog_search s LEFT JOIN yw_catalog_search_docsize d ON "
                             "d.id = s.rowid WHERE s.yw_catalog_search MATCH ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, sp->n_phrases);
    yw_stmt_bind_text(st, 2, sp->match.data, sp->match.len); /* names the phrases */
    yw_stmt_bind_text(st, 3, expr->data, expr->len);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        if (n == RANK_MAX) { /* the text alone matched no more */
            rc = yw_err_set(err, YW_EINTERNAL, NULL, "more ranked matches than text matches");
            goto out;
        }
        hits[n].id = yw_stmt_column_int64(st, 0);
        hits[n].score = yw_stmt_column_double(st, 1);
        n++;
    }
    if (rc < 0)
        goto out;
    yw_stmt_finalize(&st);
    *total = (int64_t)n;
    if (offset >= (int64_t)n) {
        rc = YW_OK;
        goto out;
    }
    qsort(hits, n, sizeof(*hits), by_score);
    /* The page, widened to whole runs of equal scores at both ends. */
    first = (size_t)offset;
    page_end = n - first < (size_t)limit ? n : first + (size_t)limit;
    end = page_end;
    while (first > 0 && hits[first - 1].score == hits[offset].score)
        first--;
    while (end < n && hits[end].score == hits[page_end - 1].score)
        end++;
    if (end - first > 1) {
        rc = yw_txn_prepare(txn, "SELECT code FROM yw_catalog_resources WHERE id = ?", &st, err);
        for (size_t i = first; rc == YW_OK && i < end; i++) {
            (void)yw_stmt_reset(st);
            yw_stmt_bind_int64(st, 1, hits[i].id);
            if ((rc = yw_stmt_step(st, err)) != 1) {
                rc = rc < 0 ? rc : yw_err_set(err, YW_EINTERNAL, NULL, "catalog row vanished");
                break;
            }
            struct yw_str code = yw_stmt_column_text(st, 0);
            hits[i].code_at = codes.len;
            hits[i].code_len = code.n;
            if ((rc = yw_buf_append(&codes, code.p, code.n)) < 0)
                rc = yw_err_set(err, rc, NULL, "search too complex");
        }
        if (rc < 0)
            goto out;
        for (size_t i = first; i < end; i++)
            hits[i].code = codes.data ? codes.data + hits[i].code_at : "";
        qsort(hits + first, end - first, sizeof(*hits), by_score_code);
    }
    for (size_t i = (size_t)offset; i < page_end && page->n_ids < page->max_ids; i++)
        page->ids[page->n_ids++] = hits[i].id;
    page->n_rows = (int64_t)n;
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&codes);
    free(hits);
    return rc;
}

/* The page on SQLite into *page, *total the matches (up to TOTAL_MAX + 1,
 * or RANK_MAX when ranked). */
static int search_sqlite(struct yw_txn *txn, const struct spec *sp, int64_t limit, int64_t offset,
                         int64_t *total, struct rows *page, struct yw_err *err)
{
    struct yw_buf expr, text;
    struct query q = {.n = 0};
    int64_t ints[2] = {limit, offset};
    bool ranked = false;
    int rc;

    yw_buf_init(&expr, 64 * 1024);
    yw_buf_init(&text, 32 * 1024);
    yw_buf_init(&q.sql, 16 * 1024);
    if ((rc = fts_expr(sp, &expr)) < 0 ||
        (sp->match.len && (rc = yw_buf_printf(&text, "{title body} : (%s)", sp->match.data)) < 0))
        goto too_complex;
    /* Ranking costs for every match: a text matching more than RANK_MAX
     * resources (a common word) lists them in catalog order instead, which
     * stops at the page. */
    if (sp->match.len) {
        int64_t matches = 0;
        if ((rc = fts_count(txn, text.data, text.len, RANK_MAX + 1, &matches, err)) < 0)
            goto out;
        ranked = matches <= RANK_MAX;
    }
    if (ranked) {
        /* By relevance in the text alone, then the code. Every match is
         * ranked anyway, so one pass counts them and keeps the page. */
        rc = rank_sqlite(txn, sp, &expr, limit, offset, total, page, err);
        goto out;
    }
    const char *params[] = {expr.data};
    size_t lens[] = {expr.len};
    if (sp->match.len) {
        /* Catalog order, the index's own: one pass counts (up to TOTAL_MAX
         * + 1) and keeps the page, and stops at whichever comes later. */
        int64_t upto = offset + limit > TOTAL_MAX + 1 ? offset + limit : TOTAL_MAX + 1;
        page->skip = offset;
        if ((rc = run(txn,
                      "SELECT rowid FROM yw_catalog_search WHERE yw_catalog_search MATCH ? "
                      "ORDER BY rowid LIMIT ?",
                      params, lens, 1, &upto, 1, page, err)) == YW_OK)
            *total = page->n_rows;
        goto out;
    }
    if (expr.len && (rc = fts_count(txn, expr.data, expr.len, TOTAL_MAX + 1, total, err)) < 0)
        goto out;
    if (expr.len && *total <= TOTAL_MAX) /* filters alone, few matches: sorted by code */
        rc = run(txn,
                 "SELECT r.id FROM yw_catalog_search CROSS JOIN yw_catalog_resources r ON r.id = "
                 "yw_catalog_search.rowid WHERE yw_catalog_search MATCH ? ORDER BY r.code LIMIT ? "
                 "OFFSET ?",
                 params, lens, 1, ints, 2, page, err);
    else { /* the catalog, or filters matching many: an index walk by code stops early */
        if (expr.len) {
            rc = yw_buf_append_c(&q.sql, "SELECT r.id FROM yw_catalog_resources r WHERE 1 = 1 ");
            if (rc == YW_OK)
                rc = sql_filters(sp, "", &q);
        } else { /* the listed statuses: (code, status) is walked in order, not sorted */
            rc = yw_buf_append_c(&q.sql, "SELECT r.id FROM yw_catalog_resources r WHERE "
                                         "+r.status IN ('published', 'deprecated') ");
        }
        size_t where_len = q.sql.len;
        if (rc == YW_OK)
            rc = yw_buf_append_c(&q.sql, "ORDER BY r.code LIMIT ? OFFSET ?");
        if (rc < 0)
            goto too_complex;
        if (expr.len == 0) {
            struct yw_buf count;
            yw_buf_init(&count, 16 * 1024);
            if ((rc = yw_buf_printf(&count, "SELECT COUNT(*) FROM (%.*s LIMIT ?) c", (int)where_len,
                                    q.sql.data)) == YW_OK)
                rc = run_count(txn, count.data, q.params, q.lens, q.n, TOTAL_MAX + 1, total, err);
            yw_buf_free(&count);
        }
        if (rc == YW_OK)
            rc = run(txn, q.sql.data, q.params, q.lens, q.n, ints, 2, page, err);
    }
    goto out;
too_complex:
    rc = yw_err_set(err, rc, NULL, "search too complex");
out:
    yw_buf_free(&expr);
    yw_buf_free(&text);
    yw_buf_free(&q.sql);
    return rc;
}

/* The page on PostgreSQL: the text through the tsvector column, the filters
 * on the row. */
static int search_postgres(struct yw_txn *txn, const struct spec *sp, int64_t limit, int64_t offset,
                           int64_t *total, struct rows *page, struct yw_err *err)
{
    struct query q = {.n = 0};
    struct yw_buf count;
    int64_t ints[2] = {limit, offset};
    bool ranked = false;
    int rc = YW_OK;

    yw_buf_init(&q.sql, 16 * 1024);
    yw_buf_init(&count, 16 * 1024);
    if (sp->match.len) { /* as on SQLite */
        int64_t matches = 0;
        const char *text = sp->match.data;
        if ((rc = run_count(txn,
                            "SELECT COUNT(*) FROM (SELECT 1 FROM yw_catalog_resources WHERE "
                            "search @@ CAST(? AS tsquery) LIMIT ?) c",
                            &text, &sp->match.len, 1, RANK_MAX + 1, &matches, err)) < 0)
            goto out;
        ranked = matches <= RANK_MAX;
    }
    if (sp->match.len)
        rc = param(&q,
                   "SELECT r.id FROM yw_catalog_resources r WHERE r.search @@ CAST(? AS tsquery) ",
                   sp->match.data, sp->match.len);
    else
        rc = yw_buf_append_c(&q.sql, "SELECT r.id FROM yw_catalog_resources r WHERE 1 = 1 ");
    if (rc == YW_OK)
        rc = sql_filters(sp, "OR r.search @@ CAST(? AS tsquery)", &q);
    size_t where_len = q.sql.len;
    int where_params = q.n;
    if (rc == YW_OK && sp->match.len && ranked)
        rc = param(&q, "ORDER BY ts_rank(r.search, CAST(? AS tsquery)) DESC, r.code ",
                   sp->match.data, sp->match.len);
    else if (rc == YW_OK)
        rc = yw_buf_append_c(&q.sql, sp->match.len ? "ORDER BY r.id " : "ORDER BY r.code ");
    if (rc == YW_OK)
        rc = yw_buf_append_c(&q.sql, "LIMIT ? OFFSET ?");
    if (rc == YW_OK)
        rc = yw_buf_printf(&count, "SELECT COUNT(*) FROM (%.*s LIMIT ?) c", (int)where_len,
                           q.sql.data);
    if (rc < 0) {
        rc = yw_err_set(err, rc, NULL, "search too complex");
        goto out;
    }
    if ((rc = run_count(txn, count.data, q.params, q.lens, where_params, TOTAL_MAX + 1, total,
                        err)) < 0)
        goto out;
    rc = run(txn, q.sql.data, q.params, q.lens, q.n, ints, 2, page, err);
out:
    yw_buf_free(&q.sql);
    yw_buf_free(&count);
    return rc;
}

int yw_catalog_search_text(const struct yw_catalog *cat, const struct yw_principal *who,
                           const struct yw_catalog_query *in, char **text, size_t *text_len,
                           struct yw_err *err)
{
    struct spec sp = {.provider = in->provider,
                      .privileged = yw_policy_oversees(who, "catalog.review"),
                      .org = who ? who->org : ""};
    struct yw_txn *txn = NULL;
    struct yw_buf answer;
    int64_t limit = in->limit ? in->limit : 20, total = 0, ids[100];
    struct rows page = {.ids = ids, .max_ids = sizeof(ids) / sizeof(ids[0])};
    int rc;

    *text = NULL;
    *text_len = 0;
    yw_buf_init(&sp.match, 16 * 1024);
    yw_buf_init(&sp.title_match, 16 * 1024);
    yw_buf_init(&answer, 16 * 1024 * 1024);
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
    if ((rc = filter_value(in->type, yw__resource_types, "type", &sp.type, err)) < 0 ||
        (rc = filter_value(in->grade, yw__grades, "grade", &sp.grade, err)) < 0 ||
        (rc = filter_value(in->sharing, yw__sharing_types, "sharing", &sp.sharing, err)) < 0 ||
        (rc = filter_value(in->cycle, yw__update_cycles, "cycle", &sp.cycle, err)) < 0 ||
        (rc = filter_value(in->status, statuses, "status", &sp.status, err)) < 0 ||
        (rc = yw_store_begin(cat->store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if (sp.grade)
        (void)yw_fmt(sp.grade_rank, sizeof(sp.grade_rank), "%d", yw__grade_rank(sp.grade));
    enum yw_dialect dialect = yw_txn_dialect(txn);
    if ((rc = build_query(in->q, dialect, false, &sp.match, &sp.n_phrases)) < 0 ||
        (rc = build_query(in->q, dialect, true, &sp.title_match, NULL)) < 0) {
        rc = yw_err_set(err, YW_EINVAL, "q", "检索词过长 / q is too long");
        goto out;
    }
    /* The members in the order the answer always had: total, limit, offset,
     * items, and total_capped when there are more than TOTAL_MAX. */
    page.max_ids = (size_t)limit;
    if (!(in->q.n && sp.match.len == 0) && /* nothing searchable in q: nothing found */
        (rc = dialect == YW_DIALECT_SQLITE
                  ? search_sqlite(txn, &sp, limit, in->offset, &total, &page, err)
                  : search_postgres(txn, &sp, limit, in->offset, &total, &page, err)) < 0)
        goto out;
    if ((rc = yw_buf_printf(&answer, "{\"total\":%lld,\"limit\":%lld,\"offset\":%lld,\"items\":[",
                            (long long)(total > TOTAL_MAX ? TOTAL_MAX : total), (long long)limit,
                            (long long)in->offset)) < 0 ||
        (rc = list_items(txn, &sp, ids, page.n_ids, &answer, err)) < 0)
        goto out;
    if ((rc = yw_buf_append_c(&answer, total > TOTAL_MAX ? "],\"total_capped\":true}" : "]}")) <
        0) {
        rc = yw_err_set(err, rc, NULL, "search answer too large");
        goto out;
    }
    *text_len = answer.len;
    *text = yw_buf_take(&answer);
out:
    yw_store_rollback(&txn);
    yw_buf_free(&sp.match);
    yw_buf_free(&sp.title_match);
    yw_buf_free(&answer);
    return rc;
}

int yw_catalog_search(const struct yw_catalog *cat, const struct yw_principal *who,
                      const struct yw_catalog_query *in, json_t **out, struct yw_err *err)
{
    char *text = NULL;
    size_t len = 0;
    json_error_t error;
    int rc = yw_catalog_search_text(cat, who, in, &text, &len, err);

    *out = NULL;
    if (rc < 0)
        return rc;
    *out = json_loadb(text, len, 0, &error);
    free(text);
    return *out ? YW_OK
                : yw_err_set(err, YW_EINTERNAL, NULL, "search answer is not JSON: %s", error.text);
}
