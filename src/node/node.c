#include "node.h"

#include <dirent.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/services.h"

int yw_node_check_name(struct yw_str name, struct yw_err *err)
{
    size_t chars = 0;
    bool visible = false;

    if (!yw_utf8_valid(name.p, name.n))
        return yw_err_set(err, YW_EINVAL, "name", "名称不是合法的 UTF-8 / name is not valid UTF-8");
    for (size_t i = 0; i < name.n; i++) {
        unsigned char c = (unsigned char)name.p[i];
        if (c < 0x20 || c == 0x7F)
            return yw_err_set(err, YW_EINVAL, "name",
                              "名称含控制字符 / name contains a control character");
        if ((c & 0xC0) != 0x80)
            chars++;
        if (c != ' ')
            visible = true;
    }
    if (!visible || chars > YW_NODE_NAME_MAX)
        return yw_err_set(err, YW_EINVAL, "name",
                          "名称须为 1 至 %d 个字符 / name must be 1 to %d characters",
                          YW_NODE_NAME_MAX, YW_NODE_NAME_MAX);
    return YW_OK;
}

int yw_node_check_origin(struct yw_str origin, struct yw_err *err)
{
    if (origin.n == 0 || origin.n > 255)
        return yw_err_set(err, YW_EINVAL, "origin",
                          "origin 须为 1 至 255 字节 / origin must be 1 to 255 bytes");
    for (size_t i = 0; i < origin.n; i++) {
        unsigned char c = (unsigned char)origin.p[i];
        if (c <= 0x20 || c >= 0x7F || c == '+')
            return yw_err_set(err, YW_EINVAL, "origin",
                              "origin 只能含可见 ASCII 字符且不含空格和 + / origin must be "
                              "printable ASCII without spaces or '+', e.g. yiwang.example/shiyi");
    }
    return YW_OK;
}

/* Checks the store's identity row against the key. */
static int read_identity(struct yw_store *store, struct yw_node_info *info, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if ((rc = yw_store_begin(store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn,
                             "SELECT origin, name, profile, public_key, created_at, updated_at "
                             "FROM yw_node WHERE id = 1",
                             &st, err)) < 0)
        goto out;
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, NULL,
                        "数据库中没有节点身份 / the database holds no node identity");
        goto out;
    }
    struct {
        char *dst;
        size_t size;
    } cols[] = {
        {info->origin, sizeof(info->origin)},         {info->name, sizeof(info->name)},
        {info->profile, sizeof(info->profile)},       {info->public_key, sizeof(info->public_key)},
        {info->created_at, sizeof(info->created_at)}, {info->updated_at, sizeof(info->updated_at)},
    };
    for (int i = 0; i < 6; i++) {
        struct yw_str v = yw_stmt_column_text(st, i);
        if (v.n >= cols[i].size) {
            rc = yw_err_set(err, YW_EDB, NULL, "node identity column %d too long", i);
            goto out;
        }
        memcpy(cols[i].dst, v.p, v.n);
        cols[i].dst[v.n] = '\0';
    }
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

static int public_key_b64(const struct yw_key *key, char out[128])
{
    uint8_t raw[YW_PUBKEY_MAX];
    size_t n = 0;
    int rc = yw_key_public_raw(key, raw, &n);
    if (rc == YW_OK)
        yw_base64(raw, n, out);
    return rc;
}

static int write_identity(struct yw_store *store, const char *origin, const char *name,
                          enum yw_profile profile, const char *pub_b64, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char now[32];
    int rc;

    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn, "SELECT origin FROM yw_node WHERE id = 1", &st, err)) < 0)
        goto out;
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 1) {
        struct yw_str other = yw_stmt_column_text(st, 0);
        rc = yw_err_set(err, YW_ECONFLICT, "db",
                        "数据库已属于节点 %.*s / the database already belongs to node %.*s",
                        (int)other.n, other.p, (int)other.n, other.p);
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_node (id, origin, name, profile, public_key, "
                             "created_at, updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *vals[] = {origin, name, yw_profile_name(profile), pub_b64, now, now};
    for (int i = 0; i < 6; i++)
        if ((rc = yw_stmt_bind_text(st, i + 1, vals[i], strlen(vals[i]))) < 0)
            goto out;
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

/* The first ledger entry of a node: who it is. */
static int record_init(struct yw_store *store, const struct yw_key *key, const char *origin,
                       const char *name, enum yw_profile profile, struct yw_err *err)
{
    struct yw_ledger_config cfg = {store, profile, key, origin};
    struct yw_ledger *ledger = NULL;
    char vkey[512];
    uint64_t index;
    int rc;

    if ((rc = yw_ledger_vkey(key, origin, vkey, sizeof(vkey))) < 0)
        return yw_err_set(err, rc, NULL, "cannot make the verifier key");
    if ((rc = yw_ledger_open(&cfg, &ledger, err)) < 0)
        return rc;
    rc = yw_ledger_event(ledger, "node.init",
                         json_pack("{s:s, s:s, s:s, s:s}", "name", name, "profile",
                                   yw_profile_name(profile), "vkey", vkey, "version", YW_VERSION),
                         &index, err);
    yw_ledger_close(ledger);
    return rc;
}

static void forget_node(struct yw_store *store)
{
    struct yw_txn *txn = NULL;
    struct yw_err ignored = {0};
    if (yw_store_begin(store, YW_TXN_WRITE, &txn, &ignored) == YW_OK &&
        yw_txn_exec(txn,
                    "DELETE FROM yw_ledger_checkpoints; DELETE FROM yw_ledger_tiles; "
                    "DELETE FROM yw_ledger_entries; DELETE FROM yw_node;",
                    &ignored) == YW_OK &&
        yw_store_commit(&txn, &ignored) < 0)
        yw_log(YW_LOG_WARN, "init_cleanup_failed", NULL);
    yw_store_rollback(&txn);
}

static bool path_exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

static int write_config(const struct yw_node_init *opts, const char *db, const char *path,
                        struct yw_err *err)
{
    struct yw_buf b;
    char now[32];
    int rc;

    yw_time_rfc3339(yw_now_ms(), now);
    yw_buf_init(&b, 16 * 1024);
    rc = yw_buf_printf(&b,
                       "# yiwang 节点配置 / node configuration, created by `yiwang init` at %s\n"
                       "# Environment overrides: YIWANG_LISTEN, YIWANG_DB.\n"
                       "db = %s\n"
                       "listen = %s\n"
                       "key_file = %s\n"
                       "pool_size = 8\n"
                       "body_limit = 1048576\n"
                       "max_connections = 1024\n"
                       "# io_threads = <one per core>\n"
                       "workers = 16\n"
                       "max_queue = 4096\n"
                       "session_idle = 1800\n"
                       "session_max = 43200\n"
                       "login_failures = 5\n"
                       "lockout = 900\n"
                       "timeout = 30\n"
                       "grace = 10\n"
                       "log_level = info\n",
                       now, db, opts->listen ? opts->listen : "127.0.0.1:8080", YW_NODE_KEY);
    if (rc == YW_OK)
        rc = yw_file_create(path, 0600, b.data, b.len, err);
    else
        rc = yw_err_set(err, rc, NULL, "configuration too long");
    yw_buf_free(&b);
    return rc;
}

int yw_node_init(const struct yw_node_init *opts, struct yw_err *err)
{
    char conf_path[PATH_MAX], key_path[PATH_MAX], db[1024], origin[256], pub[128];
    char sqlite_path[PATH_MAX] = "";
    const char *name = opts->name ? opts->name : "yiwang 节点";
    bool made_dir = false, made_key = false, made_db = false, wrote_identity = false;
    struct yw_key *key = NULL;
    struct yw_store *store = NULL;
    int schema = 0;
    int rc;

    if (opts->dir == NULL || opts->dir[0] == '\0')
        return yw_err_set(err, YW_EINVAL, "dir", "须指定 --dir / --dir is required");
    if ((rc = yw_node_check_name(yw_str_c(name), err)) < 0)
        return rc;
    if (opts->origin && (rc = yw_node_check_origin(yw_str_c(opts->origin), err)) < 0)
        return rc;
    if (yw_fmt(conf_path, sizeof(conf_path), "%s/%s", opts->dir, YW_NODE_CONF) < 0 ||
        yw_fmt(key_path, sizeof(key_path), "%s/%s", opts->dir, YW_NODE_KEY) < 0)
        return yw_err_set(err, YW_EINVAL, "dir", "目录路径过长 / directory path too long");
    if (path_exists(conf_path) || path_exists(key_path))
        return yw_err_set(err, YW_ECONFLICT, "dir",
                          "%s 已有节点，未做任何改动 / %s already holds a node; nothing changed",
                          opts->dir, opts->dir);
    if (opts->db) {
        if ((rc = yw_copy(db, sizeof(db), opts->db)) < 0)
            return yw_err_set(err, rc, "db", "数据库 URL 过长 / database URL too long");
    } else if (yw_fmt(db, sizeof(db), "sqlite:%s/yiwang.db", opts->dir) < 0) {
        return yw_err_set(err, YW_EINVAL, "dir", "目录路径过长 / directory path too long");
    }
    if (strncmp(db, "sqlite:", 7) == 0) {
        if (yw_copy(sqlite_path, sizeof(sqlite_path), db + 7) < 0)
            return yw_err_set(err, YW_EINVAL, "db", "数据库路径过长 / database path too long");
        if (path_exists(sqlite_path))
            return yw_err_set(err, YW_ECONFLICT, "db",
                              "%s 已存在，未做任何改动 / %s already exists; nothing changed",
                              sqlite_path, sqlite_path);
    }

    if (mkdir(opts->dir, 0750) == 0)
        made_dir = true;
    else if (errno != EEXIST)
        return yw_err_set(err, YW_EIO, "dir", "无法创建目录 %s / cannot create %s: %s", opts->dir,
                          opts->dir, strerror(errno));

    if ((rc = yw_key_generate(opts->profile, &key, err)) < 0)
        goto out;
    if ((rc = yw_key_save_private(key, key_path, err)) < 0)
        goto out;
    made_key = true;
    if ((rc = public_key_b64(key, pub)) < 0) {
        yw_err_set(err, rc, NULL, "cannot export the public key");
        goto out;
    }
    if (opts->origin) {
        (void)yw_copy(origin, sizeof(origin), opts->origin);
    } else {
        uint8_t raw[YW_PUBKEY_MAX], digest[YW_HASH_SIZE];
        size_t n = 0;
        char hex[9];
        if ((rc = yw_key_public_raw(key, raw, &n)) < 0 ||
            (rc = yw_hash(opts->profile, raw, n, digest)) < 0)
            goto out;
        yw_hex(digest, 4, hex);
        (void)yw_fmt(origin, sizeof(origin), "yiwang.local/%s", hex);
    }

    made_db = sqlite_path[0] != '\0';
    if ((rc = yw_store_open(db, 1, &store, err)) < 0)
        goto out;
    if ((rc = yw_store_migrate(store, yw_migration_files, yw_migration_files_count, &schema, err)) <
        0)
        goto out;
    if ((rc = write_identity(store, origin, name, opts->profile, pub, err)) < 0) {
        /* A database that already held a node keeps its data. */
        if (rc == YW_ECONFLICT)
            made_db = false;
        goto out;
    }
    wrote_identity = true;
    if ((rc = record_init(store, key, origin, name, opts->profile, err)) < 0)
        goto out;
    /* The default database is named relative to the node's directory, so a
     * copied or moved node serves its own copy, never the original's. */
    if ((rc = write_config(opts, opts->db ? db : "sqlite:yiwang.db", conf_path, err)) < 0)
        goto out;
    rc = YW_OK;
out:
    /* A server database outlives a failed init: take back what this run wrote
     * (the identity and the first ledger entries), so init can run again. */
    if (rc < 0 && wrote_identity && !made_db)
        forget_node(store);
    yw_store_close(store);
    yw_key_free(key);
    if (rc < 0) {
        if (made_db) {
            char side[PATH_MAX + 8];
            unlink(sqlite_path);
            if (yw_fmt(side, sizeof(side), "%s-wal", sqlite_path) == YW_OK)
                unlink(side);
            if (yw_fmt(side, sizeof(side), "%s-shm", sqlite_path) == YW_OK)
                unlink(side);
        }
        if (made_key)
            unlink(key_path);
        if (made_dir)
            rmdir(opts->dir);
    }
    return rc;
}

int yw_node_open(const char *dir, struct yw_ctx **out, struct yw_err *err)
{
    struct yw_ctx *ctx = calloc(1, sizeof(*ctx));
    struct yw_node_info info;
    char pub[128];
    int rc;

    if (ctx == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    ctx->started_ms = yw_now_ms();
    if ((rc = yw_config_load(dir, &ctx->config, err)) < 0)
        goto out;
    if ((rc = yw_store_open(ctx->config.db, ctx->config.pool_size, &ctx->store, err)) < 0)
        goto out;
    if ((rc = yw_store_migrate(ctx->store, yw_migration_files, yw_migration_files_count,
                               &ctx->schema_version, err)) < 0)
        goto out;
    if ((rc = read_identity(ctx->store, &info, err)) < 0)
        goto out;
    if ((rc = yw_profile_parse(yw_str_c(info.profile), &ctx->profile)) < 0) {
        rc = yw_err_set(err, YW_EDB, NULL, "unknown profile in the database");
        goto out;
    }
    (void)yw_copy(ctx->origin, sizeof(ctx->origin), info.origin);
    if ((rc = yw_key_load_private(ctx->profile, ctx->config.key_file, &ctx->key, err)) < 0)
        goto out;
    if ((rc = public_key_b64(ctx->key, pub)) < 0)
        goto out;
    if (strcmp(pub, info.public_key) != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "db",
                        "节点密钥与数据库中的节点 %s 不符 / the node key does not match node %s "
                        "recorded in the database",
                        info.origin, info.origin);
        goto out;
    }
    *out = ctx;
    ctx = NULL;
    rc = YW_OK;
out:
    yw_node_close(ctx);
    return rc;
}

void yw_node_close(struct yw_ctx *ctx)
{
    if (ctx == NULL)
        return;
    yw_exchange_close(ctx->exchange);
    yw_calendar_free(ctx->calendar);
    yw_ledger_close(ctx->ledger);
    yw_store_close(ctx->store);
    yw_key_free(ctx->key);
    free(ctx);
}

int yw_node_info(struct yw_ctx *ctx, struct yw_node_info *out, struct yw_err *err)
{
    return read_identity(ctx->store, out, err);
}

int yw_node_rename(struct yw_ctx *ctx, struct yw_str name, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    char now[32];
    int rc;

    if ((rc = yw_node_check_name(name, err)) < 0)
        return rc;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc = yw_store_begin(ctx->store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn, "UPDATE yw_node SET name = ?, updated_at = ? WHERE id = 1", &st,
                             err)) < 0)
        goto out;
    if ((rc = yw_stmt_bind_text(st, 1, name.p, name.n)) < 0 ||
        (rc = yw_stmt_bind_text(st, 2, now, strlen(now))) < 0)
        goto out;
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    /* Recorded after it is durable: the ledger commits in its own batches, so a
     * crash between the two would lose the record, never invent one. */
    if (ctx->ledger != NULL) {
        uint64_t index;
        rc = yw_ledger_event(ctx->ledger, "node.rename",
                             json_pack("{s:s%}", "name", name.p, name.n), &index, err);
    }
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_node_open_ledger(struct yw_ctx *ctx, struct yw_err *err)
{
    struct yw_ledger_config cfg = {ctx->store, ctx->profile, ctx->key, ctx->origin};
    if (ctx->ledger != NULL)
        return YW_OK;
    return yw_ledger_open(&cfg, &ctx->ledger, err);
}

int yw_node_vkey(const struct yw_ctx *ctx, char *out, size_t out_size)
{
    return yw_ledger_vkey(ctx->key, ctx->origin, out, out_size);
}

/* Digest of the effective configuration as canonical JSON, the database
 * password left out: changes show in the ledger, secrets do not. */
static int config_digest(const struct yw_ctx *ctx, char out[2 * YW_HASH_SIZE + 1])
{
    const struct yw_config *c = &ctx->config;
    static const char *levels[] = {"debug", "info", "warn", "error"};
    char db[1024];
    uint8_t digest[YW_HASH_SIZE];
    struct yw_buf bytes;
    int rc;

    yw_config_db_redacted(c, db, sizeof(db));
    json_t *cfg =
        json_pack("{s:s, s:s, s:s, s:i, s:I, s:i, s:i, s:i, s:i, s:i, s:i, s:s}", "db", db,
                  "listen", c->listen, "key_file", c->key_file, "pool_size", c->pool_size,
                  "body_limit", (json_int_t)c->body_limit, "max_connections", c->max_connections,
                  "io_threads", c->io_threads, "workers", c->workers, "max_queue", c->max_queue,
                  "timeout", c->timeout_s, "grace", c->grace_s, "log_level", levels[c->log_level]);
    if (cfg != NULL && json_object_update_new(
                           cfg, json_pack("{s:i, s:i, s:i, s:i}", "session_idle", c->session_idle_s,
                                          "session_max", c->session_max_s, "login_failures",
                                          c->login_failures, "lockout", c->lockout_s)) < 0) {
        json_decref(cfg);
        cfg = NULL;
    }
    if (cfg == NULL)
        return YW_ENOMEM;
    yw_buf_init(&bytes, 64 * 1024);
    rc = yw_ledger_canonical(cfg, &bytes);
    json_decref(cfg);
    if (rc == YW_OK && (rc = yw_hash(ctx->profile, bytes.data, bytes.len, digest)) == YW_OK)
        yw_hex(digest, YW_HASH_SIZE, out);
    yw_buf_free(&bytes);
    return rc;
}

/* The configuration digest recorded at the last start ("" for none). */
static int recorded_config_digest(struct yw_ctx *ctx, char out[80], struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    out[0] = '\0';
    if ((rc = yw_store_begin(ctx->store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn, "SELECT config_digest FROM yw_node WHERE id = 1", &st, err)) <
            0 ||
        (rc = yw_stmt_step(st, err)) < 0)
        goto out;
    if (rc == 1 && !yw_stmt_column_is_null(st, 0)) {
        struct yw_str v = yw_stmt_column_text(st, 0);
        if (v.n < 80) {
            memcpy(out, v.p, v.n);
            out[v.n] = '\0';
        }
    }
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

static int record_config_digest(struct yw_ctx *ctx, const char *digest, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    int rc;

    if ((rc = yw_store_begin(ctx->store, YW_TXN_WRITE, &txn, err)) < 0)
        goto out;
    if ((rc = yw_txn_prepare(txn, "UPDATE yw_node SET config_digest = ? WHERE id = 1", &st, err)) <
        0)
        goto out;
    yw_stmt_bind_text(st, 1, digest, strlen(digest));
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    rc = yw_store_commit(&txn, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_node_record_start(struct yw_ctx *ctx, struct yw_err *err)
{
    char digest[2 * YW_HASH_SIZE + 1], previous[80];
    uint64_t index;
    int rc;

    if ((rc = config_digest(ctx, digest)) < 0)
        return yw_err_set(err, rc, NULL, "cannot digest the configuration");
    if ((rc = recorded_config_digest(ctx, previous, err)) < 0)
        return rc;
    /* The event first, then the digest it reports: a crash in between records
     * the change again at the next start rather than never. */
    if (strcmp(previous, digest) != 0 &&
        ((rc = yw_ledger_event(ctx->ledger, "node.config",
                               json_pack("{s:s, s:s?}", "config_digest", digest, "previous_digest",
                                         previous[0] ? previous : NULL),
                               &index, err)) < 0 ||
         (rc = record_config_digest(ctx, digest, err)) < 0))
        return rc;
    return yw_ledger_event(ctx->ledger, "node.start",
                           json_pack("{s:s, s:i, s:s}", "version", YW_VERSION, "schema_version",
                                     ctx->schema_version, "config_digest", digest),
                           &index, err);
}

int yw_node_record_stop(struct yw_ctx *ctx, const char *reason, struct yw_err *err)
{
    uint64_t index;
    return yw_ledger_event(ctx->ledger, "node.stop",
                           json_pack("{s:s, s:I}", "reason", reason, "uptime_seconds",
                                     (json_int_t)((yw_now_ms() - ctx->started_ms) / 1000)),
                           &index, err);
}

int yw_node_auth_config(const struct yw_ctx *ctx, struct yw_auth_config *out)
{
    memset(out, 0, sizeof(*out));
    out->idle_ms = (int64_t)ctx->config.session_idle_s * 1000;
    out->max_ms = (int64_t)ctx->config.session_max_s * 1000;
    out->max_failures = ctx->config.login_failures;
    out->lockout_ms = (int64_t)ctx->config.lockout_s * 1000;
    out->profile = ctx->profile;
    return yw_key_derive_secret(ctx->key, "yiwang totp seal v1", out->seal_key);
}

void yw_node_catalog(const struct yw_ctx *ctx, struct yw_catalog *out)
{
    out->store = ctx->store;
    out->ledger = ctx->ledger;
    out->code_rule = yw_catalog_code_rule(ctx->config.catalog_code_rule);
    out->profile = ctx->profile;
}

void yw_node_services(const struct yw_ctx *ctx, struct yw_services *out)
{
    *out = (struct yw_services){.exchange = ctx->exchange,
                                .calendar = ctx->calendar,
                                .rectify_days = ctx->config.rectify_days};
    yw_node_catalog(ctx, &out->catalog);
}

void yw_node_public_url(const struct yw_ctx *ctx, char out[300])
{
    if (ctx->config.public_url[0])
        (void)yw_copy(out, 300, ctx->config.public_url);
    else
        (void)yw_fmt(out, 300, "http://%s", ctx->config.listen);
}

/* The calendars: every YYYY.txt in the directory, or the bundled ones. */
static int load_calendar(struct yw_ctx *ctx, struct yw_err *err)
{
    struct yw_buf text;
    DIR *d = opendir(ctx->config.calendar_dir);
    int rc = YW_OK;

    yw_buf_init(&text, 16 * 1024 * 1024);
    if (d == NULL) {
        for (size_t i = 0; rc == YW_OK && i < yw_calendar_files_count; i++)
            if ((rc = yw_buf_append(&text, yw_calendar_files[i].data, yw_calendar_files[i].size)) ==
                YW_OK)
                rc = yw_buf_append_c(&text, "\n");
    } else {
        struct dirent *e;
        char names[64][32];
        size_t n = 0;
        while ((e = readdir(d)) != NULL && n < 64) {
            size_t len = strlen(e->d_name);
            if (len == 8 && strcmp(e->d_name + 4, ".txt") == 0)
                (void)yw_copy(names[n++], sizeof(names[0]), e->d_name);
        }
        closedir(d);
        for (size_t i = 0; rc == YW_OK && i < n; i++) {
            char path[PATH_MAX], *data = NULL;
            size_t len = 0;
            if (yw_fmt(path, sizeof(path), "%s/%s", ctx->config.calendar_dir, names[i]) < 0 ||
                (rc = yw_file_read(path, 1024 * 1024, &data, &len, err)) < 0) {
                rc = rc < 0 ? rc : yw_err_set(err, YW_EINVAL, "calendar_dir", "path too long");
                break;
            }
            if ((rc = yw_buf_append(&text, data, len)) == YW_OK)
                rc = yw_buf_append_c(&text, "\n");
            free(data);
        }
    }
    if (rc == YW_OK)
        rc = yw_calendar_parse(text.data ? text.data : "", text.len, &ctx->calendar, err);
    else if (err->code == 0)
        yw_err_set(err, rc, "calendar_dir", "calendars too large");
    yw_buf_free(&text);
    int year, month, day;
    yw_day_to_ymd(yw_day_from_ms(yw_now_ms()), &year, &month, &day);
    if (rc == YW_OK && !yw_calendar_covers(ctx->calendar, year))
        yw_log(YW_LOG_WARN, "calendar_missing_year",
               "\"year\":%d,\"note\":\"deadlines count weekends only\"", year);
    return rc;
}

int yw_node_open_exchange(struct yw_ctx *ctx, struct yw_err *err)
{
    struct yw_exchange_config cfg;
    int rc = load_calendar(ctx, err);
    if (rc < 0)
        return rc;
    yw_node_catalog(ctx, &cfg.catalog);
    cfg.key = ctx->key;
    cfg.calendar = ctx->calendar;
    cfg.answer_days = ctx->config.answer_days;
    cfg.k_min = ctx->config.sandbox_k;
    return yw_exchange_open(&cfg, &ctx->exchange, err);
}
