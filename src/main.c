/* yiwang — the command line: init, serve, routes, version. */
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "demo/demo.h"
#include "directory/directory.h"
#include "http/http.h"
#include "ledger/ledger.h"
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
    "  demo      create a demo node with a fictional province's data\n"
    "  serve     run the node's HTTP server\n"
    "  routes    list the HTTP routes and the permission each needs\n"
    "  ledger    verify, inspect and load-test the verifiable ledger\n"
    "  org       organisations: add, list, show, move, close, power\n"
    "  account   accounts and roles: add, list, show, grant, revoke, disable\n"
    "  key       API keys for department systems: create, list, revoke\n"
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
    if (yw_node_open_ledger(ctx, &err) < 0 || yw_node_record_start(ctx, &err) < 0 ||
        yw_http_start(ctx, &srv, bound, &err) < 0) {
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
    rc = yw_node_record_stop(ctx, sig == SIGINT ? "SIGINT" : "SIGTERM", &err);
    if (rc < 0)
        yw_log(YW_LOG_ERROR, "stop_not_recorded", "\"code\":\"%s\"", yw_err_name(rc));
    yw_node_close(ctx);
    yw_log(YW_LOG_INFO, "stopped", NULL);
    return rc < 0 ? EXIT_RUNTIME : 0;
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

/* ---- yiwang ledger ------------------------------------------------------- */

static const char usage_ledger[] =
    "Usage: yiwang ledger SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "可验证账本 / The node's verifiable ledger (RFC 9162 Merkle log, C2SP checkpoints).\n"
    "\n"
    "  verify     --dir D [--vkey VKEY] [--newest-signature-only]\n"
    "             recompute the whole tree from the stored entries and check every stored\n"
    "             hash and checkpoint; exits 1 naming the first bad index. Safe on a live node.\n"
    "  checkpoint --dir D                 print the newest signed checkpoint\n"
    "  vkey       --dir D                 print the checkpoints' verifier key\n"
    "  proof      --dir D --index I [--size N]\n"
    "             print an inclusion proof (JSON) of entry I in the tree of size N\n"
    "             (default: the newest checkpoint)\n"
    "  append     --dir D --count N [--window W] [--print-indexes]\n"
    "             load generator: append N clearly marked test entries (type test.load)\n"
    "             through the group committer, W in flight at once (default 4096);\n"
    "             --print-indexes prints each index once it is durable\n";

struct ledger_opts {
    const char *dir, *vkey, *index, *size, *count, *window;
    const char *newest_only, *print_indexes; /* flags: non-NULL when given */
};

/* Flags take no value; parse_options needs values, so they are matched here. */
static int parse_ledger_options(int argc, char **argv, struct ledger_opts *o)
{
    struct option_spec specs[] = {{"dir", &o->dir},   {"vkey", &o->vkey},   {"index", &o->index},
                                  {"size", &o->size}, {"count", &o->count}, {"window", &o->window}};
    char *rest[32];
    int n = 0;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--newest-signature-only") == 0)
            o->newest_only = argv[i];
        else if (strcmp(argv[i], "--print-indexes") == 0)
            o->print_indexes = argv[i];
        else if (n < 32)
            rest[n++] = argv[i];
        else
            return usage_error("%s", "too many arguments");
    }
    int rc = parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_ledger);
    if (rc == 0 && o->dir == NULL)
        return usage_error("%s", "ledger needs --dir D");
    return rc;
}

static int parse_count(const char *text, const char *name, int64_t min, int64_t max, int64_t *out)
{
    if (yw_parse_int64(yw_str_c(text), min, max, out) < 0)
        return usage_error("%s must be an integer from %lld to %lld", name, (long long)min,
                           (long long)max);
    return 0;
}

static void show_progress(void *cls, uint64_t done, uint64_t total)
{
    (void)cls;
    fprintf(stderr, "\r核验 verifying %llu / %llu (%llu%%)", (unsigned long long)done,
            (unsigned long long)total, (unsigned long long)(total ? done * 100 / total : 100));
    if (done == total)
        fputc('\n', stderr);
}

static int ledger_verify(struct yw_ctx *ctx, const struct ledger_opts *o)
{
    struct yw_ledger_verify_report report;
    struct yw_err err = {0};
    char vkey[512];
    int64_t start = yw_monotonic_ns();

    if (o->vkey == NULL && yw_node_vkey(ctx, vkey, sizeof(vkey)) < 0)
        return fprintf(stderr, "yiwang: cannot make the verifier key\n"), EXIT_RUNTIME;
    int rc =
        yw_ledger_verify(ctx->store, ctx->profile, o->vkey ? o->vkey : vkey, o->newest_only == NULL,
                         isatty(STDERR_FILENO) ? show_progress : NULL, NULL, &report, &err);
    if (rc < 0)
        return fail(&err);
    double secs = (double)(yw_monotonic_ns() - start) / 1e9;
    printf("账本核验通过 / ledger verified: %llu entries (%llu bytes), %llu checkpoints, %llu "
           "signatures, %.2f s\n",
           (unsigned long long)report.size, (unsigned long long)report.bytes,
           (unsigned long long)report.checkpoints, (unsigned long long)report.signatures, secs);
    return 0;
}

static int ledger_proof(struct yw_ctx *ctx, const struct ledger_opts *o)
{
    uint8_t proof[YW_LEDGER_PROOF_MAX][YW_HASH_SIZE];
    struct yw_err err = {0};
    struct yw_buf note;
    int64_t index, size;
    uint64_t newest;
    size_t n = 0;
    int rc;

    if (o->index == NULL)
        return usage_error("%s", "ledger proof needs --index I");
    if ((rc = parse_count(o->index, "--index", 0, INT64_MAX, &index)) != 0)
        return rc;
    yw_buf_init(&note, 64 * 1024);
    if (yw_ledger_checkpoint(ctx->store, &note, &newest, &err) < 0) {
        yw_buf_free(&note);
        return fail(&err);
    }
    size = (int64_t)newest;
    if (o->size != NULL && (rc = parse_count(o->size, "--size", 1, INT64_MAX, &size)) != 0) {
        yw_buf_free(&note);
        return rc;
    }
    rc = yw_ledger_prove_inclusion(ctx->store, ctx->profile, (uint64_t)index, (uint64_t)size, proof,
                                   &n, &err);
    if (rc < 0) {
        yw_buf_free(&note);
        return fail(&err);
    }
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        char b64[64];
        yw_base64(proof[i], YW_HASH_SIZE, b64);
        json_array_append_new(list, json_string(b64));
    }
    json_t *out = json_pack("{s:I, s:I, s:o}", "index", (json_int_t)index, "size", (json_int_t)size,
                            "proof", list);
    if ((uint64_t)size == newest)
        json_object_set_new(out, "checkpoint", json_stringn(note.data, note.len));
    char *text = json_dumps(out, JSON_INDENT(2));
    printf("%s\n", text);
    free(text);
    json_decref(out);
    yw_buf_free(&note);
    return 0;
}

/* The load generator keeps up to `window` entries in flight through the
 * asynchronous append, as many concurrent requests would. */
struct load {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int64_t in_flight, acknowledged;
    bool print_indexes;
    int rc;
    struct yw_err err;
};

static void load_done(void *cls, int rc, uint64_t index, const struct yw_err *err)
{
    struct load *load = cls;
    pthread_mutex_lock(&load->mu);
    if (rc < 0 && load->rc == 0) {
        load->rc = rc;
        load->err = *err;
    }
    if (rc == 0) {
        load->acknowledged++;
        if (load->print_indexes) {
            printf("%llu\n", (unsigned long long)index);
            fflush(stdout);
        }
    }
    load->in_flight--;
    pthread_cond_signal(&load->cv);
    pthread_mutex_unlock(&load->mu);
}

static int ledger_append(struct yw_ctx *ctx, const struct ledger_opts *o)
{
    struct load load = {.print_indexes = o->print_indexes != NULL};
    struct yw_err err = {0};
    struct yw_buf entry;
    int64_t count, window = 4096;
    char now[32];
    int rc;

    if (o->count == NULL)
        return usage_error("%s", "ledger append needs --count N");
    if ((rc = parse_count(o->count, "--count", 1, 1000000000, &count)) != 0 ||
        (o->window && (rc = parse_count(o->window, "--window", 1, 65536, &window)) != 0))
        return rc;
    if (yw_node_open_ledger(ctx, &err) < 0)
        return fail(&err);
    pthread_mutex_init(&load.mu, NULL);
    pthread_cond_init(&load.cv, NULL);
    yw_buf_init(&entry, YW_LEDGER_ENTRY_MAX);
    int64_t start = yw_monotonic_ns();
    for (int64_t seq = 0; seq < count && rc == 0; seq++) {
        yw_time_rfc3339(yw_now_ms(), now);
        json_t *fields =
            json_pack("{s:s, s:s, s:s, s:b, s:I, s:s}", "type", "test.load", "time", now, "origin",
                      ctx->origin, "test", 1, "seq", (json_int_t)seq, "note",
                      "负载测试条目，非真实事件 / load-test entry, not a real event");
        yw_buf_reset(&entry);
        rc = yw_ledger_canonical(fields, &entry);
        json_decref(fields);
        pthread_mutex_lock(&load.mu);
        while (load.in_flight >= window)
            pthread_cond_wait(&load.cv, &load.mu);
        if (load.rc < 0)
            rc = load.rc;
        if (rc == 0)
            load.in_flight++;
        pthread_mutex_unlock(&load.mu);
        if (rc == 0 && (rc = yw_ledger_append_async(ctx->ledger, entry.data, entry.len, load_done,
                                                    &load, &err)) < 0) {
            pthread_mutex_lock(&load.mu);
            load.in_flight--;
            pthread_mutex_unlock(&load.mu);
        }
    }
    pthread_mutex_lock(&load.mu);
    while (load.in_flight > 0)
        pthread_cond_wait(&load.cv, &load.mu);
    pthread_mutex_unlock(&load.mu);
    yw_buf_free(&entry);
    pthread_cond_destroy(&load.cv);
    pthread_mutex_destroy(&load.mu);
    if (load.rc < 0)
        return fail(&load.err);
    if (rc < 0)
        return fail(&err);
    double secs = (double)(yw_monotonic_ns() - start) / 1e9;
    fprintf(stderr, "已追加 / appended %lld test entries in %.2f s (%.0f entries/s)\n",
            (long long)load.acknowledged, secs, (double)load.acknowledged / secs);
    return 0;
}

static int cmd_ledger(int argc, char **argv)
{
    struct ledger_opts o = {0};
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    int rc;

    if (argc < 1 || is_help(argv[0])) {
        fputs(usage_ledger, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "verify") && strcmp(sub, "checkpoint") && strcmp(sub, "vkey") &&
        strcmp(sub, "proof") && strcmp(sub, "append"))
        return usage_error("unknown ledger subcommand \"%s\"", sub);
    if ((rc = parse_ledger_options(argc - 1, argv + 1, &o)) != 0)
        return rc == 1 ? 0 : rc;
    if (yw_node_open(o.dir, &ctx, &err) < 0)
        return fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    if (strcmp(sub, "verify") == 0) {
        rc = ledger_verify(ctx, &o);
    } else if (strcmp(sub, "checkpoint") == 0) {
        struct yw_buf note;
        uint64_t size;
        yw_buf_init(&note, 64 * 1024);
        rc = yw_ledger_checkpoint(ctx->store, &note, &size, &err) < 0 ? fail(&err) : 0;
        if (rc == 0)
            fwrite(note.data, 1, note.len, stdout);
        yw_buf_free(&note);
    } else if (strcmp(sub, "vkey") == 0) {
        char vkey[512];
        rc = yw_node_vkey(ctx, vkey, sizeof(vkey)) < 0 ? EXIT_RUNTIME : 0;
        if (rc == 0)
            printf("%s\n", vkey);
    } else if (strcmp(sub, "proof") == 0) {
        rc = ledger_proof(ctx, &o);
    } else {
        rc = ledger_append(ctx, &o);
    }
    yw_node_close(ctx);
    return rc;
}

/* ---- yiwang org ------------------------------------------------------------ */

static const char usage_org[] =
    "Usage: yiwang org SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "机构管理 / Organisations: a tree per node; every change keeps history and is a ledger\n"
    "entry naming who made it. Works on a stopped or a running node.\n"
    "\n"
    "  add    --dir D --code C --name NAME --level L --division CODE --kind K\n"
    "         [--uscc USCC] [--parent P] [--liaison NAME] [--liaison-phone MOBILE]\n"
    "         L: national province city county township\n"
    "         K: department data_authority approval_bureau supervision enterprise_partner other\n"
    "  list   --dir D [--all]             active organisations (--all: closed ones too), JSON\n"
    "  show   --dir D --code C            one organisation and its history, JSON\n"
    "  move   --dir D --code C (--parent P | --root)\n"
    "  close  --dir D --code C --reason TEXT\n"
    "  power  --dir D --code C --action A [--revoke]\n"
    "         grant (or withdraw) an action on the organisation's power list (权力清单)\n";

/* Who is acting, for the ledger: the operating-system user behind the CLI. */
static void cli_actor(char out[96])
{
    struct passwd *pw = getpwuid(geteuid());
    (void)yw_fmt(out, 96, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

static int print_json(json_t *value)
{
    char *text = value ? json_dumps(value, JSON_INDENT(2)) : NULL;
    json_decref(value);
    if (text == NULL)
        return EXIT_RUNTIME;
    printf("%s\n", text);
    free(text);
    return 0;
}

static int cmd_org(int argc, char **argv)
{
    const char *dir = NULL, *code = NULL, *name = NULL, *level = NULL, *division = NULL,
               *kind = NULL, *uscc = NULL, *parent = NULL, *liaison = NULL, *phone = NULL,
               *reason = NULL, *action = NULL;
    struct option_spec specs[] = {{"action", &action},       {"dir", &dir},
                                  {"code", &code},           {"name", &name},
                                  {"level", &level},         {"division", &division},
                                  {"kind", &kind},           {"uscc", &uscc},
                                  {"parent", &parent},       {"liaison", &liaison},
                                  {"liaison-phone", &phone}, {"reason", &reason}};
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char actor[96];
    bool all = false, root = false, revoke = false;
    char *rest[32];
    int n = 0, rc;

    if (argc < 1 || is_help(argv[0])) {
        fputs(usage_org, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "move") &&
        strcmp(sub, "close") && strcmp(sub, "power"))
        return usage_error("unknown org subcommand \"%s\"", sub);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            all = true;
        else if (strcmp(argv[i], "--root") == 0)
            root = true;
        else if (strcmp(argv[i], "--revoke") == 0)
            revoke = true;
        else if (n < 32)
            rest[n++] = argv[i];
        else
            return usage_error("%s", "too many arguments");
    }
    if ((rc = parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_org)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "org needs --dir D");
    if (strcmp(sub, "list") != 0 && code == NULL)
        return usage_error("org %s needs --code C", sub);
    if (strcmp(sub, "add") == 0 && (!name || !level || !division || !kind))
        return usage_error("%s", "org add needs --name, --level, --division and --kind");
    if (strcmp(sub, "move") == 0 && !parent == !root)
        return usage_error("%s", "org move needs exactly one of --parent P or --root");
    if (strcmp(sub, "close") == 0 && reason == NULL)
        return usage_error("%s", "org close needs --reason");
    if (strcmp(sub, "power") == 0 && action == NULL)
        return usage_error("%s", "org power needs --action A");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    cli_actor(actor);
    if (strcmp(sub, "list") == 0) {
        json_t *list = NULL;
        rc = yw_org_list(ctx->store, all, &list, &err) < 0 ? fail(&err) : print_json(list);
    } else if (strcmp(sub, "show") == 0) {
        struct yw_org o;
        json_t *history = NULL;
        if (yw_org_get(ctx->store, yw_str_c(code), &o, &err) < 0 ||
            yw_org_history(ctx->store, yw_str_c(code), &history, &err) < 0) {
            rc = fail(&err);
        } else {
            json_t *out = yw_org_json(&o);
            json_object_set_new(out, "history", history);
            rc = print_json(out);
        }
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = fail(&err);
    } else if (strcmp(sub, "add") == 0) {
        struct yw_org o = {0};
        struct {
            char *dst;
            size_t size;
            const char *src;
            const char *field;
        } fields[] = {{o.code, sizeof(o.code), code, "--code"},
                      {o.name, sizeof(o.name), name, "--name"},
                      {o.level, sizeof(o.level), level, "--level"},
                      {o.division, sizeof(o.division), division, "--division"},
                      {o.kind, sizeof(o.kind), kind, "--kind"},
                      {o.uscc, sizeof(o.uscc), uscc, "--uscc"},
                      {o.parent, sizeof(o.parent), parent, "--parent"},
                      {o.liaison, sizeof(o.liaison), liaison, "--liaison"},
                      {o.liaison_phone, sizeof(o.liaison_phone), phone, "--liaison-phone"}};
        rc = 0;
        for (size_t i = 0; rc == 0 && i < sizeof(fields) / sizeof(fields[0]); i++)
            if (fields[i].src && yw_copy(fields[i].dst, fields[i].size, fields[i].src) < 0)
                rc = usage_error("%s is too long", fields[i].field);
        if (rc == 0)
            rc = yw_org_create(ctx->store, ctx->ledger, &o, actor, &err) < 0 ? fail(&err) : 0;
        if (rc == 0)
            printf("机构已创建 / organisation %s created\n", code);
    } else if (strcmp(sub, "power") == 0) {
        rc = yw_org_power(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(action), !revoke, actor,
                          &err) < 0
                 ? fail(&err)
                 : 0;
    } else if (strcmp(sub, "move") == 0) {
        rc = yw_org_move(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(root ? "" : parent),
                         actor, &err) < 0
                 ? fail(&err)
                 : 0;
    } else {
        rc =
            yw_org_close(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(reason), actor, &err) < 0
                ? fail(&err)
                : 0;
    }
    yw_node_close(ctx);
    return rc;
}

/* "--role R" or "--role=R", which may repeat: 1 when argv[*i] was one (and
 * its value taken), 0 when it was something else, -1 on bad usage. */
static int take_role(int argc, char **argv, int *i, const char *roles[16], size_t *n_roles)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--role") != 0 && strncmp(arg, "--role=", 7) != 0)
        return 0;
    const char *v = arg[6] == '=' ? arg + 7 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (v == NULL || *n_roles + 1 >= 16) {
        usage_error("%s", "--role needs a value (at most 15 roles)");
        return -1;
    }
    roles[(*n_roles)++] = v;
    roles[*n_roles] = NULL;
    return 1;
}

/* ---- yiwang account ------------------------------------------------------ */

static const char usage_account[] =
    "Usage: yiwang account SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "账户与角色 / Accounts and roles. Every change is a ledger entry naming who made it;\n"
    "passwords never appear in a log, a response or the ledger. Works on a stopped or a\n"
    "running node.\n"
    "\n"
    "  add      --dir D --kind staff|citizen|enterprise_operator --name NAME\n"
    "           [--login L --org CODE] (staff, operators)  [--id-number N] (citizens)\n"
    "           [--mobile M] [--email E] [--role R]... [--password-stdin]\n"
    "           without --password-stdin a strong password is generated and shown once\n"
    "  list     --dir D                   accounts with their roles, JSON\n"
    "  show     --dir D --login L\n"
    "  grant    --dir D --login L --role R\n"
    "  revoke   --dir D --login L --role R\n"
    "  disable  --dir D --login L --reason TEXT\n"
    "  totp     --dir D --login L [--disable]   enrol one-time codes (RFC 6238), or remove them\n"
    "\n"
    "Roles: node_admin cdo data_steward approver window_clerk assistant supervisor auditor\n"
    "(staff); citizen and enterprise_operator are given with their kinds.\n";

/* A password that passes the strength rule, from the CSPRNG: 16 characters
 * from an alphabet without look-alikes (no 0/O, 1/l/I). */
static int generate_password(const char *login, char out[17])
{
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
                                   "!@#%+=?";
    for (int attempt = 0; attempt < 100; attempt++) {
        uint8_t raw[16];
        if (yw_random(raw, sizeof(raw)) < 0)
            return EXIT_RUNTIME;
        for (int i = 0; i < 16; i++)
            out[i] = alphabet[raw[i] % (sizeof(alphabet) - 1)];
        out[16] = '\0';
        if (yw_password_check_strength(yw_str_c(out), yw_str_c(login), NULL) == YW_OK)
            return 0;
    }
    return EXIT_RUNTIME;
}

static int read_password_line(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return usage_error("%s", "--password-stdin: no password on standard input");
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 0;
}

static int cmd_account(int argc, char **argv)
{
    const char *dir = NULL, *kind = NULL, *login = NULL, *name = NULL, *org = NULL,
               *id_number = NULL, *mobile = NULL, *email = NULL, *reason = NULL;
    struct option_spec specs[] = {{"dir", &dir},       {"kind", &kind},   {"login", &login},
                                  {"name", &name},     {"org", &org},     {"id-number", &id_number},
                                  {"mobile", &mobile}, {"email", &email}, {"reason", &reason}};
    const char *roles[16] = {NULL};
    size_t n_roles = 0;
    bool password_stdin = false, totp_off = false;
    int taken;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char actor[96], password[YW_PASSWORD_MAX_BYTES + 2] = "";
    char *rest[48];
    int n = 0, rc;

    if (argc < 1 || is_help(argv[0])) {
        fputs(usage_account, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "grant") &&
        strcmp(sub, "revoke") && strcmp(sub, "disable") && strcmp(sub, "totp"))
        return usage_error("unknown account subcommand \"%s\"", sub);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0) {
            password_stdin = true;
        } else if (strcmp(argv[i], "--disable") == 0) {
            totp_off = true;
        } else if ((taken = take_role(argc, argv, &i, roles, &n_roles)) != 0) {
            if (taken < 0)
                return EXIT_USAGE;
        } else if (n < 48) {
            rest[n++] = argv[i];
        } else {
            return usage_error("%s", "too many arguments");
        }
    }
    if ((rc = parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_account)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "account needs --dir D");
    if (strcmp(sub, "add") == 0 && (kind == NULL || name == NULL))
        return usage_error("%s", "account add needs --kind and --name");
    if (strcmp(sub, "add") && strcmp(sub, "list") && login == NULL)
        return usage_error("account %s needs --login L", sub);
    if ((strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0) && n_roles != 1)
        return usage_error("account %s needs exactly one --role R", sub);
    if (strcmp(sub, "disable") == 0 && reason == NULL)
        return usage_error("%s", "account disable needs --reason");
    if (password_stdin && (rc = read_password_line(password, sizeof(password))) != 0)
        return rc;
    if (yw_node_open(dir, &ctx, &err) < 0) {
        explicit_bzero(password, sizeof(password));
        return fail(&err);
    }
    yw_log_set_level(YW_LOG_WARN);
    cli_actor(actor);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0) {
        json_t *list = NULL;
        rc = yw_account_list(ctx->store, yw_str_c(strcmp(sub, "show") == 0 ? login : NULL), &list,
                             &err) < 0
                 ? fail(&err)
                 : print_json(list);
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = fail(&err);
    } else if (strcmp(sub, "add") == 0) {
        struct yw_account_new in = {kind, login, name, org, id_number, mobile, email, roles};
        char created[65];
        bool generated = !password_stdin;
        rc = generated ? generate_password(login ? login : "", password) : 0;
        if (rc == 0)
            rc = yw_account_create(ctx->store, ctx->ledger, &in, yw_str_c(password), actor, created,
                                   &err) < 0
                     ? fail(&err)
                     : 0;
        if (rc == 0) {
            char masked[65];
            yw_account_mask_login(created, masked);
            printf("账户已创建 / account %s created\n", masked);
            if (generated)
                printf("初始密码（只显示这一次）/ initial password (shown once): %s\n", password);
        }
    } else if (strcmp(sub, "totp") == 0) {
        struct yw_auth_config cfg;
        char uri[512];
        rc = yw_node_auth_config(ctx, &cfg) < 0 ||
                     yw_auth_totp(ctx->store, ctx->ledger, &cfg, yw_str_c(login), totp_off, actor,
                                  uri, &err) < 0
                 ? fail(&err)
                 : 0;
        if (rc == 0 && !totp_off)
            printf("动态码已启用；请用验证器扫描（只显示这一次）/ one-time codes enabled; add this "
                   "to an authenticator app (shown once):\n%s\n",
                   uri);
        explicit_bzero(&cfg, sizeof(cfg));
        explicit_bzero(uri, sizeof(uri));
    } else if (strcmp(sub, "disable") == 0) {
        rc = yw_account_disable(ctx->store, ctx->ledger, yw_str_c(login), yw_str_c(reason), actor,
                                &err) < 0
                 ? fail(&err)
                 : 0;
    } else {
        rc = yw_account_role(ctx->store, ctx->ledger, yw_str_c(login), yw_str_c(roles[0]),
                             strcmp(sub, "grant") == 0, actor, &err) < 0
                 ? fail(&err)
                 : 0;
    }
    explicit_bzero(password, sizeof(password));
    yw_node_close(ctx);
    return rc;
}

/* ---- yiwang key ------------------------------------------------------------ */

static const char usage_key[] =
    "Usage: yiwang key SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "API 密钥 / API keys for department systems (部门业务系统): presented as\n"
    "\"Authorization: Bearer ywk_…\"; the secret is shown once and stored hashed.\n"
    "\n"
    "  create  --dir D --name NAME --org CODE --role R [--role R]... [--allow-ip LIST]\n"
    "          LIST: IP addresses or CIDR blocks, comma-separated (e.g. 10.1.2.0/24,::1)\n"
    "  list    --dir D                    keys without their secrets, JSON\n"
    "  revoke  --dir D --id ID --reason TEXT\n";

static int cmd_key(int argc, char **argv)
{
    const char *dir = NULL, *name = NULL, *org = NULL, *allow = NULL, *id = NULL, *reason = NULL;
    struct option_spec specs[] = {{"dir", &dir},        {"name", &name}, {"org", &org},
                                  {"allow-ip", &allow}, {"id", &id},     {"reason", &reason}};
    const char *roles[16] = {NULL};
    size_t n_roles = 0;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char actor[96], token[YW_API_KEY_TOKEN_SIZE];
    char *rest[32];
    int n = 0, rc, taken;

    if (argc < 1 || is_help(argv[0])) {
        fputs(usage_key, argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "create") && strcmp(sub, "list") && strcmp(sub, "revoke"))
        return usage_error("unknown key subcommand \"%s\"", sub);
    for (int i = 1; i < argc; i++) {
        if ((taken = take_role(argc, argv, &i, roles, &n_roles)) != 0) {
            if (taken < 0)
                return EXIT_USAGE;
        } else if (n < 32) {
            rest[n++] = argv[i];
        } else {
            return usage_error("%s", "too many arguments");
        }
    }
    if ((rc = parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_key)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "key needs --dir D");
    if (strcmp(sub, "create") == 0 && (name == NULL || org == NULL || n_roles == 0))
        return usage_error("%s", "key create needs --name, --org and at least one --role");
    if (strcmp(sub, "revoke") == 0 && (id == NULL || reason == NULL))
        return usage_error("%s", "key revoke needs --id and --reason");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    cli_actor(actor);
    if (strcmp(sub, "list") == 0) {
        json_t *list = NULL;
        rc = yw_key_list(ctx->store, &list, &err) < 0 ? fail(&err) : print_json(list);
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = fail(&err);
    } else if (strcmp(sub, "create") == 0) {
        rc = yw_key_create(ctx->store, ctx->ledger, name, org, roles, allow, actor, token, &err) < 0
                 ? fail(&err)
                 : 0;
        if (rc == 0)
            printf("API 密钥（只显示这一次）/ API key (shown once):\n%s\n", token);
        explicit_bzero(token, sizeof(token));
    } else {
        rc = yw_key_revoke(ctx->store, ctx->ledger, yw_str_c(id), yw_str_c(reason), actor, &err) < 0
                 ? fail(&err)
                 : 0;
    }
    yw_node_close(ctx);
    return rc;
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
    "an API key. Passwords and the key are printed once. Then run `yiwang serve --dir D`.\n";

static int cmd_demo(int argc, char **argv)
{
    const char *dir = NULL, *listen = NULL, *db = NULL;
    struct option_spec specs[] = {{"dir", &dir}, {"listen", &listen}, {"db", &db}};
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char conf[PATH_MAX];
    int rc = parse_options(argc, argv, specs, sizeof(specs) / sizeof(specs[0]), usage_demo);

    if (rc != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return usage_error("%s", "demo needs --dir D");
    if (yw_fmt(conf, sizeof(conf), "%s/%s", dir, YW_NODE_CONF) < 0)
        return usage_error("%s", "directory path too long");
    if (access(conf, F_OK) != 0) {
        struct yw_node_init opts = {.dir = dir,
                                    .profile = YW_PROFILE_GM,
                                    .db = db,
                                    .origin = "yiwang.qinglan.example/demo",
                                    .name = "青岚省政务数据共享与服务节点（演示）",
                                    .listen = listen};
        if (yw_node_init(&opts, &err) < 0)
            return fail(&err);
    }
    if (yw_node_open(dir, &ctx, &err) < 0)
        return fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    rc = yw_node_open_ledger(ctx, &err) < 0 || yw_demo_populate(ctx, stdout, &err) < 0 ? fail(&err)
                                                                                       : 0;
    if (rc == 0)
        printf("演示节点已就绪 / demo node ready: yiwang serve --dir %s\n", dir);
    yw_node_close(ctx);
    return rc;
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
        {"init", cmd_init},     {"serve", cmd_serve}, {"routes", cmd_routes},
        {"ledger", cmd_ledger}, {"org", cmd_org},     {"account", cmd_account},
        {"key", cmd_key},       {"demo", cmd_demo},   {"version", cmd_version},
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
