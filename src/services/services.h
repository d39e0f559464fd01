/*
 * services — one-stop government services (一网通办): service items (政务服务
 * 事项) with their guides, and cases (办件) from every channel, whose materials
 * the government already holds are fetched through the exchange instead of
 * asked for ("让数据多跑路，群众少跑腿"). Design note: docs/internals/services.md.
 *
 * A case's life (each step one transaction, then a ledger entry
 * services.case.<step> naming who, never the applicant's identifiers):
 *
 *   draft ─submit─▶ submitted ─accept─▶ accepted ─review─▶ under_review ─approve─▶ approved ─┐
 *                     │  ▲ │                │                   │ └─deny─▶ denied ──issue──┤
 *                     │  │ └─reject─▶ not_accepted ─close─┐     │                           ▼
 *                     │  └──── supplement ◀─┐             ▼     │               result_issued
 * ─close─▶ closed └──── request_supplement ▶ supplement_requested (clock paused) ◀──────┘
 *
 * Who: the applicant (a citizen or an enterprise operator signed in, online
 * or mobile), a window clerk for an applicant present (identity checked), a
 * self-service kiosk (a system key with the window_clerk role, identity
 * checked by its reader), or an assistant (帮办代办) with the applicant's
 * consent recorded, creates and submits; the implementing organisation's
 * window clerks or approvers whose organisation holds case.accept accept,
 * refuse (不予受理), request supplements (补正), issue results and close; its
 * approvers whose organisation holds case.approve review, approve and deny.
 * Deadlines are working days (the node's calendar) from acceptance, paused
 * while a supplement is awaited.
 *
 * Functions take the principal acting (who): NULL is the node's console.
 */
#ifndef YW_SERVICES_H
#define YW_SERVICES_H

#include <jansson.h>

#include "catalog/catalog.h"
#include "util/util.h"

struct yw_exchange;
struct yw_calendar;
struct yw_principal;

/* What every call needs, lent for the call. */
struct yw_services {
    struct yw_catalog catalog;          /* store, ledger, profile: materials name its resources */
    struct yw_exchange *exchange;       /* fetches materials; NULL: every material is uploaded */
    const struct yw_calendar *calendar; /* working days; NULL: weekends only */
    int claim_days;                     /* supervision: working days to claim a task (2) */
    int finish_days;                    /* … and to conclude it once claimed (20) */
    int rectify_days;                   /* working days to rectify a bad review; 0: 15 */
};

/* ---- service items (items.c) ----------------------------------------------
 * An item is JSON (docs/internals/services.md lists every member): code
 * "XK-00012-001" (type, 主项 5 digits, 子项 3 digits), name, type, legal
 * basis, implementing organisation — which must hold the type's power
 * (item.xk, item.gg …) on its power list — service objects, acceptance
 * conditions, materials (each optionally naming the catalog resource and
 * fields it comes from), form fields, steps, legal and promised time limits
 * in working days, fees, channels, online depth, cross-province mode and
 * supervising organisations. */

/* Creates (create true) or replaces an item, by the implementing
 * organisation's approvers or the CDO (item.write). Ledger:
 * services.item.create / services.item.update. */
int yw_services_item_put(const struct yw_services *s, const struct yw_principal *who,
                         const json_t *body, bool create, const char *actor, json_t **out,
                         struct yw_err *err) YW_MUST_USE;
/* One item by code; YW_ENOTFOUND when there is none. Public. */
int yw_services_item_get(const struct yw_services *s, struct yw_str code, json_t **out,
                         struct yw_err *err) YW_MUST_USE;

struct yw_services_item_query {
    struct yw_str q;      /* Chinese or English words, all required */
    struct yw_str org;    /* implementing organisation */
    struct yw_str type;   /* XK, GG … */
    struct yw_str object; /* citizen enterprise */
    int64_t limit, offset;
};
/* Items matching the query, by code: {"total", "items": [summaries]}. Public. */
int yw_services_item_search(const struct yw_services *s, const struct yw_services_item_query *in,
                            json_t **out, struct yw_err *err) YW_MUST_USE;

/* ---- cases (cases.c) ------------------------------------------------------- */

/* Creates a case for an item (case.apply) as a draft, or submitted at once
 * when body.submit is true; fetches every material that names a catalog
 * resource through the exchange under a standing grant of the implementing
 * organisation before writing (a delivery made stays in the ledger even when
 * the case is then refused, e.g. submit with a required material missing). */
int yw_services_case_create(const struct yw_services *s, const struct yw_principal *who,
                            const json_t *body, const char *actor, json_t **out,
                            struct yw_err *err) YW_MUST_USE;
/* A case with its materials and steps, for who may see it (its applicant,
 * its creator, the implementing and receiving organisations' staff, those
 * who oversee). Others get YW_ENOTFOUND, as for no case. */
int yw_services_case_get(const struct yw_services *s, const struct yw_principal *who,
                         struct yw_str id, json_t **out, struct yw_err *err) YW_MUST_USE;
/* One step (submit, forward, accept, reject, request_supplement, supplement,
 * review, approve, deny, issue, close, withdraw) with body (reason, decision
 * …). */
int yw_services_case_step(const struct yw_services *s, const struct yw_principal *who,
                          struct yw_str id, struct yw_str step, const json_t *body,
                          const char *actor, json_t **out, struct yw_err *err) YW_MUST_USE;
/* Uploads material index (a fetch that failed, or one the government does
 * not hold): {"file_name", "media_type", "content_base64"} up to 1 MiB decoded
 * (and within the request body limit), by whoever may submit the case, while
 * it is a draft, submitted or awaiting a supplement. */
int yw_services_case_upload(const struct yw_services *s, const struct yw_principal *who,
                            struct yw_str id, int index, const json_t *body, const char *actor,
                            json_t **out, struct yw_err *err) YW_MUST_USE;

struct yw_services_case_query {
    struct yw_str state; /* "" for all */
    struct yw_str org;   /* implementing organisation; staff default to their own */
    struct yw_str due;   /* "overdue", "near" (due within near_days working days) or "" */
    int near_days;       /* 2 when 0 */
    int64_t limit, offset;
};
/* Cases who may see, by deadline then newest: citizens and enterprise
 * operators their own, staff their organisation's, overseers all. */
int yw_services_case_list(const struct yw_services *s, const struct yw_principal *who,
                          const struct yw_services_case_query *in, json_t **out,
                          struct yw_err *err) YW_MUST_USE;

/* ---- approval–supervision linkage (审管联动, supervision.c) --------------------
 * Approving a case pushes, in the approval's transaction, a task to each of
 * the item's supervising organisations (as the item was when the case was
 * made) with the case's elements: applicant, item, decision, conditions,
 * certificate. The supervising organisation's supervisors claim it (认领, a
 * power: supervision.claim) within claim_days working days, record what they
 * did (act: 现场检查, 约谈 …) and conclude with a result (compliant,
 * rectification_ordered, penalty, licence_revoked) that flows back into the
 * case within finish_days of the claim. Both organisations see the same task
 * and its history; tasks past a deadline escalate to both organisations'
 * liaison officers. Ledger: services.supervision.<step>. */

struct yw_services_task_query {
    struct yw_str state;   /* pushed claimed completed, or "" */
    struct yw_str case_id; /* or "" */
    bool escalated_only;
};
/* Tasks of who's organisation, either side (overseers: all), newest first. */
int yw_services_tasks(const struct yw_services *s, const struct yw_principal *who,
                      const struct yw_services_task_query *in, json_t **out,
                      struct yw_err *err) YW_MUST_USE;
/* A task with its elements and history; YW_ENOTFOUND outside both sides. */
int yw_services_task_get(const struct yw_services *s, const struct yw_principal *who,
                         struct yw_str id, json_t **out, struct yw_err *err) YW_MUST_USE;
/* claim; act {"kind", "note"}; conclude {"outcome", "summary"}. */
int yw_services_task_step(const struct yw_services *s, const struct yw_principal *who,
                          struct yw_str id, struct yw_str step, const json_t *body,
                          const char *actor, json_t **out, struct yw_err *err) YW_MUST_USE;
/* Escalates tasks unclaimed or unfinished past their deadline as of day
 * (each once per deadline, at most 64 per call): an escalate event naming
 * both organisations' liaison officers, and a ledger entry. The node runs it
 * every minute while serving; `yiwang services escalate` runs it once. */
int yw_services_escalate(const struct yw_services *s, int64_t day, size_t *count,
                         struct yw_err *err) YW_MUST_USE;

/* ---- 好差评 and rectification (reviews.c) -----------------------------------
 * Design note: docs/internals/reviews.md. A case is rated once per stage
 * (accept: 受理, once accepted or not accepted; complete: 办结, once the
 * result was issued or the case closed after either) by its applicant only:
 * a citizen or enterprise operator signed in (channel online or mobile), or
 * a rating device of the receiving hall (a system key with the window_clerk
 * role; channel window or kiosk). Staff accounts never rate. The last two of
 * the five levels are bad reviews (差评): each opens a rectification (整改)
 * of the handling organisation in the same transaction, due in rectify_days
 * working days. Ledger entries services.review.* and services.rectification.*
 * never carry the applicant's identifiers or the comment (its digest only). */

/* Rates a case: body {"case", "stage", "level", "indicators", "comment",
 * "channel"}. YW_EPERM for anyone but the applicant, YW_ECONFLICT when the
 * stage is not reached or already rated. */
int yw_services_review_create(const struct yw_services *s, const struct yw_principal *who,
                              const json_t *body, const char *actor, json_t **out,
                              struct yw_err *err) YW_MUST_USE;
/* A review with its rectification, for its applicant, the handling
 * organisation's staff and overseers; YW_ENOTFOUND for others. */
int yw_services_review_get(const struct yw_services *s, const struct yw_principal *who,
                           struct yw_str id, json_t **out, struct yw_err *err) YW_MUST_USE;

struct yw_services_review_query {
    struct yw_str case_id; /* "" for all */
    struct yw_str org;     /* handling organisation (overseers) */
    struct yw_str level;   /* "bad" for bad reviews only, or "" */
    int64_t limit, offset;
};
/* Reviews who may see, newest first: applicants their own, staff their
 * organisation's, overseers all. */
int yw_services_review_list(const struct yw_services *s, const struct yw_principal *who,
                            const struct yw_services_review_query *in, json_t **out,
                            struct yw_err *err) YW_MUST_USE;

/* One rectification step (callback, verify, rectify, explain, appeal,
 * uphold, dismiss, rate) with body: the handling organisation's staff call
 * back, verify, rectify, explain and appeal; the data authority (a CDO whose
 * organisation holds review.arbitrate) upholds or dismisses an appeal; the
 * applicant rates. */
int yw_services_rectification_step(const struct yw_services *s, const struct yw_principal *who,
                                   struct yw_str id, struct yw_str step, const json_t *body,
                                   const char *actor, json_t **out, struct yw_err *err) YW_MUST_USE;
/* A rectification with its steps, for whoever may see its review. */
int yw_services_rectification_get(const struct yw_services *s, const struct yw_principal *who,
                                  struct yw_str id, json_t **out, struct yw_err *err) YW_MUST_USE;

struct yw_services_rectification_query {
    struct yw_str state; /* "" for all */
    struct yw_str org;   /* handling organisation (overseers) */
    struct yw_str due;   /* "overdue" or "" */
    int64_t limit, offset;
};
/* Rectifications who may see, by due date: staff their organisation's,
 * overseers all, applicants their own. */
int yw_services_rectification_list(const struct yw_services *s, const struct yw_principal *who,
                                   const struct yw_services_rectification_query *in, json_t **out,
                                   struct yw_err *err) YW_MUST_USE;

struct yw_services_stats_query {
    struct yw_str by;   /* item, org, staff, channel */
    struct yw_str from; /* YYYY-MM-DD, "" for the beginning */
    struct yw_str to;   /* YYYY-MM-DD, "" for today */
    struct yw_str org;  /* only this handling organisation */
    bool public_view;   /* the public summary: by item or org, nothing personal */
};
/* Statistics of reviews by one party: count, average, share of each level,
 * bad reviews, rectifications closed and overdue. Staff see their
 * organisation's, overseers (and who NULL) all; public_view is for anyone. */
int yw_services_stats(const struct yw_services *s, const struct yw_principal *who,
                      const struct yw_services_stats_query *in, json_t **out,
                      struct yw_err *err) YW_MUST_USE;

#endif
