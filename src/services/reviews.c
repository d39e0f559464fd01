/* 好差评: reviews of cases by their applicants, the rectifications (整改) that
 * bad reviews open, and the statistics. Design note: docs/internals/reviews.md. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "directory/directory.h"
#include "ledger/ledger.h"
#include "policy/policy.h"
#include "store/store.h"

#define COMMENT_MAX 500 /* characters */
#define NOTE_MAX 2000   /* characters of a rectification step's text */

/* The five levels, best first: 5 stars down to 1. The last two are 差评. */
static const struct yw_domain levels[] = {
    {"very_satisfied", "非常满意"},      {"satisfied", "满意"},
    {"basically_satisfied", "基本满意"}, {"dissatisfied", "不满意"},
    {"very_dissatisfied", "非常不满意"}, {NULL, NULL}};
static const struct yw_domain stages[] = {{"accept", "受理"}, {"complete", "办结"}, {NULL, NULL}};
static const struct yw_domain review_channels[] = {{"online", "网上办理"},
                                                   {"mobile", "移动端"},
                                                   {"window", "窗口办理"},
                                                   {"kiosk", "自助终端"},
                                                   {NULL, NULL}};
/* The national indicators (GB/T 39734/39735), each rated 1–5. */
static const struct yw_domain online_indicators[] = {{"overall", "整体满意度"},
                                                     {"efficiency", "办事效率"},
                                                     {"guide_accuracy", "办事指南精确度"},
                                                     {"convenience", "办事便捷度"},
                                                     {"usability", "平台操作性"},
                                                     {NULL, NULL}};
static const struct yw_domain offline_indicators[] = {{"overall", "整体满意度"},
                                                      {"efficiency", "服务效率"},
                                                      {"service_level", "服务水平"},
                                                      {"attitude", "服务态度"},
                                                      {NULL, NULL}};
/* The applicant's rating of a rectification. */
static const struct yw_domain satisfactions[] = {{"satisfied", "满意"},
                                                 {"basically_satisfied", "基本满意"},
                                                 {"dissatisfied", "不满意"},
                                                 {NULL, NULL}};

static int level_stars(const char *slug)
{
    for (int i = 0; levels[i].slug; i++)
        if (strcmp(levels[i].slug, slug) == 0)
            return 5 - i;
    return 0;
}

static void bind_c(struct yw_stmt *st, int idx, const char *s)
{
    if (s)
        yw_stmt_bind_text(st, idx, s, strlen(s));
    else
        yw_stmt_bind_null(st, idx);
}

static int new_id(const char *prefix, char *out, size_t size, struct yw_err *err)
{
    uint8_t random[8];
    char hex[17];
    if (yw_random(random, sizeof(random)) < 0)
        return yw_err_set(err, YW_EINTERNAL, NULL, "no randomness");
    yw_hex(random, sizeof(random), hex);
    return yw_fmt(out, size, "%s-%s", prefix, hex);
}

/* ---- the case as reviews see it ----------------------------------------------- */

struct rcase {
    char id[YW__CASE_ID_SIZE];
    char item[16];
    char org[65];
    char receiving_org[65];
    char channel[12];
    char applicant_kind[12];
    char applicant_id[24];
    char state[24];
};

static int load_case(struct yw_txn *txn, struct yw_str id, struct rcase *c, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "SELECT id, item, org, receiving_org, channel, applicant_kind, "
                            "applicant_id, state FROM yw_service_cases WHERE id = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id.p, id.n);
    if ((rc = yw_stmt_step(st, err)) == 1) {
        yw__text_col(st, 0, c->id, sizeof(c->id));
        yw__text_col(st, 1, c->item, sizeof(c->item));
        yw__text_col(st, 2, c->org, sizeof(c->org));
        yw__text_col(st, 3, c->receiving_org, sizeof(c->receiving_org));
        yw__text_col(st, 4, c->channel, sizeof(c->channel));
        yw__text_col(st, 5, c->applicant_kind, sizeof(c->applicant_kind));
        yw__text_col(st, 6, c->applicant_id, sizeof(c->applicant_id));
        yw__text_col(st, 7, c->state, sizeof(c->state));
        rc = YW_OK;
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "case", "没有办件 / no such case");
    }
    yw_stmt_finalize(&st);
    return rc;
}

/* Who is calling, as far as reviews care. uscc is the USCC of an enterprise
 * operator's organisation (read before any transaction), "" otherwise. */
struct caller {
    const struct yw_principal *who;
    const char *actor;
    char uscc[19];
    bool overseer;
};

static int caller_of(const struct yw_services *s, const struct yw_principal *who, const char *actor,
                     struct caller *me, struct yw_err *err)
{
    *me = (struct caller){.who = who, .actor = actor};
    me->overseer =
        yw_policy_oversees(who, "review.arbitrate") || yw_policy_oversees(who, "case.oversee");
    if (who != NULL && (who->roles & YW_ROLE_ENTERPRISE_OPERATOR)) {
        struct yw_org o;
        int rc = yw_org_get(s->catalog.store, yw_str_c(who->org), &o, err);
        if (rc < 0)
            return rc;
        (void)yw_copy(me->uscc, sizeof(me->uscc), o.uscc);
    }
    return YW_OK;
}

/* The applicant signed in themselves. */
static bool is_applicant(const struct caller *me, const struct rcase *c)
{
    const struct yw_principal *who = me->who;
    if (who == NULL || who->kind != YW_PRINCIPAL_ACCOUNT)
        return false;
    if ((who->roles & YW_ROLE_CITIZEN) && strcmp(c->applicant_kind, "citizen") == 0)
        return strcmp(who->login, c->applicant_id) == 0;
    if ((who->roles & YW_ROLE_ENTERPRISE_OPERATOR) && strcmp(c->applicant_kind, "enterprise") == 0)
        return me->uscc[0] && strcmp(me->uscc, c->applicant_id) == 0;
    return false;
}

/* A rating device (评价器) or kiosk of the hall that received the case, for
 * an applicant who came in person. */
static bool is_device(const struct caller *me, const struct rcase *c)
{
    const struct yw_principal *who = me->who;
    return who != NULL && who->kind == YW_PRINCIPAL_SYSTEM && (who->roles & YW_ROLE_WINDOW_CLERK) &&
           strcmp(who->org, c->receiving_org) == 0 && strcmp(c->channel, "online") != 0 &&
           strcmp(c->channel, "mobile") != 0;
}

/* Staff of the handling organisation, or an overseer. */
static bool is_handler_side(const struct caller *me, const char *org)
{
    if (me->who == NULL || me->overseer)
        return true;
    return (me->who->roles & YW_ROLES_STAFF) && strcmp(me->who->org, org) == 0;
}

static bool may_see(const struct caller *me, const struct rcase *c)
{
    return is_handler_side(me, c->org) || is_applicant(me, c) || is_device(me, c);
}

/* The staff member who did a stage: the last accept or reject (受理), the
 * last issue, else close (办结). "" when the stage is not reached. */
static int stage_staff(struct yw_txn *txn, const struct rcase *c, const char *stage, char staff[96],
                       struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char handled[96] = "", issued[96] = "", closed[96] = "";
    int rc = yw_txn_prepare(
        txn, "SELECT step, actor FROM yw_service_case_steps WHERE case_id = ? ORDER BY seq", &st,
        err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, c->id, strlen(c->id));
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str step = yw_stmt_column_text(st, 0);
        char *into = yw_str_eq_c(step, "accept") || yw_str_eq_c(step, "reject") ? handled
                     : yw_str_eq_c(step, "issue")                               ? issued
                     : yw_str_eq_c(step, "close")                               ? closed
                                                                                : NULL;
        if (into)
            yw__text_col(st, 1, into, 96);
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        return rc;
    staff[0] = '\0';
    if (strcmp(stage, "accept") == 0)
        (void)yw_copy(staff, 96, handled);
    else if (handled[0] &&
             (strcmp(c->state, "result_issued") == 0 || strcmp(c->state, "closed") == 0))
        (void)yw_copy(staff, 96, issued[0] ? issued : closed);
    return YW_OK;
}

/* Who acted, for the ledger and the rectification's steps (which the data
 * authority reads for an appeal): a citizen's login is their identity
 * number, so a citizen is "citizen:applicant". */
static const char *ledger_actor(const struct caller *me)
{
    if (me->who != NULL && (me->who->roles & YW_ROLE_CITIZEN))
        return "citizen:applicant";
    return me->actor;
}

static void digest_of(const struct yw_services *s, const char *text, char out[2 * YW_HASH_SIZE + 1])
{
    uint8_t h[YW_HASH_SIZE];
    out[0] = '\0';
    if (text && text[0] && yw_hash(s->catalog.profile, text, strlen(text), h) == YW_OK)
        yw_hex(h, sizeof(h), out);
}

/* ---- the rollup ------------------------------------------------------------------ */

/* What one event changes in the rollup rows of a review's parties. */
struct delta {
    int64_t n, level_sum, levels[5]; /* levels[0]: 1 star */
    int64_t x_total, x_closed, x_open, x_satisfied, x_basically, x_dissatisfied;
};

/* The reviewed parties of one review. */
struct parties {
    int64_t day;
    const char *item, *org, *staff, *channel;
};

static int64_t month_of(int64_t day)
{
    int y, m, d;
    yw_day_to_ymd(day, &y, &m, &d);
    return yw_day_from_ymd(y, m, 1);
}

/* Adds d to the day and month rows of each party of p. */
static int rollup(struct yw_txn *txn, const struct parties *p, const struct delta *d,
                  struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    const char *dims[3] = {"item", "staff", "channel"};
    const char *keys[3] = {p->item, p->staff, p->channel};
    int rc = yw_txn_prepare(
        txn,
        "INSERT INTO yw_service_review_rollup (dim, grain, period, org, party, n, level_sum, n1, "
        "n2, n3, n4, n5, x_total, x_closed, x_open, x_satisfied, x_basically, x_dissatisfied) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dim, grain, "
        "period, org, party) DO UPDATE SET n = yw_service_review_rollup.n + excluded.n, "
        "level_sum = yw_service_review_rollup.level_sum + excluded.level_sum, n1 = "
        "yw_service_review_rollup.n1 + excluded.n1, n2 = yw_service_review_rollup.n2 + "
        "excluded.n2, n3 = yw_service_review_rollup.n3 + excluded.n3, n4 = "
        "yw_service_review_rollup.n4 + excluded.n4, n5 = yw_service_review_rollup.n5 + "
        "excluded.n5, x_total = yw_service_review_rollup.x_total + excluded.x_total, x_closed = "
        "yw_service_review_rollup.x_closed + excluded.x_closed, x_open = "
        "yw_service_review_rollup.x_open + excluded.x_open, x_satisfied = "
        "yw_service_review_rollup.x_satisfied + excluded.x_satisfied, x_basically = "
        "yw_service_review_rollup.x_basically + excluded.x_basically, x_dissatisfied = "
        "yw_service_review_rollup.x_dissatisfied + excluded.x_dissatisfied",
        &st, err);
    if (rc < 0)
        return rc;
    const int64_t values[] = {
        d->n,           d->level_sum,   d->levels[0],     d->levels[1], d->levels[2],
        d->levels[3],   d->levels[4],   d->x_total,       d->x_closed,  d->x_open,
        d->x_satisfied, d->x_basically, d->x_dissatisfied};
    for (int k = 0; k < 3 && rc == YW_OK; k++) {
        for (int g = 0; g < 2 && rc == YW_OK; g++) {
            yw_stmt_reset(st);
            bind_c(st, 1, dims[k]);
            bind_c(st, 2, g ? "month" : "day");
            yw_stmt_bind_int64(st, 3, g ? month_of(p->day) : p->day);
            bind_c(st, 4, p->org);
            bind_c(st, 5, keys[k]);
            for (int v = 0; v < 13; v++)
                yw_stmt_bind_int64(st, 6 + v, values[v]);
            rc = yw_stmt_step(st, err);
            rc = rc < 0 ? rc : YW_OK;
        }
    }
    yw_stmt_finalize(&st);
    return rc;
}

static int insert_rstep(struct yw_txn *txn, const char *id, const char *step, const char *from,
                        const char *to, const char *actor, const char *note, const char *now,
                        struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn,
                            "INSERT INTO yw_service_rectification_steps (rectification_id, seq, "
                            "step, from_state, to_state, actor, note, at) SELECT ?, "
                            "COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM "
                            "yw_service_rectification_steps WHERE rectification_id = ?",
                            &st, err);
    if (rc < 0)
        return rc;
    bind_c(st, 1, id);
    bind_c(st, 2, step);
    bind_c(st, 3, from);
    bind_c(st, 4, to);
    bind_c(st, 5, actor);
    bind_c(st, 6, note && note[0] ? note : NULL);
    bind_c(st, 7, now);
    bind_c(st, 8, id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* ---- rating a case ------------------------------------------------------------- */

/* The indicators of a channel: each a slug or label of the channel's set,
 * rated 1–5; overall defaults to the level. */
static int check_indicators(const json_t *in, bool online, int stars, json_t **out,
                            struct yw_err *err)
{
    const struct yw_domain *set = online ? online_indicators : offline_indicators;
    const char *key;
    json_t *v;
    *out = json_object();
    if (in != NULL && !json_is_object(in))
        return yw_err_set(err, YW_EINVAL, "indicators",
                          "indicators 须为对象 / indicators must be an object");
    json_object_foreach((json_t *)in, key, v)
    {
        int i = yw_domain_find(set, yw_str_c(key));
        char field[128];
        (void)yw_fmt(field, sizeof(field), "indicators.%s", key);
        if (i < 0)
            return yw_err_set(err, YW_EINVAL, field,
                              "%s渠道没有指标 %s / %s is not an indicator of %s reviews",
                              online ? "线上" : "线下", key, key, online ? "online" : "offline");
        if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5)
            return yw_err_set(err, YW_EINVAL, field, "%s 须为 1 至 5 的整数 / %s is 1 to 5", key,
                              key);
        if (json_object_get(*out, set[i].slug))
            return yw_err_set(err, YW_EINVAL, field, "指标重复 / %s given twice", set[i].slug);
        json_object_set_new(*out, set[i].slug, json_integer(json_integer_value(v)));
    }
    if (json_object_get(*out, "overall") == NULL)
        json_object_set_new(*out, "overall", json_integer(stars));
    return YW_OK;
}

/* The level from a slug, a label or 1–5 stars. */
static int pick_level(const json_t *v, const char **slug, struct yw_err *err)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 1 || n > 5)
            return yw_err_set(err, YW_EINVAL, "level", "level 为 1 至 5 / level is 1 to 5");
        *slug = levels[5 - n].slug;
        return YW_OK;
    }
    return yw_domain_pick(levels, v, "level", slug, err);
}

int yw_services_review_create(const struct yw_services *s, const struct yw_principal *who,
                              const json_t *body, const char *actor, json_t **out,
                              struct yw_err *err)
{
    static const char *const members[] = {"case",    "stage",   "level", "indicators",
                                          "comment", "channel", NULL};
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct yw_buf ind_bytes;
    struct caller me;
    struct rcase c;
    json_t *indicators = NULL;
    const char *stage = NULL, *level = NULL, *channel = NULL;
    char id[40], rect_id[40] = "", staff[96], now[32], due_text[11] = "";
    char digest[2 * YW_HASH_SIZE + 1];
    int64_t day = yw__today(), due = -1;
    int rc;

    *out = NULL;
    yw_buf_init(&ind_bytes, 4096);
    /* Staff never rate: only applicants, or a rating device for one present. */
    if (who == NULL ||
        (who->kind == YW_PRINCIPAL_ACCOUNT &&
         !(who->roles & (YW_ROLE_CITIZEN | YW_ROLE_ENTERPRISE_OPERATOR))) ||
        (who->kind == YW_PRINCIPAL_SYSTEM && !(who->roles & YW_ROLE_WINDOW_CLERK))) {
        rc = yw_err_set(err, YW_EPERM, NULL,
                        "只有申请人可以评价，工作人员不能评价 / only the applicant rates a case; "
                        "staff never do");
        goto out;
    }
    if ((rc = caller_of(s, who, actor, &me, err)) < 0 ||
        (rc = yw_json_only_members(body, members, "", err)) < 0)
        goto out;
    json_t *case_id = json_object_get(body, "case");
    const char *comment = json_string_value(json_object_get(body, "comment"));
    if (!json_is_string(case_id)) {
        rc = yw_err_set(err, YW_EINVAL, "case", "须指明办件 / case is required");
        goto out;
    }
    if ((rc = yw_domain_pick(stages, json_object_get(body, "stage"), "stage", &stage, err)) < 0 ||
        (rc = pick_level(json_object_get(body, "level"), &level, err)) < 0 ||
        (json_object_get(body, "channel") &&
         (rc = yw_domain_pick(review_channels, json_object_get(body, "channel"), "channel",
                              &channel, err)) < 0))
        goto out;
    if (json_object_get(body, "comment") && !json_is_string(json_object_get(body, "comment"))) {
        rc = yw_err_set(err, YW_EINVAL, "comment", "comment 须为文字 / comment must be text");
        goto out;
    }
    if ((rc = yw_check_text(comment ? comment : "", COMMENT_MAX, false, "comment", err)) < 0)
        goto out;
    int stars = level_stars(level);
    bool bad = stars <= 2;

    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_case(txn,
                        (struct yw_str){json_string_value(case_id), json_string_length(case_id)},
                        &c, err)) < 0)
        goto out;
    bool device = is_device(&me, &c);
    if (!is_applicant(&me, &c) && !device) {
        rc = yw_err_set(err, YW_ENOTFOUND, "case", "没有办件 / no such case");
        goto out;
    }
    /* The channel of the review: online or mobile for the applicant signed
     * in, window (评价器) or kiosk for a device of the hall. */
    if (channel == NULL)
        channel = device ? "window" : "online";
    bool online = strcmp(channel, "online") == 0 || strcmp(channel, "mobile") == 0;
    if (online == device) {
        rc = yw_err_set(err, YW_EINVAL, "channel",
                        device ? "评价器的渠道为 window 或 kiosk / a rating device rates by window "
                                 "or kiosk"
                               : "本人评价的渠道为 online 或 mobile / one's own rating comes "
                                 "online or by mobile");
        goto out;
    }
    if ((rc = check_indicators(json_object_get(body, "indicators"), online, stars, &indicators,
                               err)) < 0 ||
        (rc = stage_staff(txn, &c, stage, staff, err)) < 0)
        goto out;
    if (staff[0] == '\0') {
        rc = yw_err_set(
            err, YW_ECONFLICT, "stage",
            strcmp(stage, "accept") == 0
                ? "办件尚未受理或不予受理，还不能评价受理 / the case is not yet accepted "
                  "or refused: its acceptance cannot be rated yet"
                : "办件尚未办结，还不能评价办结 / the case is not yet completed: its "
                  "completion cannot be rated yet");
        goto out;
    }
    if ((rc = yw_txn_prepare(txn,
                             "SELECT id FROM yw_service_reviews WHERE case_id = ? AND stage = ?",
                             &st, err)) < 0)
        goto out;
    bind_c(st, 1, c.id);
    bind_c(st, 2, stage);
    if ((rc = yw_stmt_step(st, err)) != 0) {
        if (rc == 1)
            rc = yw_err_set(err, YW_ECONFLICT, "stage",
                            "该环节已评价，每个环节只能评价一次 / this stage is already rated: "
                            "once per stage");
        goto out;
    }
    yw_stmt_finalize(&st);
    if ((rc = new_id("rev", id, sizeof(id), err)) < 0 ||
        (rc = yw_ledger_canonical(indicators, &ind_bytes)) < 0)
        goto out;
    yw_time_rfc3339(yw_now_ms(), now);
    if ((rc =
             yw_txn_prepare(txn,
                            "INSERT INTO yw_service_reviews (id, case_id, stage, item, org, staff, "
                            "channel, level, bad, indicators, comment, day, created_by, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &st, err)) < 0)
        goto out;
    bind_c(st, 1, id);
    bind_c(st, 2, c.id);
    bind_c(st, 3, stage);
    bind_c(st, 4, c.item);
    bind_c(st, 5, c.org);
    bind_c(st, 6, staff);
    bind_c(st, 7, channel);
    yw_stmt_bind_int64(st, 8, stars);
    yw_stmt_bind_int64(st, 9, bad);
    yw_stmt_bind_text(st, 10, ind_bytes.data, ind_bytes.len);
    bind_c(st, 11, comment && comment[0] ? comment : NULL);
    yw_stmt_bind_int64(st, 12, day);
    bind_c(st, 13, actor);
    bind_c(st, 14, now);
    struct parties parties = {day, c.item, c.org, staff, channel};
    struct delta delta = {.n = 1, .level_sum = stars, .x_total = bad, .x_open = bad};
    delta.levels[stars - 1] = 1;
    if ((rc = yw_stmt_step(st, err)) < 0 || (rc = rollup(txn, &parties, &delta, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    if (bad) {
        /* 差评: a rectification of the handling organisation, due in working days. */
        due = yw_calendar_add_working_days(s->calendar, day,
                                           s->rectify_days > 0 ? s->rectify_days : 15);
        yw_day_text(due, due_text);
        if ((rc = new_id("rect", rect_id, sizeof(rect_id), err)) < 0 ||
            (rc = yw_txn_prepare(txn,
                                 "INSERT INTO yw_service_rectifications (id, review_id, case_id, "
                                 "item, org, staff, channel, state, day, due_day, doc, "
                                 "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, "
                                 "?, '{}', ?, ?)",
                                 &st, err)) < 0)
            goto out;
        const char *values[] = {rect_id, id, c.id, c.item, c.org, staff, channel};
        for (int k = 0; k < 7; k++)
            bind_c(st, k + 1, values[k]);
        yw_stmt_bind_int64(st, 8, day);
        yw_stmt_bind_int64(st, 9, due);
        bind_c(st, 10, now);
        bind_c(st, 11, now);
        if ((rc = yw_stmt_step(st, err)) < 0 ||
            (rc = insert_rstep(txn, rect_id, "open", NULL, "open", ledger_actor(&me), NULL, now,
                               err)) < 0)
            goto out;
        yw_stmt_finalize(&st);
    }
    if ((rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    digest_of(s, comment, digest);
    uint64_t index;
    json_t *fields = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:O}", "actor",
                               ledger_actor(&me), "review", id, "case", c.id, "stage", stage,
                               "item", c.item, "org", c.org, "staff", staff, "channel", channel,
                               "level", stars, "bad", bad, "indicators", indicators);
    if (fields && digest[0])
        json_object_set_new(fields, "comment_digest", json_string(digest));
    if ((rc = yw_ledger_event(s->catalog.ledger, "services.review.create", fields, &index, err)) <
        0)
        goto out;
    if (bad &&
        (rc = yw_ledger_event(s->catalog.ledger, "services.rectification.open",
                              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "actor",
                                        ledger_actor(&me), "rectification", rect_id, "review", id,
                                        "case", c.id, "org", c.org, "to", "open", "due", due_text),
                              &index, err)) < 0)
        goto out;
    rc = yw_services_review_get(s, who, yw_str_c(id), out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    yw_buf_free(&ind_bytes);
    json_decref(indicators);
    return rc;
}

/* ---- reading reviews ------------------------------------------------------------ */

static const char review_columns[] =
    "r.id, r.case_id, r.stage, r.item, r.org, r.staff, r.channel, r.level, r.bad, r.indicators, "
    "r.comment, r.void, r.created_at, COALESCE(x.id, ''), COALESCE(x.state, ''), "
    "COALESCE(x.due_day, -1), COALESCE(x.satisfaction, '')";
static const char review_from[] =
    " FROM yw_service_reviews r LEFT JOIN yw_service_rectifications x ON x.review_id = r.id";

static bool running(const char *state)
{
    return strcmp(state, "open") == 0 || strcmp(state, "called_back") == 0 ||
           strcmp(state, "verified") == 0;
}

static json_t *review_json(struct yw_stmt *st)
{
    struct yw_str v[17];
    for (int i = 0; i < 17; i++)
        v[i] = yw_stmt_column_text(st, i);
    int stars = (int)yw_stmt_column_int64(st, 7);
    if (stars < 1 || stars > 5)
        return NULL;
    json_t *indicators = json_loadb(v[9].p, v[9].n, 0, NULL);
    json_t *r =
        json_pack("{s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s%, s:s, s:s, s:i, s:b, s:o*, "
                  "s:b, s:s%}",
                  "id", v[0].p, v[0].n, "case", v[1].p, v[1].n, "stage", v[2].p, v[2].n, "item",
                  v[3].p, v[3].n, "org", v[4].p, v[4].n, "staff", v[5].p, v[5].n, "channel", v[6].p,
                  v[6].n, "level", levels[5 - stars].slug, "level_label", levels[5 - stars].zh,
                  "stars", stars, "bad", yw_stmt_column_int64(st, 8) != 0, "indicators", indicators,
                  "void", yw_stmt_column_int64(st, 11) != 0, "created_at", v[12].p, v[12].n);
    if (r && !yw_stmt_column_is_null(st, 10))
        json_object_set_new(r, "comment", json_stringn(v[10].p, v[10].n));
    if (r && v[13].n) {
        char state[24], due[11];
        (void)yw_fmt(state, sizeof(state), "%.*s", (int)v[14].n, v[14].p);
        int64_t due_day = yw_stmt_column_int64(st, 15);
        yw_day_text(due_day, due);
        json_t *x = json_pack("{s:s%, s:s, s:s, s:b}", "id", v[13].p, v[13].n, "state", state,
                              "due", due, "overdue", running(state) && due_day < yw__today());
        if (x && v[16].n)
            json_object_set_new(x, "satisfaction", json_stringn(v[16].p, v[16].n));
        json_object_set_new(r, "rectification", x);
    }
    return r;
}

int yw_services_review_get(const struct yw_services *s, const struct yw_principal *who,
                           struct yw_str id, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct caller me;
    struct rcase c;
    char sql[1024], case_id[YW__CASE_ID_SIZE];
    int rc;

    *out = NULL;
    if ((rc = caller_of(s, who, "", &me, err)) < 0 ||
        (rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    (void)yw_fmt(sql, sizeof(sql), "SELECT %s%s WHERE r.id = ?", review_columns, review_from);
    if ((rc = yw_txn_prepare(txn, sql, &st, err)) < 0)
        goto out;
    yw_stmt_bind_text(st, 1, id.p, id.n);
    if ((rc = yw_stmt_step(st, err)) == 0)
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有该评价 / no such review");
    if (rc < 0)
        goto out;
    yw__text_col(st, 1, case_id, sizeof(case_id));
    json_t *view = review_json(st);
    yw_stmt_finalize(&st);
    if (view == NULL) {
        rc = yw_err_set(err, YW_EINTERNAL, NULL, "stored review unreadable");
        goto out;
    }
    if ((rc = load_case(txn, yw_str_c(case_id), &c, err)) < 0 || !may_see(&me, &c)) {
        json_decref(view);
        rc = rc < 0 ? rc : yw_err_set(err, YW_ENOTFOUND, "id", "没有该评价 / no such review");
        goto out;
    }
    *out = view;
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

/* The WHERE clause limiting a list to what me may see (reviews r or
 * rectifications x joined to nothing else): params get the values. */
static int visible_only(const struct caller *me, const char *alias, struct yw_buf *sql,
                        const char **params, int *n)
{
    const struct yw_principal *who = me->who;
    if (who == NULL || me->overseer)
        return YW_OK;
    if (who->kind == YW_PRINCIPAL_ACCOUNT && (who->roles & YW_ROLE_CITIZEN)) {
        params[(*n)++] = who->login;
        return yw_buf_printf(sql,
                             " AND %s.case_id IN (SELECT id FROM yw_service_cases WHERE "
                             "applicant_kind = 'citizen' AND applicant_id = ?)",
                             alias);
    }
    if (who->kind == YW_PRINCIPAL_ACCOUNT && (who->roles & YW_ROLE_ENTERPRISE_OPERATOR)) {
        params[(*n)++] = me->uscc;
        return yw_buf_printf(sql,
                             " AND %s.case_id IN (SELECT id FROM yw_service_cases WHERE "
                             "applicant_kind = 'enterprise' AND applicant_id = ?)",
                             alias);
    }
    if (who->roles & YW_ROLES_STAFF) {
        params[(*n)++] = who->org;
        return yw_buf_printf(sql, " AND %s.org = ?", alias);
    }
    return yw_buf_append_c(sql, " AND 1 = 0");
}

int yw_services_review_list(const struct yw_services *s, const struct yw_principal *who,
                            const struct yw_services_review_query *in, json_t **out,
                            struct yw_err *err)
{
    struct yw_buf sql;
    struct caller me;
    const char *params[8];
    char case_id[YW__CASE_ID_SIZE] = "", org[65] = "";
    int n = 0, rc;
    int64_t limit = in->limit;

    *out = NULL;
    yw_buf_init(&sql, 8192);
    if ((rc = yw__check_page(&limit, in->offset, err)) < 0 ||
        (rc = caller_of(s, who, "", &me, err)) < 0 ||
        (rc = yw_buf_printf(&sql, "SELECT %s%s WHERE 1 = 1", review_columns, review_from)) < 0 ||
        (rc = visible_only(&me, "r", &sql, params, &n)) < 0)
        goto out;
    if (in->case_id.n) {
        (void)yw_fmt(case_id, sizeof(case_id), "%.*s", (int)in->case_id.n, in->case_id.p);
        params[n++] = case_id;
        rc = yw_buf_append_c(&sql, " AND r.case_id = ?");
    }
    if (rc == YW_OK && in->org.n) {
        (void)yw_fmt(org, sizeof(org), "%.*s", (int)in->org.n, in->org.p);
        params[n++] = org;
        rc = yw_buf_append_c(&sql, " AND r.org = ?");
    }
    if (rc == YW_OK && yw_str_eq_c(in->level, "bad"))
        rc = yw_buf_append_c(&sql, " AND r.bad = 1");
    else if (rc == YW_OK && in->level.n)
        rc = yw_err_set(err, YW_EINVAL, "level", "level 只能为 bad / level is bad or absent");
    if (rc == YW_OK &&
        (rc = yw_buf_append_c(&sql, " ORDER BY r.created_at DESC, r.id LIMIT ? OFFSET ?")) == YW_OK)
        rc = yw__list_rows(s, sql.data, params, n, limit, in->offset, review_json, "reviews", out,
                           err);
out:
    yw_buf_free(&sql);
    return rc;
}

/* ---- rectifications ---------------------------------------------------------- */

struct rect {
    char id[40];
    char review_id[40];
    char case_id[YW__CASE_ID_SIZE];
    char item[16];
    char org[65];
    char staff[96];
    char channel[12];
    char state[24];
    char resume_state[24];
    int64_t day, due_day, done_day;
    char satisfaction[24];
    char created_at[32];
    char updated_at[32];
};

static const char rect_columns[] =
    "x.id, x.review_id, x.case_id, x.item, x.org, x.staff, x.channel, x.state, "
    "COALESCE(x.resume_state, ''), x.day, x.due_day, COALESCE(x.done_day, -1), "
    "COALESCE(x.satisfaction, ''), x.created_at, x.updated_at";

static void read_rect(struct yw_stmt *st, struct rect *x)
{
    yw__text_col(st, 0, x->id, sizeof(x->id));
    yw__text_col(st, 1, x->review_id, sizeof(x->review_id));
    yw__text_col(st, 2, x->case_id, sizeof(x->case_id));
    yw__text_col(st, 3, x->item, sizeof(x->item));
    yw__text_col(st, 4, x->org, sizeof(x->org));
    yw__text_col(st, 5, x->staff, sizeof(x->staff));
    yw__text_col(st, 6, x->channel, sizeof(x->channel));
    yw__text_col(st, 7, x->state, sizeof(x->state));
    yw__text_col(st, 8, x->resume_state, sizeof(x->resume_state));
    x->day = yw_stmt_column_int64(st, 9);
    x->due_day = yw_stmt_column_int64(st, 10);
    x->done_day = yw_stmt_column_int64(st, 11);
    yw__text_col(st, 12, x->satisfaction, sizeof(x->satisfaction));
    yw__text_col(st, 13, x->created_at, sizeof(x->created_at));
    yw__text_col(st, 14, x->updated_at, sizeof(x->updated_at));
}

static int load_rect(struct yw_txn *txn, struct yw_str id, struct rect *x, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    char sql[768];
    (void)yw_fmt(sql, sizeof(sql), "SELECT %s FROM yw_service_rectifications x WHERE x.id = ?",
                 rect_columns);
    int rc = yw_txn_prepare(txn, sql, &st, err);
    if (rc < 0)
        return rc;
    yw_stmt_bind_text(st, 1, id.p, id.n);
    if ((rc = yw_stmt_step(st, err)) == 1) {
        read_rect(st, x);
        rc = YW_OK;
    } else if (rc == 0) {
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有该整改 / no such rectification");
    }
    yw_stmt_finalize(&st);
    return rc;
}

static json_t *rect_summary(const struct rect *x)
{
    char due[11], done[11];
    yw_day_text(x->due_day, due);
    yw_day_text(x->done_day, done);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:b, s:s?, s:s, s:s}",
                     "id", x->id, "review", x->review_id, "case", x->case_id, "item", x->item,
                     "org", x->org, "staff", x->staff, "channel", x->channel, "state", x->state,
                     "due", due, "done", done[0] ? done : NULL, "overdue",
                     running(x->state) && x->due_day < yw__today(), "satisfaction",
                     x->satisfaction[0] ? x->satisfaction : NULL, "created_at", x->created_at,
                     "updated_at", x->updated_at);
}

enum rside { HANDLER, AUTHORITY, APPLICANT };

static const struct rstep {
    const char *name;
    const char *from[3];
    const char *to; /* NULL: back where it was (an appeal dismissed) */
    enum rside side;
    const char *text; /* the member holding the step's required text */
    const char *zh;
} rsteps[] = {
    {"callback", {"open"}, "called_back", HANDLER, "record", "回访"},
    {"verify", {"called_back"}, "verified", HANDLER, "finding", "核实"},
    {"rectify", {"verified"}, "rectified", HANDLER, "action", "整改"},
    {"explain", {"verified"}, "explained", HANDLER, "explanation", "解释说明"},
    {"appeal", {"open", "called_back", "verified"}, "appealed", HANDLER, "reason", "申诉"},
    {"uphold", {"appealed"}, "void", AUTHORITY, "reason", "申诉成立"},
    {"dismiss", {"appealed"}, NULL, AUTHORITY, "reason", "驳回申诉"},
    {"rate", {"rectified", "explained"}, "rated", APPLICANT, NULL, "评价整改"},
};

static const struct rstep *find_rstep(struct yw_str name)
{
    for (size_t i = 0; i < sizeof(rsteps) / sizeof(rsteps[0]); i++)
        if (yw_str_eq_c(name, rsteps[i].name))
            return &rsteps[i];
    return NULL;
}

static int may_rstep(const struct caller *me, const struct rstep *step, const struct rect *x,
                     const struct rcase *c, struct yw_err *err)
{
    const struct yw_principal *who = me->who;
    if (step->side == APPLICANT)
        return is_applicant(me, c) || is_device(me, c)
                   ? YW_OK
                   : yw_err_set(err, YW_EPERM, NULL,
                                "只有申请人可以评价整改 / only the applicant rates the "
                                "rectification");
    if (who == NULL)
        return YW_OK;
    if (step->side == AUTHORITY) {
        int rc = yw_policy_decide(who, "review.arbitrate", NULL, err);
        if (rc == YW_OK && strcmp(who->org, x->org) == 0)
            rc = yw_err_set(err, YW_EPERM, NULL,
                            "不能复核本机构的申诉 / an organisation's own appeal is reviewed by "
                            "another");
        return rc;
    }
    if (strcmp(who->org, x->org) != 0)
        return yw_err_set(err, YW_EPERM, NULL,
                          "只有办理机构可以%s / only the handling organisation may %s", step->zh,
                          step->name);
    struct yw_policy_object object = {"rectification", x->id, x->org};
    return yw_policy_decide(who, "review.handle", &object, err);
}

/* The step's body: its text (required), and the members it takes. */
static int rstep_body(const struct rstep *step, const json_t *body, const char **note,
                      const char **extra, struct yw_err *err)
{
    static const struct yw_domain methods[] = {{"phone", "电话"},  {"sms", "短信"},
                                               {"visit", "上门"},  {"online", "网上"},
                                               {"letter", "信函"}, {NULL, NULL}};
    static const struct yw_domain grounds[] = {
        {"malicious", "恶意差评"}, {"mistaken", "误评"}, {NULL, NULL}};
    const char *members[4] = {step->text ? step->text : "comment", NULL, NULL, NULL};
    int rc;
    *note = NULL;
    *extra = NULL;
    if (strcmp(step->name, "callback") == 0)
        members[1] = "method";
    else if (strcmp(step->name, "appeal") == 0)
        members[1] = "ground";
    else if (strcmp(step->name, "rate") == 0)
        members[1] = "satisfaction";
    if (body != NULL && (rc = yw_json_only_members(body, members, "", err)) < 0)
        return rc;
    json_t *text = json_object_get(body, members[0]);
    if (text != NULL && !json_is_string(text))
        return yw_err_set(err, YW_EINVAL, members[0], "%s 须为文字 / %s must be text", members[0],
                          members[0]);
    *note = json_string_value(text);
    if ((rc = yw_check_text(*note ? *note : "", step->text ? NOTE_MAX : COMMENT_MAX,
                            step->text != NULL, members[0], err)) < 0)
        return rc;
    if (strcmp(step->name, "callback") == 0 && json_object_get(body, "method"))
        return yw_domain_pick(methods, json_object_get(body, "method"), "method", extra, err);
    if (strcmp(step->name, "appeal") == 0)
        return yw_domain_pick(grounds, json_object_get(body, "ground"), "ground", extra, err);
    if (strcmp(step->name, "rate") == 0)
        return yw_domain_pick(satisfactions, json_object_get(body, "satisfaction"), "satisfaction",
                              extra, err);
    return YW_OK;
}

/* An appeal upheld: the review and its rectification leave the statistics. */
static int void_review(struct yw_txn *txn, const struct rect *x, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    int rc = yw_txn_prepare(txn, "SELECT level FROM yw_service_reviews WHERE id = ? AND void = 0",
                            &st, err);
    if (rc < 0)
        return rc;
    bind_c(st, 1, x->review_id);
    if ((rc = yw_stmt_step(st, err)) != 1) {
        yw_stmt_finalize(&st);
        return rc < 0 ? rc : YW_OK;
    }
    int stars = (int)yw_stmt_column_int64(st, 0);
    yw_stmt_finalize(&st);
    if (stars < 1 || stars > 5)
        return yw_err_set(err, YW_EINTERNAL, NULL, "stored review unreadable");
    struct parties p = {x->day, x->item, x->org, x->staff, x->channel};
    struct delta d = {.n = -1, .level_sum = -stars, .x_total = -1, .x_open = -1};
    d.levels[stars - 1] = -1;
    if ((rc = rollup(txn, &p, &d, err)) < 0 ||
        (rc = yw_txn_prepare(txn, "UPDATE yw_service_reviews SET void = 1 WHERE id = ?", &st,
                             err)) < 0)
        return rc;
    bind_c(st, 1, x->review_id);
    rc = yw_stmt_step(st, err);
    yw_stmt_finalize(&st);
    return rc < 0 ? rc : YW_OK;
}

/* A step's change to the rollup: done (rectified, explained) moves the
 * rectification from open to closed; the applicant's rating is counted. */
static int rollup_step(struct yw_txn *txn, const struct rect *x, const char *to,
                       const char *satisfaction, struct yw_err *err)
{
    struct parties p = {x->day, x->item, x->org, x->staff, x->channel};
    struct delta d = {0};
    if (strcmp(to, "rectified") == 0 || strcmp(to, "explained") == 0) {
        d.x_open = -1;
        d.x_closed = 1;
    } else if (strcmp(to, "rated") == 0 && satisfaction) {
        d.x_satisfied = strcmp(satisfaction, "satisfied") == 0;
        d.x_basically = strcmp(satisfaction, "basically_satisfied") == 0;
        d.x_dissatisfied = strcmp(satisfaction, "dissatisfied") == 0;
    } else {
        return YW_OK;
    }
    return rollup(txn, &p, &d, err);
}

int yw_services_rectification_step(const struct yw_services *s, const struct yw_principal *who,
                                   struct yw_str id, struct yw_str name, const json_t *body,
                                   const char *actor, json_t **out, struct yw_err *err)
{
    const struct rstep *step = find_rstep(name);
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct caller me;
    struct rect x;
    struct rcase c;
    const char *note = NULL, *extra = NULL;
    char now[32], from[24], to[24], digest[2 * YW_HASH_SIZE + 1];
    int64_t day = yw__today();
    int rc;

    *out = NULL;
    if (step == NULL)
        return yw_err_set(err, YW_ENOTFOUND, NULL,
                          "没有这个步骤 / no such step: callback verify rectify explain appeal "
                          "uphold dismiss rate");
    if ((rc = caller_of(s, who, actor, &me, err)) < 0 ||
        (rc = yw_store_begin(s->catalog.store, YW_TXN_WRITE, &txn, err)) < 0 ||
        (rc = load_rect(txn, id, &x, err)) < 0 ||
        (rc = load_case(txn, yw_str_c(x.case_id), &c, err)) < 0)
        goto out;
    /* The data authority sees appeals; others what they may see of the case. */
    if (!may_see(&me, &c) &&
        !(step->side == AUTHORITY && yw_policy_decide(who, "review.arbitrate", NULL, NULL) == 0)) {
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有该整改 / no such rectification");
        goto out;
    }
    if ((rc = may_rstep(&me, step, &x, &c, err)) < 0)
        goto out;
    bool from_ok = false;
    for (int i = 0; i < 3 && step->from[i]; i++)
        from_ok = from_ok || strcmp(step->from[i], x.state) == 0;
    if (!from_ok) {
        rc = yw_err_set(err, YW_ECONFLICT, "state", "整改处于 %s，不能%s / it is %s: it cannot %s",
                        x.state, step->zh, x.state, step->name);
        goto out;
    }
    if ((rc = rstep_body(step, body, &note, &extra, err)) < 0)
        goto out;
    (void)yw_copy(from, sizeof(from), x.state);
    (void)yw_copy(to, sizeof(to), step->to ? step->to : x.resume_state);
    yw_time_rfc3339(yw_now_ms(), now);
    bool done =
        strcmp(to, "rectified") == 0 || strcmp(to, "explained") == 0 || strcmp(to, "void") == 0;
    if ((rc = yw_txn_prepare(txn,
                             "UPDATE yw_service_rectifications SET state = ?, resume_state = ?, "
                             "done_day = COALESCE(?, done_day), satisfaction = COALESCE(?, "
                             "satisfaction), updated_at = ? WHERE id = ?",
                             &st, err)) < 0)
        goto out;
    bind_c(st, 1, to);
    bind_c(st, 2, strcmp(step->name, "appeal") == 0 ? from : NULL);
    if (done)
        yw_stmt_bind_int64(st, 3, day);
    else
        yw_stmt_bind_null(st, 3);
    bind_c(st, 4, strcmp(step->name, "rate") == 0 ? extra : NULL);
    bind_c(st, 5, now);
    bind_c(st, 6, x.id);
    if ((rc = yw_stmt_step(st, err)) < 0)
        goto out;
    yw_stmt_finalize(&st);
    char full_note[NOTE_MAX * 4 + 64];
    (void)yw_fmt(full_note, sizeof(full_note), "%s%s%s", extra ? extra : "",
                 extra && note && note[0] ? ": " : "", note ? note : "");
    if ((rc = insert_rstep(txn, x.id, step->name, from, to, ledger_actor(&me), full_note, now,
                           err)) < 0 ||
        (strcmp(step->name, "uphold") == 0 && (rc = void_review(txn, &x, err)) < 0) ||
        (strcmp(step->name, "uphold") != 0 && (rc = rollup_step(txn, &x, to, extra, err)) < 0) ||
        (rc = yw_store_commit(&txn, err)) < 0)
        goto out;
    digest_of(s, note, digest);
    uint64_t index;
    char type[48];
    (void)yw_fmt(type, sizeof(type), "services.rectification.%s", step->name);
    json_t *fields = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "actor", ledger_actor(&me),
                               "rectification", x.id, "review", x.review_id, "case", x.case_id,
                               "org", x.org, "from", from, "to", to);
    if (fields && extra)
        json_object_set_new(fields,
                            strcmp(step->name, "rate") == 0     ? "satisfaction"
                            : strcmp(step->name, "appeal") == 0 ? "ground"
                                                                : "method",
                            json_string(extra));
    if (fields && digest[0])
        json_object_set_new(fields, "note_digest", json_string(digest));
    if ((rc = yw_ledger_event(s->catalog.ledger, type, fields, &index, err)) < 0)
        goto out;
    rc = yw_services_rectification_get(s, who, id, out, err);
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    return rc;
}

int yw_services_rectification_get(const struct yw_services *s, const struct yw_principal *who,
                                  struct yw_str id, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct caller me;
    struct rect x;
    struct rcase c;
    json_t *view = NULL;
    int rc;

    *out = NULL;
    if ((rc = caller_of(s, who, "", &me, err)) < 0 ||
        (rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0 ||
        (rc = load_rect(txn, id, &x, err)) < 0 ||
        (rc = load_case(txn, yw_str_c(x.case_id), &c, err)) < 0)
        goto out;
    if (!may_see(&me, &c) && !(strcmp(x.state, "appealed") == 0 &&
                               yw_policy_decide(who, "review.arbitrate", NULL, NULL) == 0)) {
        rc = yw_err_set(err, YW_ENOTFOUND, "id", "没有该整改 / no such rectification");
        goto out;
    }
    json_t *history = json_array();
    view = rect_summary(&x);
    json_object_set_new(view, "steps", history);
    if ((rc = yw_txn_prepare(txn,
                             "SELECT seq, step, from_state, to_state, actor, note, at FROM "
                             "yw_service_rectification_steps WHERE rectification_id = ? ORDER "
                             "BY seq",
                             &st, err)) < 0)
        goto out;
    bind_c(st, 1, x.id);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str step = yw_stmt_column_text(st, 1), from = yw_stmt_column_text(st, 2),
                      to = yw_stmt_column_text(st, 3), a = yw_stmt_column_text(st, 4),
                      note = yw_stmt_column_text(st, 5), at = yw_stmt_column_text(st, 6);
        json_t *h = json_pack("{s:I, s:s%, s:s%, s:s%, s:s%, s:s%}", "seq",
                              (json_int_t)yw_stmt_column_int64(st, 0), "step", step.p, step.n,
                              "from", from.p ? from.p : "", from.n, "to", to.p, to.n, "actor", a.p,
                              a.n, "at", at.p, at.n);
        if (h && note.n)
            json_object_set_new(h, "note", json_stringn(note.p, note.n));
        json_array_append_new(history, h);
    }
    if (rc < 0)
        goto out;
    *out = json_incref(view);
    rc = YW_OK;
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(view);
    return rc;
}

/* A listed rectification, for yw__list_rows. */
static json_t *rect_row(struct yw_stmt *st)
{
    struct rect x;
    read_rect(st, &x);
    return rect_summary(&x);
}

int yw_services_rectification_list(const struct yw_services *s, const struct yw_principal *who,
                                   const struct yw_services_rectification_query *in, json_t **out,
                                   struct yw_err *err)
{
    struct yw_buf sql;
    struct caller me;
    const char *params[8];
    char org[65] = "", state[24] = "";
    int n = 0, rc;
    int64_t limit = in->limit, day = yw__today();

    *out = NULL;
    yw_buf_init(&sql, 8192);
    if ((rc = yw__check_page(&limit, in->offset, err)) < 0 ||
        (rc = caller_of(s, who, "", &me, err)) < 0 ||
        (rc = yw_buf_printf(&sql, "SELECT %s FROM yw_service_rectifications x WHERE 1 = 1",
                            rect_columns)) < 0)
        goto out;
    /* The data authority sees every appeal awaiting it. */
    bool arbiter = who != NULL && yw_policy_decide(who, "review.arbitrate", NULL, NULL) == YW_OK;
    if (arbiter && !me.overseer && yw_str_eq_c(in->state, "appealed"))
        ;
    else if ((rc = visible_only(&me, "x", &sql, params, &n)) < 0)
        goto out;
    if (in->org.n) {
        (void)yw_fmt(org, sizeof(org), "%.*s", (int)in->org.n, in->org.p);
        params[n++] = org;
        rc = yw_buf_append_c(&sql, " AND x.org = ?");
    }
    if (rc == YW_OK && in->state.n) {
        (void)yw_fmt(state, sizeof(state), "%.*s", (int)in->state.n, in->state.p);
        params[n++] = state;
        rc = yw_buf_append_c(&sql, " AND x.state = ?");
    }
    if (rc == YW_OK && yw_str_eq_c(in->due, "overdue"))
        rc = yw_buf_printf(&sql,
                           " AND x.state IN ('open', 'called_back', 'verified') AND x.due_day < "
                           "%lld",
                           (long long)day);
    else if (rc == YW_OK && in->due.n)
        rc = yw_err_set(err, YW_EINVAL, "due", "due 只能为 overdue / due is overdue or absent");
    if (rc == YW_OK &&
        (rc = yw_buf_append_c(&sql, " ORDER BY x.due_day, x.created_at, x.id LIMIT ? OFFSET ?")) ==
            YW_OK)
        rc = yw__list_rows(s, sql.data, params, n, limit, in->offset, rect_row, "rectifications",
                           out, err);
out:
    yw_buf_free(&sql);
    return rc;
}

/* ---- statistics ----------------------------------------------------------------- */

static double round_to(double v, double unit)
{
    return (double)(int64_t)(v / unit + 0.5) * unit; /* v >= 0 */
}

/* The group of key in groups, made on first use. */
static json_t *group_of(json_t *groups, const char *key, size_t n)
{
    char k[128];
    (void)yw_fmt(k, sizeof(k), "%.*s", (int)n, key);
    json_t *g = json_object_get(groups, k);
    if (g == NULL) {
        g = json_pack("{s:s, s:I, s:I, s:[IIIII], s:I, s:{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I}}}",
                      "key", k, "count", (json_int_t)0, "level_sum", (json_int_t)0, "levels",
                      (json_int_t)0, (json_int_t)0, (json_int_t)0, (json_int_t)0, (json_int_t)0,
                      "bad", (json_int_t)0, "rectifications", "total", (json_int_t)0, "closed",
                      (json_int_t)0, "open", (json_int_t)0, "overdue", (json_int_t)0, "rated",
                      "satisfied", (json_int_t)0, "basically_satisfied", (json_int_t)0,
                      "dissatisfied", (json_int_t)0);
        json_object_set_new(groups, k, g);
    }
    return g;
}

static void add_int(json_t *obj, const char *key, json_int_t v)
{
    json_object_set_new(obj, key, json_integer(json_integer_value(json_object_get(obj, key)) + v));
}

/* count, average, share of each level (5 first), for a group or the total. */
static void finish_group(json_t *g, bool public_view)
{
    json_int_t n = json_integer_value(json_object_get(g, "count"));
    json_int_t sum = json_integer_value(json_object_get(g, "level_sum"));
    json_t *counts = json_object_get(g, "levels"), *shares = json_object();
    for (int i = 0; i < 5; i++) {
        json_int_t k = json_integer_value(json_array_get(counts, (size_t)(4 - i)));
        json_object_set_new(shares, levels[i].slug,
                            json_real(n ? round_to((double)k / (double)n, 1e-4) : 0));
    }
    json_t *by_level = json_object();
    for (int i = 0; i < 5; i++)
        json_object_set_new(
            by_level, levels[i].slug,
            json_integer(json_integer_value(json_array_get(counts, (size_t)(4 - i)))));
    json_object_set_new(g, "average", json_real(n ? round_to((double)sum / (double)n, 0.01) : 0));
    json_object_set_new(g, "shares", shares);
    json_object_set_new(g, "levels", by_level);
    json_object_set_new(
        g, "satisfaction_rate",
        json_real(
            n ? round_to(1.0 - (double)json_integer_value(json_object_get(g, "bad")) / (double)n,
                         1e-4)
              : 0));
    json_object_del(g, "level_sum");
    (void)public_view;
}

static const char *by_column(struct yw_str by, bool public_view)
{
    static const char *const columns[] = {"item", "org", "staff", "channel"};
    for (int i = 0; i < (public_view ? 2 : 4); i++)
        if (yw_str_eq_c(by, columns[i]))
            return columns[i];
    return NULL;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "key")),
                  json_string_value(json_object_get(*(json_t *const *)b, "key")));
}

/* The groups in key order (the store's GROUP BY promises none). */
static void sort_by_key(json_t *list)
{
    size_t n = json_array_size(list);
    json_t *items[512];
    if (n > sizeof(items) / sizeof(items[0])) {
        json_t **heap = malloc(n * sizeof(*heap));
        if (heap == NULL)
            return;
        for (size_t i = 0; i < n; i++)
            heap[i] = json_incref(json_array_get(list, i));
        qsort(heap, n, sizeof(*heap), key_cmp);
        for (size_t i = 0; i < n; i++)
            json_array_set_new(list, i, heap[i]);
        free(heap);
        return;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof(items[0]), key_cmp);
    for (size_t i = 0; i < n; i++)
        json_array_set_new(list, i, items[i]);
}

/* The names of items and organisations, for reading. */
static int name_groups(struct yw_txn *txn, const char *by, json_t *list, struct yw_err *err)
{
    struct yw_stmt *st = NULL;
    size_t i;
    json_t *g;
    if (strcmp(by, "item") != 0 && strcmp(by, "org") != 0)
        return YW_OK;
    int rc =
        yw_txn_prepare(txn,
                       strcmp(by, "item") == 0 ? "SELECT name FROM yw_service_items WHERE code = ?"
                                               : "SELECT name FROM yw_orgs WHERE code = ?",
                       &st, err);
    if (rc < 0)
        return rc;
    json_array_foreach(list, i, g)
    {
        yw_stmt_reset(st);
        bind_c(st, 1, json_string_value(json_object_get(g, "key")));
        if ((rc = yw_stmt_step(st, err)) < 0)
            break;
        if (rc == 1) {
            struct yw_str n = yw_stmt_column_text(st, 0);
            json_object_set_new(g, "name", json_stringn(n.p, n.n));
        }
        rc = YW_OK;
    }
    yw_stmt_finalize(&st);
    return rc;
}

int yw_services_stats(const struct yw_services *s, const struct yw_principal *who,
                      const struct yw_services_stats_query *in, json_t **out, struct yw_err *err)
{
    struct yw_txn *txn = NULL;
    struct yw_stmt *st = NULL;
    struct caller me;
    char sql[4096], org[65] = "", from_text[11], to_text[11];
    const char *by = by_column(in->by.n ? in->by : YW_STR_LIT("org"), in->public_view);
    int64_t day = yw__today(), from = 0, to = day;
    json_t *groups = json_object(), *list = json_array(), *total = NULL;
    int rc;

    *out = NULL;
    if (by == NULL) {
        rc = yw_err_set(err, YW_EINVAL, "by",
                        in->public_view ? "by 为 item 或 org / by is item or org"
                                        : "by 为 item、org、staff 或 channel / by is item, org, "
                                          "staff or channel");
        goto out;
    }
    if ((in->from.n && (from = yw_day_parse(in->from)) < 0) ||
        (in->to.n && (to = yw_day_parse(in->to)) < 0) || from > to) {
        rc = yw_err_set(err, YW_EINVAL, in->from.n && from < 0 ? "from" : "to",
                        "from、to 为 YYYY-MM-DD，from 不晚于 to / from and to are YYYY-MM-DD, "
                        "from not after to");
        goto out;
    }
    if ((rc = caller_of(s, who, "", &me, err)) < 0)
        goto out;
    if (in->org.n)
        (void)yw_fmt(org, sizeof(org), "%.*s", (int)in->org.n, in->org.p);
    /* Staff see their own organisation's; overseers and the public any. */
    if (!in->public_view && !me.overseer) {
        if (who == NULL || !(who->roles & YW_ROLES_STAFF)) {
            rc = yw_err_set(err, YW_EPERM, NULL, "无权查看评价统计 / not permitted");
            goto out;
        }
        if (org[0] && strcmp(org, who->org) != 0) {
            rc = yw_err_set(err, YW_EPERM, "org",
                            "只能查看本机构的统计 / staff see their own organisation's statistics");
            goto out;
        }
        (void)yw_copy(org, sizeof(org), who->org);
    }
    if ((rc = yw_store_begin(s->catalog.store, YW_TXN_READ, &txn, err)) < 0)
        goto out;
    /* The reviews and their rectifications, from the rollup: whole months
     * from the month rows, the ragged ends from the day rows. */
    int64_t end = to + 1, m0 = month_of(from), m1 = month_of(end);
    if (m0 < from) {
        int y, m, d;
        yw_day_to_ymd(m0, &y, &m, &d);
        m0 = yw_day_from_ymd(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
    }
    if (m0 >= m1)
        m0 = m1 = end; /* no whole month: days only */
    const char *dim = strcmp(by, "org") == 0 ? "channel" : by;
    const char *col = strcmp(by, "org") == 0 ? "org" : "party";
    const char *org_cond = org[0] ? " AND org = ?" : "";
    static const char part[] =
        "SELECT %s AS g, n, level_sum, n1, n2, n3, n4, n5, x_total, x_closed, x_open, "
        "x_satisfied, x_basically, x_dissatisfied FROM yw_service_review_rollup WHERE dim = ? AND "
        "grain = '%s' AND period >= ? AND period < ?%s";
    char p1[512], p2[512], p3[512];
    (void)yw_fmt(p1, sizeof(p1), part, col, "day", org_cond);
    (void)yw_fmt(p2, sizeof(p2), part, col, "month", org_cond);
    (void)yw_fmt(p3, sizeof(p3), part, col, "day", org_cond);
    (void)yw_fmt(sql, sizeof(sql),
                 "SELECT g, SUM(n), SUM(level_sum), SUM(n1), SUM(n2), SUM(n3), SUM(n4), SUM(n5), "
                 "SUM(x_total), SUM(x_closed), SUM(x_open), SUM(x_satisfied), SUM(x_basically), "
                 "SUM(x_dissatisfied) FROM (%s UNION ALL %s UNION ALL %s) u GROUP BY g",
                 p1, p2, p3);
    if ((rc = yw_txn_prepare(txn, sql, &st, err)) < 0)
        goto out;
    const int64_t ranges[3][2] = {{from, m0}, {m0, m1}, {m1, end}};
    int idx = 1;
    for (int k = 0; k < 3; k++) {
        bind_c(st, idx++, dim);
        yw_stmt_bind_int64(st, idx++, ranges[k][0]);
        yw_stmt_bind_int64(st, idx++, ranges[k][1]);
        if (org[0])
            bind_c(st, idx++, org);
    }
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str key = yw_stmt_column_text(st, 0);
        if (yw_stmt_column_int64(st, 1) == 0 && yw_stmt_column_int64(st, 8) == 0)
            continue; /* every review of the group voided */
        json_t *g = group_of(groups, key.p, key.n), *counts = json_object_get(g, "levels");
        add_int(g, "count", yw_stmt_column_int64(st, 1));
        add_int(g, "level_sum", yw_stmt_column_int64(st, 2));
        for (int k = 0; k < 5; k++)
            json_array_set_new(counts, (size_t)k,
                               json_integer(json_integer_value(json_array_get(counts, (size_t)k)) +
                                            yw_stmt_column_int64(st, 3 + k)));
        add_int(g, "bad", yw_stmt_column_int64(st, 3) + yw_stmt_column_int64(st, 4));
        json_t *x = json_object_get(g, "rectifications"), *rated = json_object_get(x, "rated");
        add_int(x, "total", yw_stmt_column_int64(st, 8));
        add_int(x, "closed", yw_stmt_column_int64(st, 9));
        add_int(x, "open", yw_stmt_column_int64(st, 10));
        add_int(rated, "satisfied", yw_stmt_column_int64(st, 11));
        add_int(rated, "basically_satisfied", yw_stmt_column_int64(st, 12));
        add_int(rated, "dissatisfied", yw_stmt_column_int64(st, 13));
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        goto out;
    /* Overdue depends on today: counted from the rectifications still open
     * past their due date, which the (state, due_day) index finds alone. */
    (void)yw_fmt(sql, sizeof(sql),
                 "SELECT %s, COUNT(*) FROM yw_service_rectifications WHERE state IN ('open', "
                 "'called_back', 'verified') AND due_day < ? AND day BETWEEN ? AND ?%s GROUP BY %s",
                 by, org_cond, by);
    if ((rc = yw_txn_prepare(txn, sql, &st, err)) < 0)
        goto out;
    yw_stmt_bind_int64(st, 1, day);
    yw_stmt_bind_int64(st, 2, from);
    yw_stmt_bind_int64(st, 3, to);
    if (org[0])
        bind_c(st, 4, org);
    while ((rc = yw_stmt_step(st, err)) == 1) {
        struct yw_str key = yw_stmt_column_text(st, 0);
        add_int(json_object_get(group_of(groups, key.p, key.n), "rectifications"), "overdue",
                yw_stmt_column_int64(st, 1));
    }
    yw_stmt_finalize(&st);
    if (rc < 0)
        goto out;
    /* Groups in key order, and their total. */
    json_t *scratch = json_object();
    total = json_incref(group_of(scratch, "", 0));
    json_decref(scratch);
    const char *key;
    json_t *g;
    void *tmp;
    json_object_foreach_safe(groups, tmp, key, g)
    {
        (void)key;
        add_int(total, "count", json_integer_value(json_object_get(g, "count")));
        add_int(total, "level_sum", json_integer_value(json_object_get(g, "level_sum")));
        add_int(total, "bad", json_integer_value(json_object_get(g, "bad")));
        json_t *tc = json_object_get(total, "levels"), *gc = json_object_get(g, "levels");
        for (size_t k = 0; k < 5; k++)
            json_array_set_new(tc, k,
                               json_integer(json_integer_value(json_array_get(tc, k)) +
                                            json_integer_value(json_array_get(gc, k))));
        json_t *tx = json_object_get(total, "rectifications"),
               *gx = json_object_get(g, "rectifications");
        const char *members[] = {"total", "closed", "open", "overdue"};
        for (size_t k = 0; k < 4; k++)
            add_int(tx, members[k], json_integer_value(json_object_get(gx, members[k])));
        const char *rated[] = {"satisfied", "basically_satisfied", "dissatisfied"};
        for (size_t k = 0; k < 3; k++)
            add_int(json_object_get(tx, "rated"), rated[k],
                    json_integer_value(json_object_get(json_object_get(gx, "rated"), rated[k])));
        finish_group(g, in->public_view);
        json_array_append(list, g);
    }
    json_object_del(total, "key");
    finish_group(total, in->public_view);
    sort_by_key(list);
    if ((rc = name_groups(txn, by, list, err)) < 0)
        goto out;
    yw_day_text(from, from_text);
    yw_day_text(to, to_text);
    *out = json_pack("{s:s, s:s, s:s, s:O, s:O}", "by", by, "from", from_text, "to", to_text,
                     "total", total, "groups", list);
    if (*out && org[0] && !in->public_view)
        json_object_set_new(*out, "org", json_string(org));
    rc = *out ? YW_OK : yw_err_set(err, YW_ENOMEM, NULL, "out of memory");
out:
    yw_stmt_finalize(&st);
    yw_store_rollback(&txn);
    json_decref(groups);
    json_decref(list);
    json_decref(total);
    return rc;
}
