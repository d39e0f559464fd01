/*
 * http — the node's HTTP/JSON front door, on libmicrohttpd.
 *
 * Threading: a few I/O threads (one per core, epoll) own the connections and
 * run only handlers that never block. Every other handler runs on a pool of
 * worker threads: the connection is suspended, the job queued, and the
 * connection resumed with the answer. So a request that waits on the database
 * or the ledger never stalls another connection, and thousands of idle
 * keep-alive connections cost no threads. Connections, queued jobs and body
 * sizes are all capped by the configuration.
 *
 * Every request goes through the same steps, in this order:
 *   route match (404, 405 with Allow) → body limit (413) → UTF-8 and JSON
 *   checks for routes that take a JSON body (400, 415) → authorisation through
 *   yw_policy_decide() with the route's declared permission (401, 403) →
 *   handler.
 * Errors always have the shape {"error":{"code":"…","message":"…","field":"…"}}.
 * One JSON log line per request goes to stderr (path only: query strings may
 * carry personal identifiers and are never logged).
 */
#ifndef YW_HTTP_H
#define YW_HTTP_H

#include "node/node.h"
#include "util/util.h"

struct yw_request;
struct yw_response;
typedef int (*yw_handler_fn)(struct yw_request *req, struct yw_response *res, struct yw_err *err);

enum yw_body_kind { YW_BODY_NONE = 0, YW_BODY_JSON = 1 };

/* Where a handler runs. The default, a worker thread, is always safe; only a
 * handler that never blocks (no database, no ledger, no file, no lock held for
 * long) may run inline on the I/O thread. YW_EXEC_WORKER_TXN is a worker
 * whose API-key caller is authenticated in a read transaction that is then
 * handed to the handler (req->txn), for hot paths that read right after: the
 * handler takes it and ends it, and must begin no other transaction while it
 * holds it. */
enum yw_route_exec { YW_EXEC_WORKER = 0, YW_EXEC_INLINE = 1, YW_EXEC_WORKER_TXN = 2 };

/* One row of the route table (src/http/routes.c). The table is data: the
 * OpenAPI document and the authorisation tests walk it. */
struct yw_route {
    const char *method;     /* GET, POST, PATCH, … (GET routes answer HEAD too) */
    const char *pattern;    /* literal path; a final "*" matches one or more segments */
    const char *permission; /* YW_ACTION_PUBLIC or an action name; NULL is denied */
    enum yw_body_kind body;
    enum yw_route_exec exec;
    yw_handler_fn handler;
    const char *summary; /* one line, English */
};

/* The route table; *count gets its length. Static lifetime. */
const struct yw_route *yw_http_routes(size_t *count);

struct yw_http_server;

/* Starts serving ctx on ctx->config.listen. *out is owned by the caller and
 * released by yw_http_stop(). bound_addr (may be NULL) receives the address
 * actually bound, e.g. "127.0.0.1:8080" (useful with port 0). */
int yw_http_start(struct yw_ctx *ctx, struct yw_http_server **out, char bound_addr[64],
                  struct yw_err *err) YW_MUST_USE;

/* Graceful stop: stops accepting, lets requests in flight finish (at most
 * ctx->config.grace_s seconds), closes every connection and frees the
 * server. NULL-safe. */
void yw_http_stop(struct yw_http_server *srv);

#endif
