/* yiwang — the command line: init, serve, routes, version. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "http/http.h"
#include "node/node.h"
#include "util/util.h"

enum { EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct option_spec {
    const char *name; /* without the leading "--" */
    const char **value;
};

static const char usage_main[] =
    "yiwang — 一网：政务数据共享、一网通办与可验证记录的节点\n"
    "yiwang — a digital-government node: data sharing, one-stop services, verifiable records\n"
    "\n"
    "Usage: yiwang COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  init      create a node: key pair, configuration, database\n"
    "  serve     run the node's HTTP server\n"
    "  routes    list the HTTP routes and the permission each needs\n"
    "  version   print the version\n"
    "  help      show this help\n"
    "\n"
    "Run `yiwang COMMAND --help` for a command's options.\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad usage.\n";

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

static int usage_error(const char *fmt, ...) YW_PRINTF(1, 2);
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("yiwang: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see yiwang --help)\n", stderr);
    return EXIT_USAGE;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Parses "--name VALUE" and "--name=VALUE". Returns 0, 1 when help was
 * asked for (printed), or EXIT_USAGE. */
static int parse_options(int argc, char **argv, struct option_spec *specs, size_t n_specs,
                         const char *usage)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (is_help(arg)) {
            fputs(usage, stdout);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0)
            return usage_error("unexpected argument \"%s\"", arg);
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg - 2) : strlen(arg) - 2;
        struct option_spec *spec = NULL;
        for (size_t k = 0; k < n_specs; k++)
            if (strlen(specs[k].name) == name_len && memcmp(specs[k].name, arg + 2, name_len) == 0)
                spec = &specs[k];
        if (spec == NULL)
            return usage_error("unknown option \"%s\"", arg);
        if (eq) {
            *spec->value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return usage_error("option %s needs a value", arg);
            *spec->value = argv[++i];
        }
        if ((*spec->value)[0] == '\0')
            return usage_error("option %s needs a non-empty value", arg);
    }
    return 0;
}

static int fail(const struct yw_err *err)
{
    fprintf(stderr, "yiwang: %s\n", err->message[0] ? err->message : yw_err_name(err->code));
    return err->code == YW_EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

static int cmd_init(int argc, char **argv)
{
    const char *dir = NULL, *profile = "gm", *db = NULL, *origin = NULL, *name = NULL,
               *listen = NULL;
    struct option_spec specs[] = {{"dir", &dir},       {"profile", &profile}, {"db", &db},
                                  {"origin", &origin}, {"name", &name},       {"listen", &listen}};
    struct yw_node_init opts = {0};
    struct yw_err err = {0};
    int rc = parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_init);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "init needs --dir D");
    if (yw_profile_parse(yw_str_c(profile), &opts.profile) < 0)
        return usage_error("unknown profile \"%s\": use gm or intl", profile);
    opts.dir = dir;
    opts.db = db;
    opts.origin = origin;
    opts.name = name;
    opts.listen = listen;
    if (yw_node_init(&opts, &err) < 0)
        return fail(&err);
    printf("节点已创建 / node created in %s (profile %s)\n"
           "启动 / start it with: yiwang serve --dir %s\n",
           dir, yw_profile_name(opts.profile), dir);
    return 0;
}

static int cmd_serve(int argc, char **argv)
{
    const char *dir = NULL, *listen = NULL;
    struct option_spec specs[] = {{"dir", &dir}, {"listen", &listen}};
    struct yw_ctx *ctx = NULL;
    struct yw_http_server *srv = NULL;
    struct yw_err err = {0};
    char bound[64] = "";
    sigset_t stop_signals;
    int sig = 0;
    int rc = parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_serve);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "serve needs --dir D");

    /* Block the stop signals before any thread starts, so every server thread
     * inherits the mask and only sigwait() below receives them. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (yw_node_open(dir, &ctx, &err) < 0)
        return fail(&err);
    yw_log_set_level(ctx->config.log_level);
    if (listen != NULL && yw_copy(ctx->config.listen, sizeof(ctx->config.listen), listen) < 0) {
        yw_node_close(ctx);
        return usage_error("listen address too long: %s", listen);
    }
    if (yw_http_start(ctx, &srv, bound, &err) < 0) {
        yw_node_close(ctx);
        return fail(&err);
    }
    yw_log(YW_LOG_INFO, "listening",
           "\"addr\":\"%s\",\"url\":\"http://%s/\",\"version\":\"%s\",\"profile\":\"%s\","
           "\"schema_version\":%d,\"db\":\"%s\"",
           bound, bound, YW_VERSION, yw_profile_name(ctx->profile), ctx->schema_version,
           yw_store_dialect(ctx->store) == YW_DIALECT_SQLITE ? "sqlite" : "postgres");
    sigwait(&stop_signals, &sig);
    yw_log(YW_LOG_INFO, "stopping", "\"signal\":\"%s\"", sig == SIGINT ? "SIGINT" : "SIGTERM");
    yw_http_stop(srv);
    yw_node_close(ctx);
    yw_log(YW_LOG_INFO, "stopped", NULL);
    return 0;
}

static int cmd_routes(int argc, char **argv)
{
    size_t n = 0;
    const struct yw_route *routes = yw_http_routes(&n);
    int rc = parse_options(argc, argv, NULL, 0, usage_routes);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    for (size_t i = 0; i < n; i++)
        printf("%-6s %-20s %-12s %s\n", routes[i].method, routes[i].pattern,
               routes[i].permission ? routes[i].permission : "(denied)", routes[i].summary);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    int rc = parse_options(argc, argv, NULL, 0, usage_version);
    if (rc != 0)
        return rc == 1 ? 0 : rc;
    printf("yiwang %s\n", YW_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"init", cmd_init},
        {"serve", cmd_serve},
        {"routes", cmd_routes},
        {"version", cmd_version},
    };

    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    if (is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(0, NULL);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    return usage_error("unknown command \"%s\"", argv[1]);
}
