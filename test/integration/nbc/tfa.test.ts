import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser, uniqueEmail } from '../../helpers/client.js';
import { secretFromUrl, totpCode } from '../../helpers/otp.js';
import { NbcClient, PASSWORD, activities, codeOf, lastActivityId, mailAfter, nbcUser, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

/** Enrols the authenticator through this door (qrcode, then POST /api/tfa/otp). */
async function enableGoogle(c: NbcClient): Promise<{ secret: string; recoveryCodes: string[]; code: () => string }> {
  const qr = await c.post('/auth/qrcode');
  assert.equal(qr.status, 200, JSON.stringify(qr.body));
  const secret = secretFromUrl(qr.body.url);
  const on = await c.post('/api/tfa/otp', { code: totpCode(secret, t.clock.now()) });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  t.clock.advance(30);
  return { secret, recoveryCodes: on.body.recoveryCodes, code: () => { t.clock.advance(30); return totpCode(secret, t.clock.now()); } };
}

describe('/auth/qrcode', () => {
  test('GET and POST: a PNG data URL and the otpauth URL; needs an access token', async () => {
    const { email, client } = await nbcUser(t);
    for (const method of ['GET', 'POST']) {
      const r = await client.call(method, '/auth/qrcode');
      assert.equal(r.status, 200);
      assert.match(r.body.qr, /^data:image\/png;base64,iVBORw0KGgo/);
      assert.match(r.body.url, new RegExp(`^otpauth://totp/Warden:${encodeURIComponent(email).replace(/%40/g, '@').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?`));
    }
    assert.deepEqual(problems(await new NbcClient(t).post('//auth/qrcode')), [401, [['token_required', null]]]);
  });
});

describe('/api/tfa/otp and /api/tfa/type', () => {
  test('enable with a code (other devices signed out), sign in with it, disable with a code', async () => {
    const { email, client, userId } = await nbcUser(t);
    const other = new NbcClient(t);
    await other.signIn(email);
    assert.deepEqual((await client.get('/api/tfa/otp')).body, { enabled: false });
    await client.post('/auth/qrcode');
    assert.deepEqual(problems(await client.post('/api/tfa/otp', { code: '000000' })), [400, [['invalid_otp', 'code']]]);
    const g = await enableGoogle(client);
    assert.equal(g.recoveryCodes.length, 10);
    assert.deepEqual((await client.get('/api/tfa/otp')).body, { enabled: true });
    assert.deepEqual((await client.get('/api/tfa/type')).body, { tfa: true, type: 'google' });
    assert.equal((await other.get('/auth/token/check')).status, 401, 'other devices are signed out');
    assert.equal((await client.get('/auth/token/check')).status, 200, 'this one stays');
    assert.deepEqual(problems(await client.post('/auth/qrcode')), [400, [['otp_already_enabled', null]]]);
    assert.deepEqual(problems(await client.put('/api/tfa/type', { type: 'email' })), [400, [['google_enabled', 'type']]]);
    assert.equal((await new NbcClient(t).signIn(email, PASSWORD, g.code())).status, 200);
    const since = await lastActivityId(t, userId);
    assert.deepEqual(problems(await client.del('/api/tfa/otp', { code: '000000' })), [400, [['invalid_otp', 'code']]]);
    assert.equal((await client.del('/api/tfa/otp', { code: g.code() })).status, 204);
    assert.deepEqual(await activities(t, userId, since), ['otp/disable 2FA/failed', 'otp/disable 2FA/succeed']);
    assert.deepEqual((await client.get('/api/tfa/type')).body, { tfa: false, type: null });
    assert.deepEqual(problems(await client.del('/api/tfa/otp', { code: '000000' })), [400, [['otp_not_enabled', null]]]);
  });

  test('type: none ↔ email needs a mailed code; google is reached only through the authenticator', async () => {
    const { email, client } = await nbcUser(t);
    assert.deepEqual((await client.get('/api/tfa/type')).body, { tfa: false, type: null });
    assert.deepEqual(problems(await client.put('/api/tfa/type', { type: 'google' })), [400, [['google_not_enabled', 'type']]]);
    assert.deepEqual(problems(await client.put('/api/tfa/type', { type: 'email' })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await client.put('/api/tfa/type', { type: 'sms' })), [400, [['invalid_value', 'type']]]);
    const code = codeOf(await mailAfter(t, email, /sign-in code/, () => client.post('/auth/tfa/otp/email')));
    assert.deepEqual(problems(await client.put('/api/tfa/type', { type: 'email', otp: code === '000000' ? '111111' : '000000' })), [400, [['invalid_otp', 'otp']]]);
    assert.deepEqual((await client.put('/api/tfa/type', { type: 'email', otp: code })).body, { tfa: true, type: 'email' });
    assert.deepEqual((await client.put('/api/tfa/type', { type: 'email' })).body, { tfa: true, type: 'email' }, 'no change, no code needed');
    assert.deepEqual(problems(await client.post('/api/tfa/type', { type: 'none' })), [400, [['otp_required', 'otp']]], 'turning it off needs a code too');
    const off = codeOf(await mailAfter(t, email, /sign-in code/, () => client.post('/auth/tfa/otp/email')));
    assert.deepEqual((await client.post('//api/tfa/type', { type: 'none', otp: off })).body, { tfa: false, type: null });
    assert.deepEqual(problems(await new NbcClient(t).get('/api/tfa/type')), [401, [['token_required', null]]]);
  });
});

describe('2FA reset: /tfa/reset and /tfa/otp/reset/{id}', () => {
  test('email + password → mailed link → 2FA off, sessions ended, API-key creation held 24 h', async () => {
    const email = uniqueEmail('reset');
    const barong = await activeUser(t, email);
    const c = new NbcClient(t);
    await c.signIn(email);
    await enableGoogle(c);
    const [{ id: userId }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
    const since = await lastActivityId(t, Number(userId));

    assert.deepEqual(problems(await new NbcClient(t).post('/tfa/reset', { email, password: `${PASSWORD}x` })), [400, [['invalid_credentials', 'password']]]);
    const mail = await mailAfter(t, email, /Confirm the two-factor reset/, async () => assert.equal((await new NbcClient(t).post('/tfa/reset', { email, password: PASSWORD })).status, 204));
    const link = /\/tfa\/otp\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.text);
    assert.ok(link, mail.text);
    assert.deepEqual(problems(await new NbcClient(t).post(`/tfa/otp/reset/${'B'.repeat(43)}`)), [400, [['invalid_reset_link', 'id']]]);
    await mailAfter(t, email, /Two-factor authentication was turned off/, async () => assert.equal((await new NbcClient(t).post(`//tfa/otp/reset/${link[1]}`)).status, 204));
    assert.deepEqual(problems(await new NbcClient(t).post(`/tfa/otp/reset/${link[1]}`)), [400, [['invalid_reset_link', 'id']]], 'single use');
    assert.deepEqual(await activities(t, Number(userId), since), ['session/login/failed', 'otp/request 2FA reset/succeed', 'otp/2FA reset/succeed']);

    assert.equal((await c.get('/auth/token/check')).status, 401, 'every device signed out');
    assert.equal((await barong.get('/resource/users/me')).status, 401, 'and the Barong session');
    const fresh = new NbcClient(t);
    assert.equal((await fresh.signIn(email)).status, 200, 'no second factor any more');

    // A new authenticator is fine, but no API key for 24 hours.
    const g2 = await enableGoogle(fresh);
    const keyOf = (code: string) => t.app.inject({ method: 'POST', url: `${t.prefix}/resource/api_keys`, headers: { authorization: `Bearer ${fresh.accessToken}` }, payload: { algorithm: 'HS256', totp_code: code } });
    const held = await keyOf(g2.code());
    assert.deepEqual([held.statusCode, held.json()], [403, { errors: ['resource.api_key.on_hold'] }]);
    t.clock.advance(t.c.config.TFA_RESET_HOLD_SECONDS);
    await fresh.post('/auth/token/refresh').then((r) => { fresh.accessToken = r.body; });
    assert.equal((await keyOf(g2.code())).statusCode, 201);
  });

  test('an account without 2FA, or an expired link → 400', async () => {
    const { email } = await nbcUser(t);
    assert.deepEqual(problems(await new NbcClient(t).post('/tfa/reset', { email, password: PASSWORD })), [400, [['tfa_not_enabled', null]]]);
    const c = new NbcClient(t);
    await c.signIn(email);
    await enableGoogle(c);
    const mail = await mailAfter(t, email, /Confirm the two-factor reset/, () => new NbcClient(t).post('/tfa/reset', { email, password: PASSWORD }));
    const id = /\/tfa\/otp\/reset\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    t.clock.advance(t.c.config.JWT_EXPIRE_TIME);
    assert.deepEqual(problems(await new NbcClient(t).post(`/tfa/otp/reset/${id}`)), [400, [['invalid_reset_link', 'id']]]);
    assert.deepEqual(problems(await new NbcClient(t).post('/tfa/otp/reset/x')), [400, [['invalid_reset_link', 'id']]]);
    assert.deepEqual(problems(await new NbcClient(t).post('/tfa/reset', { email })), [400, [['required', 'password']]]);
  });
});
