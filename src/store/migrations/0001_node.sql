-- The node's identity: exactly one row (id = 1).
CREATE TABLE yw_node (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    origin TEXT NOT NULL,
    name TEXT NOT NULL,
    profile TEXT NOT NULL CHECK (profile IN ('gm', 'intl')),
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
