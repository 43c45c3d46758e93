import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryKeyValueStore } from '../../infra/kv/memory.js';
import { staticGeoIp } from '../../infra/geoip/geoip.js';
import { apiKeySignature } from '../../lib/hmac.js';
import { HmacApiKeyAuthenticator } from '../api-keys/api-key-authenticator.js';
import type { ApiKeyService, VerificationKey } from '../api-keys/api-key-service.js';
import { NonceGuard } from '../api-keys/nonce-guard.js';
import { SessionService } from '../sessions/session-service.js';
import type { AdminAudit, AdminAuditEntry } from './admin-audit.js';
import { indexRestrictions, permissionsByRole, type PermissionRule, type RestrictionRule } from './decide.js';
import { Gateway, type GatewayFacts, type GatewayResult } from './gateway.js';
import type { JwtIssuer } from './jwt-issuer.js';
import type { PolicyCache } from './policy-cache.js';
import type { UserSnapshot, UserSnapshots } from './user-snapshots.js';

/*
 * The gateway's whole decision (BARONG.md §11.3-§11.6) as a table: restrictions, path rules,
 * cookie mode (CSRF, binding, idleness, user state), API-key mode in Barong's order, and
 * permissions, each row with its exact key and status. Sessions and nonces live in the
 * in-memory key-value twin; the JWT is a stand-in that shows the claims it was given.
 */

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const UA = 'Mozilla/5.0 (table)';
const IP = '10.1.2.3';
const P = 'api/v2/auth';
const IDLE_SECONDS = 300;

const snapshot = (id: number, role: string, state = 'active', otp = true): UserSnapshot => ({
  id, uid: `ID${String(id).padStart(8, '0')}`, username: null, email: `u${id}@example.com`, referralId: null, role, level: 3, state, otp,
});
const USERS = new Map<number, UserSnapshot>([
  [1, snapshot(1, 'member')], [2, snapshot(2, 'admin')], [3, snapshot(3, 'member', 'banned')],
  [4, snapshot(4, 'member', 'pending')], [5, snapshot(5, 'member', 'active', false)], [6, snapshot(6, 'nobody')],
]);
const SERVICE_ACCOUNT: UserSnapshot = { ...snapshot(90, 'service_account', 'active', false), uid: 'SI0000000090', serviceAccount: true };

const PERMISSIONS: PermissionRule[] = [
  { role: 'member', verb: 'ALL', path: `${P}/resource`, action: 'ACCEPT', topic: null },
  { role: 'member', verb: 'ALL', path: `${P}/resource/secrets`, action: 'DROP', topic: null },
  { role: 'admin', verb: 'ALL', path: `${P}/admin`, action: 'ACCEPT', topic: null },
  { role: 'admin', verb: 'POST', path: `${P}/admin/users`, action: 'AUDIT', topic: 'users' },
  { role: 'service_account', verb: 'GET', path: `${P}/resource`, action: 'ACCEPT', topic: null },
];
const RULES = { pass: [`${P}/identity`, `${P}/public`], block: [`${P}/management`] };

const secretOf = (kid: string) => `secret-of-${kid}`;
const key = (kid: string, holderId: number, more: Partial<VerificationKey> = {}): VerificationKey => ({
  kid, algorithm: 'HS256', secret: secretOf(kid), state: 'active', holderType: 'User', holderId, allowedIps: null, expiresAtMs: null, ...more,
});
const KEYS = new Map<string, VerificationKey>([
  ['k-member', key('k-member', 1)],
  ['k-inactive', key('k-inactive', 1, { state: 'inactive' })],
  ['k-expired', key('k-expired', 1, { expiresAtMs: NOW - 1 })],
  ['k-banned', key('k-banned', 3)],
  ['k-no2fa', key('k-no2fa', 5)],
  ['k-ips', key('k-ips', 1, { allowedIps: ['192.168.0.0/24'] })],
  ['k-service', key('k-service', 90, { holderType: 'ServiceAccount' })],
]);

interface World { gateway: Gateway; sessions: SessionService; audits: AdminAuditEntry[]; clock: { now: number } }

function world(opts: { restrictions?: RestrictionRule[]; csrf?: boolean } = {}): World {
  const clock = { now: NOW };
  const now = () => clock.now;
  const kv = new MemoryKeyValueStore(now);
  const sessions = new SessionService(kv, IDLE_SECONDS, now);
  const users = {
    get: (uid: string) => [...USERS.values()].find((u) => u.uid === uid) ?? null,
    getById: (id: number) => USERS.get(id) ?? null,
  } as unknown as UserSnapshots;
  const keys = { forVerification: (kid: string) => KEYS.get(kid) ?? null } as unknown as ApiKeyService;
  const serviceAccounts = { getById: (id: number) => (id === 90 ? SERVICE_ACCOUNT : null) };
  const audits: AdminAuditEntry[] = [];
  const gateway = new Gateway({
    policy: { current: { restrictions: indexRestrictions(opts.restrictions ?? []), permissions: permissionsByRole(PERMISSIONS), rules: RULES, loadedAt: NOW } } as unknown as PolicyCache,
    sessions,
    users,
    issuer: { issueFor: (_principal: object, claims: () => Record<string, unknown>) => `jwt:${JSON.stringify(claims())}` } as JwtIssuer,
    geoip: staticGeoIp({ '5.5.5.5': { countryCode: 'JP', country: 'Japan', continentCode: 'AS', continent: 'Asia' } }),
    audit: { record: (e: AdminAuditEntry) => audits.push(e) } as unknown as AdminAudit,
    apiKeys: new HmacApiKeyAuthenticator(keys, new NonceGuard(kv, 5000), users, serviceAccounts, 5000, now),
    csrfProtection: opts.csrf ?? true,
    apiPrefix: '/api/v2/auth',
  });
  return { gateway, sessions, audits, clock };
}

const facts = (path: string, more: Partial<GatewayFacts> = {}): GatewayFacts => ({
  method: 'GET', path: `${P}/${path}`, query: {}, ip: IP, userAgent: UA, ...more,
});
const denied = (key: string, status = 401): GatewayResult => ({ allow: false, key, status });
const claimsOf = (r: GatewayResult) => {
  assert.ok(r.allow && r.authorization, JSON.stringify(r));
  return JSON.parse(r.authorization.replace(/^Bearer jwt:/, '')) as Record<string, unknown>;
};

async function loggedIn(w: World, userId: number, ip = IP) {
  const { id, session } = await w.sessions.open(USERS.get(userId)!.uid, ip, UA);
  return { sessionId: id, csrf: session.csrfToken };
}

const signed = (kid: string, nonce = String(NOW), secret = secretOf(kid)) => ({
  apiKey: { kid, nonce, signature: apiKeySignature(secret, nonce, kid, 'HS256') },
});

test('restrictions and path rules come first, in Barong order', async () => {
  const maintenance = world({ restrictions: [{ category: 'maintenance', scope: 'all', value: 'all', code: 471 }] });
  const member = await loggedIn(maintenance, 1);
  assert.deepEqual(await maintenance.gateway.check(facts('resource/users/me', member)), denied('authz.restrict.maintenance', 471), 'even with a valid session');
  assert.deepEqual(await maintenance.gateway.check(facts('identity/users/access')), { allow: true }, 'the whitelink path is exempt');
  const byCountry = world({ restrictions: [{ category: 'blacklist', scope: 'country', value: 'JP', code: 403 }] });
  assert.deepEqual(await byCountry.gateway.check(facts('public/ping', { ip: '5.5.5.5' })), denied('authz.restrict.blacklist', 403), 'before pass rules');
  assert.deepEqual(await byCountry.gateway.check(facts('public/ping')), { allow: true });
  const blockLogin = world({ restrictions: [{ category: 'blocklogin', scope: 'all', value: 'all', code: 423 }] });
  assert.deepEqual(await blockLogin.gateway.check(facts('identity/sessions', { method: 'POST' })), denied('authz.restrict.blocklogin', 423));
  assert.deepEqual(await blockLogin.gateway.check(facts('identity/users', { method: 'POST' })), { allow: true });

  const w = world();
  assert.deepEqual(await w.gateway.check(facts('public/ping')), { allow: true }, 'pass: anonymous, no JWT');
  assert.deepEqual(await w.gateway.check(facts('identity/sessions', { sessionId: 'not-a-session' })), { allow: true }, 'pass ignores a bad cookie');
  assert.deepEqual(await w.gateway.check(facts('management/users', await loggedIn(w, 2))), denied('authz.permission_denied'), 'block beats any session');
});

test('cookie mode: session, CSRF on state-changing verbs, User-Agent and network binding, idleness, user state', async () => {
  const w = world();
  const member = await loggedIn(w, 1);
  const me = 'resource/users/me';
  const rows: [string, Partial<GatewayFacts>, GatewayResult | 'allow'][] = [
    ['no cookie', {}, denied('authz.invalid_session')],
    ['unknown session', { sessionId: 'ffffffffffffffffffffffffffffffff' }, denied('authz.invalid_session')],
    ['valid session, GET', member, 'allow'],
    ['HEAD and OPTIONS need no CSRF token', { ...member, method: 'OPTIONS' }, 'allow'],
    ['POST without the CSRF token', { ...member, method: 'POST' }, denied('authz.missing_csrf_token')],
    ['DELETE with a wrong token', { ...member, method: 'DELETE', csrfToken: 'nope' }, denied('authz.csrf_token_mismatch')],
    ['PUT with the session token', { ...member, method: 'PUT', csrfToken: member.csrf }, 'allow'],
    ['another host in the same /16', { ...member, ip: '10.1.200.9' }, 'allow'],
  ];
  for (const [name, more, expected] of rows) {
    const r = await w.gateway.check(facts(me, more));
    if (expected === 'allow') assert.equal(claimsOf(r).uid, USERS.get(1)!.uid, name);
    else assert.deepEqual(r, expected, name);
  }

  const noCsrf = world({ csrf: false });
  assert.equal((await noCsrf.gateway.check(facts(me, { ...(await loggedIn(noCsrf, 1)), method: 'POST' }))).allow, true, 'CSRF_PROTECTION=false');

  for (const [name, change] of [['another User-Agent', { userAgent: 'curl/8' }], ['another /16', { ip: '10.2.2.3' }]] as const) {
    const s = await loggedIn(w, 1);
    assert.deepEqual(await w.gateway.check(facts(me, { ...s, ...change })), denied('authz.client_session_mismatch'), name);
    assert.deepEqual(await w.gateway.check(facts(me, s)), denied('authz.invalid_session'), `${name}: the session is gone`);
  }
  const ipv6 = world();
  const v6 = await loggedIn(ipv6, 1, '2001:db8:1:2::5');
  assert.equal((await ipv6.gateway.check(facts(me, { ...v6, ip: '2001:db8:1:2::ffff:1' }))).allow, true, 'the same /96');
  assert.deepEqual(await ipv6.gateway.check(facts(me, { ...v6, ip: '2001:db8:9::1' })), denied('authz.client_session_mismatch'), 'another /96');

  const idle = await loggedIn(w, 1);
  w.clock.now += (IDLE_SECONDS - 10) * 1000;
  assert.equal((await w.gateway.check(facts(me, idle))).allow, true, 'used before it expires: the expiry slides');
  w.clock.now += (IDLE_SECONDS - 10) * 1000;
  assert.equal((await w.gateway.check(facts(me, idle))).allow, true, 'still alive after the slide');
  w.clock.now += (IDLE_SECONDS + 1) * 1000;
  assert.deepEqual(await w.gateway.check(facts(me, idle)), denied('authz.client_session_mismatch'), 'idle past its expiry');

  assert.deepEqual(await w.gateway.check(facts(me, await loggedIn(w, 3))), denied('authz.user_not_active'), 'a banned user');
  assert.equal(claimsOf(await w.gateway.check(facts(me, await loggedIn(w, 4)))).state, 'pending', 'pending users pass');
  const gone = await w.sessions.open('ID99999999', IP, UA);
  assert.deepEqual(await w.gateway.check(facts(me, { sessionId: gone.id })), denied('authz.invalid_session'), 'a session of a deleted user');
});

test('API-key mode: every refusal in Barong order, then acceptance once per nonce', async () => {
  const w = world();
  const me = 'resource/users/me';
  const rows: [string, Partial<GatewayFacts>, GatewayResult][] = [
    ['only the key header', { apiKey: { kid: 'k-member' } }, denied('authz.invalid_api_key_headers', 422)],
    ['a blank signature', { apiKey: { kid: 'k-member', nonce: String(NOW), signature: ' ' } }, denied('authz.invalid_api_key_headers', 422)],
    ['an unknown key', signed('k-unknown'), denied('authz.unexistent_apikey')],
    ['a nonce that is no timestamp', signed('k-member', 'abc'), denied('authz.nonce_not_valid_timestamp')],
    ['a nonce outside the window', signed('k-member', String(NOW - 5000)), denied('authz.nonce_expired')],
    ['a nonce from the future', signed('k-member', String(NOW + 5000)), denied('authz.nonce_expired')],
    ['a wrong signature', signed('k-member', String(NOW), 'another secret'), denied('authz.invalid_signature')],
    ['an inactive key, even signed right', signed('k-inactive'), denied('authz.apikey_not_active')],
    ['an inactive key signed wrong: the signature is judged first', signed('k-inactive', String(NOW), 'x'), denied('authz.invalid_signature')],
    ['an unknown key with a stale nonce: the key is judged first', signed('k-unknown', String(NOW - 60_000)), denied('authz.unexistent_apikey')],
    ['an expired key', signed('k-expired'), denied('authz.apikey_expired')],
    ['a banned holder', signed('k-banned'), denied('authz.invalid_session')],
    ['a holder without 2FA', signed('k-no2fa'), denied('authz.disabled_2fa')],
    ['a caller outside the key\'s networks', signed('k-ips'), denied('authz.ip_not_allowed')],
  ];
  for (const [name, more, expected] of rows) assert.deepEqual(await w.gateway.check(facts(me, more)), expected, name);

  const ok = await w.gateway.check(facts(me, signed('k-member', String(NOW - 4999))));
  assert.equal(claimsOf(ok).uid, USERS.get(1)!.uid, 'inside the window');
  assert.deepEqual(await w.gateway.check(facts(me, signed('k-member', String(NOW - 4999)))), denied('authz.nonce_reused'), 'the same nonce again');
  assert.equal((await w.gateway.check(facts(me, { ...signed('k-ips'), ip: '192.168.0.77' }))).allow, true, 'inside the key\'s networks');
  assert.equal((await w.gateway.check(facts(me, { ...signed('k-member', String(NOW)), sessionId: 'ignored' }))).allow, true, 'API-key headers win over a cookie');

  const service = claimsOf(await w.gateway.check(facts(me, signed('k-service'))));
  assert.deepEqual(service, { uid: 'SI0000000090', email: 'u90@example.com', role: 'service_account', level: 3, state: 'active' }, 'service accounts need no 2FA and get fewer claims');
  assert.deepEqual(await w.gateway.check(facts(me, { ...signed('k-service', String(NOW + 1)), method: 'POST' })), denied('authz.invalid_permission'), 'and their role\'s permissions');
});

test('permissions: role x verb x prefix, DROP beats ACCEPT, AUDIT and denials become admin activities', async () => {
  const w = world();
  const member = await loggedIn(w, 1);
  const admin = await loggedIn(w, 2);
  const nobody = await loggedIn(w, 6);
  assert.deepEqual(await w.gateway.check(facts('admin/users', member)), denied('authz.invalid_permission'), 'no rule for the role');
  assert.deepEqual(await w.gateway.check(facts('resource/secrets/1', member)), denied('authz.invalid_permission'), 'DROP beats ACCEPT');
  assert.deepEqual(await w.gateway.check(facts('resource/users/me', nobody)), denied('authz.invalid_permission'), 'a role without rules');
  assert.equal((await w.gateway.check(facts('admin/users', admin))).allow, true, 'ACCEPT, not audited');
  assert.equal((await w.gateway.check(facts('admin/users', { ...admin, method: 'POST', csrfToken: admin.csrf, query: { uid: 'ID00000001' } }))).allow, true, 'ACCEPT and AUDIT');
  assert.deepEqual(w.audits.map((a) => [a.userId, a.method, a.path, a.topic, a.result]), [
    [1, 'GET', `${P}/admin/users`, null, 'denied'],
    [1, 'GET', `${P}/resource/secrets/1`, null, 'denied'],
    [6, 'GET', `${P}/resource/users/me`, null, 'denied'],
    [2, 'POST', `${P}/admin/users`, 'users', 'succeed'],
  ]);
  assert.deepEqual(w.audits[3].params, { uid: 'ID00000001' });
});

test('answers that need no I/O are given synchronously, without a promise', () => {
  const w = world({ restrictions: [{ category: 'blacklist', scope: 'ip', value: '6.6.6.6', code: 403 }] });
  const me = 'resource/users/me';
  for (const f of [facts('public/ping'), facts('management/x'), facts(me, { ip: '6.6.6.6' }), facts(me, signed('k-unknown')), facts(me, signed('k-member', 'abc')), facts(me, signed('k-no2fa'))]) {
    assert.ok(!(w.gateway.check(f) instanceof Promise), f.path);
  }
  assert.ok(w.gateway.check(facts(me, signed('k-member'))) instanceof Promise, 'an accepted key waits for the nonce store');
});
