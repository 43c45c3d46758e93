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
