/*
 * cli — the yiwang command line: one function per command, sharing one way
 * to parse options, report bad usage (exit 2) and runtime failures (exit 1).
 * Used only by src/main.c; not part of the library.
 */
#ifndef YW_CLI_H
#define YW_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

enum { YW_CLI_RUNTIME = 1, YW_CLI_USAGE = 2 };

/* "--name VALUE" or "--name=VALUE" sets *value. */
struct yw_cli_option {
    const char *name; /* without the leading "--" */
    const char **value;
};

/* Prints "yiwang: <message> (see yiwang --help)" and returns YW_CLI_USAGE. */
int yw_cli_usage_error(const char *fmt, ...) YW_PRINTF(1, 2);
bool yw_cli_is_help(const char *arg);
/* Takes the subcommand argv[0], which must be one of subs (NULL-terminated):
 * true with *sub set; false with *status the exit status to return (0 after
 * printing usage for --help, YW_CLI_USAGE when it is missing or unknown). */
bool yw_cli_subcommand(int argc, char **argv, const char *usage, const char *const *subs,
                       const char **sub, int *status);
/* Parses options; 0, 1 when help was asked for (usage printed), or
 * YW_CLI_USAGE. */
int yw_cli_parse_options(int argc, char **argv, struct yw_cli_option *specs, size_t n_specs,
                         const char *usage);
/* Prints err's message and returns the exit status for it. */
int yw_cli_fail(const struct yw_err *err);
/* Prints a file's line-numbered errors (objects {line, field, message}, in
 * line order; errors stolen) and err, and returns YW_CLI_RUNTIME. */
int yw_cli_fail_lines(const char *file, json_t *errors, const struct yw_err *err);
/* "cli:<user>": who is acting, for the ledger. */
void yw_cli_actor(char out[96]);
/* Prints value (stolen) as indented JSON. */
int yw_cli_print_json(json_t *value);
/* "--role R" (repeatable): 1 when argv[*i] was one and its value was taken,
 * 0 when it was something else, -1 on bad usage. roles stays NULL-terminated. */
int yw_cli_take_role(int argc, char **argv, int *i, const char *roles[16], size_t *n_roles);

/* The commands: argv starts after the command's name. */
int yw_cli_init(int argc, char **argv);
int yw_cli_serve(int argc, char **argv);
int yw_cli_routes(int argc, char **argv);
int yw_cli_version(int argc, char **argv);
int yw_cli_demo(int argc, char **argv);
int yw_cli_ledger(int argc, char **argv);
int yw_cli_org(int argc, char **argv);
int yw_cli_account(int argc, char **argv);
int yw_cli_key(int argc, char **argv);
int yw_cli_catalog(int argc, char **argv);
int yw_cli_exchange(int argc, char **argv);
int yw_cli_services(int argc, char **argv);
int yw_cli_reviews(int argc, char **argv);

#endif
