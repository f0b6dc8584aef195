-- Migration number: 0002 	 2026-09-20T16:40:02.000Z
-- One row per refresh session; the hot copy lives in the SESSIONS KV namespace with a TTL.
CREATE TABLE sessions (
  id           TEXT PRIMARY KEY,                  -- crypto.randomUUID(), also the KV key
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  user_agent   TEXT,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at   TEXT NOT NULL,
  revoked_at   TEXT
);

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at) WHERE revoked_at IS NULL;
