-- Migration number: 0003 	 2026-10-20T09:30:00.000Z
-- Daily view counts per post.
CREATE TABLE post_views (
  post_id REFERENCES posts (id) ON DELETE CASCADE,
  day     TEXT NOT NULL,
  views   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (post_id, day)
);
