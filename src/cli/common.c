/* Shared by the commands: options, errors, output. */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int yw_cli_usage_error(const char *fmt, ...) YW_PRINTF(1, 2);
int yw_cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("yiwang: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see yiwang --help)\n", stderr);
    return YW_CLI_USAGE;
}

bool yw_cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Parses "--name VALUE" and "--name=VALUE". Returns 0, 1 when help was
 * asked for (printed), or YW_CLI_USAGE. */
int yw_cli_parse_options(int argc, char **argv, struct yw_cli_option *specs, size_t n_specs,
                         const char *usage)
{
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (yw_cli_is_help(arg)) {
            fputs(usage, stdout);
            return 1;
        }
        if (strncmp(arg, "--", 2) != 0)
            return yw_cli_usage_error("unexpected argument \"%s\"", arg);
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg - 2) : strlen(arg) - 2;
        struct yw_cli_option *spec = NULL;
        for (size_t k = 0; k < n_specs; k++)
            if (strlen(specs[k].name) == name_len && memcmp(specs[k].name, arg + 2, name_len) == 0)
                spec = &specs[k];
        if (spec == NULL)
            return yw_cli_usage_error("unknown option \"%s\"", arg);
        if (eq) {
            *spec->value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return yw_cli_usage_error("option %s needs a value", arg);
            *spec->value = argv[++i];
        }
        if ((*spec->value)[0] == '\0')
            return yw_cli_usage_error("option %s needs a non-empty value", arg);
    }
    return 0;
}

int yw_cli_fail(const struct yw_err *err)
{
    fprintf(stderr, "yiwang: %s\n", err->message[0] ? err->message : yw_err_name(err->code));
    return err->code == YW_EINVAL ? YW_CLI_USAGE : YW_CLI_RUNTIME;
}

static int by_line(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
    return (x > y) - (x < y);
}

int yw_cli_fail_lines(const char *file, json_t *errors, const struct yw_err *err)
{
    size_t n = json_array_size(errors);
    json_t **sorted = n ? calloc(n, sizeof(*sorted)) : NULL;
    for (size_t i = 0; sorted && i < n; i++)
        sorted[i] = json_array_get(errors, i);
    if (sorted)
        qsort(sorted, n, sizeof(*sorted), by_line);
    for (size_t i = 0; sorted && i < n; i++) {
        const char *field = json_string_value(json_object_get(sorted[i], "field"));
        fprintf(stderr, "%s:%lld: %s%s%s\n", file,
                (long long)json_integer_value(json_object_get(sorted[i], "line")),
                json_string_value(json_object_get(sorted[i], "message")),
                field && field[0] ? " — " : "", field ? field : "");
    }
    free(sorted);
    json_decref(errors);
    fprintf(stderr, "yiwang: %s\n", err->message[0] ? err->message : yw_err_name(err->code));
    return YW_CLI_RUNTIME; /* a bad file is not bad usage */
}

/* Who is acting, for the ledger: the operating-system user behind the CLI. */
void yw_cli_actor(char out[96])
{
    struct passwd *pw = getpwuid(geteuid());
    (void)yw_fmt(out, 96, "cli:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
}

int yw_cli_print_json(json_t *value)
{
    char *text = value ? json_dumps(value, JSON_INDENT(2)) : NULL;
    json_decref(value);
    if (text == NULL)
        return YW_CLI_RUNTIME;
    printf("%s\n", text);
    free(text);
    return 0;
}

/* "--role R" or "--role=R", which may repeat: 1 when argv[*i] was one (and
 * its value taken), 0 when it was something else, -1 on bad usage. */
int yw_cli_take_role(int argc, char **argv, int *i, const char *roles[16], size_t *n_roles)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--role") != 0 && strncmp(arg, "--role=", 7) != 0)
        return 0;
    const char *v = arg[6] == '=' ? arg + 7 : (*i + 1 < argc ? argv[++*i] : NULL);
    if (v == NULL || *n_roles + 1 >= 16) {
        yw_cli_usage_error("%s", "--role needs a value (at most 15 roles)");
        return -1;
    }
    roles[(*n_roles)++] = v;
    roles[*n_roles] = NULL;
    return 1;
}

bool yw_cli_subcommand(int argc, char **argv, const char *usage, const char *const *subs,
                       const char **sub, int *status)
{
    if (argc < 1 || yw_cli_is_help(argv[0])) {
        fputs(usage, argc < 1 ? stderr : stdout);
        *status = argc < 1 ? YW_CLI_USAGE : 0;
        return false;
    }
    for (size_t i = 0; subs[i] != NULL; i++)
        if (strcmp(argv[0], subs[i]) == 0) {
            *sub = subs[i];
            return true;
        }
    *status = yw_cli_usage_error("unknown subcommand \"%s\"", argv[0]);
    return false;
}
