-- The data resource catalog (政务信息资源目录), src/catalog/. PostgreSQL:
-- the search index is a tsvector built from the terms src/util/search.c
-- makes (CJK bigrams and lower-case words; title terms weighted A), cast
-- directly so that no text-search parser or locale touches them.
-- One row per resource: its current version's filter columns.
CREATE TABLE yw_catalog_resources (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    provider TEXT NOT NULL REFERENCES yw_orgs (code),
    status TEXT NOT NULL
        CHECK (status IN ('draft', 'under_review', 'published', 'deprecated', 'archived')),
    version BIGINT NOT NULL,
    pending BIGINT,
    name TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    grade_rank INTEGER NOT NULL,
    sharing TEXT NOT NULL,
    update_cycle TEXT NOT NULL,
    published_at TEXT,
    data_updated_at TEXT,
    grants BIGINT NOT NULL DEFAULT 0,
    deliveries BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    search TSVECTOR
);
CREATE INDEX yw_catalog_resources_provider ON yw_catalog_resources (provider, code);
-- The search filters, each with the code for the listing order.
CREATE INDEX yw_catalog_resources_type ON yw_catalog_resources (resource_type, code);
CREATE INDEX yw_catalog_resources_cycle ON yw_catalog_resources (update_cycle, code);
CREATE INDEX yw_catalog_resources_grade ON yw_catalog_resources (grade_rank, code);
CREATE INDEX yw_catalog_resources_sharing ON yw_catalog_resources (sharing, code);
CREATE INDEX yw_catalog_resources_status ON yw_catalog_resources (status, code);
CREATE INDEX yw_catalog_resources_search ON yw_catalog_resources USING GIN (search);
