-- Optional one-time codes (TOTP, RFC 6238) for accounts: the secret sealed
-- with a key derived from the node's key (it must be readable to check codes,
-- so it cannot be hashed), and the last accepted time step against replay.
ALTER TABLE yw_accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE yw_accounts ADD COLUMN totp_last_step BIGINT;
