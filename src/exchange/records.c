/* The providers' records: checked against the resource's fields, keyed by
 * its key fields, loaded all or nothing. */
#include "internal.h"

#include <string.h>

#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define VALUE_MAX (64 * 1024) /* bytes of one value */

int yw__record_key(const json_t *doc, const json_t *values, const char *id_element,
                   struct yw_buf *out, struct yw_err *err)
{
    size_t i, n = 0;
    json_t *f;
    yw_buf_reset(out);
    json_array_foreach(json_object_get(doc, "fields"), i, f)
    {
        if (!json_is_true(json_object_get(f, "key")))
            continue;
        const char *column = json_string_value(json_object_get(f, "column"));
        const char *v = json_string_value(json_object_get(values, column));
        if (v == NULL || !v[0])
            return yw_err_set(err, YW_EINVAL, column, "缺少主键字段 %s / key field %s is missing",
                              column, column);
        const char *element = json_string_value(json_object_get(f, "element"));
        char id[19];
        if (element && id_element && id_element[0] && strcmp(element, id_element) == 0 &&
            yw_id_check_resident(yw_str_c(v), yw_now_ms(), column, id, NULL) == YW_OK)
            v = id; /* the stored form: an upper-case X */
        if ((n++ && yw_buf_append(out, "\x1f", 1) < 0) || yw_buf_append_c(out, v) < 0)
            return yw_err_set(err, YW_ETOOBIG, column, "主键过长 / the key is too long");
    }
    if (n == 0)
        return yw_err_set(err, YW_EINVAL, "resource",
                          "该资源没有主键字段，只能以数据沙箱使用 / the resource declares no key "
                          "field: it can only be used through the sandbox");
    return YW_OK;
}

static bool digits(const char *s, bool sign, bool point)
{
    bool any = false, dot = false;
    if (sign && (*s == '-' || *s == '+'))
        s++;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            any = true;
        else if (*s == '.' && point && !dot)
            dot = true;
        else
            return false;
    }
    return any;
}

/* YYYY-MM-DD, a real date of any year from 1 (birth dates precede 1970). */
static bool date_ok(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t y, m, d;
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-' ||
        yw_parse_int64((struct yw_str){s, 4}, 1, 9999, &y) < 0 ||
        yw_parse_int64((struct yw_str){s + 5, 2}, 1, 12, &m) < 0 ||
        yw_parse_int64((struct yw_str){s + 8, 2}, 1, 31, &d) < 0)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

/* Checks one value against its field; *norm may point at a normalised form
 * (in buf, or a constant): booleans as true/false, identity numbers with an
 * upper-case X. */
static int check_value(const json_t *field, const char *value, const char *id_element, char buf[19],
                       const char **norm, struct yw_err *err)
{
    const char *column = json_string_value(json_object_get(field, "column"));
    const char *type = json_string_value(json_object_get(field, "data_type"));
    const char *element = json_string_value(json_object_get(field, "element"));
    int64_t length = json_integer_value(json_object_get(field, "length"));
    size_t chars = 0;
    bool ok = true;

    *norm = value;
    if (!yw_utf8_valid(value, strlen(value)))
        return yw_err_set(err, YW_EINVAL, column, "%s 不是合法的 UTF-8 / %s is not UTF-8", column,
                          column);
    for (const char *p = value; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    switch (type[0]) {
    case 'C': ok = length == 0 || (int64_t)chars <= length; break;
    case 'N':
    case 'I': {
        int64_t n_digits = 0;
        for (const char *p = value; *p; p++)
            n_digits += *p >= '0' && *p <= '9';
        ok = digits(value, true, type[0] == 'N') && (length == 0 || n_digits <= length);
        break;
    }
    case 'Y':
    case 'B':
    case 'F': ok = digits(value, true, true); break;
    case 'D': ok = strlen(value) == 10 && date_ok(value); break;
    case 'T':
        ok = strlen(value) >= 19 && date_ok(value) && (value[10] == 'T' || value[10] == ' ');
        break;
    case 'L':
        if (strcmp(value, "true") == 0 || strcmp(value, "是") == 0 || strcmp(value, "1") == 0)
            *norm = "true";
        else if (strcmp(value, "false") == 0 || strcmp(value, "否") == 0 || strcmp(value, "0") == 0)
            *norm = "false";
        else
            ok = false;
        break;
    default: break;
    }
    if (!ok)
        return yw_err_set(err, YW_EINVAL, column,
                          "%s 的值不符合数据类型 %s%s / %s does not fit data type %s (length %lld)",
                          column, type, length ? "及长度" : "", column, type, (long long)length);
    /* An identity number must pass its check (GB 11643), and is kept with an
     * upper-case X so that lookups and subject hashes find it either way. */
    if (element && id_element[0] && strcmp(element, id_element) == 0) {
        int rc = yw_id_check_resident(yw_str_c(value), yw_now_ms(), column, buf, err);
        *norm = buf;
        return rc;
    }
    return YW_OK;
}

/* Builds the stored record from values (object column → string), checked.
 * *record is new. */
static int build_record(const char *id_element, const json_t *doc, const json_t *values,
                        json_t **record, struct yw_err *err)
{
    const char *key;
    json_t *v;
    *record = json_object();
    json_object_foreach((json_t *)values, key, v)
    {
        size_t i;
        json_t *f, *field = NULL;
        json_array_foreach(json_object_get(doc, "fields"), i, f)
        {
            if (strcmp(json_string_value(json_object_get(f, "column")), key) == 0)
                field = f;
        }
        if (field == NULL)
            return yw_err_set(err, YW_EINVAL, key, "资源没有字段 %s / the resource has no field %s",
                              key, key);
        char number[32], id[19];
        const char *text = json_string_value(v), *norm;
        if (json_is_null(v) || (text && !text[0]))
            continue;
        if (json_is_integer(v)) {
            (void)yw_fmt(number, sizeof(number), "%lld", (long long)json_integer_value(v));
            text = number;
        } else if (json_is_real(v)) {
            (void)yw_fmt(number, sizeof(number), "%.17g", json_real_value(v));
            text = number;
        } else if (json_is_boolean(v)) {
            text = json_is_true(v) ? "true" : "false";
        }
        if (text == NULL || strlen(text) > VALUE_MAX)
            return yw_err_set(err, YW_EINVAL, key,
                              "%s 须为文本、数字或布尔值 / %s must be text, a "
                              "number or a boolean",
                              key, key);
        int rc = check_value(field, text, id_element, id, &norm, err);
        if (rc < 0)
            return rc;
        json_object_set_new(*record, key, json_string(norm));
    }
    return YW_OK;
}

/* Whether who may load or change code's records (its provider's stewards). */
static int may_load(const struct yw_principal *who, const json_t *doc, struct yw_err *err)
{
    struct yw_policy_object object = {"resource", json_string_value(json_object_get(doc, "code")),
                                      json_string_value(json_object_get(doc, "provider"))};
    return who == NULL ? YW_OK : yw_policy_decide(who, "exchange.load", &object, err);
}

int yw__id_element(struct yw_exchange *ex, struct yw_txn *txn, char out[33], struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    pthread_mutex_lock(&ex->lock);
    (void)yw_copy(out, 33, ex->id_element);
    pthread_mutex_unlock(&ex->lock);
    if (out[0])
        return YW_OK;
    int rc = yw_txn_prepare(txn, "SELECT id FROM yw_catalog_elements WHERE name = '公民身份号码'",
                            &st, err);
    if (rc == YW_OK && (rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str id = yw_stmt_column_text(st, 0);
        (void)yw_fmt(out, 33, "%.*s", (int)id.n, id.p);
        pthread_mutex_lock(&ex->lock);
        (void)yw_copy(ex->id_element, sizeof(ex->id_element), out);
        pthread_mutex_unlock(&ex->lock);
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

#define BATCH 200 /* records per INSERT: one round trip to PostgreSQL for many rows */

struct loader {
    struct yw_exchange *ex;
    char id_element[33];
    const json_t *doc;
    struct yw_txn *txn;
    struct yw_str code;
    struct yw_buf key, data;
    char now[32];
    json_t *errors;
    size_t count;
    struct yw_buf pending; /* key NUL data NUL, for each record of the batch */
    size_t n_pending;
};

/* Writes the pending records with one multi-row upsert. */
static int flush(struct loader *l, struct yw_err *err)
{
    struct yw_buf sql;
    struct yw_stmt *st = NULL;
    int rc = YW_OK;

    if (l->n_pending == 0)
        return YW_OK;
    yw_buf_init(&sql, 64 * 1024);
    rc = yw_buf_append_c(&sql, "INSERT INTO yw_exchange_records (code, key, data, updated_at) "
                               "VALUES ");
    for (size_t i = 0; rc == YW_OK && i < l->n_pending; i++)
        rc = yw_buf_append_c(&sql, i ? ", (?, ?, ?, ?)" : "(?, ?, ?, ?)");
    if (rc == YW_OK)
        rc = yw_buf_append_c(&sql, " ON CONFLICT (code, key) DO UPDATE SET data = excluded.data, "
                                   "updated_at = excluded.updated_at");
    if (rc < 0) {
        rc = yw_err_set(err, rc, NULL, "batch too large");
        goto out;
    }
    if ((rc = yw_txn_prepare(l->txn, sql.data, &st, err)) < 0)
        goto out;
    const char *p = l->pending.data;
    for (size_t i = 0; i < l->n_pending; i++) {
        size_t key_len = strlen(p), data_len = strlen(p + key_len + 1);
        yw_stmt_bind_text(st, (int)(4 * i + 1), l->code.p, l->code.n);
        yw_stmt_bind_text(st, (int)(4 * i + 2), p, key_len);
        yw_stmt_bind_text(st, (int)(4 * i + 3), p + key_len + 1, data_len);
        yw_stmt_bind_text(st, (int)(4 * i + 4), l->now, strlen(l->now));
        p += key_len + data_len + 2;
    }
    rc = yw_stmt_step(st, err);
    rc = rc < 0 ? rc : YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_buf_free(&sql);
    yw_buf_reset(&l->pending);
    l->n_pending = 0;
    return rc;
}

/* Queues the record of l->key and l->data; a key already in the batch is
 * written first (one statement may not change a row twice). */
static int queue(struct loader *l, struct yw_err *err)
{
    const char *p = l->pending.data;
    for (size_t i = 0; p && i < l->n_pending; i++) {
        size_t key_len = strlen(p), data_len = strlen(p + key_len + 1);
        if (key_len == l->key.len && memcmp(p, l->key.data, key_len) == 0) {
            int rc = flush(l, err);
            if (rc < 0)
                return rc;
            break;
        }
        p += key_len + data_len + 2;
    }
    if (yw_buf_append(&l->pending, l->key.data, l->key.len) < 0 ||
        yw_buf_append(&l->pending, "", 1) < 0 ||
        yw_buf_append(&l->pending, l->data.data, l->data.len) < 0 ||
        yw_buf_append(&l->pending, "", 1) < 0)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    return ++l->n_pending == BATCH ? flush(l, err) : YW_OK;
}

static void add_error(json_t *errors, long line, const struct yw_err *e)
{
    if (json_array_size(errors) < YW__ERRORS_MAX)
        json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line,
                                                "field", e->field, "message", e->message));
}

/* One record from values; a bad one is an error of its line. Fails only
 * when the database does. */
static int load_one(struct loader *l, long line, const json_t *values, struct yw_err *err)
{
    json_t *record = NULL;
    struct yw_err e = {0};
    int rc = build_record(l->id_element, l->doc, values, &record, &e);
    if (rc == YW_OK)
        rc = yw__record_key(l->doc, record, l->id_element, &l->key, &e);
    yw_buf_reset(&l->data);
    if (rc == YW_OK && yw_ledger_canonical(record, &l->data) < 0)
        rc = yw_err_set(&e, YW_ETOOBIG, NULL, "记录过大 / the record is too large");
    json_decref(record);
    if (rc < 0) {
        add_error(l->errors, line, &e);
        return YW_OK;
    }
    if (json_array_size(l->errors))
        return YW_OK; /* nothing will be written: only keep checking */
    if ((rc = queue(l, err)) < 0)
        return rc;
    l->count++;
    return YW_OK;
}

static int load_csv(struct loader *l, const char *data, size_t n, struct yw_err *err)
{
    struct yw_csv csv;
    struct yw_str f[YW_CSV_MAX_FIELDS];
    json_t *header = json_array();
    size_t n_fields;
    int rc;

    yw_csv_init(&csv, data, n);
    while ((rc = yw_csv_next(&csv, f, &n_fields, err)) == 1) {
        if (json_array_size(header) == 0) {
            for (size_t i = 0; i < n_fields; i++)
                json_array_append_new(header, json_stringn(f[i].p, f[i].n));
            continue;
        }
        if (n_fields != json_array_size(header)) {
            struct yw_err e = {0};
            yw_err_set(&e, YW_EINVAL, NULL,
                       "列数与表头不符 / the row and the header differ in "
                       "columns");
            add_error(l->errors, csv.line, &e);
            continue;
        }
        json_t *values = json_object();
        for (size_t i = 0; i < n_fields; i++)
            if (f[i].n)
                json_object_set_new(values, json_string_value(json_array_get(header, i)),
                                    json_stringn(f[i].p, f[i].n));
        rc = load_one(l, csv.line, values, err);
        json_decref(values);
        if (rc < 0)
            break;
    }
    if (rc < 0 && rc != YW_EDB && rc != YW_EBUSY) {
        add_error(l->errors, csv.line, err);
        rc = YW_OK;
    }
    yw_csv_free(&csv);
    json_decref(header);
    return rc < 0 ? rc : YW_OK;
}

static int load_jsonl(struct loader *l, const char *data, size_t n, struct yw_err *err)
{
    long line = 0;
    for (size_t pos = 0; pos < n;) {
        const char *nl = memchr(data + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : n - pos;
        line++;
        struct yw_str s = {data + pos, len};
        if (line == 1 && s.n >= 3 && memcmp(s.p, "\xEF\xBB\xBF", 3) == 0)
            s = (struct yw_str){s.p + 3, s.n - 3}; /* a UTF-8 byte-order mark */
        pos += len + 1;
        while (s.n && (s.p[s.n - 1] == '\r' || s.p[s.n - 1] == ' '))
            s.n--;
        if (s.n == 0)
            continue;
        json_error_t jerr;
        json_t *values =
            yw_utf8_valid(s.p, s.n) ? json_loadb(s.p, s.n, JSON_REJECT_DUPLICATES, &jerr) : NULL;
        if (!json_is_object(values)) {
            struct yw_err e = {0};
            yw_err_set(&e, YW_EINVAL, NULL, "不是 JSON 对象 / not a JSON object");
            add_error(l->errors, line, &e);
            json_decref(values);
            continue;
        }
        int rc = load_one(l, line, values, err);
        json_decref(values);
        if (rc < 0)
            return rc;
    }
    return YW_OK;
}

int yw_exchange_load(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                     enum yw_records_format format, const char *data, size_t n, const char *actor,
                     size_t *count, json_t **errors, struct yw_err *err)
{
    struct loader l = {.ex = ex, .errors = json_array()};
    yw_buf_init(&l.pending, 64 * 1024 * 1024);
    struct yw_txn *txn = NULL;
    json_t *doc = NULL;
    uint64_t index;
    int rc;

    *count = 0;
    *errors = NULL;
    yw_buf_init(&l.key, 64 * 1024);
    yw_buf_init(&l.data, 4 * 1024 * 1024);
    yw_time_rfc3339(yw_now_ms(), l.now);
    if ((rc = yw__published_doc(ex, code, 0, &doc, err)) < 0 || (rc = may_load(who, doc, err)) < 0)
        goto out;
    l.doc = doc;
    l.code = code;
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw__id_element(ex, txn, l.id_element, err)) < 0)
        goto out;
    l.txn = txn;
    rc = format == YW_RECORDS_CSV ? load_csv(&l, data, n, err) : load_jsonl(&l, data, n, err);
    if (rc == YW_OK && json_array_size(l.errors) == 0)
        rc = flush(&l, err);
    if (rc < 0)
        goto out;
    if (json_array_size(l.errors)) {
        *errors = json_incref(l.errors);
        rc = yw_err_set(err, YW_EINVAL, NULL,
                        "文件有 %zu 处错误，未写入任何记录 / %zu errors in the file: nothing was "
                        "written",
                        json_array_size(l.errors), json_array_size(l.errors));
        goto out;
    }
    if ((rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = yw_catalog_data_updated(&ex->cfg.catalog, code, yw_now_ms(), err)) < 0 ||
        (rc = yw_ledger_event(ex->cfg.catalog.ledger, "exchange.records.load",
                              json_pack("{s:s, s:s%, s:I}", "actor", actor, "resource", code.p,
                                        code.n, "records", (json_int_t)l.count),
                              &index, err)) < 0)
        goto out;
    *count = l.count;
out:
    yw_store_rollback(&txn);
    yw_buf_free(&l.key);
    yw_buf_free(&l.data);
    yw_buf_free(&l.pending);
    json_decref(l.errors);
    json_decref(doc);
    return rc;
}

/* Upsert (record) or delete (key) of one record. */
static int change_one(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                      const json_t *record, const json_t *key_values, const char *actor,
                      struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf key, data;
    json_t *doc = NULL, *built = NULL;
    char now[32], id_element[33];
    uint64_t index;
    int rc;

    yw_buf_init(&key, 64 * 1024);
    yw_buf_init(&data, 4 * 1024 * 1024);
    yw_time_rfc3339(yw_now_ms(), now);
    if (!json_is_object(record ? record : key_values)) {
        rc = yw_err_set(err, YW_EINVAL, NULL, "记录须为 JSON 对象 / a record is a JSON object");
        goto out;
    }
    if ((rc = yw__published_doc(ex, code, 0, &doc, err)) < 0 ||
        (rc = may_load(who, doc, err)) < 0 ||
        (rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw__id_element(ex, txn, id_element, err)) < 0 ||
        (rc = build_record(id_element, doc, record ? record : key_values, &built, err)) < 0 ||
        (rc = yw__record_key(doc, built, id_element, &key, err)) < 0)
        goto out;
    if (record && (rc = yw_ledger_canonical(built, &data)) < 0) {
        rc = yw_err_set(err, rc, NULL, "记录过大 / the record is too large");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             record ? "INSERT INTO yw_exchange_records (code, key, data, "
                                      "updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (code, key) DO "
                                      "UPDATE SET data = excluded.data, updated_at = "
                                      "excluded.updated_at"
                                    : "DELETE FROM yw_exchange_records WHERE code = ? AND key = ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, code.p, code.n);
    yw_stmt_bind_text(st, 2, key.data, key.len);
    if (record) {
        yw_stmt_bind_text(st, 3, data.data, data.len);
        yw_stmt_bind_text(st, 4, now, strlen(now));
    }
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (!record && yw_stmt_changes(st) == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, NULL, "没有这条记录 / no such record");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = yw_catalog_data_updated(&ex->cfg.catalog, code, yw_now_ms(), err)) < 0)
        goto out;
    /* The ledger names the change, never the record's content or key. */
    rc = yw_ledger_event(
        ex->cfg.catalog.ledger, record ? "exchange.records.put" : "exchange.records.delete",
        json_pack("{s:s, s:s%}", "actor", actor, "resource", code.p, code.n), &index, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&key);
    yw_buf_free(&data);
    json_decref(doc);
    json_decref(built);
    return rc;
}

int yw_exchange_put(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                    const json_t *record, const char *actor, struct yw_err *err)
{
    return change_one(ex, who, code, record, NULL, actor, err);
}

int yw_exchange_delete(struct yw_exchange *ex, const struct yw_principal *who, struct yw_str code,
                       const json_t *key, const char *actor, struct yw_err *err)
{
    return change_one(ex, who, code, NULL, key, actor, err);
}
