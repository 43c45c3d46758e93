import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';
import { NebeusClient, activePartner, assertKeys, countryId } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const SUCCESS = [{ id: null, jsonrpc: '2.0', result: { status: 'success' } }];
const NEW_PASSWORD = 'Lurbanq4-Wz';

describe('logout', () => {
  test('the seed\'s answer; the session ends; the cookies are cleared', async () => {
    const { email } = await activePartner(t);
    const n = new NebeusClient(t);
    await n.signin(email);
    const sid = n.session;
    const r = await n.call('/logout/1.0/json');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, SUCCESS);
    const cookies = ([] as string[]).concat(r.headers['set-cookie'] as string[]);
    assert.ok(cookies.some((x) => /^session_id=;/.test(x) && /Expires=Thu, 01 Jan 1970/.test(x)), cookies.join(' | '));
    assert.ok(cookies.some((x) => x.startsWith(`${t.c.config.SESSION_COOKIE_NAME}=;`)));
    const dash = await new NebeusClient(t).call('/partner/dashboard', {}, { headers: { cookie: `session_id=${sid}` } });
    assert.deepEqual(dash.body.result, { status: 'error', message: 'Session expired' });
  });

  test('idempotent: twice, without a session, with an unknown or malformed one, bare or enveloped', async () => {
    const { email } = await activePartner(t);
    const n = new NebeusClient(t);
    await n.signin(email);
    const sid = n.session!;
    assert.deepEqual((await n.call('/logout/1.0/json')).body, SUCCESS);
    assert.deepEqual((await new NebeusClient(t).call('/logout/1.0/json', {}, { headers: { cookie: `session_id=${sid}` } })).body, SUCCESS);
    assert.deepEqual((await new NebeusClient(t).call('/logout/1.0/json', {}, { form: 'bare' })).body, SUCCESS);
    assert.deepEqual((await new NebeusClient(t).call('/logout/1.0/json', {}, { headers: { 'x-openerp-session-id': 'not-a-session' } })).body, SUCCESS);
    assert.deepEqual((await new NebeusClient(t).call('/logout/1.0/json', {}, { id: 8, headers: { cookie: `session_id=${'a'.repeat(32)}` } })).body,
      [{ id: 8, jsonrpc: '2.0', result: { status: 'success' } }]);
  });

  test('only the session in use ends: another device stays signed in', async () => {
    const { email } = await activePartner(t);
    const a = new NebeusClient(t);
    const b = new NebeusClient(t);
    await a.signin(email);
    await b.signin(email);
    await a.call('/logout/1.0/json');
    assert.ok('verification' in (await b.call('/partner/dashboard')).body);
  });
});

describe('reset_password', () => {
  test('a known login: the seed\'s success and the core reset mail, whose token sets a new password', async () => {
    const { email } = await activePartner(t);
    const r = await new NebeusClient(t).call('/reset_password/1.0/json', { login: email });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, SUCCESS);
    const token = tokenFrom(await t.smtp.waitFor(email, /Reset your password/));
    const confirm = await new Client(t).post('/identity/users/password/confirm_code', { reset_password_token: token, password: NEW_PASSWORD, confirm_password: NEW_PASSWORD });
    assert.equal(confirm.status, 201, JSON.stringify(confirm.body));
    const n = new NebeusClient(t);
    assert.equal((await n.signin(email)).body.result.status, 'error', 'the old password no longer works');
    assert.ok(Array.isArray((await n.signin(email, NEW_PASSWORD)).body));
  });

  test('an unknown login: the same success and no mail (no enumeration)', async () => {
    const email = uniqueEmail('ghost');
    const r = await new NebeusClient(t).call('/reset_password/1.0/json', { login: email }, { form: 'bare' });
    assert.deepEqual(r.body, SUCCESS);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(t.smtp.received.filter((m) => m.rcptTo.includes(email)).length, 0);
  });

  test('a malformed login: the seed\'s unsuccessful answer (array, status error, message)', async () => {
    const n = new NebeusClient(t);
    for (const [params, message] of [
      [{ login: 'not-an-email' }, 'Login must be a valid email'],
      [{ login: 42 }, 'Login is required'],
      [{ login: '  ' }, 'Login is required'],
      [{}, 'Login is required'],
    ] as const) {
      const r = await n.call('/reset_password/1.0/json', params, { id: 'r1' });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, [{ id: 'r1', jsonrpc: '2.0', result: { status: 'error', message } }], JSON.stringify(params));
    }
  });

  test('RATE_LIMIT_RESET_ACCOUNT applies as on the Barong door', async () => {
    const app = await startTestApp({ RATE_LIMIT_RESET_ACCOUNT: '2/900' });
    try {
      const n = new NebeusClient(app);
      const email = uniqueEmail('rl');
      assert.deepEqual((await n.call('/reset_password/1.0/json', { login: email })).body, SUCCESS);
      assert.deepEqual((await n.call('/reset_password/1.0/json', { login: email })).body, SUCCESS);
      assert.deepEqual((await n.call('/reset_password/1.0/json', { login: email })).body[0].result, { status: 'error', message: 'Too many requests, try again later' });
    } finally {
      await app.close();
    }
  });
});

describe('signup', () => {
  const good = async (email: string) => ({
    login: email, name: 'Ana', surname: 'García López', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: await countryId(t, 'ES'),
  });

  test('the seed\'s success: the user (pending), his drafted profile, the device; confirmation mail; not signed in', async () => {
    const email = uniqueEmail('signup');
    const n = new NebeusClient(t);
    const r = await n.call('/signup/1.0/json', {
      ...(await good(email)), device_type: 1, identifier: 'fcm:APA91bH-token', language: 'es', timezone: 3600, app_version: '2.4.1',
      device_model: 'Google Pixel 8', device_os: '14',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, SUCCESS);
    assert.equal(r.headers['set-cookie'], undefined, 'no session cookie');
    assert.equal(n.session, undefined);
    const [user] = await t.c.db.query<{ id: number; state: string; uid: string }>('SELECT id, state, uid FROM users WHERE email = $1', [email]);
    assert.equal(user.state, 'pending');
    const sessions = await t.c.kv.setMembers(`user-sessions:${user.uid}`);
    assert.deepEqual(sessions, [], 'the session the core opened is gone');
    const profiles = await t.c.kycProfiles.profiles.list({ id: Number(user.id) } as never);
    assert.equal(profiles.length, 1);
    const p = t.c.kycProfiles.profiles.open(profiles[0]);
    assert.deepEqual([p.first_name, p.last_name, p.country, p.state], ['Ana', 'García López', 'ES', 'drafted']);
    const [device] = await t.c.db.query<Record<string, unknown>>('SELECT device_type, identifier, language, timezone, app_version, device_model, device_os FROM devices WHERE user_id = $1', [user.id]);
    assert.deepEqual(device, { device_type: 1, identifier: 'fcm:APA91bH-token', language: 'es', timezone: 3600, app_version: '2.4.1', device_model: 'Google Pixel 8', device_os: '14' });
    const token = tokenFrom(await t.smtp.waitFor(email, /Confirm your email/));
    assert.equal((await new Client(t).post('/identity/users/email/confirm_code', { token })).status, 201);
    const [confirmed] = await t.c.db.query<{ state: string }>('SELECT state FROM users WHERE email = $1', [email]);
    assert.equal(confirmed.state, 'active');
    assert.ok(Array.isArray((await n.signin(email)).body), 'then signs in');
  });

  test('bare params, a country id as a string, no device fields: no device record', async () => {
    const email = uniqueEmail('bare');
    const params = { ...(await good(email)), country: String(await countryId(t, 'FR')) };
    const r = await new NebeusClient(t).call('/signup/1.0/json', params, { form: 'bare' });
    assert.deepEqual(r.body, SUCCESS);
    const [row] = await t.c.db.query<{ n: string }>('SELECT count(*)::text AS n FROM devices d JOIN users u ON u.id = d.user_id WHERE u.email = $1', [email]);
    assert.equal(row.n, '0');
  });

  test('the seed\'s unsuccessful answer: errors by field, each {field, message}', async () => {
    const { email: taken } = await activePartner(t);
    const r = await new NebeusClient(t).call('/signup/1.0/json', {
      login: taken, name: 'Ana', surname: 'López', password: 'weak', confirm_password: 'weak', country: 999_999,
    }, { id: 3 });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 1);
    assertKeys(r.body[0], ['id', 'jsonrpc', 'result']);
    assert.equal(r.body[0].id, 3);
    assertKeys(r.body[0].result, ['status', 'errors']);
    assert.equal(r.body[0].result.status, 'error');
    const errors = r.body[0].result.errors;
    assertKeys(errors, ['email', 'password', 'country']);
    for (const f of ['email', 'password', 'country']) {
      assertKeys(errors[f], ['field', 'message'], f);
      assert.equal(errors[f].field, f);
      assert.equal(typeof errors[f].message, 'string');
    }
    assert.equal(errors.email.message, 'An account with this email already exists');
    assert.equal(errors.country.message, 'Country is not available');
  });

  const cases: [string, Record<string, unknown>, string, string][] = [
    ['email missing', { login: undefined }, 'email', 'Email is required'],
    ['email malformed', { login: 'ana.example.com' }, 'email', 'Email is invalid'],
    ['name blank', { name: '  ' }, 'name', 'Name is required'],
    ['name with markup', { name: '<b>Ana</b>' }, 'name', 'Name is invalid'],
    ['name too long', { name: 'a'.repeat(256) }, 'name', 'Name is too long'],
    ['surname missing', { surname: undefined }, 'surname', 'Surname is required'],
    ['password missing', { password: undefined }, 'password', 'Password is required'],
    ['password against the policy', { password: 'alllowercase', confirm_password: 'alllowercase' }, 'password', 'Password does not meet the password requirements'],
    ['confirmation missing', { confirm_password: '' }, 'confirm_password', 'Password confirmation is required'],
    ['confirmation different', { confirm_password: `${STRONG_PASSWORD}x` }, 'confirm_password', 'Passwords do not match'],
    ['country missing', { country: undefined }, 'country', 'Country is required'],
    ['country not a number', { country: 'ES' }, 'country', 'Country is not available'],
    ['country unknown', { country: 100_000 }, 'country', 'Country is not available'],
    ['device_type above 14', { device_type: 15 }, 'device_type', 'Device type must be an integer from 0 to 14'],
    ['device_type negative', { device_type: -1 }, 'device_type', 'Device type must be an integer from 0 to 14'],
    ['device_type a word', { device_type: 'android' }, 'device_type', 'Device type must be an integer from 0 to 14'],
    ['timezone beyond UTC+14', { timezone: 60_000 }, 'timezone', 'Timezone must be the offset from UTC in seconds'],
    ['language malformed', { language: 'spanish please' }, 'language', 'Language is invalid'],
  ];
  for (const [what, change, field, message] of cases) {
    test(`error: ${what} → errors.${field}`, async () => {
      const email = uniqueEmail('bad');
      const params: Record<string, unknown> = { ...(await good(email)), ...change };
      for (const k of Object.keys(params)) if (params[k] === undefined) delete params[k];
      const r = await new NebeusClient(t).call('/signup/1.0/json', params);
      assert.deepEqual(r.body, [{ id: null, jsonrpc: '2.0', result: { status: 'error', errors: { [field]: { field, message } } } }]);
      const [row] = await t.c.db.query<{ n: string }>('SELECT count(*)::text AS n FROM users WHERE email = $1', [email]);
      assert.equal(row.n, '0', 'nothing created');
    });
  }

  test('an inactive country is refused; after the operator switches it on it is accepted', async () => {
    await t.c.nebeus.countries.setActive('PT', false);
    try {
      const email = uniqueEmail('pt');
      const params = { ...(await good(email)), country: await countryId(t, 'PT') };
      assert.deepEqual((await new NebeusClient(t).call('/signup/1.0/json', params)).body[0].result.errors, { country: { field: 'country', message: 'Country is not available' } });
      await t.c.nebeus.countries.setActive('PT', true);
      assert.deepEqual((await new NebeusClient(t).call('/signup/1.0/json', params)).body, SUCCESS);
    } finally {
      await t.c.nebeus.countries.setActive('PT', true);
    }
  });

  test('every problem of one request is reported, one message per field', async () => {
    const r = await new NebeusClient(t).call('/signup/1.0/json', { device_type: 99 });
    assert.deepEqual(Object.keys(r.body[0].result.errors).sort(), ['confirm_password', 'country', 'device_type', 'email', 'name', 'password', 'surname']);
  });

  test('RATE_LIMIT_SIGNUP_IP applies as on the Barong door', async () => {
    const app = await startTestApp({ RATE_LIMIT_SIGNUP_IP: '1/3600', RATE_LIMIT_EXEMPT_IPS: 'none' }); // the test client is on loopback
    try {
      const es = String(await countryId(app, 'ES'));
      const params = (email: string) => ({ login: email, name: 'Ana', surname: 'López', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: es });
      const n = new NebeusClient(app);
      assert.deepEqual((await n.call('/signup/1.0/json', params(uniqueEmail('s1')))).body, SUCCESS);
      assert.deepEqual((await n.call('/signup/1.0/json', params(uniqueEmail('s2')))).body[0].result, { status: 'error', message: 'Too many requests, try again later' });
    } finally {
      await app.close();
    }
  });
});
