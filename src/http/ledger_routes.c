/* The ledger's public, read-only routes. No route appends. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "ledger/ledger.h"

/* A page of entries stops early past this many bytes of base64. */
#define ENTRIES_PAGE_BYTES (8 * 1024 * 1024)

int yw__get_checkpoint(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_buf note;
    uint64_t size;
    int rc;

    yw_buf_init(&note, 64 * 1024);
    if ((rc = yw_ledger_checkpoint(req->ctx->store, &note, &size, err)) < 0) {
        yw_buf_free(&note);
        return rc;
    }
    res->size = note.len;
    res->owned = yw_buf_take(&note);
    res->content_type = "text/plain; charset=utf-8";
    res->cache_control = "no-cache";
    return YW_OK;
}

int yw__get_vkey(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    char vkey[512];
    if (yw_node_vkey(req->ctx, vkey, sizeof(vkey) - 1) < 0)
        return yw_err_set(err, YW_EINTERNAL, NULL, "cannot make the verifier key");
    size_t n = strlen(vkey);
    vkey[n++] = '\n';
    res->owned = malloc(n);
    if (res->owned == NULL)
        return YW_ENOMEM;
    memcpy(res->owned, vkey, n);
    res->size = n;
    res->content_type = "text/plain; charset=utf-8";
    res->cache_control = "no-cache";
    return YW_OK;
}

/* The newest signed size: every read route answers against it. */
static int signed_size(struct yw_request *req, uint64_t *size, struct yw_err *err)
{
    struct yw_buf note;
    yw_buf_init(&note, 64 * 1024);
    int rc = yw_ledger_checkpoint(req->ctx->store, &note, size, err);
    yw_buf_free(&note);
    return rc;
}

struct page {
    json_t *entries;
    size_t bytes;
};

static int add_entry(void *cls, uint64_t index, struct yw_str entry)
{
    struct page *p = cls;
    if (p->bytes > ENTRIES_PAGE_BYTES)
        return 1; /* enough for one answer; the client asks again from here */
    char *b64 = malloc(4 * ((entry.n + 2) / 3) + 1);
    if (b64 == NULL)
        return YW_ENOMEM;
    yw_base64((const uint8_t *)entry.p, entry.n, b64);
    p->bytes += strlen(b64);
    json_t *item = json_pack("{s:I, s:s}", "index", (json_int_t)index, "leaf", b64);
    free(b64);
    if (item == NULL || json_array_append_new(p->entries, item) < 0)
        return YW_ENOMEM;
    return YW_OK;
}

int yw__get_entries(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    uint64_t start, count = YW_LEDGER_PAGE_MAX, size;
    struct page page = {0};
    int rc;

    if ((rc = yw__query_u64(req, "start", 0, INT64_MAX, true, &start, err)) < 0)
        return rc;
    rc = yw__query_u64(req, "count", 1, YW_LEDGER_PAGE_MAX, false, &count, err);
    if (rc == YW_EINVAL)
        return rc;
    if ((rc = signed_size(req, &size, err)) < 0)
        return rc;
    if (start >= size)
        return yw_err_set(err, YW_EINVAL, "start",
                          "start 须小于树大小 %llu / start must be below the tree size %llu",
                          (unsigned long long)size, (unsigned long long)size);
    if (count > size - start)
        count = size - start;
    page.entries = json_array();
    if (page.entries == NULL)
        return YW_ENOMEM;
    if ((rc = yw_ledger_entries(req->ctx->store, start, count, add_entry, &page, err)) < 0) {
        json_decref(page.entries);
        return rc;
    }
    res->json = json_pack("{s:o}", "entries", page.entries);
    return res->json ? YW_OK : YW_ENOMEM;
}

static json_t *proof_json(uint8_t proof[][YW_HASH_SIZE], size_t n)
{
    json_t *list = json_array();
    char b64[64];
    for (size_t i = 0; list != NULL && i < n; i++) {
        yw_base64(proof[i], YW_HASH_SIZE, b64);
        if (json_array_append_new(list, json_string(b64)) < 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

int yw__get_inclusion(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    uint8_t proof[YW_LEDGER_PROOF_MAX][YW_HASH_SIZE];
    uint64_t index, size;
    size_t n = 0;
    int rc;

    if ((rc = yw__query_u64(req, "index", 0, INT64_MAX, true, &index, err)) < 0 ||
        (rc = yw__query_u64(req, "size", 0, INT64_MAX, true, &size, err)) < 0)
        return rc;
    if ((rc = yw_ledger_prove_inclusion(req->ctx->store, req->ctx->profile, index, size, proof, &n,
                                        err)) < 0)
        return rc;
    json_t *list = proof_json(proof, n);
    res->json = list ? json_pack("{s:I, s:I, s:o}", "index", (json_int_t)index, "size",
                                 (json_int_t)size, "proof", list)
                     : NULL;
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__get_consistency(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    uint8_t proof[YW_LEDGER_PROOF_MAX][YW_HASH_SIZE];
    uint64_t from, size;
    size_t n = 0;
    int rc;

    if ((rc = yw__query_u64(req, "from", 0, INT64_MAX, true, &from, err)) < 0 ||
        (rc = yw__query_u64(req, "size", 0, INT64_MAX, true, &size, err)) < 0)
        return rc;
    if ((rc = yw_ledger_prove_consistency(req->ctx->store, req->ctx->profile, from, size, proof, &n,
                                          err)) < 0)
        return rc;
    json_t *list = proof_json(proof, n);
    res->json = list ? json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from, "size",
                                 (json_int_t)size, "proof", list)
                     : NULL;
    return res->json ? YW_OK : YW_ENOMEM;
}
