-- Event API (BARONG.md §13): the RabbitMQ relay keeps its own progress on the outbox, apart from
-- the mailer's mail_* columns, so mail works with or without a broker and each side retries alone.
-- jti: the event's id inside the signed message, fixed at insert, so a re-published event (after a
--   lost confirm, or a replay) carries the same jti and consumers can drop the copy.
-- published_at: set once the broker confirmed the message; NULL = still to publish.
-- Rows are published in id order. Ids of one user's events follow commit order because the insert
-- takes a per-user transaction lock first (see repositories/outbox.ts).
ALTER TABLE outbox ADD COLUMN jti uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE outbox ADD COLUMN published_at timestamptz;
ALTER TABLE outbox ADD COLUMN publish_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN publish_error text;
CREATE INDEX index_outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX index_outbox_on_created_at ON outbox (created_at);

-- Anti-phishing code: a phrase the user chose, shown in every mail Warden sends him. Sealed by the
-- AEAD Encryptor like every other secret at rest.
ALTER TABLE users ADD COLUMN anti_phishing_encrypted varchar(1024);
