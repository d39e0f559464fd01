/* Prometheus text exposition (version 0.0.4) of the server's counters. */
#include "internal.h"

static const unsigned statuses[YW__N_STATUSES] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                                                  409, 413, 415, 422, 429, 431, 500, 503, 0};
/* Upper bounds in seconds; the implicit +Inf bucket is the count. */
static const double bucket_bounds[YW__N_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

void yw__metrics_observe(struct yw__metrics *m, size_t route_index, unsigned status,
                         int64_t duration_ns)
{
    struct yw__route_metrics *r = &m->routes[route_index];
    size_t s = YW__N_STATUSES - 1; /* "other" */
    for (size_t i = 0; i + 1 < YW__N_STATUSES; i++)
        if (statuses[i] == status) {
            s = i;
            break;
        }
    atomic_fetch_add_explicit(&r->by_status[s], 1, memory_order_relaxed);
    double secs = (double)duration_ns / 1e9;
    for (size_t b = 0; b < YW__N_BUCKETS; b++)
        if (secs <= bucket_bounds[b]) {
            atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
            break;
        }
    atomic_fetch_add_explicit(&r->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_us, (uint_fast64_t)(duration_ns / 1000),
                              memory_order_relaxed);
}

int yw__metrics_render(struct yw_http_server *srv, struct yw_buf *b)
{
    struct yw__metrics *m = &srv->metrics;
    struct yw_ctx *ctx = srv->ctx;
    size_t queued = 0;
    int busy = 0;
    size_t n_routes = 0;
    const struct yw_route *routes = yw_http_routes(&n_routes);
    struct yw_store_stats ps;
    int rc = YW_OK;

#define OUT(...)                                                                                   \
    do {                                                                                           \
        if (rc == YW_OK)                                                                           \
            rc = yw_buf_printf(b, __VA_ARGS__);                                                    \
    } while (0)

    OUT("# HELP yiwang_build_info Build and node identity.\n# TYPE yiwang_build_info gauge\n"
        "yiwang_build_info{version=\"%s\",profile=\"%s\",schema=\"%d\"} 1\n",
        YW_VERSION, yw_profile_name(ctx->profile), ctx->schema_version);
    OUT("# HELP yiwang_uptime_seconds Seconds since the node started.\n"
        "# TYPE yiwang_uptime_seconds gauge\nyiwang_uptime_seconds %lld\n",
        (long long)((yw_now_ms() - ctx->started_ms) / 1000));
    OUT("# HELP yiwang_http_connections Open HTTP connections.\n"
        "# TYPE yiwang_http_connections gauge\nyiwang_http_connections %d\n",
        atomic_load(&m->connections));

    OUT("# HELP yiwang_http_requests_total HTTP requests by route, method and status.\n"
        "# TYPE yiwang_http_requests_total counter\n");
    for (size_t i = 0; i <= m->n_routes; i++) {
        const char *pattern = i < n_routes ? routes[i].pattern : "unmatched";
        const char *method = i < n_routes ? routes[i].method : "";
        for (size_t s = 0; s < YW__N_STATUSES; s++) {
            uint_fast64_t v = atomic_load(&m->routes[i].by_status[s]);
            if (v == 0)
                continue;
            if (statuses[s])
                OUT("yiwang_http_requests_total{route=\"%s\",method=\"%s\",status=\"%u\"} %llu\n",
                    pattern, method, statuses[s], (unsigned long long)v);
            else
                OUT("yiwang_http_requests_total{route=\"%s\",method=\"%s\",status=\"other\"} "
                    "%llu\n",
                    pattern, method, (unsigned long long)v);
        }
    }

    OUT("# HELP yiwang_http_request_duration_seconds Time from the first byte of a request to "
        "its response being queued.\n# TYPE yiwang_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->n_routes; i++) {
        const char *pattern = i < n_routes ? routes[i].pattern : "unmatched";
        const char *method = i < n_routes ? routes[i].method : "";
        uint_fast64_t count = atomic_load(&m->routes[i].count);
        uint_fast64_t cumulative = 0;
        if (count == 0)
            continue;
        for (size_t k = 0; k < YW__N_BUCKETS; k++) {
            cumulative += atomic_load(&m->routes[i].buckets[k]);
            OUT("yiwang_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"}"
                " %llu\n",
                pattern, method, bucket_bounds[k], (unsigned long long)cumulative);
        }
        OUT("yiwang_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"}"
            " %llu\n",
            pattern, method, (unsigned long long)count);
        OUT("yiwang_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n", pattern,
            method, (double)atomic_load(&m->routes[i].sum_us) / 1e6);
        OUT("yiwang_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
            pattern, method, (unsigned long long)count);
    }

    yw__workers_stats(srv->workers, &queued, &busy);
    OUT("# HELP yiwang_http_workers Worker threads running handlers that may block.\n"
        "# TYPE yiwang_http_workers gauge\n"
        "yiwang_http_workers{state=\"busy\"} %d\nyiwang_http_workers{state=\"idle\"} %d\n",
        busy, ctx->config.workers - busy);
    OUT("# HELP yiwang_http_queued_requests Requests waiting for a worker.\n"
        "# TYPE yiwang_http_queued_requests gauge\nyiwang_http_queued_requests %zu\n",
        queued);
    yw_store_stats(ctx->store, &ps);
    OUT("# HELP yiwang_store_pool_connections Database connections in the pool.\n"
        "# TYPE yiwang_store_pool_connections gauge\n"
        "yiwang_store_pool_connections{state=\"in_use\"} %d\n"
        "yiwang_store_pool_connections{state=\"idle\"} %d\n",
        ps.in_use, ps.pool_size - ps.in_use);
    OUT("# HELP yiwang_store_pool_waits_total Times a request waited for a free connection.\n"
        "# TYPE yiwang_store_pool_waits_total counter\nyiwang_store_pool_waits_total %llu\n",
        (unsigned long long)ps.waits);
    OUT("# HELP yiwang_store_pool_timeouts_total Times a request gave up waiting.\n"
        "# TYPE yiwang_store_pool_timeouts_total counter\nyiwang_store_pool_timeouts_total %llu\n",
        (unsigned long long)ps.timeouts);
#undef OUT
    return rc;
}
