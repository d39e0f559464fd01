/* The exchange's API: applications, grants, records, delivery, the sandbox,
 * lineage and the citizen's "who used my data". */
#include "internal.h"

#include <string.h>

#include "exchange/exchange.h"

/* The server only starts with the exchange open (yw_http_start). */
#define EXCHANGE(req) ((req)->ctx->exchange)

int yw__post_applications(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_exchange_apply(EXCHANGE(req), &req->principal, req->json, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

int yw__get_applications(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    return yw_exchange_applications(EXCHANGE(req), &req->principal, yw__query_str(req, "status"),
                                    yw_str_eq_c(yw__query_str(req, "overdue"), "1") ||
                                        yw_str_eq_c(yw__query_str(req, "overdue"), "true"),
                                    &res->json, err);
}

int yw__post_application_step(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str id, step;
    char actor[96];
    if (!yw__split_last(req->rest, &id, &step))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{id}/approve|refuse|withdraw / the path is "
                          "…/{id}/approve|refuse|withdraw");
    yw__actor_of(req, actor);
    return yw_exchange_decide(EXCHANGE(req), &req->principal, id, step, req->json, actor,
                              &res->json, err);
}

int yw__get_grants(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    return yw_exchange_grants(EXCHANGE(req), &req->principal, &res->json, err);
}

int yw__post_grant_step(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str id, step;
    char actor[96];
    if (!yw__split_last(req->rest, &id, &step))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{id}/suspend|resume|revoke / the path is "
                          "…/{id}/suspend|resume|revoke");
    json_t *reason = json_object_get(req->json, "reason");
    yw__actor_of(req, actor);
    return yw_exchange_grant_step(
        EXCHANGE(req), &req->principal, id, step,
        (struct yw_str){json_string_value(reason), json_string_length(reason)}, actor, &res->json,
        err);
}

/* The delivery's answer arrives on the ledger's committer thread. */
static void delivered(void *cls, int rc, char *body_take, size_t n, const struct yw_err *err)
{
    yw__request_finish_bytes(cls, rc, body_take, n, err);
}

static int deliver(struct yw_request *req, struct yw_str code, const json_t *keys,
                   struct yw_str purpose)
{
    struct yw_delivery_request d = {&req->principal, req->remote, code, keys, purpose, req->txn};
    req->txn = NULL; /* the delivery's now */
    yw__request_defer(req);
    return yw_exchange_deliver(EXCHANGE(req), &d, delivered, req);
}

/* The query's parameters, except purpose, as one key object. */
static enum MHD_Result collect_key(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    if (strcmp(key, "purpose") != 0 && value != NULL)
        json_object_set_new(cls, key, json_string(value));
    return MHD_YES;
}

/* GET …/resources/{code}/records?{key}=… */
int yw__get_records(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str code, tail;
    (void)res;
    if (!yw__split_last(req->rest, &code, &tail) || !yw_str_eq_c(tail, "records"))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{code}/records / the path is …/{code}/records");
    json_t *key = json_object();
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_key, key);
    json_t *keys = json_pack("[o]", key);
    int rc = deliver(req, code, keys, yw__query_str(req, "purpose"));
    json_decref(keys);
    return rc;
}

/* POST …/resources/{code}/records/query {"keys": […], "purpose"} or
 * …/{code}/aggregate (the sandbox). */
int yw__post_records(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str head, tail, code, mid;
    if (!yw__split_last(req->rest, &head, &tail))
        return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这个路径 / no such path");
    if (yw_str_eq_c(tail, "aggregate"))
        return yw_exchange_aggregate(EXCHANGE(req), &req->principal, req->remote, head, req->json,
                                     &res->json, err);
    if (!yw_str_eq_c(tail, "query") || !yw__split_last(head, &code, &mid) ||
        !yw_str_eq_c(mid, "records"))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{code}/records/query 或 …/{code}/aggregate / the path is "
                          "…/{code}/records/query or …/{code}/aggregate");
    json_t *purpose = json_object_get(req->json, "purpose");
    const char *key;
    json_t *value;
    json_object_foreach(req->json, key, value)
    {
        if (strcmp(key, "keys") != 0 && strcmp(key, "purpose") != 0)
            return yw_err_set(err, YW_EINVAL, key, "未知字段 / unknown member \"%s\"", key);
    }
    return deliver(req, code, json_object_get(req->json, "keys"),
                   (struct yw_str){json_string_value(purpose), json_string_length(purpose)});
}

/* PUT …/resources/{code}/records: upsert one record (the provider). */
int yw__put_record(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str code, tail;
    char actor[96];
    if (!yw__split_last(req->rest, &code, &tail) || !yw_str_eq_c(tail, "records"))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{code}/records / the path is …/{code}/records");
    yw__actor_of(req, actor);
    int rc = yw_exchange_put(EXCHANGE(req), &req->principal, code, req->json, actor, err);
    if (rc == YW_OK)
        res->json = json_pack("{s:b}", "stored", 1);
    return rc;
}

/* DELETE …/resources/{code}/records?{key}=… (the provider). */
int yw__delete_record(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str code, tail;
    char actor[96];
    if (!yw__split_last(req->rest, &code, &tail) || !yw_str_eq_c(tail, "records"))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/{code}/records / the path is …/{code}/records");
    json_t *key = json_object();
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, collect_key, key);
    yw__actor_of(req, actor);
    int rc = yw_exchange_delete(EXCHANGE(req), &req->principal, code, key, actor, err);
    json_decref(key);
    if (rc == YW_OK)
        res->json = json_pack("{s:b}", "deleted", 1);
    return rc;
}

int yw__get_lineage(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    return yw_exchange_lineage(EXCHANGE(req), &req->principal, yw__query_str(req, "resource"),
                               yw__query_str(req, "org"), &res->json, err);
}

/* GET /v1/me/data-uses: the signed-in citizen's login is their identity number. */
int yw__get_my_data_uses(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    if (req->principal.kind != YW_PRINCIPAL_ACCOUNT || !(req->principal.roles & YW_ROLE_CITIZEN))
        return yw_err_set(err, YW_EPERM, NULL, "仅限公民本人 / for citizens only");
    return yw_exchange_data_uses(EXCHANGE(req), yw_str_c(req->principal.login), &res->json, err);
}
