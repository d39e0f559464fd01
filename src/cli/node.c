/* yiwang init, serve, routes, version, demo. */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "crypto/crypto.h"
#include "demo/demo.h"
#include "directory/directory.h"
#include "http/http.h"
#include "ledger/ledger.h"
#include "node/node.h"
#include "services/services.h"

static const char usage_init[] =
    "Usage: yiwang init --dir D [--profile gm|intl] [--db URL] [--origin ORIGIN]\n"
    "                   [--name NAME] [--listen ADDR:PORT]\n"
    "\n"
    "创建节点 / Creates a node in directory D (made if missing): the signing key D/node.key\n"
    "(mode 0600), the configuration D/yiwang.conf and the database, migrated, with the\n"
    "node's identity. Refuses, changing nothing, if D or the database already holds a node.\n"
    "\n"
    "  --dir D            node directory (required)\n"
    "  --profile P        gm: SM2/SM3/SM4 (default) | intl: Ed25519/SHA-256/AES-GCM\n"
    "  --db URL           sqlite:PATH (default sqlite:D/yiwang.db) or postgres://…\n"
    "  --origin ORIGIN    the ledger's origin line, e.g. yiwang.example/shiyi\n"
    "                     (default yiwang.local/<key hash>); fixed for the node's life\n"
    "  --name NAME        display name, e.g. 示例市政务数据共享节点\n"
    "  --listen ADDR:PORT default 127.0.0.1:8080\n";

static const char usage_serve[] =
    "Usage: yiwang serve --dir D [--listen ADDR:PORT]\n"
    "\n"
    "运行节点 / Serves the node in D over HTTP until SIGTERM or SIGINT, then stops\n"
    "gracefully: requests in flight finish, the database closes cleanly.\n"
    "Logs one JSON line per request on stderr.\n"
    "\n"
    "  --dir D            node directory (required)\n"
    "  --listen ADDR:PORT overrides the configuration and YIWANG_LISTEN; port 0 picks one\n"
    "\n"
    "Environment: YIWANG_LISTEN, YIWANG_DB override yiwang.conf.\n";

static const char usage_routes[] = "Usage: yiwang routes\n"
                                   "\n"
                                   "Lists every HTTP route: method, path, permission, summary.\n";

static const char usage_version[] = "Usage: yiwang version\n\nPrints the version.\n";

int yw_cli_init(int argc, char **argv)
{
    const char *dir = NULL, *profile = "gm", *db = NULL, *origin = NULL, *name = NULL,
               *listen = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir},   {"profile", &profile},
                                    {"db", &db},     {"origin", &origin},
                                    {"name", &name}, {"listen", &listen}};
    struct yw_node_init opts = {0};
    struct yw_err err = {0};
    int rc = yw_cli_parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_init);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "init needs --dir D");
    if (yw_profile_parse(yw_str_c(profile), &opts.profile) < 0)
        return yw_cli_usage_error("unknown profile \"%s\": use gm or intl", profile);
    opts.dir = dir;
    opts.db = db;
    opts.origin = origin;
    opts.name = name;
    opts.listen = listen;
    if (yw_node_init(&opts, &err) < 0)
        return yw_cli_fail(&err);
    printf("节点已创建 / node created in %s (profile %s)\n"
           "启动 / start it with: yiwang serve --dir %s\n",
           dir, yw_profile_name(opts.profile), dir);
    return 0;
}

int yw_cli_serve(int argc, char **argv)
{
    const char *dir = NULL, *listen = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir}, {"listen", &listen}};
    struct yw_ctx *ctx = NULL;
    struct yw_http_server *srv = NULL;
    struct yw_err err = {0};
    char bound[64] = "";
    sigset_t stop_signals;
    int sig = 0;
    int rc = yw_cli_parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_serve);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "serve needs --dir D");

    /* Block the stop signals before any thread starts, so every server thread
     * inherits the mask and only sigwait() below receives them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(ctx->config.log_level);
    if (listen != NULL && yw_copy(ctx->config.listen, sizeof(ctx->config.listen), listen) < 0) {
        yw_node_close(ctx);
        return yw_cli_usage_error("listen address too long: %s", listen);
    }
    if (yw_node_open_ledger(ctx, &err) < 0 || yw_node_record_start(ctx, &err) < 0 ||
        yw_node_open_exchange(ctx, &err) < 0 || yw_http_start(ctx, &srv, bound, &err) < 0) {
        yw_node_close(ctx);
        return yw_cli_fail(&err);
    }
    yw_log(YW_LOG_INFO, "listening",
           "\"addr\":\"%s\",\"url\":\"http://%s/\",\"version\":\"%s\",\"profile\":\"%s\","
           "\"schema_version\":%d,\"db\":\"%s\"",
           bound, bound, YW_VERSION, yw_profile_name(ctx->profile), ctx->schema_version,
           yw_store_dialect(ctx->store) == YW_DIALECT_SQLITE ? "sqlite" : "postgres");
    /* Until a stop signal: every minute, escalate supervision tasks past
     * their deadlines (审管联动). */
    struct yw_services services;
    yw_node_services(ctx, &services);
    do {
        size_t escalated = 0;
        if (yw_services_escalate(&services, yw_day_from_ms(yw_now_ms()), &escalated, &err) < 0)
            yw_log(YW_LOG_ERROR, "escalation_failed", "\"code\":\"%s\"", yw_err_name(err.code));
        else if (escalated > 0)
            yw_log(YW_LOG_INFO, "supervision_escalated", "\"tasks\":%zu", escalated);
        struct timespec minute = {60, 0};
        sig = sigtimedwait(&stop_signals, NULL, &minute);
    } while (sig != SIGINT && sig != SIGTERM);
    yw_log(YW_LOG_INFO, "stopping", "\"signal\":\"%s\"", sig == SIGINT ? "SIGINT" : "SIGTERM");
    yw_http_stop(srv);
    rc = yw_node_record_stop(ctx, sig == SIGINT ? "SIGINT" : "SIGTERM", &err);
    if (rc < 0)
        yw_log(YW_LOG_ERROR, "stop_not_recorded", "\"code\":\"%s\"", yw_err_name(rc));
    yw_node_close(ctx);
    yw_log(YW_LOG_INFO, "stopped", NULL);
    return rc < 0 ? YW_CLI_RUNTIME : 0;
}

int yw_cli_routes(int argc, char **argv)
{
    size_t n = 0;
    const struct yw_route *routes = yw_http_routes(&n);
    int rc = yw_cli_parse_options(argc, argv, NULL, 0, usage_routes);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    for (size_t i = 0; i < n; i++)
        printf("%-6s %-20s %-12s %s\n", routes[i].method, routes[i].pattern,
               routes[i].permission ? routes[i].permission : "(denied)", routes[i].summary);
    return 0;
}

/* ---- yiwang demo ----------------------------------------------------------- */

static const char usage_demo[] =
    "Usage: yiwang demo --dir D [--listen ADDR:PORT] [--db URL]\n"
    "\n"
    "演示节点 / Creates a demo node in D (unless D holds one already) and fills it with a\n"
    "realistic fictional province, 青岚省: a data authority (大数据管理局), an approval\n"
    "bureau (行政审批局), public security, market regulation, civil affairs, human\n"
    "resources and social security, health, education, two cities with their own\n"
    "departments, a contracted enterprise partner, power lists, one account per role and\n"
    "an API key; its catalog; 100 000 synthetic residents (fictional, from a fixed seed)\n"
    "with records in five resources; and a consumer system's key with a grant, so that a\n"
    "delivery can be called at once (the demo prints a curl line). Passwords and keys are\n"
    "printed once. Then run `yiwang serve --dir D`.\n";

int yw_cli_demo(int argc, char **argv)
{
    const char *dir = NULL, *listen = NULL, *db = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir}, {"listen", &listen}, {"db", &db}};
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char conf[PATH_MAX];
    int rc = yw_cli_parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_demo);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "demo needs --dir D");
    if (yw_fmt(conf, sizeof(conf), "%s/%s", dir, YW_NODE_CONF) < 0)
        return yw_cli_usage_error("%s", "directory path too long");
    if (access(conf, F_OK) != 0) {
        struct yw_node_init opts = {.dir = dir,
                                    .profile = YW_PROFILE_GM,
                                    .db = db,
                                    .origin = "yiwang.qinglan.example/demo",
                                    .name = "青岚省政务数据共享与服务节点（演示）",
                                    .listen = listen};
        if (yw_node_init(&opts, &err) < 0)
            return yw_cli_fail(&err);
    }
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    rc = yw_node_open_ledger(ctx, &err) < 0 || yw_node_open_exchange(ctx, &err) < 0 ||
                 yw_demo_populate(ctx, stdout, &err) < 0
             ? yw_cli_fail(&err)
             : 0;
    if (rc == 0)
        printf("演示节点已就绪 / demo node ready: yiwang serve --dir %s\n", dir);
    yw_node_close(ctx);
    return rc;
}

int yw_cli_version(int argc, char **argv)
{
    int rc = yw_cli_parse_options(argc, argv, NULL, 0, usage_version);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    printf("yiwang %s\n", YW_VERSION);
    return 0;
}
