/* Internal to src/http/: what the server core shares with the handlers. */
#ifndef YW_HTTP_INTERNAL_H
#define YW_HTTP_INTERNAL_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>

#include "directory/directory.h"
#include "http.h"
#include "policy/policy.h"

#define YW__MAX_ROUTES 96

/* The request as a handler sees it. Everything is lent for the call. */
struct yw_request {
    struct yw_ctx *ctx;
    struct yw_http_server *srv;
    struct MHD_Connection *conn;
    const struct yw_route *route;
    const char *method;
    struct yw_str path;
    struct yw_str rest; /* what a final "*" in the pattern matched */
    json_t *json;       /* the parsed body of a YW_BODY_JSON route */
    struct yw_principal principal;
    struct yw_str session; /* the session cookie's value, when sent */
    char csrf[65];         /* the session's CSRF token, once resolved */
    char remote[48];       /* the client's address */
    struct yw_txn
        *txn; /* YW_EXEC_WORKER_TXN: the key's read transaction, for the handler to take */
};

/* What a handler fills in. Exactly one of json, data or owned is set. */
struct yw_response {
    unsigned status;          /* 200 unless set */
    json_t *json;             /* stolen: the server serialises and frees it */
    const void *data;         /* static bytes (embedded assets), not copied */
    size_t size;              /* of data or owned */
    char *owned;              /* malloc'd bytes, freed by the server */
    const char *content_type; /* default application/json */
    const char *cache_control;
    const char *etag;
    bool html;            /* adds the page Content-Security-Policy */
    char set_cookie[160]; /* a Set-Cookie header, when not empty */
};

struct yw_http_server;

/* ---- metrics (metrics.c) ------------------------------------------------- */
#define YW__N_BUCKETS 14
#define YW__N_STATUSES 18

struct yw__route_metrics {
    atomic_uint_fast64_t by_status[YW__N_STATUSES];
    atomic_uint_fast64_t buckets[YW__N_BUCKETS]; /* not cumulative; summed on render */
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t sum_us;
};

struct yw__metrics {
    size_t n_routes; /* the last slot is for requests that matched no route */
    struct yw__route_metrics routes[YW__MAX_ROUTES + 1];
    atomic_int connections;
};

void yw__metrics_observe(struct yw__metrics *m, size_t route_index, unsigned status,
                         int64_t duration_ns);
/* Renders the Prometheus text exposition into b. */
int yw__metrics_render(struct yw_http_server *srv, struct yw_buf *b);

/* ---- workers (workers.c) -------------------------------------------------
 * Jobs are intrusive: embed a struct yw__job in what you submit. Queued jobs
 * all run, even during yw__workers_stop(), which drains the queue first. */
struct yw__job {
    struct yw__job *next;
    void (*run)(struct yw__job *job);
};
struct yw__workers;

int yw__workers_start(size_t n_threads, size_t max_queue, struct yw__workers **out,
                      struct yw_err *err) YW_MUST_USE;
/* False when the queue is full or the pool is stopping: the caller answers 503. */
bool yw__workers_submit(struct yw__workers *w, struct yw__job *job);
void yw__workers_stats(struct yw__workers *w, size_t *queued, int *busy);
/* Stops taking jobs (submit then returns false), runs what is queued and
 * joins every thread; the pool stays readable (stats) until stopped. */
void yw__workers_drain(struct yw__workers *w);
void yw__workers_stop(struct yw__workers *w); /* NULL-safe; drains, then frees */

/* ---- server (server.c) --------------------------------------------------- */
struct yw_http_server {
    struct MHD_Daemon *daemon;
    struct yw__workers *workers;
    struct yw_ctx *ctx;
    const struct yw_route *routes;
    size_t n_routes;
    char (*etags)[24]; /* per web asset, computed at start */
    atomic_int in_flight;
    atomic_bool stopping;
    atomic_uint_fast64_t next_id;
    uint64_t id_prefix;
    struct yw__metrics metrics;
};

/* The ETag of a web asset (index into yw_web_assets). */
const char *yw__web_etag(struct yw_http_server *srv, size_t asset_index);

/* Reads the query parameter `name` as a decimal integer in [min, max]: YW_OK,
 * YW_ENOTFOUND when absent (err set if required), YW_EINVAL when malformed or
 * out of range (err names the field). */
int yw__query_u64(struct yw_request *req, const char *name, uint64_t min, uint64_t max,
                  bool required, uint64_t *out, struct yw_err *err) YW_MUST_USE;
/* The query's limit (1..max_limit) and offset (0..max_offset) into *limit and
 * *offset, each left as it was when absent; YW_EINVAL naming the bad one. */
int yw__query_page(struct yw_request *req, uint64_t max_limit, uint64_t max_offset, int64_t *limit,
                   int64_t *offset, struct yw_err *err) YW_MUST_USE;

/* Deferred answers, for handlers that finish on another thread (a delivery
 * answers once its ledger entry is durable). The handler calls
 * yw__request_defer(req) before starting the work and returns YW_OK; the work
 * calls yw__request_finish exactly once, from any thread, with the answer
 * (json stolen) or the error. Worker routes only. */
void yw__request_defer(struct yw_request *req);
void yw__request_finish(struct yw_request *req, int rc, json_t *json, const struct yw_err *err);
/* The same with the answer as bytes of JSON (malloc'd, stolen), ready to send. */
void yw__request_finish_bytes(struct yw_request *req, int rc, char *body_take, size_t n,
                              const struct yw_err *err);

/* The query parameter name ({NULL, 0} when absent; the server has checked
 * that the query is UTF-8). Lent for the request. */
struct yw_str yw__query_str(struct yw_request *req, const char *name);

/* Splits a route's rest "<head>/<last>" at its last "/" (a resource code holds
 * a "/" itself); false when there is none or either side is empty. */
bool yw__split_last(struct yw_str rest, struct yw_str *head, struct yw_str *last);

/* "account:<login>" or "key:<id>": who acts, for the ledger. */
void yw__actor_of(const struct yw_request *req, char out[96]);

/* One-stop services (services_routes.c). */
int yw__get_service_items(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_service_item(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_service_items(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__put_service_item(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_cases(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_cases(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_case(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_case_action(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_tasks(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_task(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_task_step(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* 好差评 and rectification (review_routes.c). */
int yw__post_reviews(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_reviews(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_review(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_rectifications(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_rectification(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_rectification_step(struct yw_request *req, struct yw_response *res,
                                struct yw_err *err);
int yw__get_review_stats(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_review_summary(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* The data resource catalog (catalog_routes.c). */
int yw__get_catalog_search(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_catalog_resources(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_catalog_resource(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__put_catalog_resource(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_catalog_step(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__delete_catalog_resource(struct yw_request *req, struct yw_response *res,
                                struct yw_err *err);
int yw__get_catalog_elements(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_catalog_elements(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_catalog_conflicts(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_catalog_dcat(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* Data sharing and exchange (exchange_routes.c). */
int yw__post_applications(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_applications(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_application_step(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_grants(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_grant_step(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_records(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_records(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__put_record(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__delete_record(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_lineage(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_my_data_uses(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* Sign-in routes (auth_routes.c). */
int yw__post_login(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_logout(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_me(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* The directory's admin API (admin_routes.c). */
int yw__get_orgs(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_orgs(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_accounts(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_accounts(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_keys(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_keys(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__delete_key(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_org_action(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__post_account_action(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* Handlers of the ledger's public routes (ledger_routes.c). */
int yw__get_checkpoint(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_vkey(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_entries(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_inclusion(struct yw_request *req, struct yw_response *res, struct yw_err *err);
int yw__get_consistency(struct yw_request *req, struct yw_response *res, struct yw_err *err);

/* Maps a YW_E* code to its HTTP status and error code string: the one table. */
unsigned yw__status_of(int code, const char **code_name);

/* Builds the standard error body. message and field are copied. */
json_t *yw__error_body(const char *code, const char *message, const char *field);

#endif
