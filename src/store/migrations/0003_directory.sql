-- The directory (src/directory/): organisations and their history.
-- An organisation is named by a stable code (e.g. qinglan.dsj); moving or
-- closing it keeps the row and adds a history version.
CREATE TABLE yw_orgs (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    uscc TEXT UNIQUE,
    level TEXT NOT NULL CHECK (level IN ('national', 'province', 'city', 'county', 'township')),
    division TEXT NOT NULL,
    parent TEXT REFERENCES yw_orgs (code),
    kind TEXT NOT NULL CHECK (kind IN ('department', 'data_authority', 'approval_bureau',
                                       'supervision', 'enterprise_partner', 'other')),
    liaison TEXT,
    liaison_phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_orgs_parent ON yw_orgs (parent);
-- Every version of every organisation: who changed what, when, and the
-- organisation as it stood afterwards (canonical JSON).
CREATE TABLE yw_org_history (
    code TEXT NOT NULL REFERENCES yw_orgs (code),
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('create', 'move', 'close')),
    actor TEXT NOT NULL,
    reason TEXT,
    changed_at TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (code, version)
);
