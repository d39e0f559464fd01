/*
 * node — this node's identity, configuration and running context.
 *
 * A node lives in a directory D holding yiwang.conf (mode 0600: it may carry a
 * database password) and node.key (the signing key, mode 0600). Its identity —
 * origin, display name, crypto profile and public key — is one row in the
 * database (table yw_node), so a node can never be pointed at another node's
 * database by mistake: yw_node_open() checks that the key matches the row.
 */
#ifndef YW_NODE_H
#define YW_NODE_H

#include <limits.h>

#include "catalog/catalog.h"
#include "crypto/crypto.h"
#include "directory/directory.h"
#include "exchange/exchange.h"
#include "ledger/ledger.h"
#include "store/store.h"
#include "util/util.h"

#define YW_NODE_CONF "yiwang.conf"
#define YW_NODE_KEY "node.key"
#define YW_NODE_NAME_MAX 100 /* characters, not bytes */

struct yw_config {
    char dir[PATH_MAX];
    char db[1024];    /* store URL; may hold a password: never log it */
    char listen[256]; /* ADDR:PORT, [IPv6]:PORT */
    char key_file[PATH_MAX];
    int pool_size;               /* database connections */
    int64_t body_limit;          /* bytes of request body, 413 beyond */
    int max_connections;         /* concurrent HTTP connections */
    int io_threads;              /* HTTP I/O threads (default: one per core) */
    int workers;                 /* threads running handlers that may block */
    int max_queue;               /* requests waiting for a worker before 503 */
    int timeout_s;               /* idle connection timeout */
    int grace_s;                 /* how long a graceful stop waits for requests in flight */
    int session_idle_s;          /* a session ends after this long unused */
    int session_max_s;           /* and this long after sign-in */
    int login_failures;          /* failed sign-ins in a row before a lockout */
    int lockout_s;               /* how long a lockout lasts */
    char catalog_code_rule[32];  /* resource code rule (gbt21063, free) */
    char public_url[256];        /* how the outside reaches this node; "" = http://listen */
    char calendar_dir[PATH_MAX]; /* working-day calendars YYYY.txt; absent: the bundled ones */
    int answer_days;             /* working days a provider has to answer an application */
    int sandbox_k;               /* smallest group the data sandbox shows */
    int rectify_days;            /* working days to rectify a bad review (差评整改) */
    enum yw_log_level log_level;
};

/* The database URL with any password replaced by "***", for logs and digests. */
void yw_config_db_redacted(const struct yw_config *cfg, char *out, size_t out_size);

/* Reads D/yiwang.conf over the defaults, then applies the environment
 * overrides YIWANG_LISTEN and YIWANG_DB. Unknown keys and bad values are
 * errors naming the line. */
int yw_config_load(const char *dir, struct yw_config *cfg, struct yw_err *err) YW_MUST_USE;

struct yw_node_init {
    const char *dir;         /* required; created if missing, must not hold a node */
    enum yw_profile profile; /* gm by default */
    const char *db;          /* NULL: sqlite:D/yiwang.db */
    const char *origin;      /* NULL: derived from the key, "yiwang.local/<8 hex>" */
    const char *name;        /* NULL: "yiwang 节点" */
    const char *listen;      /* NULL: 127.0.0.1:8080 */
};

/* Creates a node: directory, key pair, configuration and database (migrated,
 * identity row written). On any failure everything it created is removed and
 * a directory or database that already holds a node is left untouched. */
int yw_node_init(const struct yw_node_init *opts, struct yw_err *err) YW_MUST_USE;

/* The running context, built once in main and passed down. Read-only after
 * yw_node_open() except through the store. */
struct yw_ctx {
    struct yw_config config;
    struct yw_store *store;
    struct yw_ledger *ledger;     /* NULL until yw_node_open_ledger() */
    struct yw_calendar *calendar; /* NULL until yw_node_open_exchange() */
    struct yw_exchange *exchange; /* NULL until yw_node_open_exchange() */
    struct yw_key *key;
    enum yw_profile profile;
    char origin[256];
    int schema_version;
    int64_t started_ms;
};

/* Loads the configuration, opens the store, runs pending migrations, loads the
 * key and checks it against the database's identity row. The caller owns *out
 * and frees it with yw_node_close(). */
int yw_node_open(const char *dir, struct yw_ctx **out, struct yw_err *err) YW_MUST_USE;
void yw_node_close(struct yw_ctx *ctx); /* NULL-safe; closes the ledger first */

/* Starts the ledger's committer for this process (serve, ledger append). */
int yw_node_open_ledger(struct yw_ctx *ctx, struct yw_err *err) YW_MUST_USE;

/* Loads the working-day calendars (every YYYY.txt in calendar_dir, or the bundled ones
 * when that directory does not exist) and opens the exchange, replaying its
 * counts from the ledger (needs the ledger open). */
int yw_node_open_exchange(struct yw_ctx *ctx, struct yw_err *err) YW_MUST_USE;

/* Ledger events of the node's life (needs the ledger open): node.start with
 * the version, schema and a digest of the effective configuration, preceded
 * by node.config when that digest changed since the last start; node.stop. */
int yw_node_record_start(struct yw_ctx *ctx, struct yw_err *err) YW_MUST_USE;
int yw_node_record_stop(struct yw_ctx *ctx, const char *reason, struct yw_err *err) YW_MUST_USE;

/* Session limits from the configuration and the key sealing stored TOTP
 * secrets, derived from the node's key. */
int yw_node_auth_config(const struct yw_ctx *ctx, struct yw_auth_config *out) YW_MUST_USE;

/* The catalog over this node's store and ledger, with its code rule. */
void yw_node_catalog(const struct yw_ctx *ctx, struct yw_catalog *out);
struct yw_services;
/* The one-stop services over this node's catalog, exchange and calendar. */
void yw_node_services(const struct yw_ctx *ctx, struct yw_services *out);
/* The node's public base URL without a trailing slash (public_url, or
 * http://listen when unset). */
void yw_node_public_url(const struct yw_ctx *ctx, char out[300]);

/* The node's verifier key (C2SP note vkey) for its ledger checkpoints. */
int yw_node_vkey(const struct yw_ctx *ctx, char *out, size_t out_size) YW_MUST_USE;

struct yw_node_info {
    char origin[256];
    char name[YW_NODE_NAME_MAX * 4 + 1];
    char profile[8];
    char public_key[128]; /* base64 of the raw public key */
    char created_at[32];
    char updated_at[32];
};

int yw_node_info(struct yw_ctx *ctx, struct yw_node_info *out, struct yw_err *err) YW_MUST_USE;

/* Renames the node (its display name: 1–100 characters, no control
 * characters). One transaction. */
int yw_node_rename(struct yw_ctx *ctx, struct yw_str name, struct yw_err *err) YW_MUST_USE;

/* Checks a display name; YW_EINVAL with a message naming field "name". */
int yw_node_check_name(struct yw_str name, struct yw_err *err) YW_MUST_USE;
/* Checks a checkpoint origin (C2SP: non-empty, no spaces, no '+', printable
 * ASCII, at most 255 bytes); YW_EINVAL naming field "origin". */
int yw_node_check_origin(struct yw_str origin, struct yw_err *err) YW_MUST_USE;

#endif
