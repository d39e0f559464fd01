/* Standing grants: which system key the node's own services use to fetch a
 * resource for an organisation. */
#include "internal.h"

#include <string.h>

#include "store/store.h"

int yw_exchange_standing_key(struct yw_exchange *ex, const char *consumer, const char *code,
                             char key_id[48], struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    key_id[0] = '\0';
    int rc = yw_store_begin(ex->cfg.catalog.store, YW_TXN_READ, &txn, err);
    if (rc == YW_OK)
        rc = yw_txn_prepare(txn,
                            "SELECT key_id FROM yw_exchange_grants WHERE consumer = ? AND code = ? "
                            "AND kind = 'records' AND status <> 'revoked' ORDER BY CASE WHEN "
                            "status = 'active' THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1",
                            &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, consumer, strlen(consumer));
        yw_stmt_bind_text(st, 2, code, strlen(code));
        if ((rc = yw_stmt_step(st, err)) == 1) {
            struct yw_str k = yw_stmt_column_text(st, 0);
            rc = yw_fmt(key_id, 48, "%.*s", (int)k.n, k.p) < 0
                     ? yw_err_set(err, YW_EINTERNAL, NULL, "key id too long")
                     : YW_OK;
        } else if (rc == 0) {
            rc = yw_err_set(err, YW_ENOTFOUND, "resource",
                            "本机构没有该资源的常态化授权 / the organisation holds no standing "
                            "grant for %s",
                            code);
        }
    }
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}
