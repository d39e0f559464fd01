/* 好差评's API: reviews of cases, the rectifications (整改) of bad reviews,
 * statistics for staff and overseers, and the public summary. */
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

int yw__post_reviews(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_services_review_create(&s, &req->principal, req->json, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

int yw__get_reviews(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_services_review_query q = {.case_id = yw__query_str(req, "case"),
                                         .org = yw__query_str(req, "org"),
                                         .level = yw__query_str(req, "level")};
    int rc = yw__query_page(req, 200, 100000, &q.limit, &q.offset, err);
    return rc < 0 ? rc : yw_services_review_list(&s, &req->principal, &q, &res->json, err);
}

int yw__get_review(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    return yw_services_review_get(&s, &req->principal, req->rest, &res->json, err);
}

int yw__get_rectifications(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_services_rectification_query q = {.state = yw__query_str(req, "state"),
                                                .org = yw__query_str(req, "org"),
                                                .due = yw__query_str(req, "due")};
    int rc = yw__query_page(req, 200, 100000, &q.limit, &q.offset, err);
    return rc < 0 ? rc : yw_services_rectification_list(&s, &req->principal, &q, &res->json, err);
}

int yw__get_rectification(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    return yw_services_rectification_get(&s, &req->principal, req->rest, &res->json, err);
}

/* POST …/rectifications/{id}/{step}. */
int yw__post_rectification_step(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_str id, step;
    char actor[96];
    if (!yw__split_last(req->rest, &id, &step))
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "路径须为 …/rectifications/{id}/{步骤} / the path is "
                          "…/rectifications/{id}/{step}");
    yw__actor_of(req, actor);
    return yw_services_rectification_step(&s, &req->principal, id, step, req->json, actor,
                                          &res->json, err);
}

static int stats(struct yw_request *req, struct yw_response *res, bool public_view,
                 struct yw_err *err)
{
    struct yw_services s = services_of(req);
    struct yw_services_stats_query q = {.by = yw__query_str(req, "by"),
                                        .from = yw__query_str(req, "from"),
                                        .to = yw__query_str(req, "to"),
                                        .org = yw__query_str(req, "org"),
                                        .public_view = public_view};
    return yw_services_stats(&s, public_view ? NULL : &req->principal, &q, &res->json, err);
}

int yw__get_review_stats(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    return stats(req, res, false, err);
}

/* The public summary: by item or organisation, nothing about anyone. */
int yw__get_review_summary(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    return stats(req, res, true, err);
}
