-- Social login (OAuth 2.0 / OpenID Connect, Auth0): which provider accounts are linked to which
-- user. A provider account (provider, subject) belongs to one user; a user links at most one
-- account per provider. `email` is what the provider reported when the link was made (shown in
-- the user's list; never used to find the user again: the subject is). Provider tokens are not
-- stored: Warden only needs to know who signed in. Pending 2FA steps live in the key-value store.
CREATE TABLE oauth_identities (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider   varchar(32) NOT NULL,
  subject    varchar(255) NOT NULL,
  email      varchar(255),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX index_oauth_identities_on_provider_and_subject ON oauth_identities (provider, subject);
CREATE UNIQUE INDEX index_oauth_identities_on_user_id_and_provider ON oauth_identities (user_id, provider);
