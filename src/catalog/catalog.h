/*
 * catalog — the data resource catalog (政务信息资源目录): what each department
 * holds, described with the core metadata of GB/T 21063 and the national
 * catalog guideline, graded by GB/T 43697-2024, tied to data elements (数据元,
 * 一数一源一标准), searchable in Chinese and English, exported as DCAT-AP 3.
 *
 * A resource is JSON (docs/internals/catalog.md gives every member): the API
 * takes and gives the same shape. Its content lives in versions; the first is
 * edited as a draft until published, and any later change to a published
 * resource makes a new version that goes through review again, while the
 * published one stays current (grants keep pointing at the version they were
 * made for). Life cycle:
 *
 *   draft ──submit──▶ under_review ──approve──▶ published ──deprecate──▶
 *     ▲  ◀──reject / withdraw──┘                         deprecated ──archive──▶ archived
 *
 * Who: the provider's data stewards (catalog.write on their own organisation)
 * create, edit, submit, withdraw and discard drafts and deprecate; the data
 * authority (catalog.review: the CDO of an organisation whose power list holds
 * it) approves, rejects, deprecates and archives, never its own submission.
 * Every step is one transaction and then a ledger entry naming who and why.
 *
 * Functions take the principal acting (who): NULL means the node's operator
 * at the console (the CLI, the demo), who may do everything.
 */
#ifndef YW_CATALOG_H
#define YW_CATALOG_H

#include <jansson.h>

#include "crypto/crypto.h"
#include "util/util.h"

struct yw_store;
struct yw_ledger;
struct yw_principal;

/* The resource code rule (资源代码编码规则): provinces publish their own, so
 * the rule is chosen by name in the node's configuration. */
struct yw_code_rule {
    const char *name;
    const char *description; /* bilingual, for help and errors */
    int (*check)(struct yw_str code, struct yw_err *err);
};

/* The rule called name ("gbt21063", the default: 类 1 digit + 项 2 + 目 3 +
 * 细目 0–6 digits, "/", 顺序码 1–8 digits; or "free": 2–64 of [0-9A-Za-z._/-]),
 * or NULL. */
const struct yw_code_rule *yw_catalog_code_rule(const char *name);

/* What every call needs, lent for the call. */
struct yw_catalog {
    struct yw_store *store;
    struct yw_ledger *ledger;
    const struct yw_code_rule *code_rule;
    enum yw_profile profile; /* digests of versions in the ledger */
};

/* ---- resources (resources.c) --------------------------------------------- */

/* Creates a draft (version 1) from body; provider defaults to who's
 * organisation. *out gets the resource view. Ledger: catalog.resource.create. */
int yw_catalog_create(const struct yw_catalog *cat, const struct yw_principal *who,
                      const json_t *body, const char *actor, json_t **out,
                      struct yw_err *err) YW_MUST_USE;

/* Replaces the content of code's draft, or starts a new draft version of a
 * published or deprecated resource. The code and provider cannot change.
 * Ledger: catalog.resource.update. */
int yw_catalog_update(const struct yw_catalog *cat, const struct yw_principal *who,
                      struct yw_str code, const json_t *body, const char *actor, json_t **out,
                      struct yw_err *err) YW_MUST_USE;

/* A life-cycle step by name: submit withdraw approve reject deprecate archive
 * discard (a draft never published is removed; a pending draft version is
 * dropped). reject, deprecate and archive need a reason. *out (may be NULL)
 * gets the view afterwards (JSON null after discarding a resource). Ledger:
 * catalog.resource.<step>. */
int yw_catalog_step(const struct yw_catalog *cat, const struct yw_principal *who,
                    struct yw_str code, struct yw_str step, struct yw_str reason, const char *actor,
                    json_t **out, struct yw_err *err) YW_MUST_USE;

/* The resource as who may see it: version 0 is the current one (the
 * published version, or the draft of a resource never published), with its
 * quality and any pending version's number. Drafts and versions
 * under review are visible to the provider's staff and to the data authority
 * and auditors only; a resource shared 不予共享 shows only code, name,
 * provider and sharing type outside those. */
int yw_catalog_get(const struct yw_catalog *cat, const struct yw_principal *who, struct yw_str code,
                   int64_t version, json_t **out, struct yw_err *err) YW_MUST_USE;

/* The versions of code, oldest first, and the life-cycle history. */
int yw_catalog_history(const struct yw_catalog *cat, const struct yw_principal *who,
                       struct yw_str code, json_t **out, struct yw_err *err) YW_MUST_USE;

/* Records that the resource's data was updated at when_ms (the exchange's
 * loads call this); timeliness is measured from it. */
int yw_catalog_data_updated(const struct yw_catalog *cat, struct yw_str code, int64_t when_ms,
                            struct yw_err *err) YW_MUST_USE;

/* Adds to the resource's use counts (quality: current grants, deliveries)
 * inside the caller's transaction txn; the exchange calls it. */
struct yw_txn;
int yw_catalog_count_use(struct yw_txn *txn, struct yw_str code, int64_t grants, int64_t deliveries,
                         struct yw_err *err) YW_MUST_USE;

/* ---- search (search.c) ----------------------------------------------------
 * Full text in Chinese and English over names, summaries, fields and
 * providers, with filters. Without q, lists in code order. Only published
 * and deprecated resources are found, plus drafts and resources under review
 * that who may see when status asks for them. */
struct yw_catalog_query {
    struct yw_str q;        /* at most 200 bytes */
    struct yw_str provider; /* an organisation code */
    struct yw_str type;     /* resource type */
    struct yw_str grade;
    struct yw_str sharing; /* unconditional conditional none */
    struct yw_str cycle;   /* update cycle */
    struct yw_str status;  /* default: published and deprecated */
    int64_t limit;         /* 1–100, default 20 */
    int64_t offset;        /* at most 10 000 */
};

/* *out: {"total": n, "limit": l, "offset": o, "items": [summary …]} and
 * "total_capped": true when more than 1 000 match (total is then 1 000); a
 * summary is the view without fields and quality. */
int yw_catalog_search(const struct yw_catalog *cat, const struct yw_principal *who,
                      const struct yw_catalog_query *query, json_t **out,
                      struct yw_err *err) YW_MUST_USE;
/* The same answer as JSON text, for the HTTP layer: *text is a new malloc'd
 * buffer of *text_len bytes (free() it). The listings are copied as stored,
 * so no document is parsed or built. */
int yw_catalog_search_text(const struct yw_catalog *cat, const struct yw_principal *who,
                           const struct yw_catalog_query *query, char **text, size_t *text_len,
                           struct yw_err *err) YW_MUST_USE;

/* ---- data elements (elements.c) -------------------------------------------
 * One authoritative source per element: registering an element whose
 * identifier or name is taken is refused. A field carrying an element whose
 * source is another organisation is a copy pointing at the source resource. */
int yw_catalog_element_create(const struct yw_catalog *cat, const struct yw_principal *who,
                              const json_t *body, const char *actor, json_t **out,
                              struct yw_err *err) YW_MUST_USE;
/* All elements, by identifier. */
int yw_catalog_element_list(const struct yw_catalog *cat, json_t **out,
                            struct yw_err *err) YW_MUST_USE;
/* Elements provided by more than one organisation (the source and its
 * copies), for the data authority to settle. */
int yw_catalog_conflicts(const struct yw_catalog *cat, json_t **out,
                         struct yw_err *err) YW_MUST_USE;

/* ---- import and export (csv.c, dcat.c) --------------------------------------
 * The CSV has one row per field (信息项); the resource's own columns are filled
 * on its first row (docs/internals/catalog.md lists the columns). Either every
 * row is good and everything is written in one transaction, or nothing is and
 * errors gets one message per bad row ("第 N 行 / line N: …", at most 100). With
 * publish the resources are published at once (a catalog already approved
 * elsewhere); otherwise they are drafts. *count gets the resources written. */
int yw_catalog_import(const struct yw_catalog *cat, const char *csv, size_t n, bool publish,
                      const char *actor, size_t *count, json_t **errors,
                      struct yw_err *err) YW_MUST_USE;
/* The data elements from CSV (标识符,名称,定义,数据类型,长度,格式,标准依据,
 * 权威来源机构,权威来源资源,脱敏方式), all or nothing like yw_catalog_import. */
int yw_catalog_import_elements(const struct yw_catalog *cat, const char *csv, size_t n,
                               const char *actor, size_t *count, json_t **errors,
                               struct yw_err *err) YW_MUST_USE;
/* Every current resource (archived ones too) as CSV that yw_catalog_import
 * reads back. */
int yw_catalog_export_csv(const struct yw_catalog *cat, struct yw_buf *out,
                          struct yw_err *err) YW_MUST_USE;

/* The published catalog as DCAT-AP 3 JSON-LD (metadata, never data). */
int yw_catalog_dcat(const struct yw_catalog *cat, const char *node_name, const char *origin,
                    const char *base_url, json_t **out, struct yw_err *err) YW_MUST_USE;

#endif
