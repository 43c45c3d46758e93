import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, uniqueEmail } from '../../helpers/client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

test('activities record the GeoIP country name of the client IP', async () => {
  const email = uniqueEmail();
  const client = new Client(t);
  client.ip = '196.245.163.202';
  assert.equal((await client.signup(email)).status, 201);
  const rows = await t.c.db.query<{ user_ip: string; user_ip_country: string | null }>(
    `SELECT a.user_ip, a.user_ip_country FROM activities a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.action = 'signup'`, [email]);
  assert.deepEqual(rows, [{ user_ip: '196.245.163.202', user_ip_country: 'United Kingdom' }]);
});

test('an X-Forwarded-For or CLIENT_IP_HEADER value that is no address is not taken for the client IP', async () => {
  const app = await startTestApp({ CLIENT_IP_HEADER: 'CF-Connecting-IP' });
  try {
    const signupIp = async (headers: Record<string, string>) => {
      const email = uniqueEmail();
      const r = await new Client(app).call('POST', '/identity/users', { body: { email, password: 'Gol4aid1Xy-9' }, headers });
      assert.equal(r.status, 201);
      const [row] = await app.c.db.query<{ user_ip: string }>(
        `SELECT a.user_ip FROM activities a JOIN users u ON u.id = a.user_id WHERE u.email = $1 AND a.action = 'signup'`, [email]);
      return row.user_ip;
    };
    assert.equal(await signupIp({ 'x-forwarded-for': 'garbage' }), '127.0.0.1');
    assert.equal(await signupIp({ 'x-forwarded-for': '203.0.113.9', 'cf-connecting-ip': 'unknown' }), '203.0.113.9');
    assert.equal(await signupIp({ 'x-forwarded-for': '203.0.113.9', 'cf-connecting-ip': '198.51.100.4' }), '198.51.100.4');
  } finally {
    await app.close();
  }
});
