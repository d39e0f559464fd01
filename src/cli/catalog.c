/* yiwang catalog: import and export of the data resource catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "cli.h"
#include "ledger/ledger.h"
#include "node/node.h"

#define IMPORT_MAX (512 * 1024 * 1024) /* bytes of one CSV file */

static const char usage_catalog[] =
    "Usage: yiwang catalog SUBCOMMAND --dir D [OPTIONS]\n"
    "\n"
    "数据资源目录 / The data resource catalog (政务信息资源目录).\n"
    "\n"
    "  import  --dir D FILE [--publish]    resources and fields (信息项) from CSV, one row per\n"
    "                                      field; all or nothing, errors by line number.\n"
    "                                      --publish: publish at once (a catalog already\n"
    "                                      approved elsewhere); otherwise drafts\n"
    "  import  --dir D FILE --elements     data elements (数据元) from CSV\n"
    "  export  --dir D [--format csv|dcat] [--out FILE]\n"
    "                                      every resource as CSV (readable by import), or the\n"
    "                                      published catalog as DCAT-AP 3 JSON-LD\n"
    "\n"
    "The CSV columns are listed in docs/internals/catalog.md.\n";

static int import(struct yw_ctx *ctx, const char *file, bool elements, bool publish)
{
    struct yw_catalog cat;
    struct yw_err err = {0};
    json_t *errors = NULL;
    const char *data = NULL;
    char actor[96];
    size_t n = 0, count = 0;
    int rc;

    if (yw_file_map(file, IMPORT_MAX, &data, &n, &err) < 0)
        return yw_cli_fail(&err);
    yw_node_catalog(ctx, &cat);
    yw_cli_actor(actor);
    rc = elements ? yw_catalog_import_elements(&cat, data, n, actor, &count, &errors, &err)
                  : yw_catalog_import(&cat, data, n, publish, actor, &count, &errors, &err);
    yw_file_unmap(data, n);
    if (rc < 0)
        return errors ? yw_cli_fail_lines(file, errors, &err) : yw_cli_fail(&err);
    printf("已导入 %zu 个%s / imported %zu %s\n", count, elements ? "数据元" : "资源", count,
           elements  ? "data elements"
           : publish ? "published resources"
                     : "draft resources");
    return 0;
}

static int export(struct yw_ctx *ctx, const char *format, const char *out_path)
{
    struct yw_catalog cat;
    struct yw_err err = {0};
    struct yw_buf b;
    int rc;

    yw_node_catalog(ctx, &cat);
    yw_buf_init(&b, (size_t)2 * 1024 * 1024 * 1024);
    if (strcmp(format, "csv") == 0) {
        rc = yw_catalog_export_csv(&cat, &b, &err);
    } else {
        struct yw_node_info info;
        char base[300];
        json_t *doc = NULL;
        yw_node_public_url(ctx, base);
        if ((rc = yw_node_info(ctx, &info, &err)) == YW_OK &&
            (rc = yw_catalog_dcat(&cat, info.name, info.origin, base, &doc, &err)) == YW_OK) {
            char *text = json_dumps(doc, JSON_INDENT(2));
            rc = text && yw_buf_append_c(&b, text) == YW_OK && yw_buf_append_c(&b, "\n") == YW_OK
                     ? YW_OK
                     : yw_err_set(&err, YW_ENOMEM, NULL, "out of memory");
            free(text);
        }
        json_decref(doc);
    }
    if (rc == YW_OK && out_path != NULL)
        rc = yw_file_create(out_path, 0644, b.data ? b.data : "", b.len, &err);
    else if (rc == YW_OK && b.len && fwrite(b.data, 1, b.len, stdout) != b.len)
        rc = yw_err_set(&err, YW_EIO, NULL, "cannot write to stdout");
    yw_buf_free(&b);
    return rc < 0 ? yw_cli_fail(&err) : 0;
}

int yw_cli_catalog(int argc, char **argv)
{
    const char *dir = NULL, *format = "csv", *out = NULL;
    struct yw_cli_option specs[] = {{"dir", &dir}, {"format", &format}, {"out", &out}};
    static const char *const subcommands[] = {"import", "export", NULL};
    bool elements = false, publish = false;
    const char *sub = NULL, *file = NULL;
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    char *rest[16];
    int n = 0, rc;

    if (!yw_cli_subcommand(argc, argv, usage_catalog, subcommands, &sub, &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        bool option = strncmp(argv[i], "--", 2) == 0;
        if (strcmp(argv[i], "--elements") == 0) {
            elements = true;
        } else if (strcmp(argv[i], "--publish") == 0) {
            publish = true;
        } else if (!option && file == NULL) {
            file = argv[i];
        } else if (!option) {
            return yw_cli_usage_error("%s", "catalog import takes one FILE");
        } else if (n + 2 <= 16) {
            rest[n++] = argv[i]; /* --name VALUE: the value travels with it */
            if (strchr(argv[i], '=') == NULL && !yw_cli_is_help(argv[i]) && i + 1 < argc)
                rest[n++] = argv[++i];
        } else {
            return yw_cli_usage_error("%s", "too many arguments");
        }
    }
    if ((rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]),
                                   usage_catalog)) != 0)
        return rc == 1 ? 0 : rc;
    if (dir == NULL)
        return yw_cli_usage_error("%s", "catalog needs --dir D");
    if (strcmp(sub, "import") == 0 && file == NULL)
        return yw_cli_usage_error("%s", "catalog import needs a FILE");
    if (strcmp(sub, "import") == 0 && elements && publish)
        return yw_cli_usage_error("%s", "--publish is for resources, not --elements");
    if (strcmp(sub, "export") == 0 && (file || elements || publish))
        return yw_cli_usage_error("%s", "catalog export takes only --format and --out");
    if (strcmp(format, "csv") != 0 && strcmp(format, "dcat") != 0)
        return yw_cli_usage_error("%s", "--format is csv or dcat");
    if (yw_node_open(dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    if (yw_node_open_ledger(ctx, &err) < 0)
        rc = yw_cli_fail(&err);
    else if (strcmp(sub, "import") == 0)
        rc = import(ctx, file, elements, publish);
    else
        rc = export(ctx, format, out);
    yw_node_close(ctx);
    return rc;
}
