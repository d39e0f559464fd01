/* Sign-in: POST /v1/auth/login, POST /v1/auth/logout, GET /v1/auth/me. */
#include "internal.h"

#include <string.h>

static json_t *principal_json(const struct yw_principal *who, const char *csrf)
{
    char masked[65];
    json_t *roles = json_array();
    yw_account_mask_login(who->login, masked);
    for (unsigned bit = 1; roles != NULL && bit != 0 && bit <= YW_ROLE_CITIZEN; bit <<= 1)
        if (who->roles & bit)
            json_array_append_new(roles, json_string(yw_policy_role_name(bit)));
    json_t *powers = json_array();
    for (int i = 0; powers != NULL && i < who->n_powers; i++)
        json_array_append_new(powers, json_string(who->powers[i]));
    return json_pack("{s:s, s:s?, s:o, s:o, s:s}", "login", masked, "org",
                     who->org[0] ? who->org : NULL, "roles", roles, "powers", powers, "csrf_token",
                     csrf);
}

static int session_cookie(struct yw_response *res, const char *token, int max_age)
{
    /* Secure is added once the node serves TLS itself; behind a TLS proxy the
     * proxy must add it. */
    return yw_fmt(res->set_cookie, sizeof(res->set_cookie),
                  "yw_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token, max_age);
}

int yw__post_login(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    struct yw_auth_config limits;
    char token[YW_SESSION_TOKEN_SIZE], csrf[YW_CSRF_TOKEN_SIZE];
    struct yw_principal who;
    const char *key;
    json_t *value;
    int rc;

    json_object_foreach(req->json, key, value)
    {
        if (strcmp(key, "login") != 0 && strcmp(key, "password") != 0 && strcmp(key, "totp") != 0)
            return yw_err_set(err, YW_EINVAL, key, "未知字段 / unknown field \"%s\"", key);
        if (!json_is_string(value))
            return yw_err_set(err, YW_EINVAL, key, "%s 须为字符串 / %s must be a string", key, key);
    }
    json_t *login = json_object_get(req->json, "login");
    json_t *password = json_object_get(req->json, "password");
    json_t *totp = json_object_get(req->json, "totp");
    if ((rc = yw_node_auth_config(req->ctx, &limits)) < 0)
        return yw_err_set(err, rc, NULL, "cannot derive the session keys");
    rc = yw_auth_login(
        req->ctx->store, req->ctx->ledger,
        (struct yw_str){json_string_value(login), login ? json_string_length(login) : 0},
        (struct yw_str){json_string_value(password), password ? json_string_length(password) : 0},
        (struct yw_str){json_string_value(totp), totp ? json_string_length(totp) : 0}, req->session,
        req->remote, yw_now_ms(), &limits, token, csrf, &who, err);
    if (rc < 0)
        return rc;
    if (session_cookie(res, token, req->ctx->config.session_max_s) < 0)
        return yw_err_set(err, YW_EINTERNAL, NULL, "cookie too long");
    res->json = principal_json(&who, csrf);
    return res->json ? YW_OK : YW_ENOMEM;
}

int yw__post_logout(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    int rc = yw_auth_logout(req->ctx->store, req->session, err);
    if (rc < 0)
        return rc;
    (void)session_cookie(res, "", 0);
    res->status = 204;
    res->data = "";
    res->size = 0;
    return YW_OK;
}

int yw__get_me(struct yw_request *req, struct yw_response *res, struct yw_err *err)
{
    (void)err;
    res->json = principal_json(&req->principal, req->csrf);
    return res->json ? YW_OK : YW_ENOMEM;
}
