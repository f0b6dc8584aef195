-- Migration number: 0002 	 2026-10-02T14:55:38.000Z
-- Paid promotion of a post; one row per Stripe PaymentIntent.
CREATE TABLE boosts (
  id                TEXT PRIMARY KEY,
  post_id           TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  author_id         TEXT NOT NULL,
  amount_cents      INTEGER NOT NULL CHECK (amount_cents >= 500),
  payment_intent_id TEXT NOT NULL UNIQUE,
  created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX boosts_post ON boosts (post_id);

-- The feed sorts by score; boosted posts get a head start.
ALTER TABLE posts ADD COLUMN boosted_until TEXT;
