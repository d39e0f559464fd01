/* The one-stop services' API (一网通办): service items, public to read, and
 * cases with their steps and materials. */
#include "internal.h"

#include <string.h>

#include "node/node.h"
#include "services/services.h"

static struct yw_services services_of(const struct yw_request *req)
{
    struct yw_services s;
    yw_node_services(req->ctx, &s);
    return s;
}

int yw__get_service_items(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_services_item_query q = {.q = yw__query_str(req, "q"),
                                       .org = yw__query_str(req, "org"),
                                       .type = yw__query_str(req, "type"),
                                       .object = yw__query_str(req, "object")};
    int rc = yw__query_page(req, 100, 10000, &q.limit, &q.offset, err);
    return rc < 0 ? rc : yw_services_item_search(&s, &q, &res->json, err);
}

int yw__get_service_item(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    return yw_services_item_get(&s, req->rest, &res->json, err);
}

int yw__post_service_items(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_services_item_put(&s, &req->principal, req->json, true, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

/* PUT …/items/{code}: the body's code, when given, must be the path's. */
int yw__put_service_item(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    char actor[96];
    json_t *code = json_object_get(req->json, "code");
    if (code == NULL && json_is_object(req->json))
        json_object_set_new(req->json, "code", json_stringn(req->rest.p, req->rest.n));
    else if (!json_is_string(code) || !yw_str_eq_c(req->rest, json_string_value(code)))
        return yw_err_set(err, YW_EINVAL, "code",
                          "code 须与路径一致 / code must be the one in the path");
    yw__actor_of(req, actor);
    return yw_services_item_put(&s, &req->principal, req->json, false, actor, &res->json, err);
}

int yw__post_cases(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_services_case_create(&s, &req->principal, req->json, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

int yw__get_cases(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    uint64_t near = 2;
    struct yw_services_case_query q = {.state = yw__query_str(req, "state"),
                                       .org = yw__query_str(req, "org"),
                                       .due = yw__query_str(req, "due")};
    int rc = yw__query_page(req, 200, 100000, &q.limit, &q.offset, err);
    if (rc == YW_OK &&
        (rc = yw__query_u64(req, "within", 1, 30, false, &near, err)) == YW_ENOTFOUND)
        rc = YW_OK;
    q.near_days = (int)near;
    return rc < 0 ? rc : yw_services_case_list(&s, &req->principal, &q, &res->json, err);
}

int yw__get_case(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    return yw_services_case_get(&s, &req->principal, req->rest, &res->json, err);
}

/* POST …/cases/{id}/{step} or …/cases/{id}/materials/{index}. */
int yw__post_case_action(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_str head, last, id, mid;
    char actor[96];
    int64_t index;
    if (!yw__split_last(req->rest, &head, &last))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/cases/{id}/{步骤} / the path is …/cases/{id}/{step}");
    yw__actor_of(req, actor);
    if (yw__split_last(head, &id, &mid) && yw_str_eq_c(mid, "materials")) {
        if (yw_parse_int64(last, 0, 1000, &index) < 0)
            return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这项材料 / no such material");
        return yw_services_case_upload(&s, &req->principal, id, (int)index, req->json, actor,
                                       &res->json, err);
    }
    return yw_services_case_step(&s, &req->principal, head, last, req->json, actor, &res->json,
                                 err);
}

/* 审管联动: GET …/supervision?state=&case=&escalated=1, …/supervision/{id};
 * POST …/supervision/{id}/claim|act|conclude. */
int yw__get_tasks(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_str escalated = yw__query_str(req, "escalated");
    struct yw_services_task_query q = {.state = yw__query_str(req, "state"),
                                       .case_id = yw__query_str(req, "case"),
                                       .escalated_only = yw_str_eq_c(escalated, "1") ||
                                                         yw_str_eq_c(escalated, "true")};
    return yw_services_tasks(&s, &req->principal, &q, &res->json, err);
}

int yw__get_task(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    return yw_services_task_get(&s, &req->principal, req->rest, &res->json, err);
}

int yw__post_task_step(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_str id, step;
    char actor[96];
    if (!yw__split_last(req->rest, &id, &step))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/supervision/{id}/claim|act|conclude / the path is "
                          "…/supervision/{id}/claim|act|conclude");
    yw__actor_of(req, actor);
    return yw_services_task_step(&s, &req->principal, id, step, req->json, actor, &res->json, err);
}
