-- API keys (BARONG.md §2.10): HMAC keys of users and service accounts for the gateway's
-- API-key mode (§11.5). The secret is stored sealed by the AEAD Encryptor (§2.12), never plain.
-- scope is a JSON array of strings (Barong serialized it as YAML).

CREATE TABLE apikeys (
  id                      bigserial PRIMARY KEY,
  key_holder_account_id   bigint NOT NULL,
  key_holder_account_type varchar(255) NOT NULL DEFAULT 'User',
  kid                     varchar(255) NOT NULL,
  algorithm               varchar(255) NOT NULL,
  scope                   text,
  secret_encrypted        varchar(1024),
  state                   varchar(255) NOT NULL DEFAULT 'active',
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_apikeys_on_kid ON apikeys (kid);
CREATE INDEX index_apikeys_on_key_holder_account ON apikeys (key_holder_account_type, key_holder_account_id);
