-- Migration number: 0001 	 2026-09-14T09:12:31.000Z
-- Accounts. Passwords are stored as PBKDF2-SHA256 hashes with a per-user salt.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,                 -- crypto.randomUUID()
  email         TEXT NOT NULL COLLATE NOCASE,
  password_hash TEXT NOT NULL,                    -- base64 of the derived key
  password_salt TEXT NOT NULL,                    -- base64 of 16 random bytes
  password_iterations INTEGER NOT NULL DEFAULT 100000,
  role          TEXT NOT NULL DEFAULT 'creator' CHECK (role IN ('creator', 'editor', 'admin')),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX users_email_unique ON users (email);
