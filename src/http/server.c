/* The request life cycle on libmicrohttpd: accept, route, read the body under
 * its limit, check it, authorise, call the handler, send, log, count. */
#include "internal.h"

#include <stddef.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Headers above this make MHD answer 431 by itself. */
#define CONNECTION_MEMORY_LIMIT (32 * 1024)
/* A chunked body that keeps coming after it passed the limit is cut off once
 * this many times the limit has been discarded. */
#define DISCARD_FACTOR 4

enum phase { PHASE_READING = 0, PHASE_ON_WORKER, PHASE_DONE };

struct request_state {
    struct yw__job job; /* first: the worker pool's intrusive link */
    struct yw_request req;
    struct MHD_Connection *conn;
    _Atomic int phase;
    _Atomic int deferred; /* 2 while a deferred answer and the handler's return race; 0 otherwise */
    int rc;               /* the handler's result, with err and res */
    struct yw_err err;
    struct yw_response res;
    size_t route_index;
    struct yw_buf body;
    uint64_t discarded;
    bool body_too_big;
    bool responded;
    bool key_stale; /* the API key's last use is to be recorded after the handler */
    unsigned status;
    int64_t start_ns;
    char id[40];
};

static void remote_address(struct MHD_Connection *conn, char out[48])
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    out[0] = '\0';
    if (ci == NULL || ci->client_addr == NULL)
        return;
    if (ci->client_addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out, 48);
    else if (ci->client_addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out, 48);
}

/* ---- responses ----------------------------------------------------------- */

static void add_common_headers(struct yw_http_server *srv, struct request_state *rs,
                               struct MHD_Response *resp, const char *content_type, bool html)
{
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Request-Id", rs->id);
    MHD_add_response_header(resp, "Content-Security-Policy",
                            html ? "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                   "script-src 'self'; frame-ancestors 'none'"
                                 : "default-src 'none'; frame-ancestors 'none'");
    if (atomic_load(&srv->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Queues resp (consumed) as the answer and remembers its status for the log. */
static enum MHD_Result queue(struct request_state *rs, struct MHD_Connection *conn, unsigned status,
                             struct MHD_Response *resp)
{
    enum MHD_Result ok;
    if (resp == NULL)
        return MHD_NO;
    rs->status = status;
    rs->responded = true;
    ok = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ok;
}

static struct MHD_Response *json_response(json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (text == NULL)
        return NULL;
    return MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
}

json_t *yw__error_body(const char *code, const char *message, const char *field)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message);
    if (e != NULL && field != NULL && field[0] != '\0')
        json_object_set_new(e, "field", json_string(field));
    return e ? json_pack("{s:o}", "error", e) : NULL;
}

static enum MHD_Result send_error(struct yw_http_server *srv, struct request_state *rs,
                                  struct MHD_Connection *conn, unsigned status, const char *code,
                                  const char *message, const char *field, const char *allow)
{
    struct MHD_Response *resp = json_response(yw__error_body(code, message, field));
    if (resp == NULL)
        return MHD_NO;
    add_common_headers(srv, rs, resp, "application/json", false);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (allow != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    return queue(rs, conn, status, resp);
}

/* A handler's or the policy's failure: one table decides the status. Server
 * faults are logged with the request id and answered without detail. */
static enum MHD_Result send_failure(struct yw_http_server *srv, struct request_state *rs,
                                    struct MHD_Connection *conn, int rc, struct yw_err *err)
{
    const char *code = NULL;
    unsigned status = yw__status_of(rc, &code);
    char message[160];

    if (status >= 500) {
        struct yw_buf b;
        yw_buf_init(&b, 1024);
        if (yw_json_escape(&b, yw_str_c(err->message)) == YW_OK)
            yw_log(YW_LOG_ERROR, "request_failed",
                   "\"id\":\"%s\",\"code\":\"%s\",\"detail\":\"%s\"", rs->id, yw_err_name(rc),
                   b.data ? b.data : "");
        yw_buf_free(&b);
        (void)yw_fmt(message, sizeof(message),
                     "服务器内部错误，请求编号 %s / internal error, request id %s", rs->id, rs->id);
        return send_error(srv, rs, conn, status, code, message, NULL, NULL);
    }
    return send_error(srv, rs, conn, status, code, err->message[0] ? err->message : yw_err_name(rc),
                      err->field, NULL);
}

static enum MHD_Result send_response(struct yw_http_server *srv, struct request_state *rs,
                                     struct MHD_Connection *conn, struct yw_response *res)
{
    struct MHD_Response *resp;
    const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "If-None-Match");
    unsigned status = res->status ? res->status : 200;

    if (res->etag != NULL && inm != NULL && strcmp(inm, res->etag) == 0) {
        free(res->owned);
        json_decref(res->json);
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        status = 304;
    } else if (res->json != NULL) {
        resp = json_response(res->json);
    } else if (res->owned != NULL) {
        resp = MHD_create_response_from_buffer(res->size, res->owned, MHD_RESPMEM_MUST_FREE);
        if (resp == NULL)
            free(res->owned);
    } else {
        resp =
            MHD_create_response_from_buffer(res->size, (void *)res->data, MHD_RESPMEM_PERSISTENT);
    }
    if (resp == NULL)
        return MHD_NO;
    add_common_headers(srv, rs, resp, res->content_type ? res->content_type : "application/json",
                       res->html);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            res->cache_control ? res->cache_control : "no-store");
    if (res->etag != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, res->etag);
    if (res->set_cookie[0] != '\0')
        MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, res->set_cookie);
    return queue(rs, conn, status, resp);
}

struct yw_str yw__query_str(struct yw_request *req, const char *name)
{
    return yw_str_c(MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name));
}

bool yw__split_last(struct yw_str rest, struct yw_str *head, struct yw_str *last)
{
    for (size_t i = rest.n; i > 0; i--)
        if (rest.p[i - 1] == '/') {
            *head = (struct yw_str){rest.p, i - 1};
            *last = (struct yw_str){rest.p + i, rest.n - i};
            return head->n > 0 && last->n > 0;
        }
    return false;
}

int yw__query_u64(struct yw_request *req, const char *name, uint64_t min, uint64_t max,
                  bool required, uint64_t *out, struct yw_err *err)
{
    const char *value = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    int64_t v;

    if (value == NULL) {
        if (required)
            return yw_err_set(err, YW_EINVAL, name, "缺少参数 %s / missing parameter %s", name,
                              name);
        return YW_ENOTFOUND;
    }
    if (value[0] == '-' || yw_parse_int64(yw_str_c(value), 0, INT64_MAX, &v) < 0 ||
        (uint64_t)v < min || (uint64_t)v > max)
        return yw_err_set(err, YW_EINVAL, name,
                          "参数 %s 须为 %llu 至 %llu 的整数 / %s must be an integer from %llu to "
                          "%llu",
                          name, (unsigned long long)min, (unsigned long long)max, name,
                          (unsigned long long)min, (unsigned long long)max);
    *out = (uint64_t)v;
    return YW_OK;
}

int yw__query_page(struct yw_request *req, uint64_t max_limit, uint64_t max_offset, int64_t *limit,
                   int64_t *offset, struct yw_err *err)
{
    uint64_t l = 0, o = 0;
    int rc = yw__query_u64(req, "limit", 1, max_limit, false, &l, err);
    if (rc == YW_OK)
        *limit = (int64_t)l;
    else if (rc != YW_ENOTFOUND)
        return rc;
    rc = yw__query_u64(req, "offset", 0, max_offset, false, &o, err);
    if (rc == YW_OK)
        *offset = (int64_t)o;
    return rc == YW_ENOTFOUND ? YW_OK : rc;
}

/* ---- routing ------------------------------------------------------------- */

static bool pattern_match(const char *pattern, struct yw_str path, struct yw_str *rest)
{
    size_t n = strlen(pattern);
    if (n > 0 && pattern[n - 1] == '*') {
        /* A pattern like "/assets/" + "*": the prefix, then at least one byte that is not a '/'
         * right away and no ".." segment. */
        if (path.n <= n - 1 || memcmp(path.p, pattern, n - 1) != 0)
            return false;
        *rest = (struct yw_str){path.p + n - 1, path.n - (n - 1)};
        if (rest->p[0] == '/')
            return false;
        for (size_t i = 0; i + 1 < rest->n; i++)
            if (rest->p[i] == '.' && rest->p[i + 1] == '.')
                return false;
        return true;
    }
    return yw_str_eq_c(path, pattern);
}

static bool method_is(const char *method, const char *route_method)
{
    return strcmp(method, route_method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

/* Finds the route for (method, path). Returns 0 and sets rs->req.route; or
 * 404; or 405 with the allowed methods in allow. */
static unsigned route_request(struct yw_http_server *srv, struct request_state *rs,
                              const char *method, char allow[128])
{
    bool path_known = false;
    allow[0] = '\0';
    for (size_t i = 0; i < srv->n_routes; i++) {
        const struct yw_route *r = &srv->routes[i];
        struct yw_str rest = {NULL, 0};
        if (!pattern_match(r->pattern, rs->req.path, &rest))
            continue;
        if (method_is(method, r->method)) {
            rs->req.route = r;
            rs->req.rest = rest;
            rs->route_index = i;
            return 0;
        }
        path_known = true;
        size_t used = strlen(allow);
        (void)yw_fmt(allow + used, 128 - used, "%s%s%s", used ? ", " : "", r->method,
                     strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
    }
    return path_known ? 405 : 404;
}

struct args_check {
    bool ok;
    char bad_key[64];
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 size_t key_size, const char *value, size_t value_size)
{
    struct args_check *c = cls;
    (void)kind;
    if (!yw_utf8_valid(key, key_size) || (value && !yw_utf8_valid(value, value_size))) {
        c->ok = false;
        if (yw_utf8_valid(key, key_size) && key_size < sizeof(c->bad_key)) {
            memcpy(c->bad_key, key, key_size);
            c->bad_key[key_size] = '\0';
        }
        return MHD_NO;
    }
    return MHD_YES;
}

static bool content_type_is_json(struct MHD_Connection *conn)
{
    const char *ct =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
        return false;
    return ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ';
}

/* Authorises and runs the handler; the result stays in rs for finish(). Runs
 * on an I/O thread for inline routes, on a worker for the others. */
static bool changes_state(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Who is asking: the system behind a Bearer API key, or the account behind
 * the session cookie, if any. A request
 * made with the cookie that changes state must carry the session's CSRF
 * token in X-CSRF-Token. Only for routes that are not public, and so only on
 * workers: it reads the database. */
static int resolve_principal(struct request_state *rs)
{
    struct yw_request *req = &rs->req;
    struct yw_auth_config limits;
    int rc;

    const char *auth =
        MHD_lookup_connection_value(rs->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (auth != NULL) {
        if (strncasecmp(auth, "Bearer ", 7) != 0)
            return yw_err_set(&rs->err, YW_EAUTH, "Authorization",
                              "只支持 Bearer API 密钥 / only Bearer API keys are accepted");
        if (req->route->exec != YW_EXEC_WORKER_TXN)
            return yw_key_authenticate(req->ctx->store, yw_str_c(auth + 7), req->remote,
                                       yw_now_ms(), &req->principal, &rs->err);
        /* The handler reads right after: one transaction serves both. */
        if ((rc = yw_store_begin(req->ctx->store, YW_TXN_READ, &req->txn, &rs->err)) < 0)
            return rc;
        rc = yw_key_authenticate_txn(req->txn, yw_str_c(auth + 7), req->remote, yw_now_ms(),
                                     &req->principal, &rs->key_stale, &rs->err);
        if (rc < 0)
            yw_store_rollback(&req->txn);
        return rc;
    }
    if (req->session.n == 0)
        return YW_OK;
    if ((rc = yw_node_auth_config(req->ctx, &limits)) < 0)
        return yw_err_set(&rs->err, rc, NULL, "cannot derive the session keys");
    rc = yw_auth_session(req->ctx->store, req->session, yw_now_ms(), &limits, &req->principal,
                         req->csrf, &rs->err);
    if (rc == YW_EAUTH)
        return YW_OK; /* anonymous, with the reason in err if the policy refuses */
    if (rc < 0 || !changes_state(req->method))
        return rc;
    const char *sent = MHD_lookup_connection_value(rs->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    size_t n = strlen(req->csrf);
    if (sent == NULL || strlen(sent) != n || !yw_mem_equal(sent, req->csrf, n))
        return yw_err_set(&rs->err, YW_EPERM, "X-CSRF-Token",
                          "CSRF 令牌缺失或不符 / the CSRF token is missing or wrong");
    return YW_OK;
}

/* Authorises and runs the handler; the result stays in rs for finish(). Runs
 * on an I/O thread for inline routes, on a worker for the others. */
static void run_handler(struct request_state *rs)
{
    struct yw_request *req = &rs->req;
    bool public =
        req->route->permission != NULL && strcmp(req->route->permission, YW_ACTION_PUBLIC) == 0;
    int rc = public ? YW_OK : resolve_principal(rs);
    if (rc == YW_OK)
        rc = yw_policy_decide(&req->principal, req->route->permission, NULL, &rs->err);
    if (rc == YW_OK)
        rc = req->route->handler(req, &rs->res, &rs->err);
    /* The key's transaction, if the handler left it; then its last use. */
    yw_store_rollback(&req->txn);
    if (rs->key_stale) {
        struct yw_err ignored = {0};
        if (yw_key_touch(req->ctx->store, &req->principal, yw_now_ms(), &ignored) < 0)
            yw_log(YW_LOG_WARN, "key_touch_failed", "\"id\":\"%s\"", rs->id);
    }
    if (atomic_load(&rs->deferred) != 0)
        return; /* the answer, and rs->rc, belong to yw__request_finish */
    rs->rc = rc;
    if (rs->rc < 0) {
        json_decref(rs->res.json);
        free(rs->res.owned);
        rs->res = (struct yw_response){0};
    }
}

/* The answer is ready: let the I/O thread send it. */
static void resume_done(struct request_state *rs)
{
    atomic_store(&rs->phase, PHASE_DONE);
    MHD_resume_connection(rs->conn);
}

static void run_job(struct yw__job *job)
{
    struct request_state *rs = (struct request_state *)job; /* job is the first member */
    run_handler(rs);
    /* A deferred answer resumes the connection when both it and this return
     * have happened, whichever comes last. */
    if (atomic_load(&rs->deferred) != 0) {
        if (atomic_fetch_sub(&rs->deferred, 1) == 1)
            resume_done(rs);
        return;
    }
    resume_done(rs);
}

void yw__request_defer(struct yw_request *req)
{
    struct request_state *rs =
        (struct request_state *)((char *)req - offsetof(struct request_state, req));
    atomic_store(&rs->deferred, 2);
}

void yw__request_finish(struct yw_request *req, int rc, json_t *json, const struct yw_err *err)
{
    struct request_state *rs =
        (struct request_state *)((char *)req - offsetof(struct request_state, req));
    rs->rc = rc;
    if (rc < 0) {
        rs->err = *err;
        json_decref(json);
    } else {
        rs->res.json = json;
    }
    if (atomic_fetch_sub(&rs->deferred, 1) == 1)
        resume_done(rs);
}

void yw__request_finish_bytes(struct yw_request *req, int rc, char *body_take, size_t n,
                              const struct yw_err *err)
{
    struct request_state *rs =
        (struct request_state *)((char *)req - offsetof(struct request_state, req));
    rs->rc = rc;
    if (rc < 0) {
        rs->err = *err;
        free(body_take);
    } else {
        rs->res.owned = body_take;
        rs->res.size = n;
    }
    if (atomic_fetch_sub(&rs->deferred, 1) == 1)
        resume_done(rs);
}

/* Sends the handler's result; the response's memory passes to MHD here. */
static enum MHD_Result finish(struct yw_http_server *srv, struct request_state *rs,
                              struct MHD_Connection *conn)
{
    if (rs->rc < 0)
        return send_failure(srv, rs, conn, rs->rc, &rs->err);
    struct yw_response res = rs->res;
    rs->res = (struct yw_response){0};
    return send_response(srv, rs, conn, &res);
}

/* The whole request has arrived: check the body, then run the handler inline
 * or hand it to a worker. */
static enum MHD_Result dispatch(struct yw_http_server *srv, struct request_state *rs,
                                struct MHD_Connection *conn)
{
    struct yw_request *req = &rs->req;

    if (rs->body_too_big) {
        char msg[160];
        (void)yw_fmt(msg, sizeof(msg), "请求体超过 %lld 字节 / request body exceeds %lld bytes",
                     (long long)rs->body.max, (long long)rs->body.max);
        return send_error(srv, rs, conn, 413, "body_too_large", msg, NULL, NULL);
    }
    if (req->route->body == YW_BODY_JSON) {
        json_error_t jerr;
        char msg[256];
        if (!content_type_is_json(conn))
            return send_error(srv, rs, conn, 415, "unsupported_media_type",
                              "请求体须为 application/json / the body must be application/json",
                              NULL, NULL);
        if (rs->body.len == 0)
            return send_error(srv, rs, conn, 400, "body_required",
                              "缺少请求体 / a JSON body is required", NULL, NULL);
        if (!yw_utf8_valid(rs->body.data, rs->body.len))
            return send_error(srv, rs, conn, 400, "invalid_utf8",
                              "请求体不是合法的 UTF-8 / the body is not valid UTF-8", NULL, NULL);
        req->json = json_loadb(rs->body.data, rs->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (req->json == NULL) {
            (void)yw_fmt(msg, sizeof(msg),
                         "请求体不是合法的 JSON（第 %d 行第 %d 列）/ malformed JSON at line %d, "
                         "column %d: %.80s",
                         jerr.line, jerr.column, jerr.line, jerr.column, jerr.text);
            return send_error(srv, rs, conn, 400, "malformed_json", msg, NULL, NULL);
        }
        if (!json_is_object(req->json))
            return send_error(srv, rs, conn, 400, "malformed_json",
                              "请求体须为 JSON 对象 / the body must be a JSON object", NULL, NULL);
    }
    if (req->route->exec == YW_EXEC_INLINE) {
        run_handler(rs);
        return finish(srv, rs, conn);
    }
    /* The handler may block: park the connection, run it on a worker, and
     * answer when the worker resumes the connection (on_access, PHASE_DONE). */
    atomic_store(&rs->phase, PHASE_ON_WORKER);
    MHD_suspend_connection(conn);
    if (!yw__workers_submit(srv->workers, &rs->job)) {
        MHD_resume_connection(conn);
        atomic_store(&rs->phase, PHASE_READING);
        return send_error(srv, rs, conn, 503, "busy",
                          "服务繁忙，请稍后再试 / the node is busy, try again shortly", NULL, NULL);
    }
    return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **req_cls)
{
    struct yw_http_server *srv = cls;
    struct request_state *rs = *req_cls;
    (void)version;

    if (rs == NULL) {
        rs = calloc(1, sizeof(*rs));
        if (rs == NULL)
            return MHD_NO;
        *req_cls = rs;
        atomic_fetch_add(&srv->in_flight, 1);
        rs->start_ns = yw_monotonic_ns();
        rs->route_index = srv->n_routes;
        rs->job.run = run_job;
        rs->conn = conn;
        rs->req.ctx = srv->ctx;
        rs->req.srv = srv;
        rs->req.conn = conn;
        rs->req.method = method;
        rs->req.path = yw_str_c(url);
        rs->req.session =
            yw_str_c(MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "yw_session"));
        remote_address(conn, rs->req.remote);
        yw_buf_init(&rs->body, (size_t)srv->ctx->config.body_limit);
        (void)yw_fmt(rs->id, sizeof(rs->id), "%08llx-%llu", (unsigned long long)srv->id_prefix,
                     (unsigned long long)atomic_fetch_add(&srv->next_id, 1));

        char allow[128];
        struct args_check args = {.ok = true};
        if (!yw_utf8_valid(rs->req.path.p, rs->req.path.n))
            return send_error(srv, rs, conn, 400, "invalid_utf8",
                              "路径不是合法的 UTF-8 / the path is not valid UTF-8", NULL, NULL);
        MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, check_arg, &args);
        if (!args.ok)
            return send_error(srv, rs, conn, 400, "invalid_utf8",
                              "查询参数不是合法的 UTF-8 / a query parameter is not valid UTF-8",
                              args.bad_key, NULL);
        unsigned st = route_request(srv, rs, method, allow);
        if (st == 404)
            return send_error(srv, rs, conn, 404, "not_found", "没有这个地址 / no such route", NULL,
                              NULL);
        if (st == 405)
            return send_error(srv, rs, conn, 405, "method_not_allowed",
                              "不支持该请求方法 / method not allowed for this route", NULL, allow);

        /* Nobody to authorise: a route that is not public is refused before
         * its body is read, let alone parsed. */
        if ((rs->req.route->permission == NULL ||
             strcmp(rs->req.route->permission, YW_ACTION_PUBLIC) != 0) &&
            rs->req.session.n == 0 &&
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION) ==
                NULL)
            return send_error(srv, rs, conn, 401, "unauthenticated", "请先登录 / sign-in required",
                              NULL, NULL);
        const char *len =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        int64_t declared = 0;
        if (len != NULL && yw_parse_int64(yw_str_c(len), 0, INT64_MAX, &declared) == YW_OK &&
            declared > srv->ctx->config.body_limit) {
            rs->body_too_big = true;
            /* A body a little over the limit is read and dropped so the client,
             * still sending, reliably sees the 413; a huge one is answered at
             * once and the connection closed. */
            if (declared > DISCARD_FACTOR * srv->ctx->config.body_limit)
                return dispatch(srv, rs, conn);
        }
        return MHD_YES;
    }
    if (atomic_load(&rs->phase) == PHASE_DONE) {
        atomic_store(&rs->phase, PHASE_READING);
        return finish(srv, rs, conn);
    }
    if (atomic_load(&rs->phase) == PHASE_ON_WORKER)
        return MHD_YES; /* not ours to touch until the worker resumes us */
    if (rs->responded) {
        /* An early answer is queued; drop whatever body still arrives. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!rs->body_too_big && rs->req.route->body == YW_BODY_NONE)
            rs->discarded += *upload_data_size; /* a body nobody reads is not kept */
        else if (rs->body_too_big || yw_buf_append(&rs->body, upload_data, *upload_data_size) < 0) {
            rs->body_too_big = true;
            rs->discarded += *upload_data_size;
        }
        *upload_data_size = 0;
        if (rs->discarded > DISCARD_FACTOR * rs->body.max)
            return MHD_NO;
        return MHD_YES;
    }
    return dispatch(srv, rs, conn);
}

/* ---- completion: metrics and the log line --------------------------------- */

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct yw_http_server *srv = cls;
    struct request_state *rs = *req_cls;
    struct yw_buf path;

    if (rs == NULL)
        return;
    *req_cls = NULL;
    int64_t duration = yw_monotonic_ns() - rs->start_ns;
    yw__metrics_observe(&srv->metrics, rs->route_index, rs->status, duration);
    yw_buf_init(&path, 4096);
    if (yw_json_escape(&path, rs->req.path) == YW_OK)
        yw_log(YW_LOG_INFO, "request",
               "\"id\":\"%s\",\"method\":\"%s\",\"path\":\"%s\",\"route\":\"%s\","
               "\"status\":%u,\"ms\":%.3f,\"remote\":\"%s\"%s",
               rs->id, rs->req.method, path.data ? path.data : "",
               rs->req.route ? rs->req.route->pattern : "", rs->status, (double)duration / 1e6,
               rs->req.remote,
               toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : ",\"aborted\":true");
    yw_buf_free(&path);
    yw_buf_free(&rs->body);
    json_decref(rs->req.json);
    /* A worker's answer that was never sent: the client left while its
     * request was suspended, or the server stopped. */
    json_decref(rs->res.json);
    free(rs->res.owned);
    free(rs);
    atomic_fetch_sub(&srv->in_flight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct yw_http_server *srv = cls;
    (void)conn;
    (void)socket_context;
    atomic_fetch_add(&srv->metrics.connections, toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

/* libmicrohttpd's own messages, as JSON log lines. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) YW_PRINTF(2, 0);
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char text[512];
    struct yw_buf b;
    (void)cls;
    if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
        return;
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == '\n')
        text[--n] = '\0';
    yw_buf_init(&b, 2048);
    if (yw_json_escape(&b, yw_str_c(text)) == YW_OK)
        yw_log(YW_LOG_WARN, "http_library", "\"detail\":\"%s\"", b.data ? b.data : "");
    yw_buf_free(&b);
}

/* ---- start and stop ------------------------------------------------------ */

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080"; port 0 picks a free one. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, struct yw_err *err)
{
    const char *colon = strrchr(listen, ':');
    char host[64];
    int64_t port;

    memset(ss, 0, sizeof(*ss));
    if (colon == NULL || yw_parse_int64(yw_str_c(colon + 1), 0, 65535, &port) < 0 ||
        (size_t)(colon - listen) >= sizeof(host))
        goto bad;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    if (host[0] == '[') {
        size_t n = strlen(host);
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        if (n < 3 || host[n - 1] != ']')
            goto bad;
        host[n - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            goto bad;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return YW_OK;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    if (strcmp(host, "localhost") == 0)
        (void)yw_copy(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
        goto bad;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return YW_OK;
bad:
    return yw_err_set(err, YW_EINVAL, "listen",
                      "监听地址无效 \"%s\" / bad listen address \"%s\": use ADDR:PORT, e.g. "
                      "127.0.0.1:8080 or [::1]:8080",
                      listen, listen);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

const char *yw__web_etag(struct yw_http_server *srv, size_t asset_index)
{
    return srv->etags[asset_index];
}

int yw_http_start(struct yw_ctx *ctx, struct yw_http_server **out, char bound_addr[64],
                  struct yw_err *err)
{
    struct sockaddr_storage ss;
    struct yw_http_server *srv;
    int rc;

    if (ctx->ledger == NULL || ctx->exchange == NULL)
        return yw_err_set(err, YW_EINTERNAL, NULL,
                          "the ledger and the exchange must be open before serving");
    if ((rc = parse_listen(ctx->config.listen, &ss, err)) < 0)
        return rc;
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    srv->ctx = ctx;
    srv->routes = yw_http_routes(&srv->n_routes);
    srv->metrics.n_routes = srv->n_routes;
    srv->etags = calloc(yw_web_assets_count + 1, sizeof(*srv->etags));
    if (srv->etags == NULL || srv->n_routes > YW__MAX_ROUTES) {
        rc = yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < yw_web_assets_count; i++)
        (void)yw_fmt(srv->etags[i], sizeof(srv->etags[i]), "\"%016llx\"",
                     (unsigned long long)fnv1a(yw_web_assets[i].data, yw_web_assets[i].size));
    uint8_t prefix[4];
    if (yw_random(prefix, sizeof(prefix)) < 0) {
        rc = yw_err_set(err, YW_ECRYPTO, NULL, "no randomness");
        goto fail;
    }
    srv->id_prefix = ((uint64_t)prefix[0] << 24) | ((uint64_t)prefix[1] << 16) |
                     ((uint64_t)prefix[2] << 8) | prefix[3];

    if ((rc = yw__workers_start((size_t)ctx->config.workers, (size_t)ctx->config.max_queue,
                                &srv->workers, err)) < 0)
        goto fail;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    srv->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_access, srv, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)ctx->config.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)ctx->config.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY_LIMIT, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)(ctx->config.io_threads > 1 ? ctx->config.io_threads : 0), MHD_OPTION_END);
    if (srv->daemon == NULL) {
        rc = yw_err_set(err, YW_EIO, "listen",
                        "无法监听 %s（端口被占用或无权限）/ cannot listen on %s (address in use "
                        "or not permitted)",
                        ctx->config.listen, ctx->config.listen);
        goto fail;
    }
    if (bound_addr != NULL) {
        const union MHD_DaemonInfo *di =
            MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
        char host[INET6_ADDRSTRLEN] = "";
        unsigned port = di ? di->port : 0;
        if (ss.ss_family == AF_INET6) {
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
            (void)yw_fmt(bound_addr, 64, "[%s]:%u", host, port);
        } else {
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
            (void)yw_fmt(bound_addr, 64, "%s:%u", host, port);
        }
    }
    *out = srv;
    return YW_OK;
fail:
    yw__workers_stop(srv->workers);
    free(srv->etags);
    free(srv);
    return rc;
}

void yw_http_stop(struct yw_http_server *srv)
{
    if (srv == NULL)
        return;
    atomic_store(&srv->stopping, true);
    MHD_socket listen_fd = MHD_quiesce_daemon(srv->daemon);
    int64_t deadline = yw_monotonic_ns() + (int64_t)srv->ctx->config.grace_s * 1000000000;
    while (atomic_load(&srv->in_flight) > 0 && yw_monotonic_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    int left = atomic_load(&srv->in_flight);
    /* Every queued job still runs (and resumes its connection) before the
     * workers exit, so no connection is left suspended for MHD_stop_daemon;
     * requests that arrive meanwhile on kept-alive connections get 503. The
     * pool's memory lives until no I/O thread can reach it. */
    yw__workers_drain(srv->workers);
    MHD_stop_daemon(srv->daemon);
    yw__workers_stop(srv->workers);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    yw_log(YW_LOG_INFO, "http_stopped", "\"unfinished_requests\":%d", left);
    free(srv->etags);
    free(srv);
}
