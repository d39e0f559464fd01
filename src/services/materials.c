/* Materials obtained by sharing (数据跑路): a case's material that names a
 * catalog resource is delivered by the exchange under a standing grant of
 * the implementing organisation, like any system's delivery — checked,
 * counted, masked and in the ledger. */
#include "internal.h"

#include <stdlib.h>
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

/* A delivery's answer (JSON bytes), on the exchange's thread. */
static void delivered(void *cls, int rc, char *body_take, size_t n, const struct yw_err *err)
{
    struct yw__fetch *f = cls;
    f->rc = rc;
    if (rc == YW_OK) {
        f->body = json_loadb(body_take, n, 0, NULL);
        if (f->body == NULL)
            f->rc = yw_err_set(&f->err, YW_ENOMEM, NULL, "交付的答复不可读 / unreadable answer");
    } else if (err != NULL) {
        f->err = *err;
    }
    free(body_take);
    yw__group_done(f->group);
}

/* The material's fields of the delivered record, or why there are none. */
static void take_record(struct yw__fetch *f)
{
    json_t *record = json_array_get(json_object_get(f->body, "records"), 0), *column;
    size_t i;
    (void)yw_copy(f->grant, sizeof(f->grant), json_string_value(json_object_get(f->body, "grant")));
    f->index = json_integer_value(json_object_get(f->body, "ledger_index"));
    if (!json_is_object(record)) {
        (void)yw_copy(f->note, sizeof(f->note),
                      "共享数据中没有申请人的记录 / no record of the applicant in the shared data");
        return;
    }
    json_t *out = json_object();
    json_array_foreach(json_object_get(f->material, "fields"), i, column)
    {
        const char *c = json_string_value(column);
        json_t *v = json_object_get(record, c);
        if (v == NULL) {
            (void)yw_fmt(f->note, sizeof(f->note),
                         "授权不含信息项 %s / the standing grant does not include field %s", c, c);
            json_decref(out);
            return;
        }
        json_object_set(out, c, v);
    }
    f->content = out;
}

void yw__fetch_materials(const struct yw_services *s, const char *org, const char *applicant_id,
                         struct yw__fetch *f, size_t n)
{
    struct yw_principal systems[YW__MATERIALS_MAX];
    json_t *keys[YW__MATERIALS_MAX] = {NULL};
    struct yw__group group;

    yw__group_init(&group);
    for (size_t i = 0; i < n && i < YW__MATERIALS_MAX; i++) {
        const char *code = json_string_value(json_object_get(f[i].material, "resource"));
        const char *key_field = json_string_value(json_object_get(f[i].material, "key_field"));
        char key_id[48];
        f[i].content = f[i].body = NULL;
        f[i].grant[0] = f[i].note[0] = '\0';
        f[i].index = -1;
        f[i].group = &group;
        f[i].rc = YW_OK;
        if (s->exchange == NULL) {
            (void)yw_copy(f[i].note, sizeof(f[i].note),
                          "本节点未开放数据交换 / the exchange is not open on this node");
            continue;
        }
        if (yw_exchange_standing_key(s->exchange, org, code, key_id, &f[i].err) < 0) {
            (void)yw_copy(f[i].note, sizeof(f[i].note), f[i].err.message);
            continue;
        }
        systems[i] = (struct yw_principal){.kind = YW_PRINCIPAL_SYSTEM};
        (void)yw_fmt(systems[i].login, sizeof(systems[i].login), "key:%s", key_id);
        (void)yw_copy(systems[i].org, sizeof(systems[i].org), org);
        keys[i] = json_pack("[{s:s}]", key_field, applicant_id);
        struct yw_delivery_request req = {
            .who = &systems[i], .remote = "", .code = yw_str_c(code), .keys = keys[i]};
        group.pending++;
        if (keys[i] == NULL || yw_exchange_deliver(s->exchange, &req, delivered, &f[i]) < 0) {
            group.pending--;
            (void)yw_copy(f[i].note, sizeof(f[i].note),
                          "交付未能开始 / the delivery could not start");
        }
    }
    yw__group_wait(&group);
    for (size_t i = 0; i < n && i < YW__MATERIALS_MAX; i++) {
        json_decref(keys[i]);
        if (f[i].rc < 0)
            (void)yw_copy(f[i].note, sizeof(f[i].note), f[i].err.message);
        else if (f[i].body != NULL)
            take_record(&f[i]);
        json_decref(f[i].body);
        f[i].body = NULL;
    }
}
