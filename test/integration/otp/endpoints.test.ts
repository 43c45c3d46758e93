import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';
import { enableOtp, secretFromUrl, totpCode } from '../../helpers/otp.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { OTP_ATTEMPTS_BUCKET, OtpService } from '../../../src/domain/otp/otp-service.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];
const reason = (r: string) => JSON.stringify({ reason: r });

async function signedIn(): Promise<{ client: Client; email: string; userId: number; uid: string }> {
  const email = uniqueEmail('otp');
  const client = await activeUser(t, email);
  const [row] = await t.c.db.query<{ id: number; uid: string }>('SELECT id, uid FROM users WHERE email = $1', [email]);
  return { client, email, userId: Number(row.id), uid: row.uid };
}

async function otpActivities(userId: number): Promise<{ action: string; result: string; data: string | null }[]> {
  return t.c.db.query('SELECT action, result, data FROM activities WHERE user_id = $1 AND topic = $2 ORDER BY id', [userId, 'otp']);
}

async function events(email: string): Promise<{ name: string; payload: any }[]> {
  return t.c.db.query(
    `SELECT name, payload FROM outbox WHERE payload->'record'->>'email' = $1 OR payload->'record'->'user'->>'email' = $1 ORDER BY id`, [email]);
}

async function qrSecret(client: Client): Promise<string> {
  const r = await client.send('POST', '/resource/otp/generate_qrcode');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return secretFromUrl(r.body.data.url);
}

describe('POST /resource/otp/generate_qrcode', () => {
  test('201 with Barong\'s (Vault) object: a 300×300 PNG and the otpauth URL; a succeed activity', async () => {
    const { client, email, userId } = await signedIn();
    const r = await client.send('POST', '/resource/otp/generate_qrcode');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body).sort(), ['auth', 'data', 'lease_duration', 'lease_id', 'metadata', 'renewable', 'warnings', 'wrap_info']);
    assert.deepEqual(Object.keys(r.body.data).sort(), ['barcode', 'url']);
    const url: string = r.body.data.url;
    const enc = encodeURIComponent(email).replace(/%40/g, '@');
    assert.ok(enc.includes('@'), 'the label keeps `@` as Vault writes it');
    assert.match(url, new RegExp(`^otpauth://totp/Warden:${enc.replace(/[.+]/g, '\\$&')}\\?algorithm=SHA1&digits=6&issuer=Warden&period=30&secret=[A-Z2-7]{32}$`));
    const png = Buffer.from(r.body.data.barcode, 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [300, 300], 'IHDR width × height');
    assert.deepEqual(await otpActivities(userId), [{ action: 'request QR code for 2FA', result: 'succeed', data: null }]);
  });

  test('the issuer is APP_NAME, percent-encoded in the label and the query', async () => {
    const t2 = await startTestApp({ APP_NAME: 'My Exchange & Co' });
    try {
      const client = await activeUser(t2);
      const r = await client.send('POST', '/resource/otp/generate_qrcode');
      const [label, query] = (r.body.data.url as string).slice('otpauth://totp/'.length).split('?');
      assert.equal(label.split(':').map(decodeURIComponent)[0], 'My Exchange & Co');
      assert.ok(label.startsWith('My%20Exchange%20%26%20Co:'));
      assert.equal(new URLSearchParams(query).get('issuer'), 'My Exchange & Co');
    } finally {
      await t2.close();
    }
  });

  test('regenerating before enabling replaces the pending secret', async () => {
    const { client } = await signedIn();
    const first = await qrSecret(client);
    const second = await qrSecret(client);
    assert.notEqual(first, second);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: totpCode(first, t.clock.now()) })), errors(422, 'resource.otp.invalid'));
    assert.equal((await client.send('POST', '/resource/otp/enable', { code: totpCode(second, t.clock.now()) })).status, 201);
  });

  test('with 2FA on → 400 already_enabled and a failed activity', async () => {
    const { client, userId } = await signedIn();
    await enableOtp(t, client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/generate_qrcode')), errors(400, 'resource.otp.already_enabled'));
    const last = (await otpActivities(userId)).at(-1);
    assert.deepEqual(last, { action: 'request QR code for 2FA', result: 'failed', data: reason('2FA has been enabled for this account') });
  });

  test('needs a caller: no session, no token → 401', async () => {
    assert.deepEqual(answer(await new Client(t).post('/resource/otp/generate_qrcode')), errors(401, 'jwt.decode_and_verify'));
  });
});

describe('POST /resource/otp/enable', () => {
  test('missing or blank code → 422 with Barong\'s keys', async () => {
    const { client } = await signedIn();
    await qrSecret(client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', {})), errors(422, 'resource.otp.missing_code', 'resource.otp.empty_code'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: '  ' })), errors(422, 'resource.otp.empty_code'));
  });

  test('no secret yet, or a wrong code → 422 invalid with a failed activity', async () => {
    const { client, userId } = await signedIn();
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: '123456' })), errors(422, 'resource.otp.invalid'));
    const secret = await qrSecret(client);
    const wrong = totpCode(secret, t.clock.now() + 5 * 30_000);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: wrong })), errors(422, 'resource.otp.invalid'));
    const acts = await otpActivities(userId);
    assert.deepEqual(acts.filter((a) => a.action === 'enable 2FA'), [
      { action: 'enable 2FA', result: 'failed', data: reason('OTP code is invalid') },
      { action: 'enable 2FA', result: 'failed', data: reason('OTP code is invalid') },
    ]);
  });

  test('a right code → 201 with ten recovery codes; otp true, label otp=enabled, events, activity', async () => {
    const { client, email, userId } = await signedIn();
    const secret = await qrSecret(client);
    const before = (await events(email)).length;
    const r = await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now()) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(Object.keys(r.body), ['recovery_codes']);
    assert.equal(r.body.recovery_codes.length, 10);
    for (const code of r.body.recovery_codes) assert.match(code, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const me = await client.get('/resource/users/me');
    assert.equal(me.body.otp, true);
    assert.deepEqual(me.body.labels.map((l: any) => [l.key, l.value, l.scope]), [['email', 'verified', 'private'], ['otp', 'enabled', 'private']]);
    const fresh = (await events(email)).slice(before);
    assert.deepEqual(fresh.map((e) => e.name), ['model.user.updated', 'model.label.created']);
    assert.deepEqual(fresh[0].payload.changes, { otp: false });
    assert.equal(fresh[0].payload.record.otp, true);
    assert.deepEqual([fresh[1].payload.record.key, fresh[1].payload.record.value, fresh[1].payload.record.user.otp], ['otp', 'enabled', true]);
    assert.deepEqual((await otpActivities(userId)).at(-1), { action: 'enable 2FA', result: 'succeed', data: null });
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now() + 30_000) })), errors(400, 'resource.otp.already_enabled'));
  });

  test('the code is accepted one step early or late, not two', async () => {
    const { client } = await signedIn();
    const secret = await qrSecret(client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now() - 60_000) })), errors(422, 'resource.otp.invalid'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now() + 60_000) })), errors(422, 'resource.otp.invalid'));
    assert.equal((await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now() - 30_000) })).status, 201);
  });

  test('ends the user\'s other sessions and keeps the one that asked', async () => {
    const { client, email } = await signedIn();
    const other = new Client(t);
    assert.equal((await other.login(email)).status, 200);
    assert.equal((await other.get('/resource/users/me')).status, 200);
    await enableOtp(t, client);
    assert.equal((await client.get('/resource/users/me')).status, 200);
    assert.deepEqual(answer(await other.get('/resource/users/me')), errors(401, 'authz.invalid_session'));
  });

  test('through a Bearer JWT without a session cookie: every session ends', async () => {
    const { client, uid, email } = await signedIn();
    const token = t.c.identity.tokens.sign('session', { uid, email, role: 'member', level: 1, state: 'active' }).token;
    const bearer = (method: string, path: string, body?: unknown) => new Client(t).call(method, path, { headers: { authorization: `Bearer ${token}` }, body });
    const secret = secretFromUrl((await bearer('POST', '/resource/otp/generate_qrcode')).body.data.url);
    assert.equal((await bearer('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now()) })).status, 201);
    assert.deepEqual(answer(await client.get('/resource/users/me')), errors(401, 'authz.invalid_session'));
  });
});

describe('POST /resource/otp/verify', () => {
  test('2FA off → 422 not_enabled (Warden fix #4) with a failed activity', async () => {
    const { client, userId } = await signedIn();
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: '123456' })), errors(422, 'resource.otp.not_enabled'));
    assert.deepEqual(await otpActivities(userId), [{ action: 'verify 2FA code', result: 'failed', data: reason('2FA has not been enabled for this account') }]);
  });

  test('missing code, wrong code, right code (201, empty), the same code again (replay → invalid)', async () => {
    const { client, userId } = await signedIn();
    const otp = await enableOtp(t, client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', {})), errors(422, 'resource.otp.missing_code', 'resource.otp.empty_code'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code(3) })), errors(422, 'resource.otp.invalid'));
    const code = otp.code();
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code })), [201, '']);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code })), errors(422, 'resource.otp.invalid'));
    // After a later step was used, an earlier step's code (still inside the ±1 window) is refused too.
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code(1) })), [201, '']);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code(-1) })), errors(422, 'resource.otp.invalid'));
    assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.freshCode() })).status, 422, 'this step\'s code was already used, one step early');
    assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.freshCode() })).status, 201);
    const verify = (await otpActivities(userId)).filter((a) => a.action === 'verify 2FA code');
    assert.deepEqual(verify.map((a) => a.result), ['failed', 'failed', 'failed', 'failed'], 'only failures are recorded');
  });

  test('a form-encoded code works as Barong accepts it', async () => {
    const { client } = await signedIn();
    const otp = await enableOtp(t, client);
    const r = await client.call('POST', '/resource/otp/verify', { body: { code: otp.code() }, form: true, headers: { 'x-csrf-token': client.csrf! } });
    assert.equal(r.status, 201);
  });
});

describe('POST /resource/otp/disable', () => {
  test('2FA off → 400 not_enabled; missing → 422; wrong → 422 invalid; each failure recorded', async () => {
    const { client, userId } = await signedIn();
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/disable', { code: '123456' })), errors(400, 'resource.otp.not_enabled'));
    const otp = await enableOtp(t, client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/disable', { code: '' })), errors(422, 'resource.otp.empty_code'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/disable', { code: otp.code(4) })), errors(422, 'resource.otp.invalid'));
    assert.deepEqual((await otpActivities(userId)).filter((a) => a.action === 'disable 2FA'), [
      { action: 'disable 2FA', result: 'failed', data: reason('2FA has not been enabled for this account') },
      { action: 'disable 2FA', result: 'failed', data: reason('OTP code is invalid') },
    ]);
  });

  test('a right code → 200: otp false, label and secret gone, the user\'s API keys inactive (cache dropped)', async () => {
    const { client, email, userId } = await signedIn();
    const otp = await enableOtp(t, client);
    const keyA = await t.c.apiKeys.create({ type: 'User', id: userId, state: 'active' }, { algorithm: 'HS256' });
    const keyB = await t.c.apiKeys.create({ type: 'User', id: userId, state: 'active' }, { algorithm: 'HS256' });
    const otherUser = await signedIn();
    const foreign = await t.c.apiKeys.create({ type: 'User', id: otherUser.userId, state: 'active' }, { algorithm: 'HS256' });
    assert.equal((await t.c.apiKeys.forVerification(keyA.kid))?.state, 'active', 'cached as active');
    const before = (await events(email)).length;

    assert.deepEqual(answer(await client.send('POST', '/resource/otp/disable', { code: otp.code() })), [200, '']);
    const me = await client.get('/resource/users/me');
    assert.equal(me.body.otp, false);
    assert.deepEqual(me.body.labels.map((l: any) => l.key), ['email']);
    assert.deepEqual(await t.c.db.query('SELECT user_id FROM otp_secrets WHERE user_id = $1', [userId]), []);
    assert.deepEqual(await t.c.db.query('SELECT id FROM otp_recovery_codes WHERE user_id = $1', [userId]), []);
    assert.equal((await t.c.apiKeys.forVerification(keyA.kid))?.state, 'inactive');
    assert.equal((await t.c.apiKeys.forVerification(keyB.kid))?.state, 'inactive');
    assert.equal((await t.c.apiKeys.forVerification(foreign.kid))?.state, 'active', 'other users\' keys untouched');
    const fresh = (await events(email)).slice(before);
    assert.deepEqual(fresh.map((e) => [e.name, e.payload.changes]), [['model.user.updated', { otp: true }]]);
    assert.deepEqual((await otpActivities(userId)).at(-1), { action: 'disable 2FA', result: 'succeed', data: null });
    // 2FA can be set up again from scratch.
    await enableOtp(t, client);
  });
});

describe('POST /resource/otp/recovery_codes', () => {
  test('2FA off → 400 not_enabled; wrong → 422 invalid; right → 201 ten new codes, the old ones dead', async () => {
    const { client, email, userId } = await signedIn();
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/recovery_codes', { code: '123456' })), errors(400, 'resource.otp.not_enabled'));
    const otp = await enableOtp(t, client);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/recovery_codes', {})), errors(422, 'resource.otp.missing_code', 'resource.otp.empty_code'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/recovery_codes', { code: otp.code(5) })), errors(422, 'resource.otp.invalid'));
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/recovery_codes', { code: otp.recoveryCodes[0] })), errors(422, 'resource.otp.invalid'), 'a recovery code is no TOTP code');
    const r = await client.send('POST', '/resource/otp/recovery_codes', { code: otp.code() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const fresh: string[] = r.body.recovery_codes;
    assert.equal(fresh.length, 10);
    assert.equal(fresh.filter((c) => otp.recoveryCodes.includes(c)).length, 0);
    const login = (code: string) => new Client(t).login(email, undefined, { otp_code: code });
    assert.deepEqual(answer(await login(otp.recoveryCodes[1])), errors(403, 'identity.session.invalid_otp'));
    assert.equal((await login(fresh[0])).status, 200);
    const acts = (await otpActivities(userId)).filter((a) => a.action === 'regenerate recovery codes');
    assert.deepEqual(acts.map((a) => [a.result, a.data]), [
      ['failed', reason('2FA has not been enabled for this account')], ['failed', reason('OTP code is invalid')],
      ['failed', reason('OTP code is invalid')], ['succeed', null],
    ]);
  });
});

describe('storage and admin disable', () => {
  test('the secret is stored sealed with the key id, opens to the URL\'s secret; a tampered one → 422 totp.error', async () => {
    const { client, userId } = await signedIn();
    const otp = await enableOtp(t, client);
    const [row] = await t.c.db.query<{ secret_encrypted: string }>('SELECT secret_encrypted FROM otp_secrets WHERE user_id = $1', [userId]);
    assert.ok(row.secret_encrypted.startsWith(`${t.c.encryptor.keyId}.`));
    assert.ok(!row.secret_encrypted.includes(otp.secret));
    assert.equal(t.c.encryptor.decrypt(row.secret_encrypted), otp.secret);
    const payload = Buffer.from(row.secret_encrypted.split('.')[1], 'base64url');
    payload[payload.length - 1] ^= 1;
    await t.c.db.query('UPDATE otp_secrets SET secret_encrypted = $2 WHERE user_id = $1', [userId, `${t.c.encryptor.keyId}.${payload.toString('base64url')}`]);
    assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code() })), errors(422, 'totp.error'));
  });

  test('disableByAdmin: same effects without a code; a user with 2FA off is left alone', async () => {
    const { client, userId } = await signedIn();
    await enableOtp(t, client);
    const key = await t.c.apiKeys.create({ type: 'User', id: userId, state: 'active' }, { algorithm: 'HS256' });
    const after = await t.c.otp.disableByAdmin((await usersRepo.byId(t.c.db, userId))!);
    assert.equal(after.otp, false);
    assert.equal((await t.c.apiKeys.forVerification(key.kid))?.state, 'inactive');
    assert.deepEqual((await client.get('/resource/users/me')).body.labels.map((l: any) => l.key), ['email']);
    const again = await t.c.otp.disableByAdmin(after);
    assert.equal(again.otp, false);
  });

  test('onDisabled hooks run in the disabling transaction; the kids they return leave the cache', async () => {
    const { client, userId } = await signedIn();
    await enableOtp(t, client);
    const extra = await t.c.apiKeys.create({ type: 'User', id: (await signedIn()).userId, state: 'active' }, { algorithm: 'HS256' });
    await t.c.apiKeys.forVerification(extra.kid);
    const seen: number[] = [];
    const id = t.c.identity;
    const svc = new OtpService({
      db: t.c.db, encryptor: t.c.encryptor, labels: id.labels, events: id.events, activities: id.activities, sessions: id.sessions, limiter: id.limiter,
      apiKeyCache: t.c.apiKeys, issuer: 'Warden', attempts: { count: 100, seconds: 60 }, now: t.clock.now,
      onDisabled: [async (user, q) => {
        seen.push(user.id);
        assert.equal(user.otp, false);
        await q.query('UPDATE apikeys SET state = $2 WHERE kid = $1', [extra.kid, 'inactive']);
        return [extra.kid];
      }],
    });
    await svc.disableByAdmin((await usersRepo.byId(t.c.db, userId))!);
    assert.deepEqual(seen, [userId]);
    assert.equal((await t.c.apiKeys.forVerification(extra.kid))?.state, 'inactive');
  });
});

describe('failed-attempt limit (RATE_LIMIT_OTP_USER)', () => {
  test('with the budget spent even the right code is refused (invalid key, reason recorded); a window later it works', async () => {
    const t2 = await startTestApp({ RATE_LIMIT_OTP_USER: '3/300' });
    try {
      const email = uniqueEmail('otplim');
      const client = await activeUser(t2, email);
      const otp = await enableOtp(t2, client);
      for (let i = 0; i < 3; i++) assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code(6) })), errors(422, 'resource.otp.invalid'));
      assert.deepEqual(answer(await client.send('POST', '/resource/otp/verify', { code: otp.code() })), errors(422, 'resource.otp.invalid'));
      assert.deepEqual(answer(await new Client(t2).login(email, undefined, { otp_code: otp.code() })), errors(403, 'identity.session.invalid_otp'));
      const [{ id, uid }] = await t2.c.db.query<{ id: number; uid: string }>('SELECT id, uid FROM users WHERE email = $1', [email]);
      const [last] = await t2.c.db.query<{ data: string }>(`SELECT data FROM activities WHERE user_id = $1 AND action = 'verify 2FA code' ORDER BY id DESC LIMIT 1`, [id]);
      assert.equal(last.data, reason('Too many invalid OTP codes'));
      // The window ends: Redis expires keys on its own clock, which the test clock cannot move.
      if (process.env.REDIS_URL) await t2.c.identity.limiter.reset(OTP_ATTEMPTS_BUCKET, uid);
      else t2.clock.advance(300);
      assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.code() })).status, 201);
      // A right code refills the budget.
      for (let i = 0; i < 2; i++) assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.code(6) })).status, 422);
      assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.freshCode() })).status, 201);
      for (let i = 0; i < 2; i++) assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.code(6) })).status, 422);
      assert.equal((await client.send('POST', '/resource/otp/verify', { code: otp.freshCode() })).status, 201);
    } finally {
      await t2.close();
    }
  });
});
