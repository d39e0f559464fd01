/*
 * The catalog as DCAT-AP 3 JSON-LD (yw__catalog_dcat): metadata only, never
 * data, in one self-contained document.
 *
 * The @context is inline, so a consumer needs no network to read it. Values
 * are written out in full rather than through type coercion in the context:
 * {"@id": …} for a reference, {"@value": …, "@language": "zh-CN"} for text,
 * {"@value": …, "@type": "xsd:dateTime"} for a time. What every member means
 * can be read off the document itself.
 *
 * Controlled values come from the EU vocabularies that DCAT-AP 3 names
 * (http://publications.europa.eu/resource/authority/…): access-right for the
 * sharing type (共享类型), frequency for the update cycle (更新周期), language
 * for the catalog. The resource types (资源分类) are our own
 * skos:ConceptScheme, inside this document. What DCAT has no term for (grade,
 * sharing condition and method, open attribute, 信息项) goes under yw:, the
 * node's own namespace (base_url + "/ns#").
 *
 * A resource shared 不予共享 appears with its identifier, title, publisher and
 * access rights only. So does a resource whose sharing type this file does
 * not know: an unknown type fails closed.
 *
 * Memory: every node is built with the *_new (stealing) calls of jansson; an
 * allocation failure anywhere sets dcat.failed, the rest is still built (each
 * step is NULL-safe), and the whole document is then dropped.
 */
#include "internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define LANG "zh-CN"
#define EU_NAL "http://publications.europa.eu/resource/authority/"
#define IRI_MAX (64 * 1024)

/* Paths under base_url. */
#define PATH_CATALOG "/v1/catalog/dcat"
#define PATH_RESOURCES "/v1/catalog/resources/"
#define PATH_ORGS "/v1/orgs/"
#define PATH_NODE "/v1/node"
#define PATH_EXCHANGE "/v1/exchange"
#define PATH_OPENAPI "/v1/openapi.json"
#define PATH_NS "/ns#"
/* Nodes that live only in this document are fragments of it. */
#define FRAG_SCHEME PATH_CATALOG "#resource-types"
#define FRAG_CONCEPT PATH_CATALOG "#resource-type-"
#define FRAG_SERVICE PATH_CATALOG "#exchange"
#define FRAG_DISTRIBUTION "#distribution"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- tables ---------------------------------------------------------------- */

static const struct {
    const char *prefix, *iri;
} prefixes[] = {
    {"dcat", "http://www.w3.org/ns/dcat#"},
    {"dct", "http://purl.org/dc/terms/"},
    {"foaf", "http://xmlns.com/foaf/0.1/"},
    {"skos", "http://www.w3.org/2004/02/skos/core#"},
    {"vcard", "http://www.w3.org/2006/vcard/ns#"},
    {"adms", "http://www.w3.org/ns/adms#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
    {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
    {"dcatap", "http://data.europa.eu/r5r/"},
};

struct mapping {
    const char *ours, *iri;
};

/* sharing.type → dct:accessRights. Only the first two are shared. */
static const struct mapping access_rights[] = {
    {"unconditional", EU_NAL "access-right/PUBLIC"},   /* 无条件共享 */
    {"conditional", EU_NAL "access-right/RESTRICTED"}, /* 有条件共享 */
    {"none", EU_NAL "access-right/NON_PUBLIC"},        /* 不予共享 */
};
#define NON_PUBLIC EU_NAL "access-right/NON_PUBLIC"

/* update_cycle → dct:accrualPeriodicity. */
static const struct mapping frequencies[] = {
    {"realtime", EU_NAL "frequency/UPDATE_CONT"}, /* 实时: "continuously updated" */
    {"daily", EU_NAL "frequency/DAILY"},          {"weekly", EU_NAL "frequency/WEEKLY"},
    {"monthly", EU_NAL "frequency/MONTHLY"},      {"quarterly", EU_NAL "frequency/QUARTERLY"},
    {"half_yearly", EU_NAL "frequency/ANNUAL_2"}, /* twice a year (BIENNIAL is every 2 years) */
    {"yearly", EU_NAL "frequency/ANNUAL"},        {"other", EU_NAL "frequency/OTHER"},
};

/* resource_type → our skos:Concept, labelled 类/项: yw__resource_types (rules.c). */

static const char *lookup(const struct mapping *table, size_t n, const char *ours)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].ours, ours) == 0)
            return table[i].iri;
    return NULL;
}

static bool is_resource_type(const char *slug)
{
    for (size_t i = 0; yw__resource_types[i].slug; i++)
        if (strcmp(yw__resource_types[i].slug, slug) == 0)
            return true;
    return false;
}

/* ---- building blocks ------------------------------------------------------- */

struct dcat {
    const char *base;      /* base_url, no trailing slash */
    const char *node_name; /* never NULL */
    bool failed;           /* out of memory somewhere: drop the document */
};

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* obj's string member key, or "" when obj is not an object or the member is
 * absent or not a string. */
static const char *member(const json_t *obj, const char *key)
{
    return or_empty(json_string_value(json_object_get(obj, key)));
}

/* Sets node's key to value_new (stolen). A NULL node or value counts as an
 * allocation failure. */
static void put(struct dcat *d, json_t *node, const char *key, json_t *value_new)
{
    if (json_object_set_new(node, key, value_new) != 0)
        d->failed = true;
}

static void append(struct dcat *d, json_t *array, json_t *value_new)
{
    if (json_array_append_new(array, value_new) != 0)
        d->failed = true;
}

static bool unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/* base_url + path + segment + suffix as a JSON string. segment is
 * percent-encoded except for unreserved characters and '/', so that a
 * resource code such as "101001/000001" stays a path. */
static json_t *iri(const struct dcat *d, const char *path, const char *segment, const char *suffix)
{
    struct yw_buf b;
    json_t *out = NULL;

    yw_buf_init(&b, IRI_MAX);
    if (yw_buf_append_c(&b, d->base) < 0 || yw_buf_append_c(&b, path) < 0)
        goto out;
    for (const unsigned char *p = (const unsigned char *)segment; *p != '\0'; p++) {
        int rc = unreserved(*p) || *p == '/' ? yw_buf_append(&b, p, 1)
                                             : yw_buf_printf(&b, "%%%02X", (unsigned)*p);
        if (rc < 0)
            goto out;
    }
    if (yw_buf_append_c(&b, suffix) < 0)
        goto out;
    out = json_stringn(b.data, b.len);
out:
    yw_buf_free(&b);
    return out;
}

/* {"@id": iri_new} */
static json_t *ref(json_t *iri_new)
{
    json_t *node = json_object();
    if (json_object_set_new(node, "@id", iri_new) != 0) {
        json_decref(node);
        return NULL;
    }
    return node;
}

static json_t *ref_c(const char *iri_c)
{
    return ref(json_string(iri_c));
}

/* A reference to a node of this document or the node's API. */
static json_t *ref_to(const struct dcat *d, const char *path, const char *segment)
{
    return ref(iri(d, path, segment, ""));
}

/* Text in Chinese. */
static json_t *text(const char *s)
{
    return json_pack("{s:s, s:s}", "@value", s, "@language", LANG);
}

static json_t *typed(const char *s, const char *datatype)
{
    return json_pack("{s:s, s:s}", "@value", s, "@type", datatype);
}

/* A node with an IRI (id_new, stolen; NULL only when out of memory). */
static json_t *named_node(struct dcat *d, json_t *id_new, const char *type)
{
    json_t *node = json_object();
    put(d, node, "@id", id_new);
    put(d, node, "@type", json_string(type));
    return node;
}

static json_t *blank_node(struct dcat *d, const char *type)
{
    json_t *node = json_object();
    put(d, node, "@type", json_string(type));
    return node;
}

/* Sets key to s as Chinese text, unless s is empty. */
static void put_text(struct dcat *d, json_t *node, const char *key, const char *s)
{
    if (*s != '\0')
        put(d, node, key, text(s));
}

/* Sets key to the plain literal s, unless s is empty. */
static void put_plain(struct dcat *d, json_t *node, const char *key, const char *s)
{
    if (*s != '\0')
        put(d, node, key, json_string(s));
}

/* Sets key to the RFC 3339 time s as an xsd:dateTime, unless s is empty. */
static void put_time(struct dcat *d, json_t *node, const char *key, const char *s)
{
    if (*s != '\0')
        put(d, node, key, typed(s, "xsd:dateTime"));
}

/* ---- nodes ----------------------------------------------------------------- */

static json_t *context_node(struct dcat *d)
{
    json_t *ctx = json_object();

    for (size_t i = 0; i < COUNT(prefixes); i++)
        put(d, ctx, prefixes[i].prefix, json_string(prefixes[i].iri));
    put(d, ctx, "yw", iri(d, PATH_NS, "", ""));
    return ctx;
}

/* The node itself, as the publisher of the catalog and of its exchange API. */
static json_t *node_agent(struct dcat *d)
{
    json_t *agent = named_node(d, iri(d, PATH_NODE, "", ""), "foaf:Agent");
    put_text(d, agent, "foaf:name", d->node_name);
    return agent;
}

/* The resource's provider (资源提供方) and its 统一社会信用代码 when known. */
static void put_publisher(struct dcat *d, json_t *dataset, const json_t *res)
{
    const char *provider = member(res, "provider");
    const char *name = member(res, "provider_name");
    const char *uscc = member(res, "provider_uscc");
    json_t *agent;

    if (*name == '\0')
        name = provider;
    if (*name == '\0')
        return;
    agent = *provider != '\0' ? named_node(d, iri(d, PATH_ORGS, provider, ""), "foaf:Agent")
                              : blank_node(d, "foaf:Agent");
    put_text(d, agent, "foaf:name", name);
    if (*uscc != '\0') {
        json_t *id = blank_node(d, "adms:Identifier");
        put(d, id, "skos:notation", json_string(uscc));
        put(d, agent, "dct:identifier", json_string(uscc));
        put(d, agent, "adms:identifier", id);
    }
    put(d, dataset, "dct:publisher", agent);
}

static json_t *scheme_node(struct dcat *d)
{
    json_t *scheme = named_node(d, iri(d, FRAG_SCHEME, "", ""), "skos:ConceptScheme");
    json_t *top = json_array();

    put(d, scheme, "dct:title", text("政务信息资源分类"));
    put(d, scheme, "skos:prefLabel", text("政务信息资源分类"));
    for (size_t i = 0; yw__resource_types[i].slug; i++)
        append(d, top, ref_to(d, FRAG_CONCEPT, yw__resource_types[i].slug));
    put(d, scheme, "skos:hasTopConcept", top);
    return scheme;
}

static json_t *concept_node(struct dcat *d, const char *slug, const char *label)
{
    json_t *concept = named_node(d, iri(d, FRAG_CONCEPT, slug, ""), "skos:Concept");

    put(d, concept, "skos:prefLabel", text(label));
    put(d, concept, "skos:notation", json_string(slug));
    put(d, concept, "skos:inScheme", ref_to(d, FRAG_SCHEME, ""));
    put(d, concept, "skos:topConceptOf", ref_to(d, FRAG_SCHEME, ""));
    return concept;
}

/* dataset_refs_new: the catalog's datasets (stolen). */
static json_t *catalog_node(struct dcat *d, const struct yw__dcat_info *info,
                            json_t *dataset_refs_new)
{
    json_t *catalog = named_node(d, iri(d, PATH_CATALOG, "", ""), "dcat:Catalog");
    json_t *services = json_array();
    struct yw_buf description;

    put(d, catalog, "dct:title", text(d->node_name));
    yw_buf_init(&description, IRI_MAX);
    if (yw_buf_printf(&description, "%s发布的政务信息资源目录（仅元数据，不含数据）",
                      d->node_name) < 0)
        d->failed = true;
    else
        put(d, catalog, "dct:description", text(description.data));
    yw_buf_free(&description);
    put_plain(d, catalog, "dct:identifier", or_empty(info->origin));
    put(d, catalog, "dct:publisher", node_agent(d));
    put_time(d, catalog, "dct:modified", or_empty(info->modified));
    put(d, catalog, "dct:language", ref_c(EU_NAL "language/ZHO"));
    put(d, catalog, "foaf:homepage", ref(iri(d, "/", "", "")));
    put(d, catalog, "dcat:themeTaxonomy", ref_to(d, FRAG_SCHEME, ""));
    put(d, catalog, "dcat:dataset", dataset_refs_new);
    append(d, services, ref_to(d, FRAG_SERVICE, ""));
    put(d, catalog, "dcat:service", services);
    return catalog;
}

/* served_new: the datasets the exchange serves (stolen). */
static json_t *service_node(struct dcat *d, json_t *served_new)
{
    json_t *service = named_node(d, iri(d, FRAG_SERVICE, "", ""), "dcat:DataService");

    put(d, service, "dct:title", text("数据共享交换接口"));
    put(d, service, "dcat:endpointURL", ref_to(d, PATH_EXCHANGE, ""));
    put(d, service, "dcat:endpointDescription", ref_to(d, PATH_OPENAPI, ""));
    put(d, service, "dct:publisher", ref_to(d, PATH_NODE, ""));
    /* Every exchange needs an API key and a grant. */
    put(d, service, "dct:accessRights", ref_c(EU_NAL "access-right/RESTRICTED"));
    put(d, service, "dcat:servesDataset", served_new);
    return service;
}

/* Reached through the node's exchange API; the access URL is the resource's
 * own catalog entry, where the way to apply for it is described. */
static json_t *distribution_node(struct dcat *d, const char *code, const char *format)
{
    json_t *dist =
        named_node(d, iri(d, PATH_RESOURCES, code, FRAG_DISTRIBUTION), "dcat:Distribution");

    put(d, dist, "dcat:accessURL", ref_to(d, PATH_RESOURCES, code));
    if (*format != '\0') { /* 资源格式 is free text: a media type or extent by label */
        json_t *media = blank_node(d, "dct:MediaTypeOrExtent");
        put(d, media, "rdfs:label", text(format));
        put(d, dist, "dct:format", media);
    }
    put(d, dist, "dcat:accessService", ref_to(d, FRAG_SERVICE, ""));
    return dist;
}

/* 信息项: name, column, data type and length only (no sample, no masking). */
static void put_fields(struct dcat *d, json_t *dataset, const json_t *fields)
{
    size_t i;
    const json_t *field;
    json_t *items = json_array(), *list;

    json_array_foreach(fields, i, field)
    {
        json_t *item, *length = json_object_get(field, "length");
        if (!json_is_object(field))
            continue;
        item = blank_node(d, "yw:Field");
        put_text(d, item, "yw:name", member(field, "name"));
        put_plain(d, item, "yw:column", member(field, "column"));
        put_plain(d, item, "yw:dataType", member(field, "data_type"));
        if (json_is_integer(length))
            put(d, item, "yw:length", json_integer(json_integer_value(length)));
        append(d, items, item);
    }
    if (json_array_size(items) == 0) {
        json_decref(items);
        return;
    }
    list = json_object();
    put(d, list, "@list", items);
    put(d, dataset, "yw:field", list);
}

/* What DCAT has no term for: grade (分级), the sharing condition, legal basis
 * and method (共享条件, 依据, 共享方式) and the open attribute (开放属性). */
static void put_extensions(struct dcat *d, json_t *dataset, const json_t *res)
{
    const json_t *sharing = json_object_get(res, "sharing");
    const json_t *open = json_object_get(res, "open");

    put_plain(d, dataset, "yw:grade", member(res, "grade"));
    put_plain(d, dataset, "yw:sharingType", member(sharing, "type"));
    put_text(d, dataset, "yw:sharingCondition", member(sharing, "condition"));
    put_text(d, dataset, "yw:sharingLegalBasis", member(sharing, "legal_basis"));
    put_plain(d, dataset, "yw:sharingMethod", member(sharing, "method"));
    put_plain(d, dataset, "yw:openType", member(open, "type"));
    put_text(d, dataset, "yw:openCondition", member(open, "condition"));
    put_text(d, dataset, "yw:openApproval", member(open, "approval"));
}

static void put_version(struct dcat *d, json_t *dataset, const json_t *version)
{
    char digits[32];

    if (json_is_string(version))
        put_plain(d, dataset, "dcat:version", json_string_value(version));
    else if (json_is_integer(version) && yw_fmt(digits, sizeof(digits), "%" JSON_INTEGER_FORMAT,
                                                json_integer_value(version)) == 0)
        put(d, dataset, "dcat:version", json_string(digits));
}

static void put_relations(struct dcat *d, json_t *dataset, const json_t *related)
{
    size_t i;
    const json_t *code;
    json_t *refs = json_array();

    json_array_foreach(related, i, code)
    {
        const char *c = or_empty(json_string_value(code));
        if (*c != '\0')
            append(d, refs, ref_to(d, PATH_RESOURCES, c));
    }
    if (json_array_size(refs) > 0)
        put(d, dataset, "dct:relation", refs);
    else
        json_decref(refs);
}

/* The dataset of one resource; *shared tells whether the exchange serves it. */
static json_t *dataset_node(struct dcat *d, const json_t *res, bool *shared)
{
    const char *code = member(res, "code");
    const char *sharing_type = member(json_object_get(res, "sharing"), "type");
    const char *rights = lookup(access_rights, COUNT(access_rights), sharing_type);
    const char *type = member(res, "resource_type");
    const char *frequency = lookup(frequencies, COUNT(frequencies), member(res, "update_cycle"));
    json_t *dataset = named_node(d, iri(d, PATH_RESOURCES, code, ""), "dcat:Dataset");

    *shared = rights != NULL && strcmp(sharing_type, "none") != 0;
    put(d, dataset, "dct:identifier", json_string(code));
    put(d, dataset, "dct:title", text(member(res, "name")));
    put_publisher(d, dataset, res);
    put(d, dataset, "dct:accessRights", ref_c(*shared ? rights : NON_PUBLIC));
    if (!*shared) /* 不予共享: nothing more */
        return dataset;

    put_text(d, dataset, "dct:description", member(res, "summary"));
    if (is_resource_type(type))
        put(d, dataset, "dcat:theme", ref_to(d, FRAG_CONCEPT, type));
    if (frequency != NULL)
        put(d, dataset, "dct:accrualPeriodicity", ref_c(frequency));
    put_time(d, dataset, "dct:issued", member(res, "published_at"));
    put_time(d, dataset, "dct:modified", member(res, "updated_at"));
    put_version(d, dataset, json_object_get(res, "version"));
    put_relations(d, dataset, json_object_get(res, "related"));
    put_extensions(d, dataset, res);
    put_fields(d, dataset, json_object_get(res, "fields"));
    put(d, dataset, "dcat:distribution", distribution_node(d, code, member(res, "format")));
    return dataset;
}

/* ---- the document ---------------------------------------------------------- */

json_t *yw__catalog_dcat(const json_t *resources, const struct yw__dcat_info *info)
{
    static const struct yw__dcat_info no_info = {0};
    struct dcat d = {0};
    json_t *doc = json_object(), *graph = json_array(), *datasets = json_array();
    json_t *dataset_refs = json_array(), *served = json_array();
    size_t i;
    const json_t *res;

    if (info == NULL)
        info = &no_info;
    d.base = or_empty(info->base_url);
    d.node_name = *or_empty(info->node_name) != '\0' ? info->node_name : "政务信息资源目录";

    json_array_foreach(resources, i, res)
    {
        bool shared = false;
        if (!json_is_object(res) || *member(res, "code") == '\0' || *member(res, "name") == '\0')
            continue;
        append(&d, datasets, dataset_node(&d, res, &shared));
        append(&d, dataset_refs, ref_to(&d, PATH_RESOURCES, member(res, "code")));
        if (shared)
            append(&d, served, ref_to(&d, PATH_RESOURCES, member(res, "code")));
    }

    append(&d, graph, catalog_node(&d, info, dataset_refs));
    if (json_array_extend(graph, datasets) != 0)
        d.failed = true;
    json_decref(datasets);
    append(&d, graph, service_node(&d, served));
    append(&d, graph, scheme_node(&d));
    for (i = 0; yw__resource_types[i].slug; i++)
        append(&d, graph, concept_node(&d, yw__resource_types[i].slug, yw__resource_types[i].zh));

    put(&d, doc, "@context", context_node(&d));
    put(&d, doc, "@graph", graph);
    if (d.failed) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}
