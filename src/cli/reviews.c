/* yiwang reviews: 好差评 statistics, the public summary and overdue
 * rectifications, read from the node's database. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node/node.h"
#include "services/services.h"

static const char usage_reviews[] =
    "Usage: yiwang reviews SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "好差评与整改 / Reviews of cases (好差评) and rectifications (整改).\n"
    "\n"
    "  stats    --dir D [--by item|org|staff|channel] [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "           [--org CODE] [--format table|json]\n"
    "           评价统计：数量、平均分、各等级占比、差评数、整改办结与超期\n"
    "           statistics: count, average, share of each level, bad reviews,\n"
    "           rectifications closed and overdue (by org unless --by)\n"
    "  summary  --dir D [--by item|org] [--from …] [--to …] [--format table|json]\n"
    "           公开汇总，不含个人信息 / the public summary, nothing personal\n"
    "  overdue  --dir D [--org CODE]\n"
    "           超期未整改的差评 / rectifications past their due date, JSON\n";

static void print_table(const json_t *stats)
{
    const json_t *g, *groups = json_object_get(stats, "groups");
    size_t i;
    printf("%-24s %8s %7s %7s %6s %7s %7s  %s\n", json_string_value(json_object_get(stats, "by")),
           "count", "average", "satisf.", "bad", "closed", "overdue", "name");
    json_array_foreach(groups, i, g)
    {
        const json_t *x = json_object_get(g, "rectifications");
        const char *name = json_string_value(json_object_get(g, "name"));
        printf("%-24s %8lld %7.2f %6.1f%% %6lld %7lld %7lld  %s\n",
               json_string_value(json_object_get(g, "key")),
               (long long)json_integer_value(json_object_get(g, "count")),
               json_real_value(json_object_get(g, "average")),
               100 * json_real_value(json_object_get(g, "satisfaction_rate")),
               (long long)json_integer_value(json_object_get(g, "bad")),
               (long long)json_integer_value(json_object_get(x, "closed")),
               (long long)json_integer_value(json_object_get(x, "overdue")), name ? name : "");
    }
    g = json_object_get(stats, "total");
    const json_t *x = json_object_get(g, "rectifications");
    printf("%-24s %8lld %7.2f %6.1f%% %6lld %7lld %7lld\n", "合计 total",
           (long long)json_integer_value(json_object_get(g, "count")),
           json_real_value(json_object_get(g, "average")),
           100 * json_real_value(json_object_get(g, "satisfaction_rate")),
           (long long)json_integer_value(json_object_get(g, "bad")),
           (long long)json_integer_value(json_object_get(x, "closed")),
           (long long)json_integer_value(json_object_get(x, "overdue")));
    printf("(%s … %s)\n", json_string_value(json_object_get(stats, "from")),
           json_string_value(json_object_get(stats, "to")));
}

int yw_cli_reviews(int argc, char **argv)
{
    const char *dir = NULL, *by = NULL, *from = NULL, *to = NULL, *org = NULL, *format = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir}, {"by", &by},   {"from", &from},
                                    {"to", &to},   {"org", &org}, {"format", &format}};
    static const char *const subcommands[] = {"stats", "summary", "overdue", NULL};
    const char *sub = NULL;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    json_t *out = NULL;
    int rc;

    if (!yw_cli_subcommand(argc, argv, usage_reviews, subcommands, &sub, &rc))
        return rc;
    if ((rc = yw_cli_parse_options(argc - 1, argv + 1, specs, sizeof(specs) / sizeof(specs[0]),
                                   usage_reviews)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "reviews needs --dir D");
    if (format && strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return yw_cli_usage_error("%s", "--format is table or json");
    bool overdue = strcmp(sub, "overdue") == 0, summary = strcmp(sub, "summary") == 0;
    if (overdue && (by || from || to || format))
        return yw_cli_usage_error("%s", "reviews overdue takes only --dir and --org");
    if (summary && org)
        return yw_cli_usage_error("%s", "reviews summary takes no --org: it covers the node");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    struct yw_services s;
    yw_node_services(ctx, &s);
    if (overdue) {
        struct yw_services_rectification_query q = {
            .org = yw_str_c(org ? org : ""), .due = YW_STR_LIT("overdue"), .limit = 200};
        rc = yw_services_rectification_list(&s, NULL, &q, &out, &err) < 0 ? yw_cli_fail(&err)
                                                                          : yw_cli_print_json(out);
    } else {
        struct yw_services_stats_query q = {.by = yw_str_c(by ? by : ""),
                                            .from = yw_str_c(from ? from : ""),
                                            .to = yw_str_c(to ? to : ""),
                                            .org = yw_str_c(org ? org : ""),
                                            .public_view = summary};
        if (yw_services_stats(&s, NULL, &q, &out, &err) < 0) {
            rc = yw_cli_fail(&err);
        } else if (format && strcmp(format, "json") == 0) {
            rc = yw_cli_print_json(out);
        } else {
            print_table(out);
            json_decref(out);
            rc = 0;
        }
    }
    yw_node_close(ctx);
    return rc;
}
