-- KYC part A (BARONG.md §2.4, §2.5, §2.12): profiles and phones keep personal data sealed.
-- Every personal field is AES-256-GCM ciphertext (src/domain/kyc/pii.ts); where lookups need
-- equality a blind index (HMAC-SHA256 hex of the normalised value, keyed from ENCRYPTION_KEY)
-- sits beside it. Barong's CRC32 `*_index` (32 bits, salted with a public setting) is replaced:
-- it was trivially reversible for phone numbers.

-- Profiles: postcode and city are personal too; their plain columns go (no rows existed before
-- this migration: profiles could not be created).
ALTER TABLE profiles ADD COLUMN postcode_encrypted varchar(1024);
ALTER TABLE profiles ADD COLUMN city_encrypted varchar(1024);
ALTER TABLE profiles DROP COLUMN postcode;
ALTER TABLE profiles DROP COLUMN city;
ALTER TABLE profiles ADD COLUMN first_name_index varchar(64);
ALTER TABLE profiles ADD COLUMN last_name_index varchar(64);
ALTER TABLE profiles ADD COLUMN dob_index varchar(64);
CREATE INDEX index_profiles_on_first_name_index ON profiles (first_name_index);
CREATE INDEX index_profiles_on_last_name_index ON profiles (last_name_index);
CREATE INDEX index_profiles_on_country ON profiles (upper(country));
-- At most one open (drafted = 0 / submitted = 1) profile per user, even under concurrent posts.
CREATE UNIQUE INDEX index_profiles_one_open_per_user ON profiles (user_id) WHERE state IN (0, 1);

-- Phones: number_index becomes the blind index; the 5-digit code is never stored in clear
-- (code_digest is an HMAC of phone id and code), expires, and counts failed attempts.
ALTER TABLE phones ALTER COLUMN number_index TYPE varchar(64) USING number_index::text;
ALTER TABLE phones ADD COLUMN code_digest varchar(64);
ALTER TABLE phones ADD COLUMN code_expires_at timestamptz;
ALTER TABLE phones ADD COLUMN code_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE phones ADD COLUMN channel varchar(8) NOT NULL DEFAULT 'sms';
-- A number is held once per user, and verified by one user at most.
CREATE UNIQUE INDEX index_phones_on_user_id_and_number_index ON phones (user_id, number_index);
CREATE UNIQUE INDEX index_phones_verified_number ON phones (number_index) WHERE validated_at IS NOT NULL;
