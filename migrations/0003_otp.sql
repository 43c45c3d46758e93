-- TOTP second factor (BARONG.md §14). Barong kept the secret in Vault; Warden keeps it here,
-- sealed by the AEAD Encryptor (`<keyid>.<payload>`), one per user. users.otp stays the
-- enabled flag: a row for a user whose otp is false is a pending (not yet confirmed) secret.
CREATE TABLE otp_secrets (
  user_id          bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_encrypted varchar(1024) NOT NULL,
  -- Replay guard shared by every instance: a code is accepted only for a time step after
  -- this one (RFC 6238 §5.2: an OTP is valid once).
  last_used_step   bigint,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Beyond Barong: single-use recovery codes, stored as SHA-256 of high-entropy random codes.
CREATE TABLE otp_recovery_codes (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash  varchar(64) NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX index_otp_recovery_codes_on_user_id ON otp_recovery_codes (user_id);
