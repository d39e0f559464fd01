/* Materials obtained by sharing (数据跑路): a case's material that names a
 * catalog resource is delivered by the exchange under a standing grant of
 * the implementing organisation, like any system's delivery — checked,
 * counted, masked and in the ledger. */
#include "internal.h"

#include <pthread.h>
#include <string.h>

#include "exchange/exchange.h"
#include "policy/policy.h"

int yw__check_resource(const struct yw_services *s, const char *code, const json_t *columns,
                       const char *field, struct yw_err *err)
{
    json_t *doc = NULL, *f, *c;
    size_t i, k;
    int rc = yw_catalog_get(&s->catalog, NULL, yw_str_c(code), 0, &doc, err);
    if (rc == YW_ENOTFOUND ||
        (rc == YW_OK &&
         !yw_str_eq_c(yw_str_c(json_string_value(json_object_get(doc, "status"))), "published"))) {
        json_decref(doc);
        return yw_err_set(err, YW_EINVAL, field, "没有已发布的资源 %s / no published resource %s",
                          code, code);
    }
    if (rc < 0)
        return rc;
    json_array_foreach(columns, i, c)
    {
        bool found = false;
        json_array_foreach(json_object_get(doc, "fields"), k, f)
        {
            found = found || json_equal(json_object_get(f, "column"), c);
        }
        if (!found) {
            rc = yw_err_set(err, YW_EINVAL, field,
                            "资源 %s 没有信息项 %s / resource %s has no field %s", code,
                            json_string_value(c) ? json_string_value(c) : "?", code,
                            json_string_value(c) ? json_string_value(c) : "?");
            break;
        }
    }
    json_decref(doc);
    return rc;
}

/* A delivery waited for: the exchange answers on its committer's thread. */
struct waiter {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done;
    int rc;
    json_t *body;
    struct yw_err err;
};

static void delivered(void *cls, int rc, json_t *body, const struct yw_err *err)
{
    struct waiter *w = cls;
    pthread_mutex_lock(&w->lock);
    w->rc = rc;
    w->body = body;
    if (err != NULL)
        w->err = *err;
    w->done = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

int yw__fetch_material(const struct yw_services *s, const char *org, const json_t *m,
                       const char *applicant_id, json_t **content, char grant[48], int64_t *index,
                       char note[256], struct yw_err *err)
{
    struct yw_principal system = {.kind = YW_PRINCIPAL_SYSTEM};
    struct waiter w = {.done = false};
    struct yw_err why = {0};
    char key_id[48];
    const char *code = json_string_value(json_object_get(m, "resource"));
    const char *key_field = json_string_value(json_object_get(m, "key_field"));
    int rc;

    (void)err;
    *content = NULL;
    grant[0] = note[0] = '\0';
    *index = -1;
    if (s->exchange == NULL) {
        (void)yw_copy(note, 256, "本节点未开放数据交换 / the exchange is not open on this node");
        return YW_OK;
    }
    if ((rc = yw_exchange_standing_key(s->exchange, org, code, key_id, &why)) < 0) {
        (void)yw_copy(note, 256, why.message);
        return YW_OK;
    }
    (void)yw_fmt(system.login, sizeof(system.login), "key:%s", key_id);
    (void)yw_copy(system.org, sizeof(system.org), org);
    json_t *keys = json_pack("[{s:s}]", key_field, applicant_id);
    struct yw_delivery_request req = {&system, "", yw_str_c(code), keys, {NULL, 0}};
    pthread_mutex_init(&w.lock, NULL);
    pthread_cond_init(&w.cond, NULL);
    rc = keys ? yw_exchange_deliver(s->exchange, &req, delivered, &w) : YW_ENOMEM;
    pthread_mutex_lock(&w.lock);
    while (rc == YW_OK && !w.done)
        pthread_cond_wait(&w.cond, &w.lock);
    pthread_mutex_unlock(&w.lock);
    pthread_cond_destroy(&w.cond);
    pthread_mutex_destroy(&w.lock);
    json_decref(keys);
    if (rc < 0 || w.rc < 0) {
        (void)yw_fmt(note, 256, "%s",
                     rc < 0 ? "交付未能开始 / the delivery could not start" : w.err.message);
        return YW_OK;
    }
    json_t *records = json_object_get(w.body, "records"), *record = json_array_get(records, 0);
    (void)yw_copy(grant, 48, json_string_value(json_object_get(w.body, "grant")));
    *index = json_integer_value(json_object_get(w.body, "ledger_index"));
    if (!json_is_object(record)) {
        (void)yw_copy(note, 256,
                      "共享数据中没有申请人的记录 / no record of the applicant in the "
                      "shared data");
    } else {
        /* Only the material's fields, as the grant delivered them (masked). */
        json_t *out = json_object(), *column;
        size_t i;
        json_array_foreach(json_object_get(m, "fields"), i, column)
        {
            const char *c = json_string_value(column);
            json_t *v = json_object_get(record, c);
            if (v == NULL) {
                (void)yw_fmt(note, 256,
                             "授权不含信息项 %s / the standing grant does not include field %s", c,
                             c);
                break;
            }
            json_object_set(out, c, v);
        }
        if (note[0] == '\0')
            *content = json_incref(out);
        json_decref(out);
    }
    json_decref(w.body);
    return YW_OK;
}
