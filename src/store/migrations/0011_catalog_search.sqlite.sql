-- Catalog search, src/catalog/search.c (SQLite; docs/internals/catalog.md).
-- 1. listing: the summary a search answers with (the current version's
--    document without its fields, keys sorted), written with the row, so
--    that a page is one query and no document is read or parsed.
-- 2. yw_catalog_search replaces yw_catalog_fts: the same title and body
--    terms, plus a tags column of the row's filter values (provider, type,
--    grade, sharing, cycle, status), so that FTS5 intersects their doclists
--    instead of the query joining every text match to its row; and a prefix
--    index of one character, for lone CJK characters (证 → 证明 证件 …).
--    A tag is a letter and the hex of the value: no tokenizer splits it and
--    no two values collide. The trigger keeps the tags in step with the row.
ALTER TABLE yw_catalog_resources ADD COLUMN listing TEXT;
UPDATE yw_catalog_resources SET listing = (
    SELECT json_remove(v.doc, '$.fields') FROM yw_catalog_versions v
    WHERE v.code = yw_catalog_resources.code AND v.version = yw_catalog_resources.version);
CREATE VIEW yw_catalog_search_tags (id, tags) AS
    SELECT id, 'p' || hex(provider) || ' t' || hex(resource_type) || ' g' || grade_rank ||
               ' s' || hex(sharing) || ' c' || hex(update_cycle) || ' z' || hex(status)
    FROM yw_catalog_resources;
CREATE VIRTUAL TABLE yw_catalog_search USING fts5 (
    title, body, tags, tokenize = 'unicode61', prefix = '1');
INSERT INTO yw_catalog_search (rowid, title, body, tags)
    SELECT f.rowid, f.title, f.body, t.tags
    FROM yw_catalog_fts f JOIN yw_catalog_search_tags t ON t.id = f.rowid;
DROP TABLE yw_catalog_fts;
CREATE TRIGGER yw_catalog_search_follow
    AFTER UPDATE OF provider, status, resource_type, grade_rank, sharing, update_cycle
    ON yw_catalog_resources
BEGIN
    UPDATE yw_catalog_search SET tags = (SELECT tags FROM yw_catalog_search_tags WHERE id = new.id)
    WHERE rowid = new.id;
END;
-- The catalog without filters, listed by code: a covering walk in code order
-- (the status index would find every listed row and sort them).
CREATE INDEX yw_catalog_resources_listed ON yw_catalog_resources (code, status);
-- One segment instead of the many a bulk load leaves: a term is then looked
-- up once, not once per segment.
INSERT INTO yw_catalog_search (yw_catalog_search) VALUES ('optimize');
