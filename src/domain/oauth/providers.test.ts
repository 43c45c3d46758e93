import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auth0Tenant, parseProviders, type ProviderDefaults } from './providers.js';

const d: ProviderDefaults = { callbackBase: 'https://exchange.example.com/', apiPrefix: '/api/v2/auth' };
const noFile = (): string => { throw new Error('no files here'); };

test('presets fill in endpoints, scopes and names; the redirect URI follows the callback base', () => {
  const [google, facebook] = parseProviders([
    { name: 'google', preset: 'google', client_id: 'g-id', client_secret: 'g-secret' },
    { name: 'facebook', preset: 'facebook', client_id: 'f-id', client_secret: 'f-secret', scopes: 'email' },
  ], d, noFile);
  assert.equal(google.displayName, 'Google OAuth2');
  assert.equal(google.issuer, 'https://accounts.google.com');
  assert.deepEqual(google.scopes, ['openid', 'email', 'profile']);
  assert.equal(google.pkce, true);
  assert.equal(google.redirectUri, 'https://exchange.example.com/api/v2/auth/identity/oauth/google/callback');
  assert.equal(facebook.displayName, 'Facebook Graph');
  assert.equal(facebook.kind, 'oauth2');
  assert.deepEqual(facebook.scopes, ['email']);
  assert.equal(facebook.trustEmail, true);
  assert.equal(facebook.tokenAuth, 'client_secret_post');
});

test('auth0 takes its issuer from the domain; apple signs its own secret; secrets may come from files', () => {
  const files: Record<string, string> = { '/run/secrets/kc': 'kc-secret', '/run/secrets/apple.p8': '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' };
  const [a0, apple, kc] = parseProviders([
    { name: 'auth0', preset: 'auth0', domain: 'tenant.eu.auth0.com', client_id: 'a', client_secret: 's' },
    { name: 'apple', preset: 'apple', client_id: 'com.example.web', team_id: 'TEAM', key_id: 'KEY', private_key_file: '/run/secrets/apple.p8' },
    { name: 'keycloak', issuer: 'https://sso.example.com/realms/main', client_id: 'warden', client_secret_file: '/run/secrets/kc', display_name: 'Company SSO' },
  ], d, (p) => files[p]);
  assert.equal(a0.issuer, 'https://tenant.eu.auth0.com/');
  assert.equal(apple.responseMode, 'form_post');
  assert.deepEqual(apple.clientSecret, { kind: 'apple', teamId: 'TEAM', keyId: 'KEY', privateKeyPem: files['/run/secrets/apple.p8'] });
  assert.equal(kc.preset, 'oidc');
  assert.deepEqual(kc.clientSecret, { kind: 'static', value: 'kc-secret' });
  assert.equal(kc.displayName, 'Company SSO');
});

test('every problem is reported at once', () => {
  assert.throws(() => parseProviders([
    { name: 'Bad Name', client_id: 'x', client_secret: 'y', issuer: 'https://a.example.com' },
    { name: 'plain', preset: 'oidc', client_id: 'x', client_secret: 'y', issuer: 'http://idp.example.com' },
    { name: 'generic', preset: 'oauth2', client_id: 'x', client_secret: 'y' },
    { name: 'nosecret', preset: 'google', client_id: 'x' },
    { name: 'twice', preset: 'google', client_id: 'x', client_secret: 'y' },
    { name: 'twice', preset: 'google', client_id: 'x', client_secret: 'y' },
    { name: 'what', preset: 'myspace', client_id: 'x', client_secret: 'y' },
  ], d, noFile), (err: Error) => {
    for (const part of ['provider Bad Name: name must be', 'provider plain: issuer must be an https:// URL', 'provider generic: authorization_endpoint, token_endpoint and userinfo_endpoint are required',
      'provider nosecret: client_secret (or client_secret_file) is required', 'provider twice: name used twice', 'provider what: preset must be one of']) {
      assert.ok(err.message.includes(part), `${part}\n${err.message}`);
    }
    return true;
  });
});

test('plain http is for loopback providers only', () => {
  const [local] = parseProviders([{ name: 'dev', issuer: 'http://127.0.0.1:8080', client_id: 'x', client_secret: 'y' }], d, noFile);
  assert.equal(local.issuer, 'http://127.0.0.1:8080');
  assert.deepEqual(auth0Tenant('tenant.auth0.com'), { issuer: 'https://tenant.auth0.com/', jwksUri: 'https://tenant.auth0.com/.well-known/jwks.json' });
  assert.deepEqual(auth0Tenant('http://localhost:9000/'), { issuer: 'http://localhost:9000/', jwksUri: 'http://localhost:9000/.well-known/jwks.json' });
  assert.equal(auth0Tenant('http://tenant.auth0.com'), null);
});
