/* yiwang services: service items, cases and supervision tasks at the console. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node/node.h"
#include "services/services.h"

#define ITEM_FILE_MAX (4 * 1024 * 1024)

static const char usage_services[] =
    "Usage: yiwang services SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "一网通办 / One-stop services: service items (政务服务事项), cases (办件) and\n"
    "approval–supervision linkage (审管联动).\n"
    "\n"
    "  items     --dir D [--q WORDS] [--org ORG]   service items, JSON\n"
    "  item      --dir D FILE [--replace]          create (or replace) an item from a JSON file\n"
    "                                              (docs/internals/services.md lists its members)\n"
    "  cases     --dir D [--org ORG] [--state S] [--due overdue|near]\n"
    "                                              cases by deadline, JSON\n"
    "  tasks     --dir D [--state S] [--escalated] supervision tasks, JSON\n"
    "  escalate  --dir D                           escalate tasks past their deadlines to both\n"
    "                                              organisations' liaison officers (联络员); the\n"
    "                                              serving node does this every minute\n";

static int put_item(struct yw_services *s, const char *file, bool replace)
{
    struct yw_err err = {0};
    const char *data = NULL;
    size_t n = 0;
    char actor[96];
    json_t *out = NULL;

    if (yw_file_map(file, ITEM_FILE_MAX, &data, &n, &err) < 0)
        return yw_cli_fail(&err);
    json_error_t jerr;
    json_t *body = json_loadb(data, n, JSON_REJECT_DUPLICATES, &jerr);
    yw_file_unmap(data, n);
    if (body == NULL) {
        fprintf(stderr, "yiwang: %s:%d: 不是有效的 JSON / not valid JSON: %s\n", file, jerr.line,
                jerr.text);
        return YW_CLI_RUNTIME;
    }
    yw_cli_actor(actor);
    int rc = yw_services_item_put(s, NULL, body, !replace, actor, &out, &err);
    json_decref(body);
    if (rc < 0)
        return yw_cli_fail(&err);
    printf("%s %s %s\n", replace ? "已更新 / replaced" : "已创建 / created",
           json_string_value(json_object_get(out, "code")),
           json_string_value(json_object_get(out, "name")));
    json_decref(out);
    return 0;
}

int yw_cli_services(int argc, char **argv)
{
    const char *dir = NULL, *q = NULL, *org = NULL, *state = NULL, *due = NULL;
    const char *escalated = NULL, *replace = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir},        {"q", &q},     {"org", &org},
                                    {"state", &state},    {"due", &due}, {"escalated", &escalated},
                                    {"replace", &replace}};
    static const char *const subcommands[] = {"items", "item", "cases", "tasks", "escalate", NULL};
    const char *sub = NULL, *file = NULL;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char *rest[24];
    int n = 0, rc;

    if (!yw_cli_subcommand(argc, argv, usage_services, subcommands, &sub, &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        bool option = strncmp(argv[i], "--", 2) == 0;
        bool flag =
            option && (strcmp(argv[i], "--escalated") == 0 || strcmp(argv[i], "--replace") == 0);
        if (!option && file == NULL) {
            file = argv[i];
        } else if (!option) {
            return yw_cli_usage_error("%s", "services takes at most one FILE");
        } else if (n + 2 <= 24) {
            rest[n++] = argv[i];
            if (flag)
                rest[n++] = "1";
            else if (strchr(argv[i], '=') == NULL && !yw_cli_is_help(argv[i]) && i + 1 < argc)
                rest[n++] = argv[++i];
        } else {
            return yw_cli_usage_error("%s", "too many arguments");
        }
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]),
                                   usage_services)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "services needs --dir D");
    if ((strcmp(sub, "item") == 0) != (file != NULL))
        return yw_cli_usage_error("%s", "services item takes one FILE; the others none");
    if (due != NULL && strcmp(due, "overdue") != 0 && strcmp(due, "near") != 0)
        return yw_cli_usage_error("%s", "--due is overdue or near");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    if (yw_node_open_ledger(ctx, &err) < 0 || yw_node_open_exchange(ctx, &err) < 0) {
        rc = yw_cli_fail(&err);
        yw_node_close(ctx);
        return rc;
    }
    struct yw_services s;
    yw_node_services(ctx, &s);
    json_t *out = NULL;
    if (strcmp(sub, "item") == 0) {
        rc = put_item(&s, file, replace != NULL);
    } else if (strcmp(sub, "items") == 0) {
        struct yw_services_item_query iq = {.q = yw_str_c(q), .org = yw_str_c(org), .limit = 100};
        rc = yw_services_item_search(&s, &iq, &out, &err) < 0 ? yw_cli_fail(&err)
                                                              : yw_cli_print_json(out);
    } else if (strcmp(sub, "cases") == 0) {
        struct yw_services_case_query cq = {
            .state = yw_str_c(state), .org = yw_str_c(org), .due = yw_str_c(due), .limit = 200};
        rc = yw_services_case_list(&s, NULL, &cq, &out, &err) < 0 ? yw_cli_fail(&err)
                                                                  : yw_cli_print_json(out);
    } else if (strcmp(sub, "tasks") == 0) {
        struct yw_services_task_query tq = {.state = yw_str_c(state),
                                            .escalated_only = escalated != NULL};
        rc = yw_services_tasks(&s, NULL, &tq, &out, &err) < 0 ? yw_cli_fail(&err)
                                                              : yw_cli_print_json(out);
    } else {
        size_t count = 0;
        rc = yw_services_escalate(&s, yw_day_from_ms(yw_now_ms()), &count, &err);
        if (rc < 0)
            rc = yw_cli_fail(&err);
        else
            printf("已上报 %zu 项逾期监管任务 / escalated %zu supervision tasks\n", count, count);
    }
    yw_node_close(ctx);
    return rc;
}
