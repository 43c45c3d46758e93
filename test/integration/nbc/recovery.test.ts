import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail } from '../../helpers/client.js';
import { NbcClient, PASSWORD, activities, codeOf, lastActivityId, mailAfter, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const NEW_PASSWORD = 'Vexu7-Brolt-Qi';

async function user(): Promise<{ email: string; userId: number; barong: Client }> {
  const email = uniqueEmail('rec');
  const barong = await activeUser(t, email);
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { email, userId: Number(id), barong };
}

const requestCode = async (c: NbcClient, email: string) =>
  codeOf(await mailAfter(t, email, /password recovery code/, async () => assert.equal((await c.post('/auth/recovery/psw', { email })).status, 204)));

describe('POST /auth/recovery/psw', () => {
  test('204 for any address (no enumeration); only an account gets a mail', async () => {
    const c = new NbcClient(t);
    const nobody = uniqueEmail('nobody');
    const before = t.smtp.received.length;
    assert.equal((await c.post('/auth/recovery/psw', { email: nobody })).status, 204);
    assert.equal((await c.post('//auth/recovery/psw', { email: 'not-even-an-email' })).status, 204);
    const { email } = await user();
    assert.match(await requestCode(c, email), /^\d{6}$/);
    assert.ok(!t.smtp.received.slice(before).some((m) => m.rcptTo.includes(nobody)));
    assert.deepEqual(problems(await c.post('/auth/recovery/psw', {})), [400, [['required', 'email']]]);
  });
});

describe('POST /auth/recovery/psw/otp/check', () => {
  test('sets the password with the mailed code; every session and device of the account ends', async () => {
    const { email, userId, barong } = await user();
    const device = new NbcClient(t);
    await device.signIn(email);
    const c = new NbcClient(t);
    const code = await requestCode(c, email);
    const since = await lastActivityId(t, userId);
    assert.equal((await c.post('/auth/recovery/psw/otp/check', { email, otp: code, password: NEW_PASSWORD })).status, 204);
    assert.deepEqual(await activities(t, userId, since), ['password/password reset/succeed']);
    assert.deepEqual(problems(await c.post('/auth/sign-in', { email, password: PASSWORD })), [400, [['invalid_credentials', 'password']]]);
    assert.equal((await c.signIn(email, NEW_PASSWORD)).status, 200);
    assert.equal((await device.get('/auth/token/check')).status, 401, 'the other device is signed out');
    assert.equal((await device.post('/auth/token/refresh')).status, 401);
    assert.equal((await barong.get('/resource/users/me')).status, 401, 'and the Barong cookie session');
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: code, password: `${NEW_PASSWORD}2` })), [400, [['invalid_code', 'otp']]], 'single use');
  });

  test('wrong code, unknown email, expired code, 5 wrong tries: 400 with their codes', async () => {
    const { email } = await user();
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email: uniqueEmail('x'), otp: '123456', password: NEW_PASSWORD })), [400, [['invalid_code', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: '123456', password: NEW_PASSWORD })), [400, [['invalid_code', 'otp']]], 'no code asked yet');
    const code = await requestCode(c, email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: wrong, password: NEW_PASSWORD })), [400, [['invalid_code', 'otp']]]);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: wrong, password: NEW_PASSWORD })), [400, [['code_attempts_exceeded', 'otp']]]);
    const fresh = await requestCode(c, email);
    t.clock.advance(t.c.config.EMAIL_CODE_LIFETIME);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: fresh, password: NEW_PASSWORD })), [400, [['code_expired', 'otp']]]);
  });

  test('a weak password is refused by Warden\'s policy without burning the code', async () => {
    const { email } = await user();
    const c = new NbcClient(t);
    const code = await requestCode(c, email);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: code, password: 'password' })), [400, [['requirements', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, otp: code, password: 'short' })), [400, [['too_short', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/recovery/psw/otp/check', { email, password: NEW_PASSWORD })), [400, [['required', 'otp']]]);
    assert.equal((await c.post('//auth/recovery/psw/otp/check', { email, otp: code, password: NEW_PASSWORD })).status, 204);
  });
});
