import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client } from '../../helpers/client.js';
import { restrictionErrors } from '../../../src/domain/restrictions/restriction-rules.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

test('a whitelink token whitelists the caller IP once and announces the change', async () => {
  const announced = new Promise<string>((resolve) => { void t.c.kv.subscribe('policy-changed', resolve); });
  const token = await t.c.whitelinks.issue(600);
  const c = new Client(t);
  c.ip = '203.0.113.7';
  const r = await c.post('/identity/users/access', { whitelink_token: token });
  assert.deepEqual([r.status, r.body], [201, '']);
  const rows = await t.c.db.query<{ category: string; scope: string; value: string; state: string; code: number }>(
    "SELECT category, scope, value, state, code FROM restrictions WHERE value = '203.0.113.7'");
  assert.deepEqual(rows, [{ category: 'whitelist', scope: 'ip', value: '203.0.113.7', state: 'enabled', code: 401 }], 'the scope\'s default code (§2.11), not 471');
  assert.equal(await announced, 'restrictions');
  const again = await c.post('/identity/users/access', { whitelink_token: token });
  assert.deepEqual([again.status, again.body], [422, { errors: ['identity.user.access.invalid_token'] }], 'single use (Warden fix #8)');
});

test('an IP that is already whitelisted gives value.taken; IPv6 callers are accepted', async () => {
  const c = new Client(t);
  c.ip = '203.0.113.8';
  assert.equal((await c.post('/identity/users/access', { whitelink_token: await t.c.whitelinks.issue(600) })).status, 201);
  const r = await c.post('/identity/users/access', { whitelink_token: await t.c.whitelinks.issue(600) });
  assert.deepEqual([r.status, r.body], [422, { errors: ['value.taken'] }]);
  const v6 = new Client(t);
  v6.ip = '2001:db8::7';
  assert.equal((await v6.post('/identity/users/access', { whitelink_token: await t.c.whitelinks.issue(600) })).status, 201);
});

test('the 201 means the whitelist is already in force on this instance', async () => {
  const gate = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/authz/api/v2/auth/resource/users/me', headers: { 'x-forwarded-for': '203.0.113.9' } });
    return [res.statusCode, res.json()];
  };
  await t.c.db.query("INSERT INTO restrictions (category, scope, value, code, state) VALUES ('blacklist', 'ip', '203.0.113.9', 403, 'enabled')");
  await t.c.policy.reload();
  assert.deepEqual(await gate(), [403, { errors: ['authz.restrict.blacklist'] }]);
  const c = new Client(t);
  c.ip = '203.0.113.9';
  const r = await c.post('/identity/users/access', { whitelink_token: await t.c.whitelinks.issue(600) });
  assert.deepEqual([r.status, r.body], [201, '']);
  // No waiting for the announcement: the whitelist skips the blacklist at once.
  assert.deepEqual(await gate(), [401, { errors: ['authz.invalid_session'] }]);
});

test('a caller IP that cannot be whitelisted is refused without spending the token; an unknown token is refused first', async () => {
  const token = await t.c.whitelinks.issue(600);
  const odd = new Client(t);
  odd.ip = `fe80::1%${'z'.repeat(64)}`;
  const r = await odd.post('/identity/users/access', { whitelink_token: token });
  assert.deepEqual([r.status, r.body], [422, { errors: ['value.too_long'] }]);
  assert.deepEqual((await odd.post('/identity/users/access', { whitelink_token: 'nope' })).body, { errors: ['identity.user.access.invalid_token'] });
  const c = new Client(t);
  c.ip = '203.0.113.10';
  const ok = await c.post('/identity/users/access', { whitelink_token: token });
  assert.deepEqual([ok.status, ok.body], [201, ''], 'the token survived the refused request');
});

test('unknown tokens and missing params', async () => {
  const c = new Client(t);
  assert.deepEqual((await c.post('/identity/users/access', { whitelink_token: 'nope' })).body, { errors: ['identity.user.access.invalid_token'] });
  assert.deepEqual((await c.post('/identity/users/access', {})).body, { errors: ['identity.user.missing_whitelink_token', 'identity.user.empty_whitelink_token'] });
});

test('restriction validation', () => {
  assert.deepEqual(restrictionErrors({ category: 'blacklist', scope: 'ip_subnet', value: '10.0.0.0/8' }), []);
  assert.deepEqual(restrictionErrors({ category: 'blacklist', scope: 'ip_subnet', value: '2001:db8::/32' }), []);
  assert.deepEqual(restrictionErrors({ category: 'blacklist', scope: 'ip_subnet', value: '10.0.0.0/33' }), ['value.invalid']);
  assert.deepEqual(restrictionErrors({ category: 'blacklist', scope: 'ip', value: '999.1.1.1' }), ['value.invalid']);
  assert.deepEqual(restrictionErrors({ category: 'nope', scope: 'planet', value: '' }), ['category.inclusion', 'scope.inclusion', 'value.blank']);
});
