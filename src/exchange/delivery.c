/* Delivery: the hot path (DESIGN.md §4). Check the grant, count the use,
 * read and mask the records, and answer once the ledger entry is durable.
 * Refusals are ledgered too. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define CHINA_OFFSET_MS (8 * 3600 * 1000LL)

struct delivery {
    struct yw_exchange *ex;
    yw_delivery_done_fn done;
    void *cls;
    char grant[YW__ID_SIZE];
    char code[65];
    char id_element[33]; /* the data element of identity numbers */
    int64_t day, found;
    struct yw_buf answer; /* the answer's JSON up to its ledger index */
    json_t *subjects;     /* keyed hashes, for the subject index */
    struct yw_err refusal;
};

static void delivery_free(struct delivery *d)
{
    yw_buf_free(&d->answer);
    json_decref(d->subjects);
    free(d);
}

static void on_refused(void *cls, int rc, uint64_t index, const struct yw_err *err)
{
    struct delivery *d = cls;
    (void)index;
    if (rc < 0) /* the refusal could not be recorded: still refused, say why */
        d->done(d->cls, rc, NULL, 0, err);
    else
        d->done(d->cls, d->refusal.code, NULL, 0, &d->refusal);
    delivery_free(d);
}

/* Refuses with a reason code (in err->field) and a message; the refusal is
 * ledgered, and done is called once it is durable. */
static int refuse(struct delivery *d, const struct yw_delivery_request *req, const char *code_name,
                  const char *grant, const char *fmt_msg)
{
    struct yw_err err = {0};
    yw_err_set(&d->refusal, YW_EPERM, code_name, "%s", fmt_msg);
    json_t *entry =
        json_pack("{s:s, s:s, s:s, s:s%, s:s?, s:s, s:s, s:I}", "actor", req->who->login,
                  "consumer", req->who->org, "system", req->who->login + 4, "resource", req->code.p,
                  req->code.n, "grant", grant && grant[0] ? grant : NULL, "reason", code_name,
                  "remote", req->remote ? req->remote : "", "day", (json_int_t)d->day);
    int rc = yw_ledger_event_async(d->ex->cfg.catalog.ledger, "exchange.refusal", entry, on_refused,
                                   d, &err);
    if (rc < 0) {
        d->done(d->cls, rc, NULL, 0, &err);
        delivery_free(d);
    }
    return YW_OK;
}

static void on_delivered(void *cls, int rc, uint64_t index, const struct yw_err *err)
{
    struct delivery *d = cls;
    if (rc < 0) {
        yw__count_release(d->ex, d->grant, d->day, 0);
        d->done(d->cls, rc, NULL, 0, err);
    } else {
        yw__count_durable(d->ex, d->grant, d->code, d->day, d->found, 0, index, d->subjects);
        if (yw_buf_printf(&d->answer, "%llu}", (unsigned long long)index) < 0) {
            /* The entry is durable and counted: the answer alone is lost. */
            struct yw_err oom = {0};
            yw_err_set(&oom, YW_ENOMEM, NULL, "out of memory");
            d->done(d->cls, YW_ENOMEM, NULL, 0, &oom);
        } else {
            size_t n = d->answer.len;
            d->done(d->cls, YW_OK, yw_buf_take(&d->answer), n, NULL);
        }
    }
    delivery_free(d);
}

const char *yw__grant_broken(const struct yw__grant *g, const char *remote, struct yw_str purpose,
                             int64_t now_ms, size_t n_records, const char **message)
{
    int64_t local = now_ms + CHINA_OFFSET_MS;
    int64_t day = yw_day_from_ms(now_ms);
    int minute = (int)((local / 60000) % (24 * 60));
    int weekday = (int)((day + 3) % 7) + 1; /* 1970-01-01 was a Thursday */

    if (strcmp(g->status, "suspended") == 0)
        return *message = "授权已暂停 / the grant is suspended", "suspended";
    if (strcmp(g->status, "active") != 0)
        return *message = "授权已撤销 / the grant is revoked", "revoked";
    if (strcmp(g->resource_status, "archived") == 0)
        return *message = "资源已归档，停止共享 / the resource is archived: no longer shared",
               "archived";
    if (day < g->valid_from_day)
        return *message = "授权尚未生效 / the grant is not valid yet", "not_yet_valid";
    if (day > g->valid_to_day)
        return *message = "授权已过期 / the grant has expired", "expired";
    if (g->weekdays && !(g->weekdays & (1u << weekday)))
        return *message = "今天不在授权的日期内 / not on a day the grant allows", "weekday";
    if (g->hours_from >= 0 && (minute < g->hours_from || minute >= g->hours_to))
        return *message = "不在授权的时段内 / outside the hours the grant allows", "hours";
    if (g->source_ips[0] && !yw_ip_list_allows(yw_str_c(g->source_ips), remote ? remote : ""))
        return *message = "来源地址不在授权范围内 / the caller's address is not allowed",
               "source_ip";
    if (purpose.n && !yw_str_eq_c(purpose, g->purpose ? g->purpose : ""))
        return *message = "用途与授权不符 / the purpose differs from the grant's", "purpose";
    if (n_records > 0 && (int64_t)n_records > g->records_per_request)
        return *message = "超过每次请求的记录数 / more records than the grant allows per request",
               "records_per_request";
    return NULL;
}

/* The masks of the granted fields: the catalog's default for the field in
 * the resource's current version (a regrading applies at once to every
 * grant), or in the grant's version for a field the current one dropped;
 * "keep" where the grant clears it. *masks gets {column: operator}. */
static int masks_of(const struct yw__grant *g, const json_t *doc, const json_t *current,
                    json_t **masks, struct yw_err *err)
{
    size_t i;
    json_t *c;
    *masks = json_object();
    json_array_foreach(g->fields, i, c)
    {
        const char *column = json_string_value(c), *mask = NULL;
        const json_t *docs[] = {current, doc};
        for (size_t k = 0; k < 2 && mask == NULL; k++) {
            size_t j;
            json_t *f;
            json_array_foreach(json_object_get(docs[k], "fields"), j, f)
            {
                if (strcmp(json_string_value(json_object_get(f, "column")), column) == 0)
                    mask = json_string_value(json_object_get(f, "mask"));
            }
        }
        if (yw_json_array_has(g->clear_masks, column))
            mask = "keep";
        json_object_set_new(*masks, column, json_string(mask ? mask : "redact"));
    }
    return json_object_size(*masks) ? YW_OK
                                    : yw_err_set(err, YW_EINTERNAL, NULL, "grant without fields");
}

/* The record masked field by field; identity numbers of its subjects are
 * hashed into subjects. */
static int mask_record(struct yw_exchange *ex, const char *id_element, const json_t *doc,
                       const json_t *masks, const json_t *record, json_t *subjects, json_t **out,
                       struct yw_err *err)
{
    struct yw_mask_key key = {ex->cfg.catalog.profile, ex->pseudonym_key,
                              sizeof(ex->pseudonym_key)};
    struct yw_buf b;
    const char *column;
    json_t *op;
    int rc = YW_OK;

    yw_buf_init(&b, 256 * 1024);
    *out = json_object();
    json_object_foreach((json_t *)masks, column, op)
    {
        json_t *v = json_object_get(record, column);
        struct yw_mask m;
        bool is_null = true;
        yw_buf_reset(&b);
        if ((rc = yw_mask_parse(yw_str_c(json_string_value(op)), &m, column, err)) < 0)
            break;
        if (v != NULL &&
            (rc = yw_mask_apply(&m, yw_str_c(json_string_value(v)), &key, &b, &is_null)) < 0) {
            yw_err_set(err, rc, column, "cannot mask %s", column);
            break;
        }
        json_object_set_new(*out, column,
                            is_null ? json_null() : json_stringn(b.data ? b.data : "", b.len));
    }
    /* Subjects: every value of a field carrying the identity-number element. */
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        const char *element = json_string_value(json_object_get(f, "element"));
        const char *value = json_string_value(
            json_object_get(record, json_string_value(json_object_get(f, "column"))));
        if (rc == YW_OK && element && value && id_element[0] && strcmp(element, id_element) == 0) {
            char hash[65];
            yw__subject_hash(ex, yw_str_c(value), hash);
            json_array_append_new(subjects, json_string(hash));
        }
    }
    yw_buf_free(&b);
    return rc;
}

/* Reads and masks the records asked for; *records gets the answer's array
 * (null where nothing has that key). */
static int read_records(struct delivery *d, struct yw_txn *txn, const json_t *doc,
                        const json_t *masks, const json_t *keys, json_t **records,
                        struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf key;
    size_t i;
    json_t *k;
    int rc = yw_txn_prepare(txn, "SELECT data FROM yw_exchange_records WHERE code = ? AND key = ?",
                            &st, err);

    *records = json_array();
    yw_buf_init(&key, 64 * 1024);
    const char *code = json_string_value(json_object_get(doc, "code"));
    json_array_foreach(rc == YW_OK ? keys : NULL, i, k)
    {
        if ((rc = yw__record_key(doc, k, d->id_element, &key, err)) < 0)
            break;
        (void)yw_stmt_reset(st);
        yw_stmt_bind_text(st, 1, code, strlen(code));
        yw_stmt_bind_text(st, 2, key.data, key.len);
        if ((rc = yw_stmt_step(st, err)) < 0)
            break;
        if (rc == 0) {
            json_array_append_new(*records, json_null());
            rc = YW_OK;
            continue;
        }
        struct yw_str data = yw_stmt_column_text(st, 0);
        json_t *record = json_loadb(data.p, data.n, 0, NULL), *masked = NULL;
        rc = record
                 ? mask_record(d->ex, d->id_element, doc, masks, record, d->subjects, &masked, err)
                 : yw_err_set(err, YW_EINTERNAL, NULL, "stored record is not JSON");
        json_decref(record);
        if (rc < 0) {
            json_decref(masked);
            break;
        }
        json_array_append_new(*records, masked);
        d->found++;
    }
    yw_stmt_finalize(&st);
    yw_buf_free(&key);
    return rc;
}

static int append_json_cb(const char *p, size_t n, void *cls)
{
    return yw_buf_append(cls, p, n) == YW_OK ? 0 : -1;
}

/* Appends value as compact JSON, its members in their order (the grant's). */
static int append_json(struct yw_buf *b, const json_t *value)
{
    return json_dump_callback(value, append_json_cb, b, JSON_COMPACT) == 0 ? YW_OK : YW_ETOOBIG;
}

/* The answer up to its ledger index: {"resource", "version", "grant",
 * "masks", "records", "digest", "ledger_index": */
static int answer_prefix(struct delivery *d, const char *code, const struct yw__grant *g,
                         const json_t *masks, const json_t *records, const char *digest)
{
    struct yw_buf *b = &d->answer;
    int rc = yw_buf_append_c(b, "{\"resource\":\"");
    if (rc == YW_OK)
        rc = yw_json_escape(b, yw_str_c(code));
    if (rc == YW_OK)
        rc = yw_buf_printf(b, "\",\"version\":%lld,\"grant\":\"", (long long)g->version);
    if (rc == YW_OK)
        rc = yw_json_escape(b, yw_str_c(g->id));
    if (rc == YW_OK)
        rc = yw_buf_append_c(b, "\",\"masks\":");
    if (rc == YW_OK)
        rc = append_json(b, masks);
    if (rc == YW_OK)
        rc = yw_buf_append_c(b, ",\"records\":");
    if (rc == YW_OK)
        rc = append_json(b, records);
    if (rc == YW_OK)
        rc = yw_buf_printf(b, ",\"digest\":\"%s\",\"ledger_index\":", digest);
    return rc;
}

int yw_exchange_deliver(struct yw_exchange *ex, const struct yw_delivery_request *req,
                        yw_delivery_done_fn done, void *cls)
{
    struct delivery *d = calloc(1, sizeof(*d));
    struct yw__grant g = {0};
    struct yw_txn *txn = req->txn; /* taken */
    struct yw_err err = {0};
    json_t *doc = NULL, *current = NULL, *masks = NULL, *records = NULL, *entry = NULL;
    const char *why = NULL, *message = NULL;
    bool reserved = false;
    int64_t now = yw_now_ms();
    char key_id[YW__ID_SIZE], code[65];
    int rc;

    if (d == NULL) {
        yw_store_rollback(&txn);
        return YW_ENOMEM;
    }
    *d = (struct delivery){
        .ex = ex, .done = done, .cls = cls, .day = yw_day_from_ms(now), .subjects = json_array()};
    yw_buf_init(&d->answer, 32 * 1024 * 1024);
    if (req->who == NULL || req->who->kind != YW_PRINCIPAL_SYSTEM ||
        strncmp(req->who->login, "key:", 4) != 0) {
        rc = yw_err_set(&err, YW_EPERM, NULL,
                        "数据只交付给持有 API 密钥的业务系统 / data is delivered only to systems "
                        "with an API key");
        goto fail;
    }
    size_t n_keys = json_array_size(req->keys);
    if (!json_is_array(req->keys) || n_keys == 0 || n_keys > YW__KEYS_MAX ||
        yw_fmt(code, sizeof(code), "%.*s", (int)req->code.n, req->code.p) < 0) {
        rc = yw_err_set(&err, YW_EINVAL, "keys", "须查询 1 至 %d 条记录 / ask for 1 to %d records",
                        YW__KEYS_MAX, YW__KEYS_MAX);
        goto fail;
    }
    (void)yw_copy(key_id, sizeof(key_id), req->who->login + 4);
    if (txn == NULL && (rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, &err)) < 0)
        goto fail;
    rc = yw__grant_for_shared(ex, txn, key_id, code, "records", &g, &err);
    if (rc == YW_ENOTFOUND) {
        yw_store_rollback(&txn);
        return refuse(d, req, "no_grant", NULL, "没有该资源的授权 / no grant for this resource");
    }
    if (rc < 0)
        goto fail;
    if ((why = yw__grant_broken(&g, req->remote, req->purpose, now, n_keys, &message)) != NULL) {
        yw_store_rollback(&txn);
        rc = refuse(d, req, why, g.id, message);
        yw__grant_free(&g);
        return rc;
    }
    enum yw__admit admit = yw__count_reserve(ex, &g, d->day, 0);
    if (admit != YW__ADMIT_OK) {
        yw_store_rollback(&txn);
        rc = refuse(d, req, admit == YW__ADMIT_DAILY ? "daily_quota" : "quota", g.id,
                    admit == YW__ADMIT_DAILY ? "今日次数已用完 / today's uses are spent"
                                             : "授权次数已用完 / the grant's uses are spent");
        yw__grant_free(&g);
        return rc;
    }
    reserved = true;
    (void)yw_copy(d->grant, sizeof(d->grant), g.id);
    (void)yw_copy(d->code, sizeof(d->code), g.code);
    if ((rc = yw__id_element(ex, txn, d->id_element, &err)) < 0)
        goto fail;
    /* The documents are nearly always cached, and then the records are read
     * in the grant's transaction. A cache miss reads through the catalog on
     * another pooled connection: the transaction ends first (never hold two
     * connections at once) and a new one reads the records. */
    doc = yw__cached_doc(ex, yw_str_c(code), g.version);
    current = yw__cached_doc(ex, yw_str_c(code), g.current_version);
    if (doc == NULL || current == NULL) {
        yw_store_rollback(&txn);
        json_decref(doc);
        json_decref(current);
        doc = current = NULL;
        if ((rc = yw__published_doc(ex, yw_str_c(code), g.version, &doc, &err)) < 0 ||
            (rc = yw__published_doc(ex, yw_str_c(code), g.current_version, &current, &err)) < 0 ||
            (rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, &err)) < 0)
            goto fail;
    }
    if ((masks = yw__grant_masks_get(ex, &g)) == NULL) {
        if ((rc = masks_of(&g, doc, current, &masks, &err)) < 0)
            goto fail;
        yw__grant_masks_put(ex, &g, json_incref(masks));
    }
    if ((rc = read_records(d, txn, doc, masks, req->keys, &records, &err)) < 0)
        goto fail;
    yw_store_rollback(&txn);

    /* The entry: who received what, under which grant, and a digest of it. */
    struct yw_buf bytes;
    uint8_t h[YW_HASH_SIZE];
    char digest[2 * YW_HASH_SIZE + 1];
    yw_buf_init(&bytes, 16 * 1024 * 1024);
    rc = yw_ledger_canonical(records, &bytes);
    if (rc == YW_OK)
        rc = yw_hash(ex->cfg.catalog.profile, bytes.data, bytes.len, h);
    if (rc < 0) {
        yw_buf_free(&bytes);
        yw_err_set(&err, rc, NULL, "cannot digest the answer");
        goto fail;
    }
    yw_hex(h, sizeof(h), digest);
    json_t *fields = json_array();
    const char *column;
    json_t *op;
    json_object_foreach(masks, column, op)
    {
        json_array_append_new(fields, json_string(column));
    }
    entry = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o, s:O, s:I, s:I, s:s, s:O, "
                      "s:I, s:s}",
                      "actor", req->who->login, "consumer", req->who->org, "system", key_id,
                      "provider", g.provider, "resource", code, "version", (json_int_t)g.version,
                      "grant", g.id, "purpose", g.purpose ? g.purpose : "", "fields", fields,
                      "masks", masks, "requested", (json_int_t)n_keys, "records",
                      (json_int_t)d->found, "digest", digest, "subjects", d->subjects, "day",
                      (json_int_t)d->day, "remote", req->remote ? req->remote : "");
    /* The answer, written here rather than serialised on the I/O thread;
     * the committer's callback appends the ledger index. */
    yw_buf_free(&bytes);
    if (entry != NULL)
        rc = answer_prefix(d, code, &g, masks, records, digest);
    if (entry == NULL || rc < 0) {
        json_decref(entry);
        rc = yw_err_set(&err, YW_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    if ((rc = yw_ledger_event_async(ex->cfg.catalog.ledger, "exchange.delivery", entry,
                                    on_delivered, d, &err)) < 0) {
        goto fail;
    }
    json_decref(doc);
    json_decref(current);
    json_decref(masks);
    json_decref(records);
    yw__grant_free(&g);
    return YW_OK;
fail:
    if (reserved)
        yw__count_release(ex, d->grant, d->day, 0);
    yw_store_rollback(&txn);
    done(cls, rc, NULL, 0, &err);
    delivery_free(d);
    json_decref(doc);
    json_decref(current);
    json_decref(masks);
    json_decref(records);
    yw__grant_free(&g);
    return YW_OK;
}
