/* yiwang exchange: loading records, listing applications and grants. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exchange/exchange.h"
#include "node/node.h"

#define LOAD_MAX (1024LL * 1024 * 1024) /* bytes of one records file */

static const char usage_exchange[] =
    "Usage: yiwang exchange SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "数据共享交换 / Data sharing and exchange (一网共享).\n"
    "\n"
    "  load          --dir D --resource CODE FILE [--format csv|jsonl]\n"
    "                the provider's records of a published resource: a CSV with a header of\n"
    "                field names (字段名), or one JSON object per line; checked against the\n"
    "                resource's fields, all or nothing, errors by line number\n"
    "  applications  --dir D          every application (共享申请), JSON\n"
    "  grants        --dir D          every grant (授权) with its use counts, JSON\n";

static int load(struct yw_ctx *ctx, const char *code, const char *file, const char *format)
{
    struct yw_err err = {0};
    json_t *errors = NULL;
    const char *data = NULL;
    char actor[96];
    size_t n = 0, count = 0;

    if (yw_file_map(file, LOAD_MAX, &data, &n, &err) < 0)
        return yw_cli_fail(&err);
    yw_cli_actor(actor);
    int rc = yw_exchange_load(ctx->exchange, NULL, yw_str_c(code),
                              strcmp(format, "csv") == 0 ? YW_RECORDS_CSV : YW_RECORDS_JSONL, data,
                              n, actor, &count, &errors, &err);
    yw_file_unmap(data, n);
    if (rc < 0)
        return errors ? yw_cli_fail_lines(file, errors, &err) : yw_cli_fail(&err);
    printf("已载入 %zu 条记录 / loaded %zu records into %s\n", count, count, code);
    return 0;
}

int yw_cli_exchange(int argc, char **argv)
{
    const char *dir = NULL, *code = NULL, *format = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir}, {"resource", &code}, {"format", &format}};
    static const char *const subcommands[] = {"load", "applications", "grants", NULL};
    const char *sub = NULL, *file = NULL;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char *rest[16];
    int n = 0, rc;

    if (!yw_cli_subcommand(argc, argv, usage_exchange, subcommands, &sub, &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        bool option = strncmp(argv[i], "--", 2) == 0;
        if (!option && file == NULL) {
            file = argv[i];
        } else if (!option) {
            return yw_cli_usage_error("%s", "exchange load takes one FILE");
        } else if (n + 2 <= 16) {
            rest[n++] = argv[i];
            if (strchr(argv[i], '=') == NULL && !yw_cli_is_help(argv[i]) && i + 1 < argc)
                rest[n++] = argv[++i];
        } else {
            return yw_cli_usage_error("%s", "too many arguments");
        }
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]),
                                   usage_exchange)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "exchange needs --dir D");
    bool loading = strcmp(sub, "load") == 0;
    if (loading && (code == NULL || file == NULL))
        return yw_cli_usage_error("%s", "exchange load needs --resource CODE and a FILE");
    if (!loading && (code || file || format))
        return yw_cli_usage_error("exchange %s takes only --dir", sub);
    if (format == NULL) {
        size_t len = file ? strlen(file) : 0;
        format = len > 6 && strcmp(file + len - 6, ".jsonl") == 0 ? "jsonl" : "csv";
    }
    if (strcmp(format, "csv") != 0 && strcmp(format, "jsonl") != 0)
        return yw_cli_usage_error("%s", "--format is csv or jsonl");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    json_t *out = NULL;
    if (yw_node_open_ledger(ctx, &err) < 0 || yw_node_open_exchange(ctx, &err) < 0)
        rc = yw_cli_fail(&err);
    else if (loading)
        rc = load(ctx, code, file, format);
    else if (strcmp(sub, "applications") == 0)
        rc = yw_exchange_applications(ctx->exchange, NULL, (struct yw_str){NULL, 0}, false, &out,
                                      &err) < 0
                 ? yw_cli_fail(&err)
                 : yw_cli_print_json(out);
    else
        rc = yw_exchange_grants(ctx->exchange, NULL, &out, &err) < 0 ? yw_cli_fail(&err)
                                                                     : yw_cli_print_json(out);
    yw_node_close(ctx);
    return rc;
}
