-- The Nebeus front door (issue 8): countries offered at sign-up, mobile devices, a ledger read
-- model for the partner dashboard, profile images and per-user dashboard attributes.

-- Countries come from 0008 (ISO 3166-1 alpha-2 from the countries-list package, inserted in code
-- order, so ids are the same on every installation). `active`: offered by get_countries and
-- served as a flag; operators switch it through the admin API. Rows are never deleted: ids stay.
ALTER TABLE countries ADD COLUMN active boolean NOT NULL DEFAULT true;

-- A device a user signed up (or later signs in) from, with OneSignal's add-device fields:
-- device_type 0..14 (OneSignal's enumeration: 0 iOS, 1 Android, … 14 Huawei), identifier
-- the push token, timezone the offset from UTC in seconds.
CREATE TABLE devices (
  id           bigserial PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  device_type  smallint CHECK (device_type BETWEEN 0 AND 14),
  identifier   varchar(255),
  language     varchar(16),
  timezone     integer,
  app_version  varchar(64),
  device_model varchar(128),
  device_os    varchar(64),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_devices_on_user_id ON devices (user_id);

-- Ledger read model: written only through the admin API (the books live elsewhere), read by the
-- dashboard. Amounts are exact decimals (unconstrained numeric, never floats).
-- One account per user and currency.
CREATE TABLE ledger_accounts (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  currency   varchar(10) NOT NULL,
  acc_number varchar(64) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_ledger_accounts_on_user_id_and_currency ON ledger_accounts (user_id, currency);

-- Signed entries: amount > 0 credits the account (money in), amount < 0 debits it (money out).
-- The counterparty is a user (rendered from his profile) or a free name/surname ("Internal
-- Transfer"). public_id: the id clients see.
CREATE TABLE ledger_entries (
  id                   bigserial PRIMARY KEY,
  public_id            varchar(16) NOT NULL,
  account_id           bigint NOT NULL REFERENCES ledger_accounts(id) ON DELETE CASCADE,
  amount               numeric NOT NULL CHECK (amount <> 0),
  type_label           varchar(255) NOT NULL,
  counterparty_user_id bigint REFERENCES users(id) ON DELETE SET NULL,
  counterparty_name    varchar(255),
  counterparty_surname varchar(255),
  occurred_at          timestamptz NOT NULL,
  created_by           varchar(255),
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_ledger_entries_on_public_id ON ledger_entries (public_id);
CREATE INDEX index_ledger_entries_on_account_id_and_occurred_at ON ledger_entries (account_id, occurred_at);

-- Operations scheduled for a user (loan repayments …): the dashboard's nearest_operations.
CREATE TABLE scheduled_operations (
  id          bigserial PRIMARY KEY,
  public_id   varchar(16) NOT NULL,
  user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  amount      numeric NOT NULL CHECK (amount >= 0),
  direction   varchar(6) NOT NULL CHECK (direction IN ('credit', 'debit')),
  description varchar(255) NOT NULL,
  due_at      timestamptz NOT NULL,
  created_by  varchar(255),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_scheduled_operations_on_public_id ON scheduled_operations (public_id);
CREATE INDEX index_scheduled_operations_on_user_id_and_due_at ON scheduled_operations (user_id, due_at);

-- How many units of `currency` one unit of `base` buys (base EUR, currency BTC: 0.001163).
CREATE TABLE currency_rates (
  base       varchar(10) NOT NULL,
  currency   varchar(10) NOT NULL,
  rate       numeric NOT NULL CHECK (rate > 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (base, currency)
);

-- A user's profile image: both served sizes are rendered at upload and kept in the file storage
-- port under keys that change with every upload (version), so caches never serve a stale image.
CREATE TABLE profile_images (
  user_id    bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  version    varchar(32) NOT NULL,
  small_key  varchar(512) NOT NULL,
  big_key    varchar(512) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Per-user dashboard attributes an operator sets (rating, credit_rank, default_currency); the
-- configured formulas read them (README "Nebeus door").
CREATE TABLE dashboard_values (
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  key        varchar(32) NOT NULL CHECK (key IN ('rating', 'credit_rank', 'default_currency')),
  value      varchar(64) NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
