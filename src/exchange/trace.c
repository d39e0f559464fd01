/* Tracing: who used a citizen's data (with proofs), and lineage. */
#include "internal.h"

#include <string.h>

#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define USES_MAX 500 /* deliveries listed for one citizen */

static int keep_entry(void *cls, uint64_t index, struct yw_str entry)
{
    (void)index;
    json_t **out = cls;
    *out = json_loadb(entry.p, entry.n, 0, NULL);
    return 0;
}

/* The organisation's display name. */
static json_t *org_name(struct yw_txn *txn, const char *code)
{
    struct yw_stmt *st = NULL;
    json_t *name = NULL;
    if (code &&
        yw_txn_prepare(txn, "SELECT name FROM yw_orgs WHERE code = ?", &st, NULL) == YW_OK) {
        yw_stmt_bind_text(st, 1, code, strlen(code));
        if (yw_stmt_step(st, NULL) == 1) {
            struct yw_str n = yw_stmt_column_text(st, 0);
            name = json_stringn(n.p, n.n);
        }
    }
    yw_stmt_finalize(&st);
    return name ? name : json_string(code ? code : "");
}

int yw_exchange_data_uses(struct yw_exchange *ex, struct yw_str id_number, json_t **out,
                          struct yw_err *err)
{
    struct yw_store *store = ex->cfg.catalog.store;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *uses = json_array();
    struct yw_buf note;
    uint64_t size = 0;
    char subject[65];
    int rc;

    *out = NULL;
    yw_buf_init(&note, 64 * 1024);
    yw__subject_hash(ex, id_number, subject);
    if ((rc = yw_ledger_checkpoint(store, &note, &size, err)) < 0 ||
        (rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "SELECT ledger_index FROM yw_exchange_subjects WHERE subject = ? "
                             "ORDER BY ledger_index DESC LIMIT ?",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, subject, strlen(subject));
    yw_stmt_bind_int64(st, 2, USES_MAX);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        uint64_t index = (uint64_t)yw_stmt_column_int64(st, 0);
        json_t *e = NULL;
        if ((rc = yw_ledger_entries(store, index, 1, keep_entry, &e, err)) < 0)
            goto out;
        if (e == NULL)
            continue;
        const char *consumer = json_string_value(json_object_get(e, "consumer"));
        const char *provider = json_string_value(json_object_get(e, "provider"));
        json_t *item = json_pack(
            "{s:I, s:O, s:O, s:o, s:O, s:o, s:O, s:O, s:O, s:O}", "ledger_index", (json_int_t)index,
            "time", json_object_get(e, "time"), "consumer", json_object_get(e, "consumer"),
            "consumer_name", org_name(txn, consumer), "provider", json_object_get(e, "provider"),
            "provider_name", org_name(txn, provider), "resource", json_object_get(e, "resource"),
            "purpose", json_object_get(e, "purpose"), "fields", json_object_get(e, "fields"),
            "grant", json_object_get(e, "grant"));
        json_decref(e);
        /* The proof that the entry is in the log the checkpoint signs. */
        uint8_t proof[YW_LEDGER_PROOF_MAX][YW_HASH_SIZE];
        size_t n_proof = 0;
        if (item && index < size &&
            yw_ledger_prove_inclusion(store, ex->cfg.catalog.profile, index, size, proof, &n_proof,
                                      NULL) == YW_OK) {
            json_t *list = json_array();
            char b64[64];
            for (size_t i = 0; i < n_proof; i++) {
                yw_base64(proof[i], YW_HASH_SIZE, b64);
                json_array_append_new(list, json_string(b64));
            }
            json_object_set_new(item, "proof", list);
        } else if (item) {
            json_object_set_new(item, "proof", json_null()); /* in the next checkpoint */
        }
        if (item)
            json_array_append_new(uses, item);
    }
    if (rc < 0)
        goto out;
    *out = json_pack("{s:s, s:I, s:O}", "checkpoint", note.data ? note.data : "", "size",
                     (json_int_t)size, "uses", uses);
    rc = *out ? YW_OK : YW_ENOMEM;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&note);
    json_decref(uses);
    return rc;
}

int yw_exchange_lineage(struct yw_exchange *ex, const struct yw_principal *who,
                        struct yw_str resource, struct yw_str org, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    json_t *list = json_array();
    bool all = yw_policy_oversees(who, "exchange.arbitrate");
    const char *mine = who ? who->org : "";
    int rc;

    *out = NULL;
    if ((resource.n == 0) == (org.n == 0)) {
        json_decref(list);
        return yw_err_set(err, YW_EINVAL, "resource",
                          "须给出 resource 或 org 之一 / give exactly one of resource and org");
    }
    if ((rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    /* A provider sees who holds its resources; a consumer what it holds. */
    if (resource.n) {
        struct yw_stmt *p = NULL;
        if ((rc = yw_txn_prepare(txn, "SELECT provider FROM yw_catalog_resources WHERE code = ?",
                                 &p, err)) < 0)
            goto out;
        yw_stmt_bind_text(p, 1, resource.p, resource.n);
        rc = yw_stmt_step(p, err);
        bool own = rc == 1 && yw_str_eq_c(yw_stmt_column_text(p, 0), mine);
        yw_stmt_finalize(&p);
        if (rc < 0)
            goto out;
        if (rc == 0 || (!own && !all)) {
            rc = rc == 0
                     ? yw_err_set(err, YW_ENOTFOUND, "resource", "没有资源 %.*s / no resource %.*s",
                                  (int)resource.n, resource.p, (int)resource.n, resource.p)
                     : yw_err_set(err, YW_EPERM, "resource",
                                  "只有提供方和数据主管部门可以查看资源去向 / only the provider "
                                  "and the data authority see where a resource went");
            goto out;
        }
    } else if (!all && !yw_str_eq_c(org, mine)) {
        rc = yw_err_set(err, YW_EPERM, "org",
                        "只能查看本机构持有的数据 / an organisation sees only what it holds");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             resource.n ? "SELECT id FROM yw_exchange_grants WHERE code = ? ORDER "
                                          "BY consumer, created_at"
                                        : "SELECT id FROM yw_exchange_grants WHERE consumer = ? "
                                          "ORDER BY provider, code, created_at",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, resource.n ? resource.p : org.p, resource.n ? resource.n : org.n);
    int64_t today = yw_day_from_ms(yw_now_ms());
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw__grant g;
        char id[YW__ID_SIZE];
        int64_t uses, day_uses, records;
        struct yw_str gid = yw_stmt_column_text(st, 0);
        (void)yw_fmt(id, sizeof(id), "%.*s", (int)gid.n, gid.p);
        if ((rc = yw__grant_load(txn, id, &g, err)) < 0)
            goto out;
        yw__count_get(ex, g.id, today, &uses, &day_uses, &records);
        json_array_append_new(
            list, json_pack("{s:s, s:s, s:o, s:s, s:o, s:s, s:I, s:s, s:s, s:O, s:I, s:I}", "grant",
                            g.id, "consumer", g.consumer, "consumer_name",
                            org_name(txn, g.consumer), "provider", g.provider, "provider_name",
                            org_name(txn, g.provider), "resource", g.code, "version",
                            (json_int_t)g.version, "kind", g.kind, "status", g.status, "fields",
                            g.fields, "uses", (json_int_t)uses, "records", (json_int_t)records));
        yw__grant_free(&g);
    }
    if (rc == 0) {
        *out = json_pack("{s:O}", "lineage", list);
        rc = *out ? YW_OK : YW_ENOMEM;
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(list);
    return rc;
}
