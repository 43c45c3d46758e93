-- Service accounts (BARONG.md §2.11, §16.4): non-human principals owned by a user, with a
-- role of their own, that authenticate only with API keys their owner manages.
CREATE TABLE service_accounts (
  id         bigserial PRIMARY KEY,
  uid        varchar(255) NOT NULL,
  owner_id   bigint REFERENCES users(id) ON DELETE CASCADE,
  email      varchar(255) NOT NULL,
  role       varchar(255) NOT NULL DEFAULT 'service_account',
  level      integer NOT NULL DEFAULT 0,
  state      varchar(255) NOT NULL DEFAULT 'pending',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_service_accounts_on_uid ON service_accounts (uid);
CREATE UNIQUE INDEX index_service_accounts_on_email ON service_accounts (lower(email));
CREATE INDEX index_service_accounts_on_owner_id ON service_accounts (owner_id);

-- Beyond Barong: a key may be limited to client networks and may expire. NULL means no limit.
-- allowed_ips is a JSON array of CIDRs (IPv4 or IPv6), checked by the gateway (authz.ip_not_allowed).
ALTER TABLE apikeys ADD COLUMN allowed_ips text;
ALTER TABLE apikeys ADD COLUMN expires_at timestamptz;
