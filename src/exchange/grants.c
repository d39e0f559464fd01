/* Grants (授权): their conditions, creation, suspension and revocation. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

void yw__grant_free(struct yw__grant *g)
{
    json_decref(g->conditions);
    g->conditions = NULL;
}

/* "HH:MM-HH:MM" as minutes [from, to); false when malformed or empty. */
static bool parse_hours(const char *s, int *from, int *to)
{
    int64_t h1, m1, h2, m2;
    if (s == NULL || strlen(s) != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':' ||
        yw_parse_int64((struct yw_str){s, 2}, 0, 24, &h1) < 0 ||
        yw_parse_int64((struct yw_str){s + 3, 2}, 0, 59, &m1) < 0 ||
        yw_parse_int64((struct yw_str){s + 6, 2}, 0, 24, &h2) < 0 ||
        yw_parse_int64((struct yw_str){s + 9, 2}, 0, 59, &m2) < 0)
        return false;
    *from = (int)(h1 * 60 + m1);
    *to = (int)(h2 * 60 + m2);
    return *from < *to && *to <= 24 * 60;
}

/* Columns of the document's fields. */
static bool has_column(const json_t *doc, const char *column)
{
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        if (strcmp(json_string_value(json_object_get(f, "column")), column) == 0)
            return true;
    }
    return false;
}

/* A list of distinct columns of doc, each also in within (when given). */
static int columns(const json_t *in, const char *name, const json_t *doc, const json_t *within,
                   bool required, json_t **out, struct yw_err *err)
{
    size_t i;
    json_t *v;
    *out = json_array();
    if (in == NULL && !required)
        return YW_OK;
    if (!json_is_array(in) || (required && json_array_size(in) == 0) ||
        json_array_size(in) > YW__FIELDS_MAX_GRANT)
        return yw_err_set(err, YW_EINVAL, name, "%s 须为信息项字段名的列表 / %s must list columns",
                          name, name);
    json_array_foreach(in, i, v)
    {
        const char *c = json_string_value(v);
        if (c == NULL || !has_column(doc, c))
            return yw_err_set(err, YW_EINVAL, name,
                              "%s 中有资源没有的字段 %s / %s names %s, not a "
                              "field of the resource",
                              name, c ? c : "?", name, c ? c : "?");
        if (within && !yw_json_array_has(within, c))
            return yw_err_set(err, YW_EINVAL, name,
                              "字段 %s 超出申请或授权的范围 / %s is outside what was asked for", c,
                              c);
        if (!yw_json_array_has(*out, c))
            json_array_append(*out, v);
    }
    return YW_OK;
}

static int integer(const json_t *in, const char *name, int64_t min, int64_t max, int64_t dflt,
                   int64_t *out, struct yw_err *err)
{
    json_t *v = json_object_get(in, name);
    *out = dflt;
    if (v == NULL || json_is_null(v))
        return YW_OK;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return yw_err_set(err, YW_EINVAL, name,
                          "%s 须为 %lld 至 %lld 的整数 / %s must be an integer "
                          "from %lld to %lld",
                          name, (long long)min, (long long)max, name, (long long)min,
                          (long long)max);
    *out = json_integer_value(v);
    return YW_OK;
}

static const char *text(const json_t *in, const char *name, const json_t *base)
{
    json_t *v = json_object_get(in, name);
    if (json_is_string(v))
        return json_string_value(v);
    v = json_object_get(base, name);
    return json_is_string(v) ? json_string_value(v) : "";
}

int yw__conditions_check(const json_t *in, const json_t *doc, const json_t *base, json_t **out,
                         struct yw_err *err)
{
    json_t *fields = NULL, *clear = NULL, *weekdays = json_array();
    int64_t total, daily, per_request, epsilon_milli;
    int rc, from_min, to_min;

    *out = NULL;
    const char *purpose = text(in, "purpose", base), *hours = text(in, "hours", base);
    const char *valid_from = text(in, "valid_from", base), *valid_to = text(in, "valid_to", base);
    const char *ips = text(in, "source_ips", base);
    const json_t *base_fields = json_object_get(base, "fields");
    if ((rc = columns(json_object_get(in, "fields") ? json_object_get(in, "fields") : base_fields,
                      "fields", doc, base_fields, true, &fields, err)) < 0 ||
        (rc = columns(json_object_get(in, "clear_masks"), "clear_masks", doc, fields, false, &clear,
                      err)) < 0)
        goto out;
    if ((rc = yw_check_text(purpose, 500, true, "purpose", err)) < 0)
        goto out;
    int64_t from_day = yw_day_parse(yw_str_c(valid_from)),
            to_day = yw_day_parse(yw_str_c(valid_to));
    if (from_day < 0 || to_day < from_day) {
        rc = yw_err_set(err, YW_EINVAL, from_day < 0 ? "valid_from" : "valid_to",
                        "有效期须为 YYYY-MM-DD 且起不晚于止 / valid_from and valid_to are "
                        "YYYY-MM-DD dates, from not after to");
        goto out;
    }
    if (hours[0] && !parse_hours(hours, &from_min, &to_min)) {
        rc = yw_err_set(err, YW_EINVAL, "hours",
                        "时段须为 HH:MM-HH:MM / hours must be HH:MM-HH:MM, from before to");
        goto out;
    }
    json_t *days = json_object_get(in, "weekdays") ? json_object_get(in, "weekdays")
                                                   : json_object_get(base, "weekdays");
    size_t i;
    json_t *d;
    if (days != NULL && !json_is_array(days)) {
        rc =
            yw_err_set(err, YW_EINVAL, "weekdays", "weekdays 须为 1-7 的列表 / weekdays lists 1-7");
        goto out;
    }
    json_array_foreach(days, i, d)
    {
        if (!json_is_integer(d) || json_integer_value(d) < 1 || json_integer_value(d) > 7) {
            rc = yw_err_set(err, YW_EINVAL, "weekdays",
                            "weekdays 须为 1（周一）至 7（周日）/ weekdays are 1 (Monday) to 7");
            goto out;
        }
        json_array_append(weekdays, d);
    }
    const json_t *src = in;
    struct {
        const char *name;
        int64_t min, max, dflt, *out;
    } ints[] = {{"total_uses", 0, INT64_MAX / 2, 0, &total},
                {"daily_uses", 0, INT64_MAX / 2, 0, &daily},
                {"records_per_request", 1, YW__KEYS_MAX, 10, &per_request},
                {"epsilon_milli", 0, 1000000, 0, &epsilon_milli}};
    for (size_t k = 0; k < N_OF(ints); k++) {
        json_t *v = json_object_get(src, ints[k].name);
        const json_t *from = v && !json_is_null(v) ? src : base; /* null keeps the base's */
        if ((rc = integer(from, ints[k].name, ints[k].min, ints[k].max, ints[k].dflt, ints[k].out,
                          err)) < 0)
            goto out;
    }
    if (ips[0] && (rc = yw_ip_list_check(ips, "source_ips", err)) < 0)
        goto out;
    *out =
        json_pack("{s:O, s:O, s:s, s:s, s:s, s:s, s:O, s:I, s:I, s:I, s:s, s:I}", "fields", fields,
                  "clear_masks", clear, "purpose", purpose, "valid_from", valid_from, "valid_to",
                  valid_to, "hours", hours, "weekdays", weekdays, "total_uses", (json_int_t)total,
                  "daily_uses", (json_int_t)daily, "records_per_request", (json_int_t)per_request,
                  "source_ips", ips, "epsilon_milli", (json_int_t)epsilon_milli);
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    json_decref(fields);
    json_decref(clear);
    json_decref(weekdays);
    return rc;
}

/* Fills the parsed members of g from g->conditions. */
static void parse_conditions(struct yw__grant *g)
{
    json_t *c = g->conditions;
    g->fields = json_object_get(c, "fields");
    g->clear_masks = json_object_get(c, "clear_masks");
    g->purpose = json_string_value(json_object_get(c, "purpose"));
    g->valid_from_day = yw_day_parse(yw_str_c(json_string_value(json_object_get(c, "valid_from"))));
    g->valid_to_day = yw_day_parse(yw_str_c(json_string_value(json_object_get(c, "valid_to"))));
    if (!parse_hours(json_string_value(json_object_get(c, "hours")), &g->hours_from, &g->hours_to))
        g->hours_from = g->hours_to = -1;
    g->weekdays = 0;
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(c, "weekdays"), i, d)
    {
        g->weekdays |= 1u << json_integer_value(d);
    }
    g->total_uses = json_integer_value(json_object_get(c, "total_uses"));
    g->daily_uses = json_integer_value(json_object_get(c, "daily_uses"));
    g->records_per_request = json_integer_value(json_object_get(c, "records_per_request"));
    g->source_ips = json_string_value(json_object_get(c, "source_ips"));
    if (g->source_ips == NULL)
        g->source_ips = "";
    g->epsilon_micro = json_integer_value(json_object_get(c, "epsilon_milli")) * 1000;
}

/* The grant and its resource's state: status and current version. */
#define GRANT_LIST                                                                                 \
    "g.id, g.application, g.consumer, g.key_id, g.provider, g.code, g.kind, g.status, g.version, " \
    "g.conditions, COALESCE(r.status, ''), COALESCE(r.version, g.version)"
#define GRANT_FROM " FROM yw_exchange_grants g LEFT JOIN yw_catalog_resources r ON r.code = g.code"
#define GRANT_COLUMNS GRANT_LIST GRANT_FROM

/* The parsed conditions of grant id stored as text (a new, shared
 * reference), parsed now when the cache has no copy of these bytes. */
static json_t *shared_conditions(struct yw_exchange *ex, const char *id, struct yw_str text)
{
    json_t *c = NULL;
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_grants && c == NULL; i++) {
        struct yw__cached_grant *e = &ex->grants[i];
        if (strcmp(e->id, id) == 0 && e->n == text.n && memcmp(e->text, text.p, text.n) == 0)
            c = json_incref(e->conditions);
    }
    pthread_mutex_unlock(&ex->lock);
    if (c != NULL)
        return c;
    if ((c = json_loadb(text.p, text.n, 0, NULL)) == NULL)
        return NULL;
    char *copy = malloc(text.n + 1);
    if (copy == NULL)
        return c; /* parsed, just not kept */
    memcpy(copy, text.p, text.n);
    copy[text.n] = '\0';
    pthread_mutex_lock(&ex->lock);
    struct yw__cached_grant *e = NULL;
    for (size_t i = 0; i < ex->n_grants && e == NULL; i++)
        if (strcmp(ex->grants[i].id, id) == 0)
            e = &ex->grants[i]; /* its conditions changed: replaced */
    if (e == NULL && ex->n_grants < YW__GRANTS_CACHED)
        e = &ex->grants[ex->n_grants++];
    else if (e == NULL)
        e = &ex->grants[ex->next_grant++ % YW__GRANTS_CACHED];
    free(e->text);
    json_decref(e->conditions);
    json_decref(e->masks);
    *e = (struct yw__cached_grant){.text = copy, .n = text.n, .conditions = json_incref(c)};
    (void)yw_copy(e->id, sizeof(e->id), id);
    pthread_mutex_unlock(&ex->lock);
    return c;
}

json_t *yw__grant_masks_get(struct yw_exchange *ex, const struct yw__grant *g)
{
    json_t *masks = NULL;
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_grants && masks == NULL; i++) {
        struct yw__cached_grant *e = &ex->grants[i];
        if (e->conditions == g->conditions && e->masks != NULL && e->version == g->version &&
            e->current_version == g->current_version)
            masks = json_incref(e->masks);
    }
    pthread_mutex_unlock(&ex->lock);
    return masks;
}

void yw__grant_masks_put(struct yw_exchange *ex, const struct yw__grant *g, json_t *masks_new)
{
    pthread_mutex_lock(&ex->lock);
    for (size_t i = 0; i < ex->n_grants && masks_new != NULL; i++) {
        struct yw__cached_grant *e = &ex->grants[i];
        if (e->conditions == g->conditions) {
            json_decref(e->masks);
            e->masks = masks_new;
            e->version = g->version;
            e->current_version = g->current_version;
            masks_new = NULL;
        }
    }
    pthread_mutex_unlock(&ex->lock);
    json_decref(masks_new); /* its grant is no longer cached */
}

void yw__grant_cache_free(struct yw_exchange *ex)
{
    for (size_t i = 0; i < ex->n_grants; i++) {
        free(ex->grants[i].text);
        json_decref(ex->grants[i].conditions);
        json_decref(ex->grants[i].masks);
    }
    ex->n_grants = 0;
}

static int read_grant(struct yw_exchange *ex, struct yw_stmt *st, struct yw__grant *g,
                      struct yw_err *err)
{
    struct {
        char *dst;
        size_t size;
    } cols[] = {{g->id, sizeof(g->id)},
                {g->application, sizeof(g->application)},
                {g->consumer, sizeof(g->consumer)},
                {g->key_id, sizeof(g->key_id)},
                {g->provider, sizeof(g->provider)},
                {g->code, sizeof(g->code)},
                {g->kind, sizeof(g->kind)},
                {g->status, sizeof(g->status)}};
    for (size_t i = 0; i < N_OF(cols); i++)
        (void)yw_fmt(cols[i].dst, cols[i].size, "%.*s", (int)yw_stmt_column_text(st, (int)i).n,
                     yw_stmt_column_text(st, (int)i).p);
    g->version = yw_stmt_column_int64(st, 8);
    (void)yw_fmt(g->resource_status, sizeof(g->resource_status), "%.*s",
                 (int)yw_stmt_column_text(st, 10).n, yw_stmt_column_text(st, 10).p);
    g->current_version = yw_stmt_column_int64(st, 11);
    struct yw_str c = yw_stmt_column_text(st, 9);
    g->conditions = ex ? shared_conditions(ex, g->id, c) : json_loadb(c.p, c.n, 0, NULL);
    if (g->conditions == NULL)
        return yw_err_set(err, YW_EINTERNAL, NULL, "stored grant conditions are not JSON");
    parse_conditions(g);
    return YW_OK;
}

static int status_rank(struct yw_str status)
{
    return yw_str_eq_c(status, "active") ? 0 : yw_str_eq_c(status, "suspended") ? 1 : 2;
}

/* The grant that speaks for (key, resource, kind): active before suspended
 * before revoked, the newest first. The few rows are ranked here rather than
 * by ORDER BY, which made SQLite build a temporary b-tree on every delivery. */
static int grant_for(struct yw_exchange *ex, struct yw_txn *txn, const char *key_id,
                     const char *code, const char *kind, struct yw__grant *out, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char best_created[40] = "";
    int best_rank = 3;
    int rc =
        yw_txn_prepare(txn,
                       "SELECT " GRANT_LIST ", g.created_at" GRANT_FROM " WHERE g.key_id = ? AND "
                       "g.code = ? AND g.kind = ?",
                       &st, err);
    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, key_id, strlen(key_id));
    yw_stmt_bind_text(st, 2, code, strlen(code));
    yw_stmt_bind_text(st, 3, kind, strlen(kind));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        int rank = status_rank(yw_stmt_column_text(st, 7));
        struct yw_str created = yw_stmt_column_text(st, 12);
        char created_c[40];
        (void)yw_fmt(created_c, sizeof(created_c), "%.*s", (int)created.n, created.p);
        if (rank > best_rank || (rank == best_rank && strcmp(created_c, best_created) <= 0))
            continue;
        yw__grant_free(out);
        memset(out, 0, sizeof(*out));
        if ((rc = read_grant(ex, st, out, err)) < 0)
            break;
        best_rank = rank;
        memcpy(best_created, created_c, sizeof(best_created));
    }
    if (rc == 0 && best_rank == 3)
        rc = YW_ENOTFOUND;
    else if (rc == 0)
        rc = YW_OK;
    if (rc < 0 && rc != YW_ENOTFOUND)
        yw__grant_free(out);
    yw_stmt_finalize(&st);
    return rc;
}

int yw__grant_for(struct yw_txn *txn, const char *key_id, const char *code, const char *kind,
                  struct yw__grant *out, struct yw_err *err)
{
    return grant_for(NULL, txn, key_id, code, kind, out, err);
}

int yw__grant_for_shared(struct yw_exchange *ex, struct yw_txn *txn, const char *key_id,
                         const char *code, const char *kind, struct yw__grant *out,
                         struct yw_err *err)
{
    return grant_for(ex, txn, key_id, code, kind, out, err);
}

int yw__grant_load(struct yw_txn *txn, const char *id, struct yw__grant *out, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT " GRANT_COLUMNS " WHERE g.id = ?", &st, err);
    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    rc = yw_stmt_step(st, err);
    if (rc == 1)
        rc = read_grant(NULL, st, out, err);
    else if (rc == 0)
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有授权 %s / no grant %s", id, id);
    yw_stmt_finalize(&st);
    return rc;
}

int yw__grant_create(struct yw_txn *txn, const char *application, const char *consumer,
                     const char *key_id, const char *provider, const char *code, int64_t version,
                     const char *kind, const json_t *conditions, char id_out[YW__ID_SIZE],
                     struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    char now[32];
    int rc;

    yw_buf_init(&bytes, 1024 * 1024);
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw__new_id("grant", id_out, err)) < 0)
        goto out;
    if ((rc = yw_ledger_canonical(conditions, &bytes)) < 0) {
        rc = yw_err_set(err, rc, NULL, "conditions too large");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_exchange_grants (id, application, consumer, key_id, "
                             "provider, code, kind, conditions, version, status, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *values[] = {id_out, application, consumer, key_id, provider, code, kind};
    for (int i = 0; i < 7; i++)
        yw_stmt_bind_text(st, i + 1, values[i], strlen(values[i]));
    yw_stmt_bind_text(st, 8, bytes.data, bytes.len);
    yw_stmt_bind_int64(st, 9, version);
    yw_stmt_bind_text(st, 10, now, strlen(now));
    yw_stmt_bind_text(st, 11, now, strlen(now));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    rc = yw_catalog_count_use(txn, yw_str_c(code), 1, 0, err);
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    return rc;
}

static json_t *grant_json(struct yw_exchange *ex, const struct yw__grant *g)
{
    int64_t uses, day_uses, records;
    yw__count_get(ex, g->id, yw_day_from_ms(yw_now_ms()), &uses, &day_uses, &records);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:O, s:{s:I, s:I, s:I}}", "id",
                     g->id, "application", g->application, "consumer", g->consumer, "key_id",
                     g->key_id, "provider", g->provider, "resource", g->code, "version",
                     (json_int_t)g->version, "kind", g->kind, "status", g->status, "conditions",
                     g->conditions, "used", "uses", (json_int_t)uses, "today", (json_int_t)day_uses,
                     "records", (json_int_t)records);
}

int yw_exchange_grants(struct yw_exchange *ex, const struct yw_principal *who, json_t **out,
                       struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    bool all = yw_policy_oversees(who, "exchange.arbitrate");
    const char *org = who ? who->org : "";
    int rc;

    *out = NULL;
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT " GRANT_COLUMNS " WHERE ? = 1 OR g.consumer = ? OR "
                             "g.provider = ? ORDER BY g.created_at DESC, g.id",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, all);
    yw_stmt_bind_text(st, 2, org, strlen(org));
    yw_stmt_bind_text(st, 3, org, strlen(org));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw__grant g;
        memset(&g, 0, sizeof(g));
        if ((rc = read_grant(NULL, st, &g, err)) < 0)
            goto out;
        json_array_append_new(list, grant_json(ex, &g));
        yw__grant_free(&g);
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "grants", list);
        rc = *out ? YW_OK : YW_ENOMEM;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}

int yw_exchange_grant_step(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str id,
                           struct yw_str step, struct yw_str reason, const char *actor,
                           json_t **out, struct yw_err *err)
{
    static const struct {
        const char *step, *from, *to;
    } steps[] = {{"suspend", "active", "suspended"},
                 {"resume", "suspended", "active"},
                 {"revoke", "active", "revoked"},
                 {"revoke", "suspended", "revoked"}};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw__grant g = {0};
    char id_c[YW__ID_SIZE], reason_c[501], now[32], type[40];
    int rc, k = -1;
    uint64_t index;

    *out = NULL;
    if (yw_fmt(id_c, sizeof(id_c), "%.*s", (int)id.n, id.p) < 0 ||
        yw_fmt(reason_c, sizeof(reason_c), "%.*s", (int)reason.n, reason.p ? reason.p : "") < 0)
        return yw_err_set(err, YW_EINVAL, "reason", "理由过长 / reason too long");
    if ((rc = yw_check_text(reason_c, 500, true, "reason", err)) < 0)
        return rc;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw__grant_load(txn, id_c, &g, err)) < 0)
        goto out;
    /* The provider's approvers and stewards, or the data authority. */
    struct yw_policy_object object = {"grant", g.id, g.provider};
    if (who != NULL && !yw_policy_oversees(who, "exchange.arbitrate") &&
        yw_policy_decide(who, "exchange.approve", &object, NULL) < 0 &&
        yw_policy_decide(who, "catalog.write", &object, NULL) < 0) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "只有提供方或数据主管部门可以处置授权 / only the provider or the data "
                        "authority may act on a grant");
        goto out;
    }
    bool known = false;
    for (size_t i = 0; i < N_OF(steps); i++) {
        known = known || yw_str_eq_c(step, steps[i].step);
        if (k < 0 && yw_str_eq_c(step, steps[i].step) && strcmp(g.status, steps[i].from) == 0)
            k = (int)i;
    }
    if (!known) {
        rc = yw_err_set(
            err, YW_ENOTFOUND, "step",
            "操作须为 suspend、resume 或 revoke / the step is suspend, resume or revoke");
        goto out;
    }
    if (k < 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "status",
                        "授权状态为 %s，不能 %.*s / a %s grant cannot "
                        "be %.*s",
                        g.status, (int)step.n, step.p, g.status, (int)step.n, step.p);
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_exchange_grants SET status = ?, reason = ?, updated_at = ? "
                             "WHERE id = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, steps[k].to, strlen(steps[k].to));
    yw_stmt_bind_text(st, 2, reason_c, strlen(reason_c));
    yw_stmt_bind_text(st, 3, now, strlen(now));
    yw_stmt_bind_text(st, 4, g.id, strlen(g.id));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if (strcmp(steps[k].to, "revoked") == 0) {
        if ((rc = yw_catalog_count_use(txn, yw_str_c(g.code), -1, 0, err)) < 0)
            goto out;
        if ((rc = yw_txn_prepare(txn,
                                 "UPDATE yw_exchange_applications SET status = 'revoked', "
                                 "updated_at = ? WHERE id = ?",
                                 &st, err)) < 0)
            goto out;
        yw_stmt_bind_text(st, 1, now, strlen(now));
        yw_stmt_bind_text(st, 2, g.application, strlen(g.application));
        if ((rc = yw_stmt_step(st, err)) < 0)
            goto out;
        yw_stmt_finalize(&st);
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    (void)yw_fmt(type, sizeof(type), "exchange.grant.%s", steps[k].step);
    if ((rc = yw_ledger_event(ex->cfg.catalog.ledger, type,
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "actor", actor, "grant",
                                        g.id, "consumer", g.consumer, "provider", g.provider,
                                        "resource", g.code, "reason", reason_c),
                              &index, err)) < 0)
        goto out;
    (void)yw_copy(g.status, sizeof(g.status), steps[k].to);
    *out = grant_json(ex, &g);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw__grant_free(&g);
    return rc;
}
