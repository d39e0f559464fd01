/* The data resource catalog's API. A resource code holds a "/" (前段码/后段码),
 * so the code is the path after /v1/catalog/resources/ up to an optional
 * last part: …/history (GET; ?version=N for an older version) or …/<step>
 * (POST). */
#include "internal.h"

#include <string.h>

#include "catalog/catalog.h"

static struct yw_catalog catalog_of(const struct yw_request *req)
{
    struct yw_catalog cat;
    yw_node_catalog(req->ctx, &cat);
    return cat;
}

/* Splits rest into the code and the last segment when that segment is one of
 * words (NULL-terminated): *tail gets it ({NULL, 0} otherwise). */
static struct yw_str split_tail(struct yw_str rest, const char *const *words, struct yw_str *tail)
{
    struct yw_str head, last;
    *tail = (struct yw_str){NULL, 0};
    if (!yw__split_last(rest, &head, &last))
        return rest;
    for (size_t i = 0; words[i]; i++)
        if (yw_str_eq_c(last, words[i])) {
            *tail = last;
            return head;
        }
    return rest;
}

int yw__get_catalog_search(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    int64_t limit = 20, offset = 0;
    int rc = yw__query_page(req, 100, 10000, &limit, &offset, err);
    if (rc < 0)
        return rc;
    struct yw_catalog_query q = {
        .q = yw__query_str(req, "q"),
        .provider = yw__query_str(req, "provider"),
        .type = yw__query_str(req, "type"),
        .grade = yw__query_str(req, "grade"),
        .sharing = yw__query_str(req, "sharing"),
        .cycle = yw__query_str(req, "cycle"),
        .status = yw__query_str(req, "status"),
        .limit = limit,
        .offset = offset,
    };
    char *text = NULL;
    if ((rc = yw_catalog_search_text(&cat, &req->principal, &q, &text, &res->size, err)) < 0)
        return rc;
    res->owned = text;
    return YW_OK;
}

int yw__post_catalog_resources(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_catalog_create(&cat, &req->principal, req->json, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

int yw__get_catalog_resource(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    static const char *const tails[] = {"history", NULL};
    struct yw_catalog cat = catalog_of(req);
    struct yw_str tail, code = split_tail(req->rest, tails, &tail);
    uint64_t version = 0;
    int rc;

    if (tail.n)
        return yw_catalog_history(&cat, &req->principal, code, &res->json, err);
    if ((rc = yw__query_u64(req, "version", 1, INT64_MAX, false, &version, err)) < 0 &&
        rc != YW_ENOTFOUND)
        return rc;
    return yw_catalog_get(&cat, &req->principal, code, (int64_t)version, &res->json, err);
}

int yw__put_catalog_resource(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    return yw_catalog_update(&cat, &req->principal, req->rest, req->json, actor, &res->json, err);
}

int yw__post_catalog_step(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    static const char *const steps[] = {"submit",    "withdraw", "approve", "reject",
                                        "deprecate", "archive",  NULL};
    struct yw_catalog cat = catalog_of(req);
    struct yw_str step, code = split_tail(req->rest, steps, &step);
    const char *key;
    json_t *value;
    char actor[96];

    if (step.n == 0)
        return yw_err_set(
            err, YW_ENOTFOUND, NULL,
            "路径须以操作结尾：submit withdraw approve reject deprecate archive / the "
            "path must end with a step: submit withdraw approve reject deprecate "
            "archive");
    json_object_foreach(req->json, key, value)
    {
        if (strcmp(key, "reason") != 0 || !json_is_string(value))
            return yw_err_set(err, YW_EINVAL, key,
                              "请求体只能有字符串 reason / the body may hold only a string reason");
    }
    json_t *reason = json_object_get(req->json, "reason");
    yw__actor_of(req, actor);
    return yw_catalog_step(&cat, &req->principal, code, step,
                           (struct yw_str){json_string_value(reason), json_string_length(reason)},
                           actor, &res->json, err);
}

int yw__delete_catalog_resource(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    char actor[96];
    json_t *after = NULL;
    yw__actor_of(req, actor);
    int rc = yw_catalog_step(&cat, &req->principal, req->rest, YW_STR_LIT("discard"),
                             (struct yw_str){NULL, 0}, actor, &after, err);
    if (rc < 0)
        return rc;
    res->json = json_is_null(after) ? json_pack("{s:b}", "discarded", 1) : after;
    if (json_is_null(after))
        json_decref(after);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__get_catalog_elements(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    json_t *list = NULL;
    int rc = yw_catalog_element_list(&cat, &list, err);
    if (rc < 0)
        return rc;
    res->json = json_pack("{s:o}", "elements", list);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__post_catalog_elements(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    char actor[96];
    yw__actor_of(req, actor);
    int rc = yw_catalog_element_create(&cat, &req->principal, req->json, actor, &res->json, err);
    if (rc == YW_OK)
        res->status = 201;
    return rc;
}

int yw__get_catalog_conflicts(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    json_t *list = NULL;
    int rc = yw_catalog_conflicts(&cat, &list, err);
    if (rc < 0)
        return rc;
    res->json = json_pack("{s:o}", "conflicts", list);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__get_catalog_dcat(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_catalog cat = catalog_of(req);
    struct yw_node_info info;
    char base[300];
    int rc = yw_node_info(req->ctx, &info, err);
    if (rc < 0)
        return rc;
    yw_node_public_url(req->ctx, base);
    if ((rc = yw_catalog_dcat(&cat, info.name, info.origin, base, &res->json, err)) < 0)
        return rc;
    res->content_type = "application/ld+json";
    return YW_OK;
}
