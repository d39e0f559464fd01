/* The route table and the handlers of the node core. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static int get_health(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_ctx *ctx = req->ctx;
    (void)err;
    res->json = json_pack("{s:s, s:s, s:i, s:I}", "status", "ok", "version", YW_VERSION,
                          "schema_version", ctx->schema_version, "uptime_seconds",
                          (json_int_t)((yw_now_ms() - ctx->started_ms) / 1000));
    return res->json ? YW_OK : YW_ENOMEM;
}

static json_t *node_json(const struct yw_node_info *info)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", info->name, "origin",
                     info->origin, "profile", info->profile, "public_key", info->public_key,
                     "version", YW_VERSION, "created_at", info->created_at, "updated_at",
                     info->updated_at);
}

static int get_node(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_node_info info;
    int rc = yw_node_info(req->ctx, &info, err);
    if (rc < 0)
        return rc;
    res->json = node_json(&info);
    return res->json ? YW_OK : YW_ENOMEM;
}

/* PATCH /v1/node {"name": "…"}: rename the node (node_admin). */
static int patch_node(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    const char *key;
    json_t *value;
    int rc;

    json_object_foreach(req->json, key, value)
    {
        if (strcmp(key, "name") != 0)
            return yw_err_set(err, YW_EINVAL, key, "不能修改该字段 / unknown field \"%s\"", key);
    }
    json_t *name = json_object_get(req->json, "name");
    if (!json_is_string(name))
        return yw_err_set(err, YW_EINVAL, "name", "name 须为字符串 / name must be a string");
    rc = yw_node_rename(req->ctx,
                        (struct yw_str){json_string_value(name), json_string_length(name)}, err);
    if (rc < 0)
        return rc;
    return get_node(req, res, err);
}

static int get_metrics(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_buf b;
    int rc;

    yw_buf_init(&b, 4 * 1024 * 1024);
    rc = yw__metrics_render(req->srv, &b);
    if (rc < 0) {
        yw_buf_free(&b);
        return yw_err_set(err, rc, NULL, "metrics too large");
    }
    res->size = b.len;
    res->owned = yw_buf_take(&b);
    res->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return YW_OK;
}

static int get_openapi(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    const struct yw_asset *doc =
        yw_asset_find(yw_doc_assets, yw_doc_assets_count, YW_STR_LIT("openapi.json"));
    (void)req;
    if (doc == NULL)
        return yw_err_set(err, YW_EINTERNAL, NULL, "openapi.json is not embedded");
    res->data = doc->data;
    res->size = doc->size;
    res->content_type = "application/json";
    res->cache_control = "no-cache";
    return YW_OK;
}

static const char *content_type_of(const char *path)
{
    static const struct {
        const char *ext;
        const char *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* "/" and "/index.html" serve web/index.html; "/assets/…" serve web/assets/…. */
static int get_web(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str path = req->path;
    if (yw_str_eq_c(path, "/"))
        path = YW_STR_LIT("index.html");
    else
        path = (struct yw_str){path.p + 1, path.n - 1};
    const struct yw_asset *a = yw_asset_find(yw_web_assets, yw_web_assets_count, path);
    if (a == NULL)
        return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这个文件 / no such file");
    res->data = a->data;
    res->size = a->size;
    res->content_type = content_type_of(a->path);
    res->html = strcmp(res->content_type, "text/html; charset=utf-8") == 0;
    res->cache_control = "no-cache";
    res->etag = yw__web_etag(req->srv, (size_t)(a - yw_web_assets));
    return YW_OK;
}

static const struct yw_route routes[] = {
    {"GET", "/v1/health", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, get_health,
     "Liveness and version of the node"},
    {"GET", "/v1/node", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER, get_node,
     "The node's identity: name, origin, crypto profile, public key"},
    {"PATCH", "/v1/node", "node.update", YW_BODY_JSON, YW_EXEC_WORKER, patch_node,
     "Rename the node"},
    {"POST", "/v1/auth/login", YW_ACTION_PUBLIC, YW_BODY_JSON, YW_EXEC_WORKER, yw__post_login,
     "Sign in with login and password: a session cookie and a CSRF token"},
    {"POST", "/v1/auth/logout", YW_ACTION_SELF, YW_BODY_NONE, YW_EXEC_WORKER, yw__post_logout,
     "Sign out: the session ends"},
    {"GET", "/v1/auth/me", YW_ACTION_SELF, YW_BODY_NONE, YW_EXEC_WORKER, yw__get_me,
     "Who is signed in: login, organisation, roles, CSRF token"},
    {"GET", "/v1/orgs", "orgs.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_orgs,
     "Organisations, closed ones included"},
    {"POST", "/v1/orgs", "orgs.write", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_orgs,
     "Create an organisation"},
    {"POST", "/v1/orgs/*", "orgs.write", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_org_action,
     "Move (…/move) or close (…/close) an organisation"},
    {"GET", "/v1/accounts", "accounts.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_accounts,
     "Accounts with their roles (identity numbers masked)"},
    {"POST", "/v1/accounts", "accounts.write", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_accounts,
     "Create an account with an initial password"},
    {"POST", "/v1/accounts/*", "accounts.write", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_account_action, "Grant (…/grant) or revoke (…/revoke) a role, or disable an account"},
    {"GET", "/v1/keys", "keys.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_keys,
     "API keys, without their secrets"},
    {"POST", "/v1/keys", "keys.write", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_keys,
     "Create an API key for a department system (the token is shown once)"},
    {"DELETE", "/v1/keys/*", "keys.write", YW_BODY_NONE, YW_EXEC_WORKER, yw__delete_key,
     "Revoke an API key"},
    {"GET", "/v1/ledger/checkpoint", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_checkpoint, "The ledger's newest signed checkpoint (C2SP signed note)"},
    {"GET", "/v1/ledger/vkey", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, yw__get_vkey,
     "The verifier key of the ledger's checkpoints"},
    {"GET", "/v1/ledger/entries", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER, yw__get_entries,
     "A page of ledger entries, as the exact bytes that were hashed"},
    {"GET", "/v1/ledger/proof/inclusion", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_inclusion, "RFC 9162 inclusion proof of an entry in a tree size"},
    {"GET", "/v1/ledger/proof/consistency", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_consistency, "RFC 9162 consistency proof between two tree sizes"},
    {"GET", "/v1/catalog/resources", "catalog.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_search, "Catalog resources, filtered and paged (q searches names and fields)"},
    {"POST", "/v1/catalog/resources", "catalog.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_catalog_resources, "Create a resource as a draft (data steward of the provider)"},
    {"GET", "/v1/catalog/resources/*", "catalog.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_resource, "A resource with its quality (…/history: versions and steps)"},
    {"PUT", "/v1/catalog/resources/*", "catalog.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__put_catalog_resource, "Edit a draft, or start a new version of a published resource"},
    {"POST", "/v1/catalog/resources/*", "catalog.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_catalog_step,
     "A life-cycle step: …/submit, withdraw, approve, reject, deprecate, archive"},
    {"DELETE", "/v1/catalog/resources/*", "catalog.manage", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__delete_catalog_resource, "Discard a draft"},
    {"GET", "/v1/catalog/search", "catalog.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_search, "Full-text search of the catalog in Chinese and English"},
    {"GET", "/v1/catalog/elements", "catalog.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_elements, "Data elements (数据元) and their authoritative sources"},
    {"POST", "/v1/catalog/elements", "catalog.review", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_catalog_elements, "Register a data element with its one authoritative source"},
    {"GET", "/v1/catalog/conflicts", "catalog.govern", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_conflicts, "Data elements provided by more than one organisation"},
    {"GET", "/v1/catalog/dcat", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_catalog_dcat, "The published catalog as DCAT-AP 3 JSON-LD (metadata only)"},
    {"POST", "/v1/exchange/applications", "exchange.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_applications, "Apply for a published resource (共享申请)"},
    {"GET", "/v1/exchange/applications", "exchange.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_applications, "Applications of the organisation, with deadlines and overdue flags"},
    {"POST", "/v1/exchange/applications/*", "exchange.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_application_step, "Answer an application: …/approve, …/refuse, …/withdraw"},
    {"GET", "/v1/exchange/grants", "exchange.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_grants,
     "Grants (授权) with their conditions and use counts"},
    {"POST", "/v1/exchange/grants/*", "exchange.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_grant_step, "Suspend, resume or revoke a grant: …/suspend, …/resume, …/revoke"},
    {"GET", "/v1/exchange/resources/*", "exchange.deliver", YW_BODY_NONE, YW_EXEC_WORKER_TXN,
     yw__get_records, "Records by key, masked, under the caller's grant: …/{code}/records?{key}="},
    {"POST", "/v1/exchange/resources/*", "exchange.deliver", YW_BODY_JSON, YW_EXEC_WORKER_TXN,
     yw__post_records, "Batch lookup (…/records/query) or a sandbox aggregate (…/aggregate)"},
    {"PUT", "/v1/exchange/resources/*", "exchange.manage", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__put_record, "Store one record of the organisation's resource (…/{code}/records)"},
    {"DELETE", "/v1/exchange/resources/*", "exchange.manage", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__delete_record, "Delete one record by key (…/{code}/records?{key}=)"},
    {"GET", "/v1/exchange/lineage", "exchange.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_lineage,
     "Where a resource went (?resource=), or what an organisation holds (?org=)"},
    {"GET", "/v1/me/data-uses", "exchange.my_uses", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_my_data_uses, "Who used my data: every delivery of the citizen's records, proven"},
    {"GET", "/v1/services/supervision", "supervision.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_tasks, "Supervision tasks (审管联动) of the organisation, either side"},
    {"GET", "/v1/services/supervision/*", "supervision.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_task, "A supervision task with the case's elements and its history"},
    {"POST", "/v1/services/supervision/*", "supervision.read", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_task_step, "Claim (认领), act on or conclude a supervision task"},
    {"GET", "/v1/services/items", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_service_items, "Service items (政务服务事项), searched in Chinese or English"},
    {"GET", "/v1/services/items/*", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_service_item, "A service item's guide (办事指南)"},
    {"POST", "/v1/services/items", "item.write", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_service_items, "Create a service item of the organisation"},
    {"PUT", "/v1/services/items/*", "item.write", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__put_service_item, "Replace a service item's guide"},
    {"POST", "/v1/services/cases", "case.apply", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_cases,
     "Apply (办件): materials the government holds are fetched by sharing"},
    {"GET", "/v1/services/cases", "case.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_cases,
     "Cases one may see, by deadline (?due=overdue|near, ?state=, ?org=)"},
    {"GET", "/v1/services/cases/*", "case.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_case,
     "A case with its materials and steps"},
    {"POST", "/v1/services/cases/*", "case.read", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_case_action, "A step (…/{id}/accept …) or an upload (…/{id}/materials/{n})"},
    {"POST", "/v1/services/reviews", "review.write", YW_BODY_JSON, YW_EXEC_WORKER, yw__post_reviews,
     "Rate a case (好差评), once per stage, by its applicant or a rating device"},
    {"GET", "/v1/services/reviews", "case.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_reviews,
     "Reviews one may see, newest first (?case=, ?org=, ?level=bad)"},
    {"GET", "/v1/services/reviews/*", "case.read", YW_BODY_NONE, YW_EXEC_WORKER, yw__get_review,
     "A review with its rectification's state"},
    {"GET", "/v1/services/rectifications", "case.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_rectifications, "Rectifications (整改) one may see, by due date (?due=overdue)"},
    {"GET", "/v1/services/rectifications/*", "case.read", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_rectification, "A rectification with its steps"},
    {"POST", "/v1/services/rectifications/*", "case.read", YW_BODY_JSON, YW_EXEC_WORKER,
     yw__post_rectification_step,
     "A rectification step: …/{id}/callback, verify, rectify, explain, appeal, uphold, dismiss, "
     "rate"},
    {"GET", "/v1/services/stats", "review.stats", YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_review_stats, "Review statistics by item, org, staff or channel (own organisation)"},
    {"GET", "/v1/services/stats/public", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_WORKER,
     yw__get_review_summary, "The public summary of reviews by item or org: no personal data"},
    {"GET", "/metrics", "metrics.read", YW_BODY_NONE, YW_EXEC_WORKER, get_metrics,
     "Prometheus metrics: requests, latency, connections, database pool"},
    {"GET", "/v1/openapi.json", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, get_openapi,
     "This API described in OpenAPI 3.1"},
    {"GET", "/", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, get_web,
     "The portal's landing page"},
    {"GET", "/index.html", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, get_web,
     "The landing page"},
    {"GET", "/assets/*", YW_ACTION_PUBLIC, YW_BODY_NONE, YW_EXEC_INLINE, get_web,
     "The portal's static files (embedded at build)"},
};

const struct yw_route *yw_http_routes(size_t *count)
{
    *count = sizeof(routes) / sizeof(routes[0]);
    return routes;
}
