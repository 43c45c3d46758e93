-- KYC documents, proofs of residence and provider callbacks (BARONG.md §2.6, §7.5, §7.6, §17).
-- Document numbers are sealed by the AEAD Encryptor; doc_number_index is a keyed blind index
-- (HMAC-SHA256 hex, see src/domain/kyc/pii.ts) instead of Barong's CRC32, so lookups by number
-- do not leak the number. `upload` is the storage key of the file, never a public path.

CREATE TABLE documents (
  id                   bigserial PRIMARY KEY,
  user_id              bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  upload               varchar(255),
  doc_type             varchar(255),
  doc_expire           date,
  doc_number_encrypted varchar(1024),
  doc_number_index     varchar(64),
  doc_issue            date,
  doc_category         varchar(255),
  identificator        varchar(255),
  metadata             text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_documents_on_user_id ON documents (user_id);
CREATE INDEX index_documents_on_doc_number_index ON documents (doc_number_index);
CREATE INDEX index_documents_on_user_id_and_identificator ON documents (user_id, identificator);

-- The address a user claims with a proof of residence (§7.6). Barong only passed it on to the
-- provider job; Warden keeps it so admins can compare it with the uploaded proof. The street
-- address is PII and sealed like the profile's; country, city and postcode are plain as there.
CREATE TABLE addresses (
  id                bigserial PRIMARY KEY,
  user_id           bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  identificator     varchar(255) NOT NULL,
  country           varchar(255) NOT NULL,
  city              varchar(255),
  postcode          varchar(255),
  address_encrypted varchar(1024) NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_addresses_on_user_id ON addresses (user_id);

-- One row per provider event applied: a replayed webhook finds its row and changes nothing.
CREATE TABLE kyc_callback_events (
  provider   varchar(32) NOT NULL,
  event_id   varchar(255) NOT NULL,
  user_id    bigint REFERENCES users(id) ON DELETE SET NULL,
  result     text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);
