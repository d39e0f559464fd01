-- Catalog search, src/catalog/search.c (PostgreSQL; docs/internals/catalog.md).
-- listing: the summary a search answers with (the current version's document
-- without its fields, compact, keys sorted as in the canonical document),
-- written with the row, so that a page is one lookup per item and no
-- document is read or parsed. The search itself stays the tsvector column
-- and its GIN index (0008).
ALTER TABLE yw_catalog_resources ADD COLUMN listing TEXT;
UPDATE yw_catalog_resources r SET listing = (
    SELECT '{' || string_agg(to_json(e.key)::text || ':' || e.value::text, ','
                             ORDER BY e.key COLLATE "C") || '}'
    FROM yw_catalog_versions v, json_each(v.doc::json) e
    WHERE v.code = r.code AND v.version = r.version AND e.key <> 'fields');
