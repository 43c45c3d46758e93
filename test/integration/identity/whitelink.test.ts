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
  assert.equal(r.status, 201);
  const rows = await t.c.db.query<{ category: string; scope: string; value: string; state: string }>(
    "SELECT category, scope, value, state FROM restrictions WHERE value = '203.0.113.7'");
  assert.deepEqual(rows, [{ category: 'whitelist', scope: 'ip', value: '203.0.113.7', state: 'enabled' }]);
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
