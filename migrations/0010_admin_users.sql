-- Admin API, users part (BARONG.md §2.8, §8.6, §8.7): comments on users, and the indexes that
-- keep the admin user lists and filters fast at a million users.

-- Notes admins leave on a user (§2.8). author_uid is the admin's uid (prefix of 2–6 + 10 chars).
CREATE TABLE comments (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  author_uid varchar(16) NOT NULL,
  title      varchar(64) NOT NULL,
  data       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_comments_on_user_id ON comments (user_id, id);

-- GET admin/users filters: exact role/state/level come out in id order straight from the
-- index (the default ordering), so a page never sorts the table; range filters on
-- created_at/updated_at and ordering by them use the time indexes. uid and email (lower) are
-- already unique indexes; profile names use the blind indexes of 0005.
CREATE INDEX index_users_on_role_and_id ON users (role, id);
CREATE INDEX index_users_on_state_and_id ON users (state, id);
CREATE INDEX index_users_on_level_and_id ON users (level, id);
CREATE INDEX index_users_on_created_at_and_id ON users (created_at, id);
CREATE INDEX index_users_on_updated_at_and_id ON users (updated_at, id);

-- country filter: "has a profile in this country" is answered from the index alone.
CREATE INDEX index_profiles_on_country_and_user_id ON profiles (upper(country), user_id);

-- GET admin/users/labels (key, value, any scope) walks users in id order from this index;
-- labels/list counts private (key, value) pairs with an index-only scan.
CREATE INDEX index_labels_on_key_value_user_id_scope ON labels (key, value, user_id, scope);

-- The document review queue (GET admin/users/documents/pending), oldest change first.
CREATE INDEX index_labels_document_review ON labels (updated_at, id)
  WHERE key = 'document' AND scope = 'private' AND value IN ('pending', 'replaced');
