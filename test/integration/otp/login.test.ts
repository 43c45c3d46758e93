import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';
import { enableOtp, type EnabledOtp } from '../../helpers/otp.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

async function withOtp(): Promise<{ email: string; userId: number; client: Client; otp: EnabledOtp }> {
  const email = uniqueEmail('otplogin');
  const client = await activeUser(t, email);
  const otp = await enableOtp(t, client);
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE email = $1', [email]);
  return { email, userId: Number(id), client, otp };
}

async function activities(userId: number, since = 0): Promise<string[]> {
  const rows = await t.c.db.query<{ id: number; topic: string; action: string; result: string }>(
    'SELECT id, topic, action, result FROM activities WHERE user_id = $1 AND id > $2 ORDER BY id', [userId, since]);
  return rows.map((r) => `${r.topic}/${r.action}/${r.result}`);
}
async function lastActivityId(userId: number): Promise<number> {
  const [r] = await t.c.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM activities WHERE user_id = $1', [userId]);
  return Number(r.id);
}

const login = (email: string, otpCode?: string) => new Client(t).login(email, STRONG_PASSWORD, otpCode === undefined ? {} : { otp_code: otpCode });

describe('POST /identity/sessions with 2FA on', () => {
  test('missing → 401 (no activity); wrong → 403 login::2fa failed; right → 200 login::2fa succeed; replayed → 403', async () => {
    const { email, userId, otp } = await withOtp();
    const since = await lastActivityId(userId);
    assert.deepEqual(answer(await login(email)), errors(401, 'identity.session.missing_otp'));
    assert.deepEqual(answer(await login(email, '')), errors(401, 'identity.session.missing_otp'));
    assert.deepEqual(answer(await login(email, otp.code(4))), errors(403, 'identity.session.invalid_otp'));
    const code = otp.code();
    const ok = await login(email, code);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.otp, true);
    assert.match(ok.body.csrf_token, /^[0-9a-f]{20}$/);
    assert.deepEqual(answer(await login(email, code)), errors(403, 'identity.session.invalid_otp'));
    assert.deepEqual(await activities(userId, since), ['session/login::2fa/failed', 'session/login::2fa/succeed', 'session/login::2fa/failed']);
  });

  test('a recovery code logs in once (any case, with or without dashes); it is then spent', async () => {
    const { email, userId, otp } = await withOtp();
    const since = await lastActivityId(userId);
    const [first, second] = otp.recoveryCodes;
    assert.equal((await login(email, first)).status, 200);
    assert.deepEqual(answer(await login(email, first)), errors(403, 'identity.session.invalid_otp'));
    assert.equal((await login(email, second.toUpperCase().replace(/-/g, ''))).status, 200);
    assert.deepEqual(await activities(userId, since), [
      'otp/use recovery code/succeed', 'session/login::2fa/succeed', 'session/login::2fa/failed', 'otp/use recovery code/succeed', 'session/login::2fa/succeed',
    ]);
    const [{ n }] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM otp_recovery_codes WHERE user_id = $1 AND used_at IS NULL', [userId]);
    assert.equal(n, 8);
  });

  test('recovery codes are stored hashed, never in clear', async () => {
    const { userId, otp } = await withOtp();
    const rows = await t.c.db.query<{ code_hash: string }>('SELECT code_hash FROM otp_recovery_codes WHERE user_id = $1', [userId]);
    assert.equal(rows.length, 10);
    const stored = rows.map((r) => r.code_hash).join(' ');
    for (const code of otp.recoveryCodes) {
      assert.ok(!stored.includes(code) && !stored.toLowerCase().includes(code.replace(/-/g, '')));
    }
    for (const r of rows) assert.match(r.code_hash, /^[0-9a-f]{64}$/);
  });

  test('two logins racing with the same code: exactly one wins', async () => {
    const { email, otp } = await withOtp();
    const code = otp.code();
    const results = await Promise.all([login(email, code), login(email, code), login(email, code)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 403, 403]);
  });

  test('a recovery code used by two racing logins works for one of them only', async () => {
    const { email, otp } = await withOtp();
    const code = otp.recoveryCodes[3];
    const results = await Promise.all([login(email, code), login(email, code)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 403]);
  });
});

describe('DELETE /resource/users/me with 2FA on', () => {
  test('a wrong or recovery code → 422 invalid_otp; the TOTP code → 200', async () => {
    const { client, otp } = await withOtp();
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD, otp_code: otp.code(5) })), errors(422, 'resource.user.invalid_otp'));
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD, otp_code: otp.recoveryCodes[0] })), errors(422, 'resource.user.invalid_otp'),
      'recovery codes only replace a TOTP code at login');
    assert.equal((await client.send('DELETE', '/resource/users/me', { password: STRONG_PASSWORD, otp_code: otp.code() })).status, 200);
  });
});
