/* yiwang — the command line's entry point; the commands are in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

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
    "  catalog   the data resource catalog: import, export (CSV, DCAT-AP)\n"
    "  exchange  data sharing: load records, list applications and grants\n"
    "  services  one-stop services: items, cases, supervision tasks, escalation\n"
    "  reviews   好差评: statistics, the public summary, overdue rectifications\n"
    "  version   print the version\n"
    "  help      show this help\n"
    "\n"
    "Run `yiwang COMMAND --help` for a command's options.\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad usage.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {
        {"init", yw_cli_init},       {"serve", yw_cli_serve},       {"routes", yw_cli_routes},
        {"ledger", yw_cli_ledger},   {"org", yw_cli_org},           {"account", yw_cli_account},
        {"key", yw_cli_key},         {"demo", yw_cli_demo},         {"version", yw_cli_version},
        {"catalog", yw_cli_catalog}, {"exchange", yw_cli_exchange}, {"services", yw_cli_services},
        {"reviews", yw_cli_reviews},
    };

    if (argc < 2) {
        fputs(usage_main, stderr);
        return YW_CLI_USAGE;
    }
    if (yw_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return yw_cli_version(0, NULL);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    return yw_cli_usage_error("unknown command \"%s\"", argv[1]);
}
