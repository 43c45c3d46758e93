-- Warden identity core: Barong's schema (BARONG.md §2) in PostgreSQL.
-- Emails are unique case-insensitively (Barong relied on MySQL collation; §2.1 recommendation).

CREATE TABLE users (
  id              bigserial PRIMARY KEY,
  uid             varchar(255) NOT NULL,
  username        varchar(255),
  email           varchar(255) NOT NULL,
  password_digest varchar(255) NOT NULL,
  role            varchar(255) NOT NULL DEFAULT 'member',
  data            text,
  level           integer NOT NULL DEFAULT 0,
  otp             boolean NOT NULL DEFAULT false,
  state           varchar(255) NOT NULL DEFAULT 'pending',
  referral_id     bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_users_on_uid ON users (uid);
CREATE UNIQUE INDEX index_users_on_username ON users (username);
CREATE UNIQUE INDEX index_users_on_email ON users (lower(email));

CREATE TABLE labels (
  id          bigserial PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key         varchar(255) NOT NULL,
  value       varchar(255) NOT NULL,
  scope       varchar(255) NOT NULL DEFAULT 'public',
  description varchar(255),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_labels_on_user_id ON labels (user_id);
CREATE UNIQUE INDEX index_labels_on_user_id_and_key_and_scope ON labels (user_id, key, scope);

CREATE TABLE levels (
  id          serial PRIMARY KEY,
  key         varchar(255) NOT NULL,
  value       varchar(255) NOT NULL,
  description varchar(255) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_levels_on_key_and_value ON levels (key, value);

CREATE TABLE profiles (
  id                   bigserial PRIMARY KEY,
  user_id              bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  author               varchar(255),
  applicant_id         varchar(255),
  first_name_encrypted varchar(1024),
  last_name_encrypted  varchar(1024),
  dob_encrypted        varchar(255),
  address_encrypted    varchar(1024),
  postcode             varchar(255),
  city                 varchar(255),
  country              varchar(255),
  state                smallint NOT NULL DEFAULT 0,
  metadata             text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_profiles_on_user_id ON profiles (user_id);

CREATE TABLE phones (
  id               bigserial PRIMARY KEY,
  user_id          bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  country          varchar(255) NOT NULL,
  code             varchar(5),
  number_encrypted varchar(255) NOT NULL,
  number_index     bigint NOT NULL,
  validated_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_phones_on_user_id ON phones (user_id);
CREATE INDEX index_phones_on_number_index ON phones (number_index);

CREATE TABLE data_storages (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title      varchar(64) NOT NULL,
  data       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_data_storages_on_user_id_and_title ON data_storages (user_id, lower(title));

-- Append-only audit log (§2.9).
CREATE TABLE activities (
  id              bigserial PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  target_uid      varchar(255),
  category        varchar(255) NOT NULL,
  user_ip         varchar(255) NOT NULL,
  user_ip_country varchar(255),
  user_agent      varchar(255) NOT NULL,
  topic           varchar(255) NOT NULL,
  action          varchar(255) NOT NULL,
  result          varchar(255) NOT NULL,
  data            text,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_activities_on_user_id_and_id ON activities (user_id, id DESC);
CREATE INDEX index_activities_on_category_and_id ON activities (category, id DESC);

CREATE TABLE permissions (
  id         bigserial PRIMARY KEY,
  action     varchar(255) NOT NULL,
  role       varchar(255) NOT NULL,
  verb       varchar(255) NOT NULL,
  path       varchar(255) NOT NULL,
  topic      varchar(255),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_permissions_on_role ON permissions (role);
CREATE INDEX index_permissions_on_topic ON permissions (topic);

CREATE TABLE restrictions (
  id         bigserial PRIMARY KEY,
  category   varchar(255) NOT NULL,
  scope      varchar(64) NOT NULL,
  value      varchar(64) NOT NULL,
  code       integer,
  state      varchar(16) NOT NULL DEFAULT 'enabled',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_restrictions_on_scope_category_value ON restrictions (scope, category, value);

-- Transactional outbox: every domain event is written in the transaction of its change.
-- Consumers (the mailer here; the RabbitMQ publisher later) keep their own progress columns.
CREATE TABLE outbox (
  id            bigserial PRIMARY KEY,
  name          varchar(255) NOT NULL,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  mail_status   varchar(16) NOT NULL DEFAULT 'none',   -- none | pending | sent | failed
  mail_attempts integer NOT NULL DEFAULT 0,
  mail_next_at  timestamptz NOT NULL DEFAULT now(),
  mail_error    text
);
CREATE INDEX index_outbox_mail_pending ON outbox (mail_next_at) WHERE mail_status = 'pending';

-- Fingerprints of the signing and encryption keys this database was initialised with, so a
-- second instance that generated keys of its own refuses to start instead of splitting trust.
CREATE TABLE key_fingerprints (
  purpose     varchar(32) PRIMARY KEY,
  fingerprint varchar(128) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
