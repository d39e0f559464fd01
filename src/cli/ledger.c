/* yiwang ledger. */
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

/* Flags take no value; yw_cli_parse_options needs values, so they are matched here. */
static int parse_ledger_options(int argc, char **argv, struct ledger_opts *o)
{
    struct yw_cli_option specs[] = {{"dir", &o->dir},     {"vkey", &o->vkey},
                                    {"index", &o->index}, {"size", &o->size},
                                    {"count", &o->count}, {"window", &o->window}};
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
            return yw_cli_usage_error("%s", "too many arguments");
    }
    int rc = yw_cli_parse_options(n, rest, specs, sizeof(specs) / sizeof(specs[0]), usage_ledger);
    if (rc == 0 && o->dir == NULL)
        return yw_cli_usage_error("%s", "ledger needs --dir D");
    return rc;
}

static int parse_count(const char *text, const char *name, int64_t min, int64_t max, int64_t *out)
{
    if (yw_parse_int64(yw_str_c(text), min, max, out) < 0)
        return yw_cli_usage_error("%s must be an integer from %lld to %lld", name, (long long)min,
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
        return fprintf(stderr, "yiwang: cannot make the verifier key\n"), YW_CLI_RUNTIME;
    int rc =
        yw_ledger_verify(ctx->store, ctx->profile, o->vkey ? o->vkey : vkey, o->newest_only == NULL,
                         isatty(STDERR_FILENO) ? show_progress : NULL, NULL, &report, &err);
    if (rc < 0)
        return yw_cli_fail(&err);
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
        return yw_cli_usage_error("%s", "ledger proof needs --index I");
    if ((rc = parse_count(o->index, "--index", 0, INT64_MAX, &index)) != 0)
        return rc;
    yw_buf_init(&note, 64 * 1024);
    if (yw_ledger_checkpoint(ctx->store, &note, &newest, &err) < 0) {
        yw_buf_free(&note);
        return yw_cli_fail(&err);
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
        return yw_cli_fail(&err);
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
        return yw_cli_usage_error("%s", "ledger append needs --count N");
    if ((rc = parse_count(o->count, "--count", 1, 1000000000, &count)) != 0 ||
        (o->window && (rc = parse_count(o->window, "--window", 1, 65536, &window)) != 0))
        return rc;
    if (yw_node_open_ledger(ctx, &err) < 0)
        return yw_cli_fail(&err);
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
        return yw_cli_fail(&load.err);
    if (rc < 0)
        return yw_cli_fail(&err);
    double secs = (double)(yw_monotonic_ns() - start) / 1e9;
    fprintf(stderr, "已追加 / appended %lld test entries in %.2f s (%.0f entries/s)\n",
            (long long)load.acknowledged, secs, (double)load.acknowledged / secs);
    return 0;
}

int yw_cli_ledger(int argc, char **argv)
{
    struct ledger_opts o = {0};
    struct yw_ctx *ctx = NULL;
    struct yw_err err = {0};
    int rc;

    static const char *const subcommands[] = {"verify", "checkpoint", "vkey",
                                              "proof",  "append",     NULL};
    const char *sub = NULL;
    if (!yw_cli_subcommand(argc, argv, usage_ledger, subcommands, &sub, &rc))
        return rc;
    if ((rc = parse_ledger_options(argc - 1, argv + 1, &o)) != 0)
        return rc == 1 ? 0 : rc;
    if (yw_node_open(o.dir, &ctx, &err) < 0)
        return yw_cli_fail(&err);
    yw_log_set_level(YW_LOG_WARN);
    if (strcmp(sub, "verify") == 0) {
        rc = ledger_verify(ctx, &o);
    } else if (strcmp(sub, "checkpoint") == 0) {
        struct yw_buf note;
        uint64_t size;
        yw_buf_init(&note, 64 * 1024);
        rc = yw_ledger_checkpoint(ctx->store, &note, &size, &err) < 0 ? yw_cli_fail(&err) : 0;
        if (rc == 0)
            fwrite(note.data, 1, note.len, stdout);
        yw_buf_free(&note);
    } else if (strcmp(sub, "vkey") == 0) {
        char vkey[512];
        rc = yw_node_vkey(ctx, vkey, sizeof(vkey)) < 0 ? YW_CLI_RUNTIME : 0;
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
