-- Migration number: 0003 	 2026-10-05T11:03:47.000Z
-- Public creator profiles, one per user.
CREATE TABLE profiles (
  user_id      TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  handle       TEXT NOT NULL,
  display_name TEXT NOT NULL,
  bio          TEXT NOT NULL DEFAULT '',
  avatar_key   TEXT,                              -- object key in the content worker's MEDIA_BUCKET
  followers    INTEGER NOT NULL DEFAULT 0 CHECK (followers >= 0),
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE UNIQUE INDEX profiles_handle_unique ON profiles (handle COLLATE NOCASE);

-- Every existing account gets a profile; the handle defaults to the part of the email before '@'.
INSERT INTO profiles (user_id, handle, display_name)
SELECT id, substr(email, 1, instr(email, '@') - 1) || '-' || substr(id, 1, 4), substr(email, 1, instr(email, '@') - 1)
FROM users;
