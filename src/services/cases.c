/* Cases (办件): created from any channel, moved through their states by the
 * roles the power list allows, with working-day deadlines. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

/* One case as its row says; doc (owned) holds the rest. */
struct kase {
    char id[YW__CASE_ID_SIZE];
    char item[16];
    char org[65];
    char receiving_org[65];
    char channel[12];
    char applicant_kind[12];
    char applicant_id[24];
    char created_by[96];
    char state[24];
    char resume_state[24];
    int64_t due_day;    /* -1: none yet */
    int64_t paused_day; /* -1: not paused */
    char created_at[32];
    char updated_at[32];
    json_t *doc;
};

static const char case_columns[] =
    "id, item, org, receiving_org, channel, applicant_kind, applicant_id, created_by, state, "
    "COALESCE(resume_state, ''), COALESCE(due_day, -1), COALESCE(paused_day, -1), created_at, "
    "updated_at, doc";

static void read_case(struct yw_stmt *st, struct kase *c)
{
    yw__text_col(st, 0, c->id, sizeof(c->id));
    yw__text_col(st, 1, c->item, sizeof(c->item));
    yw__text_col(st, 2, c->org, sizeof(c->org));
    yw__text_col(st, 3, c->receiving_org, sizeof(c->receiving_org));
    yw__text_col(st, 4, c->channel, sizeof(c->channel));
    yw__text_col(st, 5, c->applicant_kind, sizeof(c->applicant_kind));
    yw__text_col(st, 6, c->applicant_id, sizeof(c->applicant_id));
    yw__text_col(st, 7, c->created_by, sizeof(c->created_by));
    yw__text_col(st, 8, c->state, sizeof(c->state));
    yw__text_col(st, 9, c->resume_state, sizeof(c->resume_state));
    c->due_day = yw_stmt_column_int64(st, 10);
    c->paused_day = yw_stmt_column_int64(st, 11);
    yw__text_col(st, 12, c->created_at, sizeof(c->created_at));
    yw__text_col(st, 13, c->updated_at, sizeof(c->updated_at));
    struct yw_str d = yw_stmt_column_text(st, 14);
    c->doc = json_loadb(d.p, d.n, 0, NULL);
}

/* ---- who may do what ---------------------------------------------------------- */

/* The applicant's side: the applicant, whoever created the case for them, and
 * the receiving hall's clerks for an applicant present. */
static bool applicant_side(const struct yw_principal *who, const char *actor, const struct kase *c)
{
    if (who == NULL || strcmp(actor, c->created_by) == 0)
        return true;
    if ((who->roles & YW_ROLE_CITIZEN) && strcmp(c->applicant_kind, "citizen") == 0 &&
        strcmp(who->login, c->applicant_id) == 0)
        return true;
    const char *org =
        json_string_value(json_object_get(json_object_get(c->doc, "applicant"), "org"));
    if ((who->roles & YW_ROLE_ENTERPRISE_OPERATOR) && org && strcmp(org, who->org) == 0)
        return true;
    return (who->roles & YW_ROLE_WINDOW_CLERK) && strcmp(who->org, c->receiving_org) == 0 &&
           (strcmp(c->channel, "window") == 0 || strcmp(c->channel, "kiosk") == 0);
}

static bool can_see(const struct yw_principal *who, const char *actor, const struct kase *c)
{
    if (applicant_side(who, actor, c) || yw_policy_oversees(who, "case.oversee"))
        return true;
    return (who->roles & YW_ROLES_STAFF) &&
           (strcmp(who->org, c->org) == 0 || strcmp(who->org, c->receiving_org) == 0);
}

/* The case id as who (acting as actor) may see it; YW_ENOTFOUND for none and
 * for one outside who's view alike. */
static int load_case(struct yw_txn *txn, const struct yw_principal *who, const char *actor,
                     struct yw_str id, struct kase *c, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char sql[512];
    (void)yw_fmt(sql, sizeof(sql), "SELECT %s FROM yw_service_cases WHERE id = ?", case_columns);
    int rc = yw_txn_prepare(txn, sql, &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id.p, id.n);
    bool found = (rc = yw_stmt_step(st, err)) == 1;
    if (found) {
        read_case(st, c);
        rc = c->doc ? YW_OK : yw_err_set(err, YW_EINTERNAL, NULL, "stored case unreadable");
    }
    yw_stmt_finalize(&st);
    if (rc == YW_OK && (!found || !can_see(who, actor, c)))
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有办件 %.*s / no case %.*s", (int)id.n, id.p,
                        (int)id.n, id.p);
    return rc;
}

/* ---- the steps ---------------------------------------------------------------- */

enum side { APPLICANT, RECEIVING, HANDLING };

static const struct step {
    const char *name;
    const char *from[4];
    const char *to; /* NULL: back to where the case was (supplement) */
    enum side side;
    const char *action; /* what the handling or receiving side needs (policy) */
    bool reason;        /* a reason is required */
} steps[] = {
    {"submit", {"draft"}, "submitted", APPLICANT, NULL, false},
    {"withdraw", {"draft", "submitted", "supplement_requested"}, "closed", APPLICANT, NULL, false},
    {"forward", {"submitted"}, "submitted", RECEIVING, "case.forward", false},
    {"accept", {"submitted"}, "accepted", HANDLING, "case.accept", false},
    {"reject", {"submitted"}, "not_accepted", HANDLING, "case.accept", true},
    {"request_supplement",
     {"submitted", "accepted", "under_review"},
     "supplement_requested",
     HANDLING,
     "case.accept",
     true},
    {"supplement", {"supplement_requested"}, NULL, APPLICANT, NULL, false},
    {"review", {"accepted"}, "under_review", HANDLING, "case.approve", false},
    {"approve", {"under_review"}, "approved", HANDLING, "case.approve", false},
    {"deny", {"under_review"}, "denied", HANDLING, "case.approve", true},
    {"issue", {"approved", "denied"}, "result_issued", HANDLING, "case.accept", false},
    {"close", {"result_issued", "not_accepted"}, "closed", HANDLING, "case.accept", false},
};

static const struct step *find_step(struct yw_str name)
{
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (yw_str_eq_c(name, steps[i].name))
            return &steps[i];
    return NULL;
}

static bool from_ok(const struct step *s, const char *state)
{
    for (int i = 0; i < 4 && s->from[i]; i++)
        if (strcmp(s->from[i], state) == 0)
            return true;
    return false;
}

/* Whether who may take step s on case c (err says why not). */
static int may_step(const struct yw_principal *who, const char *actor, const struct step *s,
                    const struct kase *c, struct yw_err *err)
{
    if (s->side == APPLICANT)
        return applicant_side(who, actor, c)
                   ? YW_OK
                   : yw_err_set(err, YW_EPERM, NULL,
                                "只有申请人或为其代办者可以%s / only the applicant or whoever acts "
                                "for them may %s",
                                s->name, s->name);
    const char *org = s->side == RECEIVING ? c->receiving_org : c->org;
    struct yw_policy_object object = {"case", c->id, org};
    if (who == NULL)
        return YW_OK;
    if (strcmp(who->org, org) != 0)
        return yw_err_set(err, YW_EPERM, NULL, "只有%s机构可以%s / only the %s organisation may %s",
                          s->side == RECEIVING ? "收件" : "办理", s->name,
                          s->side == RECEIVING ? "receiving" : "handling", s->name);
    return yw_policy_decide(who, s->action, &object, err);
}

static int insert_step(struct yw_txn *txn, const char *id, const char *step, const char *from,
                       const char *to, const char *actor, const char *reason, const char *now,
                       struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "INSERT INTO yw_service_case_steps (case_id, seq, step, from_state, "
                            "to_state, actor, reason, at) SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, "
                            "?, ?, ?, ?, ? FROM yw_service_case_steps WHERE case_id = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    yw_stmt_bind_text(st, 2, step, strlen(step));
    if (from)
        yw_stmt_bind_text(st, 3, from, strlen(from));
    else
        yw_stmt_bind_null(st, 3);
    yw_stmt_bind_text(st, 4, to, strlen(to));
    yw_stmt_bind_text(st, 5, actor, strlen(actor));
    if (reason && reason[0])
        yw_stmt_bind_text(st, 6, reason, strlen(reason));
    else
        yw_stmt_bind_null(st, 6);
    yw_stmt_bind_text(st, 7, now, strlen(now));
    yw_stmt_bind_text(st, 8, id, strlen(id));
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* The ledger entry of a step, after its commit: who, which case, never the
 * applicant's identifiers — a citizen's login is their identity number, so a
 * citizen acting is "citizen:applicant" there (the case's own steps name
 * them). extra (stolen) adds members. */
static json_t *entry(const struct yw_principal *who, const char *actor, const struct kase *c,
                     const char *from, const char *to, const char *reason, json_t *extra)
{
    if (who != NULL && (who->roles & YW_ROLE_CITIZEN))
        actor = "citizen:applicant";
    json_t *fields = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:s?}", "actor", actor,
                               "case", c->id, "item", c->item, "org", c->org, "receiving_org",
                               c->receiving_org, "channel", c->channel, "from", from, "to", to,
                               "reason", reason && reason[0] ? reason : NULL);
    if (fields && extra)
        json_object_update(fields, extra);
    json_decref(extra);
    return fields;
}

/* One step's entry, ledgered and waited for. */
static int record(const struct yw_services *s, const char *type, const struct yw_principal *who,
                  const char *actor, const struct kase *c, const char *from, const char *to,
                  const char *reason, json_t *extra, struct yw_err *err)
{
    json_t *fields = entry(who, actor, c, from, to, reason, extra);
    return yw__ledger_events(s, 1, &type, &fields, err);
}

/* The form against the item's form fields: only declared names, values of
 * their type; with complete, every required one present. */
static int check_form(const json_t *item, const json_t *form, bool complete, struct yw_err *err)
{
    json_t *f, *v;
    const char *key;
    size_t i;
    if (form != NULL && !json_is_object(form))
        return yw_err_set(err, YW_EINVAL, "form", "form 须为 JSON 对象 / form must be an object");
    json_object_foreach((json_t *)form, key, v)
    {
        json_t *decl = NULL;
        json_array_foreach(json_object_get(item, "form_fields"), i, f)
        {
            if (yw_str_eq_c(yw_str_c(json_string_value(json_object_get(f, "name"))), key))
                decl = f;
        }
        char field[96];
        (void)yw_fmt(field, sizeof(field), "form.%s", key);
        if (decl == NULL)
            return yw_err_set(err, YW_EINVAL, field,
                              "事项没有表单项 %s / the item's form has no %s", key, key);
        const char *type = json_string_value(json_object_get(decl, "type"));
        bool ok = strcmp(type, "number") == 0 ? json_is_number(v)
                  : strcmp(type, "bool") == 0 ? json_is_boolean(v)
                                              : json_is_string(v);
        if (ok && json_is_string(v))
            ok = yw_check_text(json_string_value(v), 2000, false, field, NULL) == YW_OK;
        if (ok && strcmp(type, "date") == 0)
            ok = yw_day_parse((struct yw_str){json_string_value(v), json_string_length(v)}) >= 0;
        if (ok && strcmp(type, "choice") == 0)
            ok = yw_json_array_has(json_object_get(decl, "choices"), json_string_value(v));
        if (!ok)
            return yw_err_set(err, YW_EINVAL, field, "%s 的值不符合类型 %s / %s is not a valid %s",
                              field, type, field, type);
    }
    json_array_foreach(json_object_get(item, "form_fields"), i, f)
    {
        const char *name = json_string_value(json_object_get(f, "name"));
        if (complete && json_is_true(json_object_get(f, "required")) &&
            json_object_get(form, name) == NULL)
            return yw_err_set(err, YW_EINVAL, "form", "须填写 %s（%s）/ %s is required", name,
                              json_string_value(json_object_get(f, "label")), name);
    }
    return YW_OK;
}

/* The form's required fields, as the item had them when the case was made. */
static int check_required_form(const json_t *doc, struct yw_err *err)
{
    json_t *name;
    size_t i;
    json_array_foreach(json_object_get(doc, "required_form"), i, name)
    {
        if (json_object_get(json_object_get(doc, "form"), json_string_value(name)) == NULL)
            return yw_err_set(err, YW_EINVAL, "form", "须填写 %s / %s is required",
                              json_string_value(name), json_string_value(name));
    }
    return YW_OK;
}

/* Required materials must be obtained or uploaded before submitting. */
static int check_materials_complete(struct yw_txn *txn, const char *id, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT name FROM yw_service_materials WHERE case_id = ? AND source = "
                            "'missing' AND required = 1 ORDER BY idx",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id, strlen(id));
    if ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str n = yw_stmt_column_text(st, 0);
        rc = yw_err_set(err, YW_ECONFLICT, "materials",
                        "缺少必要材料：%.*s / a required material is missing: %.*s", (int)n.n, n.p,
                        (int)n.n, n.p);
    }
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* ---- creating a case -------------------------------------------------------- */

/* The applicant, channel and receiving organisation from who and body. */
static int resolve_applicant(const struct yw_services *s, const struct yw_principal *who,
                             const json_t *body, const json_t *item, json_t *applicant,
                             const char **channel, char receiving[65], struct yw_err *err)
{
    static const char *const members[] = {"kind", "id_number",        "uscc",
                                          "name", "identity_checked", NULL};
    json_t *in = json_object_get(body, "applicant");
    const char *kind = NULL, *name = json_string_value(json_object_get(in, "name"));
    char id[24] = "", org_name[401]; /* org_name outlives the block that reads it */
    int rc;

    if (in != NULL && (rc = yw_json_only_members(in, members, "applicant.", err)) < 0)
        return rc;
    if (json_object_get(body, "channel") &&
        (rc = yw_domain_pick(yw__channels, json_object_get(body, "channel"), "channel", channel,
                             err)) < 0)
        return rc;
    (void)yw_copy(receiving, 65, who ? who->org : json_string_value(json_object_get(item, "org")));
    if (who != NULL && (who->roles & (YW_ROLE_CITIZEN | YW_ROLE_ENTERPRISE_OPERATOR))) {
        /* Online or mobile, for oneself: the applicant is who is signed in. */
        *channel = *channel ? *channel : "online";
        if (strcmp(*channel, "online") != 0 && strcmp(*channel, "mobile") != 0)
            return yw_err_set(err, YW_EINVAL, "channel",
                              "本人申请的渠道为 online 或 mobile / one's own application comes "
                              "online or by mobile");
        (void)yw_copy(receiving, 65, json_string_value(json_object_get(item, "org")));
        if (who->roles & YW_ROLE_CITIZEN) {
            kind = "citizen";
            (void)yw_copy(id, sizeof(id), who->login);
        } else {
            struct yw_org o;
            if ((rc = yw_org_get(s->catalog.store, yw_str_c(who->org), &o, err)) < 0)
                return rc;
            kind = "enterprise";
            (void)yw_copy(id, sizeof(id), o.uscc);
            json_object_set_new(applicant, "org", json_string(o.code));
            (void)yw_copy(org_name, sizeof(org_name), o.name);
            name = name ? name : org_name;
        }
    } else {
        /* For an applicant present (window, kiosk) or assisted: identified here.
         * A kiosk is a system key with the window_clerk role. */
        bool system = who != NULL && who->kind == YW_PRINCIPAL_SYSTEM;
        if (*channel == NULL)
            *channel = who == NULL || (who->roles & YW_ROLE_WINDOW_CLERK)
                           ? (system ? "kiosk" : "window")
                           : "assisted";
        bool assisted = strcmp(*channel, "assisted") == 0;
        unsigned role = assisted ? YW_ROLE_ASSISTANT : YW_ROLE_WINDOW_CLERK;
        if (strcmp(*channel, "online") == 0 || strcmp(*channel, "mobile") == 0 ||
            (who != NULL && (!(who->roles & role) || (strcmp(*channel, "kiosk") == 0) != system)))
            return yw_err_set(err, YW_EPERM, "channel",
                              "无权以渠道 %s 收件 / not permitted to take applications by %s",
                              *channel, *channel);
        kind = json_string_value(json_object_get(in, "kind"));
        kind = kind ? kind : json_object_get(in, "uscc") ? "enterprise" : "citizen";
        if (strcmp(kind, "citizen") == 0) {
            rc = yw_id_check_resident(yw_str_c(json_string_value(json_object_get(in, "id_number"))),
                                      yw_now_ms(), "applicant.id_number", id, err);
        } else if (strcmp(kind, "enterprise") == 0) {
            const char *uscc = json_string_value(json_object_get(in, "uscc"));
            rc = yw_id_check_uscc(yw_str_c(uscc), "applicant.uscc", err);
            (void)yw_copy(id, sizeof(id), rc == YW_OK ? uscc : "");
        } else {
            rc = yw_err_set(err, YW_EINVAL, "applicant.kind",
                            "applicant.kind 为 citizen 或 enterprise / applicant.kind is citizen "
                            "or enterprise");
        }
        if (rc < 0)
            return rc;
        if (strcmp(*channel, "assisted") != 0 &&
            !json_is_true(json_object_get(in, "identity_checked")))
            return yw_err_set(err, YW_EINVAL, "applicant.identity_checked",
                              "须当面核验申请人身份 / the applicant's identity must be checked in "
                              "person (identity_checked: true)");
        if ((rc = yw_check_text(name, 100, true, "applicant.name", err)) < 0)
            return rc;
        json_object_set_new(applicant, "identity_checked",
                            json_boolean(strcmp(*channel, "assisted") != 0));
    }
    if (!yw_json_array_has(json_object_get(item, "objects"), kind))
        return yw_err_set(err, YW_EINVAL, "applicant.kind",
                          "该事项不面向%s / the item does not serve %s applicants",
                          strcmp(kind, "citizen") == 0 ? "自然人" : "法人", kind);
    if (!yw_json_array_has(json_object_get(item, "channels"), *channel))
        return yw_err_set(err, YW_EINVAL, "channel",
                          "该事项不能通过 %s 办理 / the item is not offered by %s", *channel,
                          *channel);
    json_object_set_new(applicant, "kind", json_string(kind));
    json_object_set_new(applicant, "id", json_string(id));
    json_object_set_new(applicant, "name", json_string(name ? name : ""));
    return YW_OK;
}

/* 帮办代办: the applicant's consent, recorded. */
static int check_consent(const json_t *body, const char *channel, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"method", "reference", "given_at", NULL};
    static const struct yw_domain methods[] = {{"signature", "签字"},
                                               {"sms", "短信确认"},
                                               {"video", "视频确认"},
                                               {"letter", "授权委托书"},
                                               {NULL, NULL}};
    json_t *c = json_object_get(body, "consent");
    const char *method;
    int rc;
    *out = NULL;
    if (strcmp(channel, "assisted") != 0)
        return c == NULL ? YW_OK
                         : yw_err_set(err, YW_EINVAL, "consent",
                                      "只有帮办代办记录授权 / consent is for assisted cases");
    if (c == NULL)
        return yw_err_set(err, YW_EINVAL, "consent",
                          "帮办代办须记录申请人的授权 / an assisted case records the applicant's "
                          "consent");
    if ((rc = yw_json_only_members(c, members, "consent.", err)) < 0 ||
        (rc = yw_domain_pick(methods, json_object_get(c, "method"), "consent.method", &method,
                             err)) < 0 ||
        (rc = yw_check_text(json_string_value(json_object_get(c, "reference")), 200, true,
                            "consent.reference", err)) < 0)
        return rc;
    char now[32];
    yw_time_rfc3339(yw_now_ms(), now);
    *out = json_pack("{s:s, s:s, s:s}", "method", method, "reference",
                     json_string_value(json_object_get(c, "reference")), "recorded_at", now);
    return *out ? YW_OK : YW_ENOMEM;
}

/* 收件地 and 办理地: a case received by another organisation than the one that
 * handles it is handed over; across divisions only for 跨省通办 items. */
static int handover_of(const struct yw_services *s, const json_t *item, const char *receiving,
                       json_t **out, struct yw_err *err)
{
    const char *org = json_string_value(json_object_get(item, "org"));
    const char *mode = json_string_value(json_object_get(item, "cross_province"));
    struct yw_org r;
    int rc;
    *out = NULL;
    if (strcmp(receiving, org) == 0)
        return YW_OK;
    if ((rc = yw_org_get(s->catalog.store, yw_str_c(receiving), &r, err)) < 0)
        return rc;
    const char *division = json_string_value(json_object_get(item, "division"));
    bool elsewhere = strcmp(r.division, division ? division : "") != 0;
    if (elsewhere && strcmp(mode, "proxy") != 0 && strcmp(mode, "joint") != 0)
        return yw_err_set(err, YW_EINVAL, "channel",
                          "该事项不支持异地代收代办 / the item is not handled for other divisions "
                          "(跨省通办 mode %s)",
                          mode);
    *out = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:b}", "receiving_org", r.code,
                     "receiving_division", r.division, "handling_org", org, "handling_division",
                     division, "mode", elsewhere ? mode : "one_window", "forwarded", 0);
    return *out ? YW_OK : YW_ENOMEM;
}

struct material_row {
    const char *name;
    bool required;
    const char *source; /* sharing upload missing */
    const char *resource;
    char grant[48];
    int64_t index;
    json_t *content;
    char note[256];
};

static int insert_material(struct yw_txn *txn, const char *id, int idx,
                           const struct material_row *m, const char *now, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    yw_buf_init(&bytes, 2 * YW__UPLOAD_MAX);
    int rc = m->content ? yw__json_store(m->content, &bytes) : YW_OK;
    if (rc < 0) {
        yw_buf_free(&bytes);
        return yw_err_set(err, rc, NULL, "material too large");
    }
    rc =
        yw_txn_prepare(txn,
                       "INSERT INTO yw_service_materials (case_id, idx, name, source, resource, "
                       "grant_id, ledger_index, content, note, updated_at, required) VALUES (?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       &st, err);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, id, strlen(id));
        yw_stmt_bind_int64(st, 2, idx);
        yw_stmt_bind_text(st, 3, m->name, strlen(m->name));
        yw_stmt_bind_text(st, 4, m->source, strlen(m->source));
        if (m->resource)
            yw_stmt_bind_text(st, 5, m->resource, strlen(m->resource));
        if (m->grant[0])
            yw_stmt_bind_text(st, 6, m->grant, strlen(m->grant));
        if (m->index >= 0)
            yw_stmt_bind_int64(st, 7, m->index);
        if (m->content)
            yw_stmt_bind_text(st, 8, bytes.data, bytes.len);
        if (m->note[0])
            yw_stmt_bind_text(st, 9, m->note, strlen(m->note));
        yw_stmt_bind_text(st, 10, now, strlen(now));
        yw_stmt_bind_int64(st, 11, m->required);
        rc = yw_stmt_step(st, err);
    }
    yw_stmt_finalize(&st);
    yw_buf_free(&bytes);
    return rc < 0 ? rc : YW_OK;
}

int yw_services_case_create(const struct yw_services *s, const struct yw_principal *who,
                            const json_t *body, const char *actor, json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"item",    "channel", "applicant", "form",
                                          "consent", "submit",  NULL};
    struct material_row rows[YW__MATERIALS_MAX];
    size_t n_rows = 0;
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf doc_bytes;
    json_t *item = NULL, *applicant = json_object(), *consent = NULL, *handover = NULL;
    json_t *doc = NULL, *fetched = json_array();
    const char *channel = NULL;
    char receiving[65], now[32];
    struct kase c = {.due_day = -1, .paused_day = -1};
    int rc;

    *out = NULL;
    yw_buf_init(&doc_bytes, 1024 * 1024);
    if ((rc = yw_json_only_members(body, members, "", err)) < 0)
        goto out;
    if (who != NULL && (rc = yw_policy_decide(who, "case.apply", NULL, err)) < 0)
        goto out;
    json_t *code = json_object_get(body, "item");
    if ((rc = yw_services_item_get(
             s, (struct yw_str){json_string_value(code), json_string_length(code)}, &item, err)) <
        0) {
        if (rc == YW_ENOTFOUND)
            rc = yw_err_set(err, YW_EINVAL, "item", "没有该事项 / no such item");
        goto out;
    }
    bool submit = json_is_true(json_object_get(body, "submit"));
    if ((rc = resolve_applicant(s, who, body, item, applicant, &channel, receiving, err)) < 0 ||
        (rc = check_consent(body, channel, &consent, err)) < 0 ||
        (rc = handover_of(s, item, receiving, &handover, err)) < 0 ||
        (rc = check_form(item, json_object_get(body, "form"), submit, err)) < 0)
        goto out;
    json_t *m;
    size_t i;
    /* A required material that only an upload provides cannot be there yet. */
    json_array_foreach(json_object_get(item, "materials"), i, m)
    {
        if (submit && json_is_true(json_object_get(m, "required")) &&
            json_object_get(m, "resource") == NULL) {
            rc = yw_err_set(err, YW_ECONFLICT, "materials",
                            "须先上传 %s 再提交 / upload %s before submitting",
                            json_string_value(json_object_get(m, "name")),
                            json_string_value(json_object_get(m, "name")));
            goto out;
        }
    }

    /* Data runs, not people: fetch what the government holds, before writing. */
    const char *org = json_string_value(json_object_get(item, "org"));
    const char *applicant_id = json_string_value(json_object_get(applicant, "id"));
    struct yw__fetch fetches[YW__MATERIALS_MAX];
    size_t n_fetches = 0;
    json_array_foreach(json_object_get(item, "materials"), i, m)
    {
        rows[n_rows++] =
            (struct material_row){.name = json_string_value(json_object_get(m, "name")),
                                  .required = json_is_true(json_object_get(m, "required")),
                                  .source = "missing",
                                  .resource = json_string_value(json_object_get(m, "resource")),
                                  .index = -1};
        if (json_object_get(m, "resource") != NULL)
            fetches[n_fetches++] = (struct yw__fetch){.material = m};
    }
    yw__fetch_materials(s, org, applicant_id, fetches, n_fetches);
    for (size_t k = 0, f = 0; k < n_rows; k++) {
        struct material_row *r = &rows[k];
        if (r->resource == NULL)
            continue;
        struct yw__fetch *got = &fetches[f++];
        r->content = got->content;
        r->source = got->content ? "sharing" : "missing";
        r->index = got->index;
        (void)yw_copy(r->grant, sizeof(r->grant), got->grant);
        (void)yw_copy(r->note, sizeof(r->note), got->note);
        json_t *one = json_pack("{s:I, s:s}", "material", (json_int_t)k, "source", r->source);
        if (r->grant[0])
            json_object_set_new(one, "grant", json_string(r->grant));
        if (r->index >= 0)
            json_object_set_new(one, "delivery", json_integer(r->index));
        json_array_append_new(fetched, one);
    }
    /* What the form must hold before the case is submitted. */
    json_t *required_form = json_array(), *ff;
    json_array_foreach(json_object_get(item, "form_fields"), i, ff)
    {
        if (json_is_true(json_object_get(ff, "required")))
            json_array_append(required_form, json_object_get(ff, "name"));
    }

    uint8_t random[8];
    char hex[17];
    if ((rc = yw_random(random, sizeof(random))) < 0) {
        rc = yw_err_set(err, rc, NULL, "no randomness");
        goto out;
    }
    yw_hex(random, sizeof(random), hex);
    (void)yw_fmt(c.id, sizeof(c.id), "case-%s", hex);
    (void)yw_copy(c.item, sizeof(c.item), json_string_value(json_object_get(item, "code")));
    (void)yw_copy(c.org, sizeof(c.org), org);
    (void)yw_copy(c.receiving_org, sizeof(c.receiving_org), receiving);
    (void)yw_copy(c.channel, sizeof(c.channel), channel);
    (void)yw_copy(c.applicant_kind, sizeof(c.applicant_kind),
                  json_string_value(json_object_get(applicant, "kind")));
    (void)yw_copy(c.applicant_id, sizeof(c.applicant_id), applicant_id);
    (void)yw_copy(c.created_by, sizeof(c.created_by), actor);
    (void)yw_copy(c.state, sizeof(c.state), "draft");
    yw_time_rfc3339(yw_now_ms(), now);
    /* "o" steals: the body's form is taken with a reference, an empty one made. */
    json_t *form = json_object_get(body, "form");
    doc = json_pack(
        "{s:O, s:O, s:o, s:O*, s:O*, s:O, s:o, s:O}", "item_name", json_object_get(item, "name"),
        "applicant", applicant, "form", form ? json_incref(form) : json_object(), "consent",
        consent, "handover", handover, "promised_days", json_object_get(item, "promised_days"),
        "required_form", required_form, "supervisors", json_object_get(item, "supervisors"));
    if (doc == NULL || (rc = yw__json_store(doc, &doc_bytes)) < 0) {
        rc = yw_err_set(err, YW_EINVAL, NULL, "办件过大 / the case is too large");
        goto out;
    }
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = yw_txn_prepare(txn,
                             "INSERT INTO yw_service_cases (id, item, org, receiving_org, channel, "
                             "applicant_kind, applicant_id, created_by, state, doc, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?)",
                             &st, err)) < 0)
        goto out;
    const char *values[] = {c.id,
                            c.item,
                            c.org,
                            c.receiving_org,
                            c.channel,
                            c.applicant_kind,
                            c.applicant_id,
                            c.created_by,
                            doc_bytes.data,
                            now,
                            now};
    for (int k = 0; k < 11; k++)
        yw_stmt_bind_text(st, k + 1, values[k], strlen(values[k]));
    if ((rc = yw_stmt_step(st, err)) < 0 ||
        (rc = insert_step(txn, c.id, "create", NULL, "draft", actor, NULL, now, err)) < 0)
        goto out;
    for (size_t k = 0; k < n_rows; k++)
        if ((rc = insert_material(txn, c.id, (int)k, &rows[k], now, err)) < 0)
            goto out;
    if (submit) {
        yw_stmt_finalize(&st);
        if ((rc = check_materials_complete(txn, c.id, err)) < 0)
            goto out;
        if ((rc =
                 yw_txn_prepare(txn, "UPDATE yw_service_cases SET state = 'submitted' WHERE id = ?",
                                &st, err)) < 0)
            goto out;
        yw_stmt_bind_text(st, 1, c.id, strlen(c.id));
        if ((rc = yw_stmt_step(st, err)) < 0 ||
            (rc = insert_step(txn, c.id, "submit", "draft", "submitted", actor, NULL, now, err)) <
                0)
            goto out;
    }
    yw_stmt_finalize(&st);
    const char *types[] = {"services.case.create", "services.case.submit"};
    json_t *entries[] = {
        entry(who, actor, &c, NULL, "draft", NULL, json_pack("{s:O}", "materials", fetched)),
        submit ? entry(who, actor, &c, "draft", "submitted", NULL, NULL) : NULL};
    if ((rc = yw_store_commit(&txn, err)) < 0) {
        json_decref(entries[0]);
        json_decref(entries[1]);
        goto out;
    }
    if ((rc = yw__ledger_events(s, submit ? 2 : 1, types, entries, err)) < 0)
        goto out;
    rc = yw_services_case_get(s, who, yw_str_c(c.id), out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    for (size_t k = 0; k < n_rows; k++)
        json_decref(rows[k].content);
    yw_buf_free(&doc_bytes);
    json_decref(item);
    json_decref(applicant);
    json_decref(consent);
    json_decref(handover);
    json_decref(doc);
    json_decref(fetched);
    return rc;
}

/* ---- reading ---------------------------------------------------------------- */

static json_t *case_summary(const struct kase *c)
{
    char due[11];
    int64_t now = yw__today();
    yw_day_text(c->due_day, due);
    bool running = strcmp(c->state, "accepted") == 0 || strcmp(c->state, "under_review") == 0;
    return json_pack("{s:s, s:s, s:O, s:s, s:s, s:s, s:O, s:s, s:s?, s:b, s:b, s:s, s:s}", "id",
                     c->id, "item", c->item, "item_name", json_object_get(c->doc, "item_name"),
                     "org", c->org, "receiving_org", c->receiving_org, "channel", c->channel,
                     "applicant", json_object_get(c->doc, "applicant"), "state", c->state, "due",
                     due[0] ? due : NULL, "overdue", running && c->due_day >= 0 && c->due_day < now,
                     "paused", c->paused_day >= 0, "created_at", c->created_at, "updated_at",
                     c->updated_at);
}

int yw_services_case_get(const struct yw_services *s, const struct yw_principal *who,
                         struct yw_str id, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct kase c = {.doc = NULL};
    json_t *view = NULL;
    char actor[96];
    int rc;

    *out = NULL;
    if (who != NULL)
        (void)yw_fmt(actor, sizeof(actor), "%s%s",
                     who->kind == YW_PRINCIPAL_SYSTEM ? "" : "account:", who->login);
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = load_case(txn, who, who ? actor : "", id, &c, err)) < 0)
        goto out;
    view = case_summary(&c);
    const char *keep[] = {"form",   "consent",       "handover",   "decision",
                          "result", "promised_days", "supervision"};
    for (size_t i = 0; view && i < sizeof(keep) / sizeof(keep[0]); i++)
        if (json_object_get(c.doc, keep[i]))
            json_object_set(view, keep[i], json_object_get(c.doc, keep[i]));
    json_t *materials = json_array(), *history = json_array();
    json_object_set_new(view, "materials", materials);
    json_object_set_new(view, "steps", history);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT idx, name, source, resource, grant_id, ledger_index, content, "
                             "note, required FROM yw_service_materials WHERE case_id = ? ORDER BY "
                             "idx",
                             &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, c.id, strlen(c.id));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str name = yw_stmt_column_text(st, 1), source = yw_stmt_column_text(st, 2);
        struct yw_str content = yw_stmt_column_text(st, 6), note = yw_stmt_column_text(st, 7);
        json_t *m = json_pack("{s:I, s:s%, s:s%}", "index", (json_int_t)yw_stmt_column_int64(st, 0),
                              "name", name.p, name.n, "source", source.p, source.n);
        if (!yw_stmt_column_is_null(st, 3)) {
            struct yw_str r = yw_stmt_column_text(st, 3);
            json_object_set_new(m, "resource", json_stringn(r.p, r.n));
        }
        if (!yw_stmt_column_is_null(st, 4)) {
            struct yw_str g = yw_stmt_column_text(st, 4);
            json_object_set_new(m, "grant", json_stringn(g.p, g.n));
            json_object_set_new(m, "ledger_index", json_integer(yw_stmt_column_int64(st, 5)));
        }
        json_t *data = content.n ? json_loadb(content.p, content.n, 0, NULL) : NULL;
        if (yw_str_eq_c(source, "upload") && data != NULL)
            json_object_del(data, "content_base64"); /* the file itself stays in the case */
        if (data != NULL)
            json_object_set_new(m, yw_str_eq_c(source, "upload") ? "file" : "record", data);
        json_object_set_new(m, "required", json_boolean(yw_stmt_column_int64(st, 8) != 0));
        if (note.n)
            json_object_set_new(m, "note", json_stringn(note.p, note.n));
        json_array_append_new(materials, m);
    }
    yw_stmt_finalize(&st);
    if (rc < 0 || (rc = yw_txn_prepare(txn,
                                       "SELECT seq, step, from_state, to_state, actor, reason, "
                                       "at FROM yw_service_case_steps WHERE case_id = ? ORDER BY "
                                       "seq",
                                       &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, c.id, strlen(c.id));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str step = yw_stmt_column_text(st, 1), from = yw_stmt_column_text(st, 2),
                      to = yw_stmt_column_text(st, 3), a = yw_stmt_column_text(st, 4),
                      reason = yw_stmt_column_text(st, 5), at = yw_stmt_column_text(st, 6);
        json_array_append_new(history,
                              json_pack("{s:I, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%}", "seq",
                                        (json_int_t)yw_stmt_column_int64(st, 0), "step", step.p,
                                        step.n, "from", from.p ? from.p : "", from.n, "to", to.p,
                                        to.n, "actor", a.p, a.n, "reason", reason.p ? reason.p : "",
                                        reason.n, "at", at.p, at.n));
    }
    if (rc < 0)
        goto out;
    *out = json_incref(view);
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(c.doc);
    json_decref(view);
    return rc;
}

/* ---- steps ------------------------------------------------------------------ */

/* What a step writes into the case's document from its body. */
static int step_body(const struct step *step, const json_t *body, json_t *doc, const char **reason,
                     struct yw_err *err)
{
    static const char *const members[] = {"reason",      "decision", "conditions",
                                          "certificate", "delivery", NULL};
    int rc;
    *reason = json_string_value(json_object_get(body, "reason"));
    if (body != NULL && (rc = yw_json_only_members(body, members, "", err)) < 0)
        return rc;
    if ((rc = yw_check_text(*reason ? *reason : "", 1000, step->reason, "reason", err)) < 0)
        return rc;
    if (strcmp(step->name, "approve") == 0) {
        static const char *const cert_members[] = {"name", "number", "valid_to", NULL};
        const json_t *cert = json_object_get(body, "certificate");
        const char *decision = json_string_value(json_object_get(body, "decision"));
        const char *conditions = json_string_value(json_object_get(body, "conditions"));
        if ((rc = yw_check_text(decision ? decision : "", 1000, false, "decision", err)) < 0 ||
            (rc = yw_check_text(conditions ? conditions : "", 2000, false, "conditions", err)) <
                0 ||
            (cert != NULL &&
             ((rc = yw_json_only_members(cert, cert_members, "certificate.", err)) < 0 ||
              (rc = yw_check_text(json_string_value(json_object_get(cert, "name")), 100, true,
                                  "certificate.name", err)) < 0 ||
              (rc = yw_check_text(json_string_value(json_object_get(cert, "number")), 100, true,
                                  "certificate.number", err)) < 0)))
            return rc;
        json_object_set_new(doc, "decision",
                            json_pack("{s:s, s:s, s:s?, s:O?}", "outcome", "approved", "decision",
                                      decision ? decision : "准予许可", "conditions", conditions,
                                      "certificate", cert));
    } else if (strcmp(step->name, "deny") == 0) {
        json_object_set_new(doc, "decision",
                            json_pack("{s:s, s:s}", "outcome", "denied", "reason", *reason));
    } else if (strcmp(step->name, "issue") == 0) {
        static const struct yw_domain ways[] = {
            {"window", "窗口领取"}, {"mail", "邮寄"}, {"electronic", "电子送达"}, {NULL, NULL}};
        const char *way = "electronic";
        if (json_object_get(body, "delivery") &&
            (rc = yw_domain_pick(ways, json_object_get(body, "delivery"), "delivery", &way, err)) <
                0)
            return rc;
        json_object_set_new(doc, "result", json_pack("{s:s}", "delivery", way));
    }
    return YW_OK;
}

int yw_services_case_step(const struct yw_services *s, const struct yw_principal *who,
                          struct yw_str id, struct yw_str name, const json_t *body,
                          const char *actor, json_t **out, struct yw_err *err)
{
    const struct step *step = find_step(name);
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf bytes;
    struct kase c = {.doc = NULL};
    const char *reason = NULL;
    char now[32], from[24], to[24];
    int64_t day = yw__today();
    json_t *elements = NULL, *pushed = json_array();
    int rc;

    *out = NULL;
    yw_buf_init(&bytes, 1024 * 1024);
    if (step == NULL) {
        rc = yw_err_set(err, YW_ENOTFOUND, NULL,
                        "没有这个步骤 / no such step: submit withdraw forward accept reject "
                        "request_supplement supplement review approve deny issue close");
        goto out;
    }
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_case(txn, who, actor, id, &c, err)) < 0)
        goto out;
    if ((rc = may_step(who, actor, step, &c, err)) < 0)
        goto out;
    if (!from_ok(step, c.state)) {
        rc = yw_err_set(err, YW_ECONFLICT, "state",
                        "办件处于 %s，不能 %s / the case is %s: it cannot %s", c.state, step->name,
                        c.state, step->name);
        goto out;
    }
    json_t *handover = json_object_get(c.doc, "handover");
    bool forwarded = json_is_true(json_object_get(handover, "forwarded"));
    if (strcmp(step->name, "forward") == 0 && (handover == NULL || forwarded)) {
        rc = yw_err_set(err, YW_ECONFLICT, "state",
                        handover ? "已移交 / already handed over"
                                 : "本机构收件本机构办理，无需移交 / received where it is handled: "
                                   "nothing to hand over");
        goto out;
    }
    if ((strcmp(step->name, "accept") == 0 || strcmp(step->name, "reject") == 0) && handover &&
        !forwarded) {
        rc = yw_err_set(err, YW_ECONFLICT, "state",
                        "收件机构尚未移交 / the receiving organisation has not handed it over");
        goto out;
    }
    if ((rc = step_body(step, body, c.doc, &reason, err)) < 0)
        goto out;
    (void)yw_copy(from, sizeof(from), c.state);
    (void)yw_copy(to, sizeof(to), step->to ? step->to : c.resume_state);
    yw_time_rfc3339(yw_now_ms(), now);
    /* The clock: set at acceptance, paused while a supplement is awaited. */
    int64_t due = c.due_day, paused = c.paused_day;
    const char *resume = NULL;
    if (strcmp(step->name, "accept") == 0) {
        due = yw_calendar_add_working_days(
            s->calendar, day, (int)json_integer_value(json_object_get(c.doc, "promised_days")));
        json_object_set_new(c.doc, "accepted_on", json_string(now));
    } else if (strcmp(step->name, "request_supplement") == 0) {
        paused = day;
        resume = from;
    } else if (strcmp(step->name, "supplement") == 0) {
        if (due >= 0)
            due = yw_calendar_add_working_days(
                s->calendar, due, yw_calendar_working_days_between(s->calendar, paused, day));
        paused = -1;
    } else if (strcmp(step->name, "forward") == 0) {
        json_object_set_new(handover, "forwarded", json_true());
        json_object_set_new(handover, "forwarded_at", json_string(now));
        json_object_set_new(handover, "forwarded_by", json_string(actor));
    } else if (strcmp(step->name, "submit") == 0) {
        if ((rc = check_required_form(c.doc, err)) < 0 ||
            (rc = check_materials_complete(txn, c.id, err)) < 0)
            goto out;
    }
    if ((rc = yw__json_store(c.doc, &bytes)) < 0) {
        rc = yw_err_set(err, rc, NULL, "办件过大 / the case is too large");
        goto out;
    }
    if ((rc =
             yw_txn_prepare(txn,
                            "UPDATE yw_service_cases SET state = ?, resume_state = ?, due_day = ?, "
                            "paused_day = ?, doc = ?, updated_at = ? WHERE id = ?",
                            &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, to, strlen(to));
    if (resume)
        yw_stmt_bind_text(st, 2, resume, strlen(resume));
    else
        yw_stmt_bind_null(st, 2);
    if (due >= 0)
        yw_stmt_bind_int64(st, 3, due);
    else
        yw_stmt_bind_null(st, 3);
    if (paused >= 0)
        yw_stmt_bind_int64(st, 4, paused);
    else
        yw_stmt_bind_null(st, 4);
    yw_stmt_bind_text(st, 5, bytes.data, bytes.len);
    yw_stmt_bind_text(st, 6, now, strlen(now));
    yw_stmt_bind_text(st, 7, c.id, strlen(c.id));
    if ((rc = yw_stmt_step(st, err)) < 0 ||
        (rc = insert_step(txn, c.id, step->name, from, to, actor, reason, now, err)) < 0)
        goto out;
    /* 审管联动: the approval and its supervision tasks are one transaction. */
    if (strcmp(step->name, "approve") == 0) {
        elements = json_pack("{s:s, s:s, s:O, s:s, s:O, s:O, s:s}", "case", c.id, "item", c.item,
                             "item_name", json_object_get(c.doc, "item_name"), "approving_org",
                             c.org, "applicant", json_object_get(c.doc, "applicant"), "decision",
                             json_object_get(c.doc, "decision"), "approved_at", now);
        if (elements == NULL ||
            (rc = yw__push_tasks(s, txn, c.id, c.org, json_object_get(c.doc, "supervisors"),
                                 elements, actor, pushed, err)) < 0)
            goto out;
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    char due_text[11], type[48];
    yw_day_text(due, due_text);
    (void)yw_fmt(type, sizeof(type), "services.case.%s", step->name);
    const char *types[YW__EVENTS_MAX] = {type};
    json_t *entries[YW__EVENTS_MAX] = {
        entry(who, actor, &c, from, to, reason,
              due_text[0] ? json_pack("{s:s}", "due", due_text) : NULL)};
    size_t n_entries = 1;
    json_t *task;
    size_t k;
    json_array_foreach(pushed, k, task)
    {
        if (n_entries < YW__EVENTS_MAX) {
            types[n_entries] = "services.supervision.push";
            entries[n_entries++] = yw__pushed_entry(c.id, c.org, task, actor);
        }
    }
    if ((rc = yw__ledger_events(s, n_entries, types, entries, err)) < 0)
        goto out;
    rc = yw_services_case_get(s, who, id, out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&bytes);
    json_decref(c.doc);
    json_decref(elements);
    json_decref(pushed);
    return rc;
}

/* ---- uploads ---------------------------------------------------------------- */

int yw_services_case_upload(const struct yw_services *s, const struct yw_principal *who,
                            struct yw_str id, int index, const json_t *body, const char *actor,
                            json_t **out, struct yw_err *err)
{
    static const char *const members[] = {"file_name", "media_type", "content_base64", NULL};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct kase c = {.doc = NULL};
    uint8_t *bytes = NULL, h[YW_HASH_SIZE];
    char digest[2 * YW_HASH_SIZE + 1], now[32];
    size_t n = 0;
    int rc;

    *out = NULL;
    const char *file = json_string_value(json_object_get(body, "file_name"));
    const char *media = json_string_value(json_object_get(body, "media_type"));
    json_t *content = json_object_get(body, "content_base64");
    if ((rc = yw_json_only_members(body, members, "", err)) < 0 ||
        (rc = yw_check_text(file, 200, true, "file_name", err)) < 0 ||
        (rc = yw_check_text(media, 100, true, "media_type", err)) < 0)
        return rc;
    if (!json_is_string(content) || json_string_length(content) > (YW__UPLOAD_MAX / 3 + 1) * 4)
        return yw_err_set(err, YW_EINVAL, "content_base64",
                          "content_base64 须为至多 1 MiB 文件的 base64 / content_base64 is the "
                          "base64 of a file of at most 1 MiB");
    if ((bytes = malloc(YW__UPLOAD_MAX + 3)) == NULL)
        return yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
    if (yw_base64_decode((struct yw_str){json_string_value(content), json_string_length(content)},
                         bytes, YW__UPLOAD_MAX + 3, &n) < 0 ||
        n == 0 || n > YW__UPLOAD_MAX) {
        rc = yw_err_set(err, YW_EINVAL, "content_base64",
                        "content_base64 不是有效的 base64 或超过 1 MiB / content_base64 is not "
                        "valid base64 of 1 byte to 1 MiB");
        goto out;
    }
    if ((rc = yw_hash(s->catalog.profile, bytes, n, h)) < 0)
        goto out;
    yw_hex(h, sizeof(h), digest);
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_case(txn, who, actor, id, &c, err)) < 0)
        goto out;
    if (!applicant_side(who, actor, &c)) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "只有申请人或为其代办者可以上传材料 / only the applicant or whoever acts "
                        "for them uploads materials");
        goto out;
    }
    if (strcmp(c.state, "draft") != 0 && strcmp(c.state, "submitted") != 0 &&
        strcmp(c.state, "supplement_requested") != 0) {
        rc = yw_err_set(err, YW_ECONFLICT, "state", "办件处于 %s，不能上传材料 / the case is %s",
                        c.state, c.state);
        goto out;
    }
    json_t *data = json_pack("{s:s, s:s, s:I, s:s, s:O}", "file_name", file, "media_type", media,
                             "size", (json_int_t)n, "digest", digest, "content_base64", content);
    struct yw_buf canon;
    yw_buf_init(&canon, 2 * YW__UPLOAD_MAX);
    rc = data ? yw__json_store(data, &canon) : YW_ENOMEM;
    json_decref(data);
    if (rc == YW_OK)
        rc = yw_txn_prepare(txn,
                            "UPDATE yw_service_materials SET source = 'upload', content = ?, "
                            "updated_at = ? WHERE case_id = ? AND idx = ? AND source <> 'sharing'",
                            &st, err);
    yw_time_rfc3339(yw_now_ms(), now);
    if (rc == YW_OK) {
        yw_stmt_bind_text(st, 1, canon.data, canon.len);
        yw_stmt_bind_text(st, 2, now, strlen(now));
        yw_stmt_bind_text(st, 3, c.id, strlen(c.id));
        yw_stmt_bind_int64(st, 4, index);
        rc = yw_stmt_step(st, err);
        if (rc >= 0 && yw_stmt_changes(st) == 0)
            rc = yw_err_set(err, YW_ENOTFOUND, "index",
                            "没有可上传的第 %d 项材料 / no material %d to upload (materials "
                            "obtained by sharing are not replaced)",
                            index, index);
    }
    yw_buf_free(&canon);
    if (rc < 0 || (rc = yw_store_commit(&txn, err)) < 0 ||
        (rc = record(s, "services.case.upload", who, actor, &c, c.state, c.state, NULL,
                     json_pack("{s:i, s:s}", "material", index, "digest", digest), err)) < 0)
        goto out;
    rc = yw_services_case_get(s, who, id, out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(c.doc);
    free(bytes);
    return rc;
}

/* ---- lists ------------------------------------------------------------------ */

/* A listed case, for yw__list_rows; NULL when its document is unreadable. */
static json_t *case_row(struct yw_stmt *st)
{
    struct kase c = {.doc = NULL};
    read_case(st, &c);
    json_t *summary = c.doc ? case_summary(&c) : NULL;
    json_decref(c.doc);
    return summary;
}

int yw_services_case_list(const struct yw_services *s, const struct yw_principal *who,
                          const struct yw_services_case_query *in, json_t **out, struct yw_err *err)
{
    struct yw_buf sql;
    const char *params[8];
    int n = 0, rc;
    int64_t limit = in->limit, day = yw__today();
    char uscc[19] = "", org[65] = "";

    *out = NULL;
    yw_buf_init(&sql, 16 * 1024);
    if ((rc = yw__check_page(&limit, in->offset, err)) < 0)
        goto out;
    rc = yw_buf_printf(&sql, "SELECT %s FROM yw_service_cases WHERE 1 = 1", case_columns);
    if (who != NULL && (who->roles & YW_ROLE_CITIZEN)) {
        params[n++] = who->login;
        rc = rc < 0 ? rc
                    : yw_buf_append_c(&sql, " AND applicant_kind = 'citizen' AND applicant_id = ?");
    } else if (who != NULL && (who->roles & YW_ROLE_ENTERPRISE_OPERATOR)) {
        struct yw_org o;
        if ((rc = yw_org_get(s->catalog.store, yw_str_c(who->org), &o, err)) < 0)
            goto out;
        (void)yw_copy(uscc, sizeof(uscc), o.uscc);
        params[n++] = uscc;
        rc = yw_buf_append_c(&sql, " AND applicant_kind = 'enterprise' AND applicant_id = ?");
    } else if (!yw_policy_oversees(who, "case.oversee")) {
        params[n++] = who->org;
        params[n++] = who->org;
        rc = rc < 0 ? rc : yw_buf_append_c(&sql, " AND (org = ? OR receiving_org = ?)");
    }
    if (in->org.n) {
        (void)yw_fmt(org, sizeof(org), "%.*s", (int)in->org.n, in->org.p);
        params[n++] = org;
        rc = rc < 0 ? rc : yw_buf_append_c(&sql, " AND org = ?");
    }
    char state[24] = "";
    if (in->state.n) {
        (void)yw_fmt(state, sizeof(state), "%.*s", (int)in->state.n, in->state.p);
        params[n++] = state;
        rc = rc < 0 ? rc : yw_buf_append_c(&sql, " AND state = ?");
    }
    int64_t near =
        yw_calendar_add_working_days(s->calendar, day, in->near_days ? in->near_days : 2);
    if (yw_str_eq_c(in->due, "overdue"))
        rc = rc < 0 ? rc
                    : yw_buf_printf(&sql,
                                    " AND state IN ('accepted', 'under_review') AND due_day "
                                    "< %lld",
                                    (long long)day);
    else if (yw_str_eq_c(in->due, "near"))
        rc = rc < 0 ? rc
                    : yw_buf_printf(&sql,
                                    " AND state IN ('accepted', 'under_review') AND due_day "
                                    "BETWEEN %lld AND %lld",
                                    (long long)day, (long long)near);
    else if (in->due.n)
        rc = rc < 0 ? rc
                    : yw_err_set(err, YW_EINVAL, "due",
                                 "due 为 overdue 或 near / due is "
                                 "overdue or near");
    if (rc < 0)
        goto out;
    if ((rc = yw_buf_append_c(&sql, " ORDER BY CASE WHEN due_day IS NULL THEN 1 ELSE 0 END, "
                                    "due_day, created_at DESC, id LIMIT ? OFFSET ?")) == YW_OK)
        rc = yw__list_rows(s, sql.data, params, n, limit, in->offset, case_row, "cases", out, err);
out:
    yw_buf_free(&sql);
    return rc;
}
