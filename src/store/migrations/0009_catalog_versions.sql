-- The catalog's versions, fields, life-cycle steps and data elements,
-- src/catalog/ (the same on both stores).

-- Data elements (数据元, 一数一源一标准): one authoritative source each.
CREATE TABLE yw_catalog_elements (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    definition TEXT NOT NULL,
    data_type TEXT NOT NULL,
    length BIGINT,
    format TEXT NOT NULL,
    standard TEXT NOT NULL,
    source_org TEXT NOT NULL REFERENCES yw_orgs (code),
    source_resource TEXT,
    mask TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- The versions of each resource; doc is the canonical JSON of its metadata
-- and fields. A published version is never changed again.
CREATE TABLE yw_catalog_versions (
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'under_review', 'published', 'superseded')),
    doc TEXT NOT NULL,
    digest TEXT NOT NULL,
    submitted_by TEXT,
    published_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

-- The fields (信息项) of each version, for element and grade queries.
CREATE TABLE yw_catalog_fields (
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    position INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    name TEXT NOT NULL,
    element TEXT,
    grade_rank INTEGER NOT NULL,
    personal INTEGER NOT NULL,
    sensitive INTEGER NOT NULL,
    is_copy INTEGER NOT NULL,
    PRIMARY KEY (code, version, position)
);
CREATE INDEX yw_catalog_fields_element ON yw_catalog_fields (element);

-- Life-cycle steps, each also a ledger entry.
CREATE TABLE yw_catalog_steps (
    code TEXT NOT NULL,
    seq BIGINT NOT NULL,
    version BIGINT NOT NULL,
    step TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (code, seq)
);
