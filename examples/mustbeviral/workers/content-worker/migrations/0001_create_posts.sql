-- Migration number: 0001 	 2026-09-16T08:21:10.000Z
-- Posts. author_id is a user id from the auth Worker's database (no cross-database foreign key).
CREATE TABLE posts (
  id           TEXT PRIMARY KEY,
  author_id    TEXT NOT NULL,
  title        TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body         TEXT NOT NULL,
  summary      TEXT,
  media_key    TEXT,                               -- object key in MEDIA_BUCKET
  status       TEXT NOT NULL DEFAULT 'pending_review'
               CHECK (status IN ('pending_review', 'published', 'rejected')),
  score        INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  published_at TEXT
);

CREATE INDEX posts_feed ON posts (status, created_at DESC);
CREATE INDEX posts_author ON posts (author_id, created_at DESC);
