/* yiwang org, account, key. */
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

int yw_cli_org(int argc, char **argv)
{
    const char *dir = NULL, *code = NULL, *name = NULL, *level = NULL, *division = NULL,
               *kind = NULL, *uscc = NULL, *parent = NULL, *liaison = NULL, *phone = NULL,
               *reason = NULL, *action = NULL;
    struct yw_cli_option specs[] = {{"action", &action},       {"dir", &dir},
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

    static const char *const subcommands[] = {"add",   "list",  "show", "move",
                                              "close", "power", NULL};
    const char *sub = NULL;
    if (!yw_cli_subcommand(argc, argv, usage_org, subcommands, &sub, &rc))
        return rc;
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
            return yw_cli_usage_error("%s", "too many arguments");
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_org)) !=
        0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "org needs --dir D");
    if (strcmp(sub, "list") != 0 && code == NULL)
        return yw_cli_usage_error("org %s needs --code C", sub);
    if (strcmp(sub, "add") == 0 && (!name || !level || !division || !kind))
        return yw_cli_usage_error("%s", "org add needs --name, --level, --division and --kind");
    if (strcmp(sub, "move") == 0 && !parent == !root)
        return yw_cli_usage_error("%s", "org move needs exactly one of --parent P or --root");
    if (strcmp(sub, "close") == 0 && reason == NULL)
        return yw_cli_usage_error("%s", "org close needs --reason");
    if (strcmp(sub, "power") == 0 && action == NULL)
        return yw_cli_usage_error("%s", "org power needs --action A");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    yw_cli_actor(actor);
    if (strcmp(sub, "list") == 0) {
        json_t *list = NULL;
        rc = yw_org_list(ctx->store, all, &list, &err) < 0 ? yw_cli_fail(&err)
                                                           : yw_cli_print_json(list);
    } else if (strcmp(sub, "show") == 0) {
        struct yw_org o;
        json_t *history = NULL;
        if (yw_org_get(ctx->store, yw_str_c(code), &o, &err) < 0 ||
            yw_org_history(ctx->store, yw_str_c(code), &history, &err) < 0) {
            rc = yw_cli_fail(&err);
        } else {
            json_t *out = yw_org_json(&o);
            json_object_set_new(out, "history", history);
            rc = yw_cli_print_json(out);
        }
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = yw_cli_fail(&err);
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
                rc = yw_cli_usage_error("%s is too long", fields[i].field);
        if (rc == 0)
            rc =
                yw_org_create(ctx->store, ctx->ledger, &o, actor, &err) < 0 ? yw_cli_fail(&err) : 0;
        if (rc == 0)
            printf("机构已创建 / organisation %s created\n", code);
    } else if (strcmp(sub, "power") == 0) {
        rc = yw_org_power(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(action), !revoke, actor,
                          &err) < 0
                 ? yw_cli_fail(&err)
                 : 0;
    } else if (strcmp(sub, "move") == 0) {
        rc = yw_org_move(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(root ? "" : parent),
                         actor, &err) < 0
                 ? yw_cli_fail(&err)
                 : 0;
    } else {
        rc =
            yw_org_close(ctx->store, ctx->ledger, yw_str_c(code), yw_str_c(reason), actor, &err) < 0
                ? yw_cli_fail(&err)
                : 0;
    }
    yw_node_close(ctx);
    return rc;
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
static int read_password_line(char *buf, size_t size)
{
    if (fgets(buf, (int)size, stdin) == NULL)
        return yw_cli_usage_error("%s", "--password-stdin: no password on standard input");
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return 0;
}

int yw_cli_account(int argc, char **argv)
{
    const char *dir = NULL, *kind = NULL, *login = NULL, *name = NULL, *org = NULL,
               *id_number = NULL, *mobile = NULL, *email = NULL, *reason = NULL;
    struct yw_cli_option specs[] = {
        {"dir", &dir},       {"kind", &kind},   {"login", &login},
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

    static const char *const subcommands[] = {"add",    "list",    "show", "grant",
                                              "revoke", "disable", "totp", NULL};
    const char *sub = NULL;
    if (!yw_cli_subcommand(argc, argv, usage_account, subcommands, &sub, &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0) {
            password_stdin = true;
        } else if (strcmp(argv[i], "--disable") == 0) {
            totp_off = true;
        } else if ((taken = yw_cli_take_role(argc, argv, &i, roles, &n_roles)) != 0) {
            if (taken < 0)
                return YW_CLI_USAGE;
        } else if (n < 48) {
            rest[n++] = argv[i];
        } else {
            return yw_cli_usage_error("%s", "too many arguments");
        }
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]),
                                   usage_account)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "account needs --dir D");
    if (strcmp(sub, "add") == 0 && (kind == NULL || name == NULL))
        return yw_cli_usage_error("%s", "account add needs --kind and --name");
    if (strcmp(sub, "add") && strcmp(sub, "list") && login == NULL)
        return yw_cli_usage_error("account %s needs --login L", sub);
    if ((strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0) && n_roles != 1)
        return yw_cli_usage_error("account %s needs exactly one --role R", sub);
    if (strcmp(sub, "disable") == 0 && reason == NULL)
        return yw_cli_usage_error("%s", "account disable needs --reason");
    if (password_stdin && (rc = read_password_line(password, sizeof(password))) != 0)
        return rc;
    if (yw_node_open(dir, &ctx, &err) < 0) {
        explicit_bzero(password, sizeof(password));
        return yw_cli_fail(&err);
    }
    yw_log_set_level(YW_LOG_WARN);
    yw_cli_actor(actor);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0) {
        json_t *list = NULL;
        rc = yw_account_list(ctx->store, yw_str_c(strcmp(sub, "show") == 0 ? login : NULL), &list,
                             &err) < 0
                 ? yw_cli_fail(&err)
                 : yw_cli_print_json(list);
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = yw_cli_fail(&err);
    } else if (strcmp(sub, "add") == 0) {
        struct yw_account_new in = {kind, login, name, org, id_number, mobile, email, roles};
        char created[65];
        bool generated = !password_stdin;
        rc = generated && yw_password_generate(yw_str_c(login ? login : ""), password) < 0
                 ? YW_CLI_RUNTIME
                 : 0;
        if (rc == 0)
            rc = yw_account_create(ctx->store, ctx->ledger, &in, yw_str_c(password), actor, created,
                                   &err) < 0
                     ? yw_cli_fail(&err)
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
                 ? yw_cli_fail(&err)
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
                 ? yw_cli_fail(&err)
                 : 0;
    } else {
        rc = yw_account_role(ctx->store, ctx->ledger, yw_str_c(login), yw_str_c(roles[0]),
                             strcmp(sub, "grant") == 0, actor, &err) < 0
                 ? yw_cli_fail(&err)
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

int yw_cli_key(int argc, char **argv)
{
    const char *dir = NULL, *name = NULL, *org = NULL, *allow = NULL, *id = NULL, *reason = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir},        {"name", &name}, {"org", &org},
                                    {"allow-ip", &allow}, {"id", &id},     {"reason", &reason}};
    const char *roles[16] = {NULL};
    size_t n_roles = 0;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char actor[96], token[YW_API_KEY_TOKEN_SIZE];
    char *rest[32];
    int n = 0, rc, taken;

    static const char *const subcommands[] = {"create", "list", "revoke", NULL};
    const char *sub = NULL;
    if (!yw_cli_subcommand(argc, argv, usage_key, subcommands, &sub, &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        if ((taken = yw_cli_take_role(argc, argv, &i, roles, &n_roles)) != 0) {
            if (taken < 0)
                return YW_CLI_USAGE;
        } else if (n < 32) {
            rest[n++] = argv[i];
        } else {
            return yw_cli_usage_error("%s", "too many arguments");
        }
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_key)) !=
        0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "key needs --dir D");
    if (strcmp(sub, "create") == 0 && (name == NULL || org == NULL || n_roles == 0))
        return yw_cli_usage_error("%s", "key create needs --name, --org and at least one --role");
    if (strcmp(sub, "revoke") == 0 && (id == NULL || reason == NULL))
        return yw_cli_usage_error("%s", "key revoke needs --id and --reason");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    yw_cli_actor(actor);
    if (strcmp(sub, "list") == 0) {
        json_t *list = NULL;
        rc = yw_key_list(ctx->store, &list, &err) < 0 ? yw_cli_fail(&err) : yw_cli_print_json(list);
    } else if (yw_node_open_ledger(ctx, &err) < 0) {
        rc = yw_cli_fail(&err);
    } else if (strcmp(sub, "create") == 0) {
        rc = yw_key_create(ctx->store, ctx->ledger, name, org, roles, allow, actor, token, &err) < 0
                 ? yw_cli_fail(&err)
                 : 0;
        if (rc == 0)
            printf("API 密钥（只显示这一次）/ API key (shown once):\n%s\n", token);
        explicit_bzero(token, sizeof(token));
    } else {
        rc = yw_key_revoke(ctx->store, ctx->ledger, yw_str_c(id), yw_str_c(reason), actor, &err) < 0
                 ? yw_cli_fail(&err)
                 : 0;
    }
    yw_node_close(ctx);
    return rc;
}
