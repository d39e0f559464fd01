-- API keys for department systems (部门业务系统), src/directory/keys.c.
-- A key is presented as "ywk_<id>.<secret>"; only the SHA-256 of the 256-bit
-- secret is stored. Revoked keys stay, for the record.
CREATE TABLE yw_api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    org TEXT NOT NULL REFERENCES yw_orgs (code),
    roles TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    allow_ips TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    revoked_at TEXT,
    last_used_ms BIGINT
);
