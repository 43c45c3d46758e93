import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { MemoryOAuthHttp } from '../../infra/oauth/http.js';
import { OidcDirectory } from './directory.js';
import { OAuthFlowError } from './flow-error.js';
import { parseProviders } from './providers.js';

const ISS = 'https://idp.example.com';
const [spec] = parseProviders([{ name: 'idp', issuer: ISS, client_id: 'c', client_secret: 's' }], { callbackBase: 'https://app.example.com', apiPrefix: '/api' }, () => '');
const discovery = { issuer: ISS, authorization_endpoint: `${ISS}/auth`, token_endpoint: `${ISS}/token`, jwks_uri: `${ISS}/jwks`, userinfo_endpoint: `${ISS}/me` };

test('discovery is fetched once and cached for an hour', async () => {
  let now = 0;
  const http = new MemoryOAuthHttp().on(`${ISS}/.well-known/openid-configuration`, { status: 200, body: discovery });
  const dir = new OidcDirectory(http, () => now);
  assert.deepEqual(await dir.endpoints(spec), { authorization: `${ISS}/auth`, token: `${ISS}/token`, jwks: `${ISS}/jwks`, userinfo: `${ISS}/me` });
  await Promise.all([dir.endpoints(spec), dir.endpoints(spec)]);
  assert.equal(http.calls.length, 1);
  now += 3_600_001;
  await dir.endpoints(spec);
  assert.equal(http.calls.length, 2);
});

test('a discovery document naming another issuer, a plain-http endpoint or an unreachable host is provider_unavailable', async () => {
  for (const body of [{ ...discovery, issuer: 'https://evil.example.com' }, { ...discovery, token_endpoint: 'http://idp.example.com/token' }]) {
    const dir = new OidcDirectory(new MemoryOAuthHttp().on(`${ISS}/.well-known/openid-configuration`, { status: 200, body }));
    await assert.rejects(dir.endpoints(spec), (e: OAuthFlowError) => e.code === 'provider_unavailable');
  }
  await assert.rejects(new OidcDirectory(new MemoryOAuthHttp()).endpoints(spec), (e: OAuthFlowError) => e.code === 'provider_unavailable');
});

test('keys: cached; an unknown kid refetches at most once per minute', async () => {
  let now = 0;
  const one = await generateKeyPair('RS256');
  const two = await generateKeyPair('RS256');
  const keys = [{ ...(await exportJWK(one.publicKey)), kid: 'one', alg: 'RS256' }];
  const http = new MemoryOAuthHttp().on(`${ISS}/jwks`, () => ({ status: 200, body: { keys } }));
  const dir = new OidcDirectory(http, () => now);
  const sign = (key: CryptoKey, kid: string) => new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISS).setAudience('c').setIssuedAt(0).setExpirationTime(600).sign(key);
  const opts = { issuer: ISS, audience: 'c', currentDate: new Date(now) };
  assert.equal((await dir.verifyJwt(await sign(one.privateKey, 'one'), `${ISS}/jwks`, opts)).sub, 'x');
  assert.equal((await dir.verifyJwt(await sign(one.privateKey, 'one'), `${ISS}/jwks`, opts)).sub, 'x');
  assert.equal(http.calls.length, 1);
  keys.push({ ...(await exportJWK(two.publicKey)), kid: 'two', alg: 'RS256' });
  await assert.rejects(dir.verifyJwt(await sign(two.privateKey, 'two'), `${ISS}/jwks`, opts), 'within a minute of the last fetch');
  assert.equal(http.calls.length, 1);
  now += 60_001;
  assert.equal((await dir.verifyJwt(await sign(two.privateKey, 'two'), `${ISS}/jwks`, opts)).sub, 'x');
  assert.equal(http.calls.length, 2);
});
