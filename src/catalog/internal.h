/* Internal to src/catalog/. */
#ifndef YW_CATALOG_INTERNAL_H
#define YW_CATALOG_INTERNAL_H

#include <jansson.h>

#include "catalog.h"

struct yw_txn;

#define YW__FIELDS_MAX 500 /* fields of one resource */
#define YW__RELATED_MAX 50 /* related resource codes */

/* ---- rules (rules.c) --------------------------------------------------------
 * Value domains (struct yw_domain, util.h): slugs for the API, Chinese labels
 * for people and the CSV; input may use either. */
extern const struct yw_domain yw__resource_types[], yw__sharing_types[], yw__sharing_methods[],
    yw__open_types[], yw__update_cycles[], yw__grades[], yw__data_types[];

/* 1 (general-1) … 6 (core); 0 for an unknown grade. */
int yw__grade_rank(const char *grade);
const char *yw__grade_of_rank(int rank);

int yw__check_element_id(struct yw_str id, const char *field, struct yw_err *err) YW_MUST_USE;
/* The "length" member of obj for data type type: required for C N B I F. */
int yw__check_length(const json_t *obj, const char *type, const char *prefix, int64_t *out,
                     struct yw_err *err) YW_MUST_USE;

/* Checks a request body and builds the resource document (a new object in
 * *out): known members only, values as slugs, every rule of the metadata
 * (docs/internals/catalog.md), the resource graded at least as high as its
 * highest field (就高从严). Element links are checked later, against the
 * registry (yw__resource_link). */
int yw__resource_check(const struct yw_code_rule *rule, const json_t *body, json_t **out,
                       struct yw_err *err) YW_MUST_USE;

/* The masking operator a field gets unless a grant clears it: important and
 * core data redacted; else its element's operator; else kept when graded
 * general-1/2 and not personal; else redacted. */
const char *yw__default_mask(const char *grade, bool personal, bool sensitive,
                             const char *element_mask);

/* ---- elements (elements.c) ---------------------------------------------------
 * Completes doc's fields from the element registry: each field naming an
 * element gets copy (true when the element's source is not doc's provider),
 * source_resource and the default mask; unknown elements are refused. */
int yw__resource_link(struct yw_txn *txn, json_t *doc, struct yw_err *err) YW_MUST_USE;
/* Checks and registers one element in txn; id_out gets its identifier. */
int yw__element_insert(struct yw_txn *txn, const json_t *body, const char *actor, char id_out[33],
                       struct yw_err *err) YW_MUST_USE;
/* The ledger entry catalog.element.create, after the commit. */
int yw__element_record(const struct yw_catalog *cat, const char *actor, const json_t *element,
                       struct yw_err *err) YW_MUST_USE;

/* ---- search index (search.c) ------------------------------------------------- */
/* Replaces the search entry of resource id (the row's id) with doc's terms. */
int yw__search_index(struct yw_txn *txn, int64_t id, const json_t *doc, const char *provider_name,
                     struct yw_err *err) YW_MUST_USE;
int yw__search_unindex(struct yw_txn *txn, int64_t id, struct yw_err *err) YW_MUST_USE;
/* After n_written resources were indexed in txn (an import): on SQLite, when
 * they are many, merges the FTS5 index into one segment, as a bulk load
 * otherwise leaves a dozen that every term lookup visits. */
int yw__search_optimize(struct yw_txn *txn, size_t n_written, struct yw_err *err) YW_MUST_USE;

/* ---- resources (resources.c) --------------------------------------------------- */
/* Checks body into a document for provider, linked to the element registry. */
int yw__resource_prepare(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *body,
                         const char *provider, json_t **doc, struct yw_err *err) YW_MUST_USE;
/* Inserts a checked document as version 1: a draft, or published at once. */
int yw__resource_insert(struct yw_txn *txn, const struct yw_catalog *cat, const json_t *doc,
                        bool publish, const char *actor, struct yw_err *err) YW_MUST_USE;
/* 1 when a resource has this code, 0 when not, < 0 on error. */
int yw__resource_exists(struct yw_txn *txn, const char *code, struct yw_err *err) YW_MUST_USE;
/* Hex digest (the profile's hash) of the document's canonical bytes. */
int yw__resource_digest(const struct yw_catalog *cat, const json_t *doc,
                        char digest[2 * YW_HASH_SIZE + 1], struct yw_err *err) YW_MUST_USE;

/* The summary of a stored document for lists: no fields; a 不予共享 resource
 * outside its provider shows code, name, provider and sharing type only. */
json_t *yw__resource_summary(const json_t *doc, bool full);

/* ---- DCAT-AP 3 (dcat.c) ---------------------------------------------------- */
struct yw__dcat_info {
    const char *node_name; /* the catalog's title */
    const char *origin;    /* the node's origin, e.g. "qinglan.gov.example/node" */
    const char *base_url;  /* absolute, no trailing slash, e.g. "https://node.example" */
    const char *modified;  /* RFC 3339 time of the newest change */
};

/* The catalog as a DCAT-AP 3 JSON-LD document (a new reference, NULL when out
 * of memory) from resources, an array of resource views (the shape of
 * yw_catalog_get's output) of the published resources. Metadata only, never
 * data; a resource shared 不予共享 (sharing.type "none") appears with its
 * identifier, title, publisher and access rights only. */
json_t *yw__catalog_dcat(const json_t *resources, const struct yw__dcat_info *info);

#endif
