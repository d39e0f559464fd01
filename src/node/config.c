/* yiwang.conf: "key = value" lines, '#' comments, defaults for what is absent. */
#include "node.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONF_MAX_BYTES (64 * 1024)

static void set_defaults(const char *dir, struct yw_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    (void)yw_copy(cfg->dir, sizeof(cfg->dir), dir);
    (void)yw_fmt(cfg->db, sizeof(cfg->db), "sqlite:%s/yiwang.db", dir);
    (void)yw_copy(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
    (void)yw_fmt(cfg->key_file, sizeof(cfg->key_file), "%s/%s", dir, YW_NODE_KEY);
    cfg->pool_size = 8;
    cfg->body_limit = 1024 * 1024;
    cfg->max_connections = 1024;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->io_threads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    cfg->workers = 16;
    cfg->max_queue = 4096;
    cfg->timeout_s = 30;
    cfg->grace_s = 10;
    cfg->session_idle_s = 30 * 60;
    cfg->session_max_s = 12 * 3600;
    cfg->login_failures = 5;
    cfg->lockout_s = 15 * 60;
    (void)yw_copy(cfg->catalog_code_rule, sizeof(cfg->catalog_code_rule), "gbt21063");
    (void)yw_fmt(cfg->calendar_dir, sizeof(cfg->calendar_dir), "%s/calendar", dir);
    cfg->answer_days = 10;
    cfg->sandbox_k = 10;
    cfg->rectify_days = 15;
    cfg->log_level = YW_LOG_INFO;
}

static struct yw_str trim(struct yw_str s)
{
    while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
        s.n--;
    return s;
}

static int set_text(char *dst, size_t size, struct yw_str v)
{
    if (v.n == 0 || v.n >= size || memchr(v.p, '\0', v.n) != NULL)
        return YW_EINVAL;
    memcpy(dst, v.p, v.n);
    dst[v.n] = '\0';
    return YW_OK;
}

static int set_int(int *dst, struct yw_str v, int64_t min, int64_t max)
{
    int64_t x;
    int rc = yw_parse_int64(v, min, max, &x);
    if (rc == YW_OK)
        *dst = (int)x;
    return rc;
}

/* out = prefix + v, v taken relative to the node's directory unless absolute. */
static int set_node_path(const struct yw_config *cfg, const char *prefix, struct yw_str v,
                         char *out, size_t out_size)
{
    char path[PATH_MAX];
    int rc = set_text(path, sizeof(path), v);
    if (rc < 0)
        return rc;
    if (path[0] == '/')
        return yw_fmt(out, out_size, "%s%s", prefix, path);
    return yw_fmt(out, out_size, "%s%s/%s", prefix, cfg->dir, path);
}

static int set_one(struct yw_config *cfg, struct yw_str key, struct yw_str v)
{
    if (yw_str_eq_c(key, "db")) {
        struct yw_str sqlite = yw_str_c("sqlite:");
        if (v.n > sqlite.n && memcmp(v.p, sqlite.p, sqlite.n) == 0)
            return set_node_path(cfg, "sqlite:", (struct yw_str){v.p + sqlite.n, v.n - sqlite.n},
                                 cfg->db, sizeof(cfg->db));
        return set_text(cfg->db, sizeof(cfg->db), v);
    }
    if (yw_str_eq_c(key, "listen"))
        return set_text(cfg->listen, sizeof(cfg->listen), v);
    if (yw_str_eq_c(key, "key_file"))
        return set_node_path(cfg, "", v, cfg->key_file, sizeof(cfg->key_file));
    if (yw_str_eq_c(key, "pool_size"))
        return set_int(&cfg->pool_size, v, 1, 256);
    if (yw_str_eq_c(key, "body_limit"))
        return yw_parse_int64(v, 1024, (int64_t)64 * 1024 * 1024, &cfg->body_limit);
    if (yw_str_eq_c(key, "max_connections"))
        return set_int(&cfg->max_connections, v, 1, 65536);
    if (yw_str_eq_c(key, "io_threads"))
        return set_int(&cfg->io_threads, v, 1, 64);
    if (yw_str_eq_c(key, "workers"))
        return set_int(&cfg->workers, v, 1, 1024);
    if (yw_str_eq_c(key, "max_queue"))
        return set_int(&cfg->max_queue, v, 1, 1000000);
    if (yw_str_eq_c(key, "timeout"))
        return set_int(&cfg->timeout_s, v, 1, 3600);
    if (yw_str_eq_c(key, "grace"))
        return set_int(&cfg->grace_s, v, 0, 3600);
    if (yw_str_eq_c(key, "session_idle"))
        return set_int(&cfg->session_idle_s, v, 1, 24 * 3600);
    if (yw_str_eq_c(key, "session_max"))
        return set_int(&cfg->session_max_s, v, 1, 7 * 24 * 3600);
    if (yw_str_eq_c(key, "login_failures"))
        return set_int(&cfg->login_failures, v, 1, 100);
    if (yw_str_eq_c(key, "lockout"))
        return set_int(&cfg->lockout_s, v, 1, 24 * 3600);
    if (yw_str_eq_c(key, "calendar_dir"))
        return set_node_path(cfg, "", v, cfg->calendar_dir, sizeof(cfg->calendar_dir));
    if (yw_str_eq_c(key, "answer_days"))
        return set_int(&cfg->answer_days, v, 1, 365);
    if (yw_str_eq_c(key, "rectify_days"))
        return set_int(&cfg->rectify_days, v, 1, 365);
    if (yw_str_eq_c(key, "sandbox_k"))
        return set_int(&cfg->sandbox_k, v, 2, 1000000);
    if (yw_str_eq_c(key, "catalog_code_rule")) {
        int rc = set_text(cfg->catalog_code_rule, sizeof(cfg->catalog_code_rule), v);
        return rc < 0 || yw_catalog_code_rule(cfg->catalog_code_rule) == NULL ? YW_EINVAL : YW_OK;
    }
    if (yw_str_eq_c(key, "public_url")) {
        int rc = set_text(cfg->public_url, sizeof(cfg->public_url), v);
        if (rc == YW_OK && strncmp(cfg->public_url, "https://", 8) != 0 &&
            strncmp(cfg->public_url, "http://", 7) != 0)
            return YW_EINVAL;
        size_t n = strlen(cfg->public_url);
        while (n > 0 && cfg->public_url[n - 1] == '/')
            cfg->public_url[--n] = '\0';
        return rc;
    }
    if (yw_str_eq_c(key, "log_level")) {
        static const char *names[] = {"debug", "info", "warn", "error"};
        for (int i = 0; i < 4; i++)
            if (yw_str_eq_c(v, names[i])) {
                cfg->log_level = (enum yw_log_level)i;
                return YW_OK;
            }
        return YW_EINVAL;
    }
    return YW_ENOTFOUND;
}

int yw_config_load(const char *dir, struct yw_config *cfg, struct yw_err *err)
{
    char path[PATH_MAX];
    char *text = NULL;
    size_t len = 0;
    int rc;

    set_defaults(dir, cfg);
    if (yw_fmt(path, sizeof(path), "%s/%s", dir, YW_NODE_CONF) < 0)
        return yw_err_set(err, YW_EINVAL, "dir", "目录路径过长 / directory path too long");
    rc = yw_file_read(path, CONF_MAX_BYTES, &text, &len, err);
    if (rc == YW_ENOTFOUND)
        return yw_err_set(err, rc, "dir",
                          "%s 不是 yiwang 节点目录（缺少 %s）/ %s is not a yiwang node directory "
                          "(no %s): run `yiwang init --dir %s` first",
                          dir, YW_NODE_CONF, dir, YW_NODE_CONF, dir);
    if (rc < 0)
        return rc;

    const char *p = text, *end = text + len;
    for (int line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        struct yw_str l = trim((struct yw_str){p, (size_t)((nl ? nl : end) - p)});
        p = nl ? nl + 1 : end;
        if (l.n == 0 || l.p[0] == '#')
            continue;
        const char *eq = memchr(l.p, '=', l.n);
        if (eq == NULL) {
            rc = yw_err_set(err, YW_EINVAL, NULL, "%s:%d: 应为 key = value / expected key = value",
                            path, line);
            goto out;
        }
        struct yw_str key = trim((struct yw_str){l.p, (size_t)(eq - l.p)});
        struct yw_str value = trim((struct yw_str){eq + 1, (size_t)(l.p + l.n - eq - 1)});
        rc = set_one(cfg, key, value);
        if (rc == YW_ENOTFOUND) {
            rc = yw_err_set(err, YW_EINVAL, NULL, "%s:%d: 未知配置项 / unknown setting \"%.*s\"",
                            path, line, (int)key.n, key.p);
            goto out;
        }
        if (rc < 0) {
            rc = yw_err_set(err, YW_EINVAL, NULL, "%s:%d: 配置值无效 / bad value for %.*s", path,
                            line, (int)key.n, key.p);
            goto out;
        }
    }

    const char *env_listen = getenv("YIWANG_LISTEN");
    const char *env_db = getenv("YIWANG_DB");
    if (env_listen && set_text(cfg->listen, sizeof(cfg->listen), yw_str_c(env_listen)) < 0) {
        rc = yw_err_set(err, YW_EINVAL, "YIWANG_LISTEN", "YIWANG_LISTEN 无效 / bad YIWANG_LISTEN");
        goto out;
    }
    if (env_db && set_text(cfg->db, sizeof(cfg->db), yw_str_c(env_db)) < 0) {
        rc = yw_err_set(err, YW_EINVAL, "YIWANG_DB", "YIWANG_DB 无效 / bad YIWANG_DB");
        goto out;
    }
    rc = YW_OK;
out:
    free(text);
    return rc;
}

void yw_config_db_redacted(const struct yw_config *cfg, char *out, size_t out_size)
{
    /* postgres://user:secret@host/db?password=secret&… → postgres://user:***@host/db?***
     * (the query may carry a password too, so none of it is shown). */
    const char *scheme_end = strstr(cfg->db, "://");
    const char *query = strchr(cfg->db, '?');
    size_t end = query ? (size_t)(query - cfg->db) : strlen(cfg->db);
    const char *at =
        scheme_end ? memchr(scheme_end + 3, '@', end - (size_t)(scheme_end + 3 - cfg->db)) : NULL;
    const char *colon = at ? memchr(scheme_end + 3, ':', (size_t)(at - scheme_end - 3)) : NULL;

    if (colon != NULL)
        (void)yw_fmt(out, out_size, "%.*s:***%.*s%s", (int)(colon - cfg->db), cfg->db,
                     (int)(cfg->db + end - at), at, query ? "?***" : "");
    else
        (void)yw_fmt(out, out_size, "%.*s%s", (int)end, cfg->db, query ? "?***" : "");
}
