-- The verifiable ledger (src/ledger/, docs/internals/ledger.md).
-- Entries: the exact canonical-JSON bytes of each leaf, by index. Never updated
-- or deleted.
CREATE TABLE yw_ledger_entries (
    idx BIGINT PRIMARY KEY,
    entry BYTEA NOT NULL
);
-- Hash tiles in the C2SP tlog-tiles layout: tile (level, idx) holds up to 256
-- hashes; hash i is the root of the complete subtree of 256^level leaves
-- starting at leaf (idx * 256 + i) * 256^level. A partial tile (width < 256)
-- at the right edge grows as the log grows. All derived from the entries.
CREATE TABLE yw_ledger_tiles (
    level INTEGER NOT NULL,
    idx BIGINT NOT NULL,
    width INTEGER NOT NULL CHECK (width BETWEEN 1 AND 256),
    hashes BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);
-- Every checkpoint the log signed: the C2SP signed note, as served.
CREATE TABLE yw_ledger_checkpoints (
    size BIGINT PRIMARY KEY,
    note TEXT NOT NULL
);
-- What the node last recorded of its configuration (node.config entries).
ALTER TABLE yw_node ADD COLUMN config_digest TEXT;
