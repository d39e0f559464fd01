/* The directory's admin API: organisations, accounts, API keys. Every change
 * goes through the directory module, which ledgers it naming the actor. */
#include "internal.h"

#include <string.h>

void yw__actor_of(const struct yw_request *req, char out[96])
{
    if (req->principal.kind == YW_PRINCIPAL_SYSTEM)
        (void)yw_copy(out, 96, req->principal.login);
    else
        (void)yw_fmt(out, 96, "account:%s", req->principal.login);
}

/* Copies the string member `name` of the body (absent: "") into dst. */
static int body_text(const json_t *body, const char *name, char *dst, size_t size,
                     struct yw_err *err)
{
    json_t *v = json_object_get(body, name);
    dst[0] = '\0';
    if (v == NULL || json_is_null(v))
        return YW_OK;
    if (!json_is_string(v))
        return yw_err_set(err, YW_EINVAL, name, "%s 须为字符串 / %s must be a string", name, name);
    if (yw_copy(dst, size, json_string_value(v)) < 0)
        return yw_err_set(err, YW_EINVAL, name, "%s 过长 / %s is too long", name, name);
    return YW_OK;
}

/* A JSON array of strings as a NULL-terminated list (lent from body). */
static int body_roles(const json_t *body, const char *roles[16], struct yw_err *err)
{
    json_t *list = json_object_get(body, "roles");
    size_t i;
    json_t *v;
    roles[0] = NULL;
    if (list == NULL)
        return YW_OK;
    if (!json_is_array(list) || json_array_size(list) > 15)
        return yw_err_set(err, YW_EINVAL, "roles",
                          "roles 须为至多 15 个字符串 / roles must be up to 15 strings");
    json_array_foreach(list, i, v)
    {
        if (!json_is_string(v))
            return yw_err_set(err, YW_EINVAL, "roles", "roles 须为字符串 / roles must be strings");
        roles[i] = json_string_value(v);
        roles[i + 1] = NULL;
    }
    return YW_OK;
}

int yw__get_orgs(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    json_t *list = NULL;
    int rc = yw_org_list(req->ctx->store, true, &list, err);
    if (rc < 0)
        return rc;
    res->json = json_pack("{s:o}", "orgs", list);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__post_orgs(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    static const char *const members[] = {"code",   "name", "uscc",    "level",         "division",
                                          "parent", "kind", "liaison", "liaison_phone", NULL};
    struct yw_org o = {0};
    char actor[96];
    int rc;
    struct {
        const char *name;
        char *dst;
        size_t size;
    } fields[] = {{"code", o.code, sizeof(o.code)},
                  {"name", o.name, sizeof(o.name)},
                  {"uscc", o.uscc, sizeof(o.uscc)},
                  {"level", o.level, sizeof(o.level)},
                  {"division", o.division, sizeof(o.division)},
                  {"parent", o.parent, sizeof(o.parent)},
                  {"kind", o.kind, sizeof(o.kind)},
                  {"liaison", o.liaison, sizeof(o.liaison)},
                  {"liaison_phone", o.liaison_phone, sizeof(o.liaison_phone)}};

    if ((rc = yw_json_only_members(req->json, members, "", err)) < 0)
        return rc;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if ((rc = body_text(req->json, fields[i].name, fields[i].dst, fields[i].size, err)) < 0)
            return rc;
    yw__actor_of(req, actor);
    if ((rc = yw_org_create(req->ctx->store, req->ctx->ledger, &o, actor, err)) < 0 ||
        (rc = yw_org_get(req->ctx->store, yw_str_c(o.code), &o, err)) < 0)
        return rc;
    res->status = 201;
    res->json = yw_org_json(&o);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__get_accounts(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    json_t *list = NULL;
    int rc = yw_account_list(req->ctx->store, (struct yw_str){NULL, 0}, &list, err);
    if (rc < 0)
        return rc;
    res->json = json_pack("{s:o}", "accounts", list);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__post_accounts(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    static const char *const members[] = {"kind",   "login", "name",  "org",      "id_number",
                                          "mobile", "email", "roles", "password", NULL};
    char kind[24], login[65], name[401], org[65], id_number[32], mobile[16], email[256];
    const char *roles[16];
    char actor[96], created[65];
    json_t *password = json_object_get(req->json, "password");
    int rc;

    if ((rc = yw_json_only_members(req->json, members, "", err)) < 0 ||
        (rc = body_text(req->json, "kind", kind, sizeof(kind), err)) < 0 ||
        (rc = body_text(req->json, "login", login, sizeof(login), err)) < 0 ||
        (rc = body_text(req->json, "name", name, sizeof(name), err)) < 0 ||
        (rc = body_text(req->json, "org", org, sizeof(org), err)) < 0 ||
        (rc = body_text(req->json, "id_number", id_number, sizeof(id_number), err)) < 0 ||
        (rc = body_text(req->json, "mobile", mobile, sizeof(mobile), err)) < 0 ||
        (rc = body_text(req->json, "email", email, sizeof(email), err)) < 0 ||
        (rc = body_roles(req->json, roles, err)) < 0)
        return rc;
    if (!json_is_string(password))
        return yw_err_set(err, YW_EINVAL, "password",
                          "须设置初始密码 / an initial password is "
                          "required");
    struct yw_account_new in = {kind,
                                login[0] ? login : NULL,
                                name,
                                org[0] ? org : NULL,
                                id_number[0] ? id_number : NULL,
                                mobile[0] ? mobile : NULL,
                                email[0] ? email : NULL,
                                roles};
    yw__actor_of(req, actor);
    if ((rc = yw_account_create(
             req->ctx->store, req->ctx->ledger, &in,
             (struct yw_str){json_string_value(password), json_string_length(password)}, actor,
             created, err)) < 0 ||
        (rc = yw_account_list(req->ctx->store, yw_str_c(created), &res->json, err)) < 0)
        return rc;
    json_t *one = json_incref(json_array_get(res->json, 0));
    json_decref(res->json);
    res->json = one;
    res->status = 201;
    return YW_OK;
}

int yw__get_keys(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    json_t *list = NULL;
    int rc = yw_key_list(req->ctx->store, &list, err);
    if (rc < 0)
        return rc;
    res->json = json_pack("{s:o}", "keys", list);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__post_keys(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    static const char *const members[] = {"name", "org", "roles", "allow_ips", NULL};
    char name[401], org[65], allow[512], actor[96], token[YW_API_KEY_TOKEN_SIZE];
    const char *roles[16];
    int rc;

    if ((rc = yw_json_only_members(req->json, members, "", err)) < 0 ||
        (rc = body_text(req->json, "name", name, sizeof(name), err)) < 0 ||
        (rc = body_text(req->json, "org", org, sizeof(org), err)) < 0 ||
        (rc = body_text(req->json, "allow_ips", allow, sizeof(allow), err)) < 0 ||
        (rc = body_roles(req->json, roles, err)) < 0)
        return rc;
    yw__actor_of(req, actor);
    if ((rc = yw_key_create(req->ctx->store, req->ctx->ledger, name, org, roles,
                            allow[0] ? allow : NULL, actor, token, err)) < 0)
        return rc;
    res->status = 201;
    res->json = json_pack("{s:s, s:s}", "token", token, "note",
                          "只显示这一次，请妥善保存 / shown once: store it safely");
    explicit_bzero(token, sizeof(token));
    return res->json ? YW_OK : YW_ENOMEM;
}

/* DELETE /v1/keys/{id}?reason=… */
int yw__delete_key(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    const char *reason = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "reason");
    char actor[96];
    int rc;

    if (reason == NULL)
        return yw_err_set(err, YW_EINVAL, "reason", "须说明吊销理由 / a reason is required");
    yw__actor_of(req, actor);
    if ((rc = yw_key_revoke(req->ctx->store, req->ctx->ledger, req->rest, yw_str_c(reason), actor,
                            err)) < 0)
        return rc;
    res->status = 204;
    res->data = "";
    return YW_OK;
}

/* Splits "<name>/<verb>" (what a route's final "*" matched). */
static int split_action(struct yw_str rest, struct yw_str *name, struct yw_str *verb,
                        struct yw_err *err)
{
    const char *slash = NULL;
    for (size_t i = 0; i < rest.n; i++)
        if (rest.p[i] == '/')
            slash = rest.p + i;
    if (slash == NULL || slash == rest.p || slash == rest.p + rest.n - 1)
        return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这个地址 / no such route");
    *name = (struct yw_str){rest.p, (size_t)(slash - rest.p)};
    *verb = (struct yw_str){slash + 1, rest.n - (size_t)(slash - rest.p) - 1};
    return YW_OK;
}

static struct yw_str body_str(const json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    return json_is_string(v) ? (struct yw_str){json_string_value(v), json_string_length(v)}
                             : (struct yw_str){NULL, 0};
}

/* POST /v1/orgs/{code}/move {"parent": "…" | null}, …/close {"reason": "…"}. */
int yw__post_org_action(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str code, verb;
    char actor[96];
    struct yw_org o;
    int rc;

    if ((rc = split_action(req->rest, &code, &verb, err)) < 0)
        return rc;
    yw__actor_of(req, actor);
    if (yw_str_eq_c(verb, "move")) {
        static const char *const members[] = {"parent", NULL};
        if ((rc = yw_json_only_members(req->json, members, "", err)) < 0 ||
            (rc = yw_org_move(req->ctx->store, req->ctx->ledger, code,
                              body_str(req->json, "parent"), actor, err)) < 0)
            return rc;
    } else if (yw_str_eq_c(verb, "close")) {
        static const char *const members[] = {"reason", NULL};
        if ((rc = yw_json_only_members(req->json, members, "", err)) < 0 ||
            (rc = yw_org_close(req->ctx->store, req->ctx->ledger, code,
                               body_str(req->json, "reason"), actor, err)) < 0)
            return rc;
    } else {
        return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这个操作 / no such action");
    }
    if ((rc = yw_org_get(req->ctx->store, code, &o, err)) < 0)
        return rc;
    res->json = yw_org_json(&o);
    return res->json ? YW_OK : YW_ENOMEM;
}

/* POST /v1/accounts/{login}/grant|revoke {"role": "…"}, …/disable {"reason": "…"}. */
int yw__post_account_action(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_str login, verb;
    char actor[96];
    int rc;

    if ((rc = split_action(req->rest, &login, &verb, err)) < 0)
        return rc;
    yw__actor_of(req, actor);
    bool grant = yw_str_eq_c(verb, "grant");
    if (grant || yw_str_eq_c(verb, "revoke")) {
        static const char *const members[] = {"role", NULL};
        struct yw_str role = body_str(req->json, "role");
        if ((rc = yw_json_only_members(req->json, members, "", err)) < 0)
            return rc;
        if (role.n == 0)
            return yw_err_set(err, YW_EINVAL, "role", "须指定角色 / a role is required");
        rc = yw_account_role(req->ctx->store, req->ctx->ledger, login, role, grant, actor, err);
    } else if (yw_str_eq_c(verb, "disable")) {
        static const char *const members[] = {"reason", NULL};
        if ((rc = yw_json_only_members(req->json, members, "", err)) < 0)
            return rc;
        rc = yw_account_disable(req->ctx->store, req->ctx->ledger, login,
                                body_str(req->json, "reason"), actor, err);
    } else {
        return yw_err_set(err, YW_ENOTFOUND, NULL, "没有这个操作 / no such action");
    }
    if (rc < 0 || (rc = yw_account_list(req->ctx->store, login, &res->json, err)) < 0)
        return rc;
    json_t *one = json_incref(json_array_get(res->json, 0));
    json_decref(res->json);
    res->json = one;
    return YW_OK;
}
