-- Data sharing and exchange (一网共享), src/exchange/.

-- Applications (共享申请): a consumer organisation asks for a published
-- resource; body is the application as submitted (canonical JSON).
CREATE TABLE yw_exchange_applications (
    id TEXT PRIMARY KEY,
    consumer TEXT NOT NULL REFERENCES yw_orgs (code),
    provider TEXT NOT NULL REFERENCES yw_orgs (code),
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL
        CHECK (status IN ('submitted', 'approved', 'refused', 'withdrawn', 'expired', 'revoked')),
    due_day BIGINT,
    reason TEXT,
    grant_id TEXT,
    created_by TEXT NOT NULL,
    decided_by TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_exchange_applications_consumer ON yw_exchange_applications (consumer);
CREATE INDEX yw_exchange_applications_provider ON yw_exchange_applications (provider, status);

-- Grants (授权): conditions is canonical JSON (fields, masks cleared,
-- purpose, validity, hours, weekdays, quotas, records per request, sources).
CREATE TABLE yw_exchange_grants (
    id TEXT PRIMARY KEY,
    application TEXT NOT NULL REFERENCES yw_exchange_applications (id) DEFERRABLE INITIALLY DEFERRED,
    consumer TEXT NOT NULL REFERENCES yw_orgs (code),
    key_id TEXT NOT NULL REFERENCES yw_api_keys (id),
    provider TEXT NOT NULL REFERENCES yw_orgs (code),
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('records', 'sandbox')),
    conditions TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'revoked')),
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_exchange_grants_key ON yw_exchange_grants (key_id, code);
CREATE INDEX yw_exchange_grants_code ON yw_exchange_grants (code);

-- Use counts as of ledger index through_index (yw_exchange_state): a
-- snapshot; the delivery entries after it are replayed at start-up.
CREATE TABLE yw_exchange_counts (
    grant_id TEXT PRIMARY KEY REFERENCES yw_exchange_grants (id),
    uses BIGINT NOT NULL,
    day BIGINT NOT NULL,
    day_uses BIGINT NOT NULL,
    records BIGINT NOT NULL,
    epsilon_micro BIGINT NOT NULL
);
CREATE TABLE yw_exchange_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    through_index BIGINT NOT NULL
);
INSERT INTO yw_exchange_state (id, through_index) VALUES (1, -1);

-- The providers' records, keyed by the resource's key fields (values joined
-- by U+001F); data is the record as JSON.
CREATE TABLE yw_exchange_records (
    code TEXT NOT NULL,
    key TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (code, key)
);

-- The subject index: keyed hash of a citizen's identity number → the ledger
-- entries of deliveries that touched their records.
CREATE TABLE yw_exchange_subjects (
    subject TEXT NOT NULL,
    ledger_index BIGINT NOT NULL,
    PRIMARY KEY (subject, ledger_index)
);
