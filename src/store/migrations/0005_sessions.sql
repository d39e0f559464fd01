-- Sign-in sessions (src/directory/sessions.c). The cookie carries a random
-- token; only its SHA-256 is stored, so a copy of the database opens no
-- session. The CSRF token is returned to the signed-in page and required on
-- every state-changing request made with the cookie.
CREATE TABLE yw_sessions (
    token_hash TEXT PRIMARY KEY,
    login TEXT NOT NULL REFERENCES yw_accounts (login),
    csrf TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    seen_ms BIGINT NOT NULL,
    remote TEXT
);
CREATE INDEX yw_sessions_login ON yw_sessions (login);
