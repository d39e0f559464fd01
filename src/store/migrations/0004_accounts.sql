-- Accounts, roles and the power list (src/directory/accounts.c).
-- Staff belong to an organisation; citizens sign in with their resident
-- identity number (their login); enterprise operators belong to an
-- enterprise partner. Passwords are Argon2id PHC strings, never plain.
CREATE TABLE yw_accounts (
    login TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('staff', 'citizen', 'enterprise_operator')),
    name TEXT NOT NULL,
    org TEXT REFERENCES yw_orgs (code),
    mobile TEXT,
    email TEXT,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX yw_accounts_org ON yw_accounts (org);
CREATE TABLE yw_account_roles (
    login TEXT NOT NULL REFERENCES yw_accounts (login),
    role TEXT NOT NULL CHECK (role IN ('node_admin', 'cdo', 'data_steward', 'approver',
                                       'window_clerk', 'assistant', 'supervisor', 'auditor',
                                       'enterprise_operator', 'citizen')),
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (login, role)
);
-- The power list (权力清单): the actions each organisation may exercise.
CREATE TABLE yw_power_list (
    org TEXT NOT NULL REFERENCES yw_orgs (code),
    action TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (org, action)
);
