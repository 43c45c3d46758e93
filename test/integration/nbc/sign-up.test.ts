import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail } from '../../helpers/client.js';
import { NbcClient, PASSWORD, activities, claimsOf, codeOf, mailAfter, nbcUser, problems } from './nbc-client.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const getCode = async (c: NbcClient, email: string) =>
  codeOf(await mailAfter(t, email, /sign-up code/, async () => assert.equal((await c.post('/auth/sign-up/email/get-code', { email })).status, 204)));

const STEPS_NONE = { email: true, password: false, user: false, owner: false, completed: false, next: 'password' };

describe('sign-up in order', () => {
  test('email code → registration token → password (user made, signed in) → user → owner; check follows every step', async () => {
    const email = uniqueEmail('signup');
    const c = new NbcClient(t);
    const code = await getCode(c, email);
    const checked = await c.post('/auth/sign-up/email/check-code', { email, code });
    assert.equal(checked.status, 200);
    const reg = checked.body.registrationToken as string;
    assert.match(reg, /^reg_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual((await c.get('/auth/sign-up/check', { token: reg })).body, STEPS_NONE);

    const set = await c.post('/auth/sign-up/pss/set', { password: PASSWORD }, { token: reg });
    assert.equal(set.status, 200);
    assert.equal(typeof set.body, 'string');
    assert.ok(c.refreshCookie, 'signed in like /auth/sign-in');
    c.accessToken = set.body;
    const claims = claimsOf(c.accessToken!);
    assert.deepEqual([claims.email, claims.state, claims.level], [email, 'active', 1]);
    const [row] = await t.c.db.query<{ id: number; state: string }>('SELECT id, state FROM users WHERE email = $1', [email]);
    const labels = await t.c.db.query<{ key: string; value: string; scope: string }>('SELECT key, value, scope FROM labels WHERE user_id = $1', [row.id]);
    assert.deepEqual(labels.map((l) => [l.key, l.value, l.scope]), [['email', 'verified', 'private']]);
    const after3 = { email: true, password: true, user: false, owner: false, completed: false, next: 'user' };
    assert.deepEqual((await c.get('/auth/sign-up/check')).body, after3);
    assert.deepEqual((await c.get('//auth/sign-up/check', { token: reg })).body, after3, 'the registration token still reports');

    const user = await c.post('/auth/sign-up/user/update', { name: 'Ann', surname: 'Lee', phone: '+34 612 345 678', country: 'es', language: 'ru', timezone: 'europe/madrid' });
    assert.deepEqual([user.status, user.body.next], [200, 'owner']);
    const [details] = await t.c.db.query('SELECT name, surname, phone, country, language, timezone FROM account_details WHERE user_id = $1', [row.id]);
    assert.deepEqual(details, { name: 'Ann', surname: 'Lee', phone: '+34612345678', country: 'ES', language: 'ru', timezone: 'Europe/Madrid' });
    const [{ data }] = await t.c.db.query<{ data: string }>('SELECT data FROM users WHERE id = $1', [row.id]);
    assert.deepEqual(JSON.parse(data), { language: 'ru' }, 'mails follow the chosen language');

    const owner = await c.post('/auth/sign-up/owner/update', { companyName: 'Lee Trading SL', type: 'company', subtype: 'llc', country: 'ES' });
    assert.deepEqual(owner.body, { email: true, password: true, user: true, owner: true, completed: true, next: null });
    const [biz] = await t.c.db.query('SELECT company_name, type, subtype, country FROM businesses WHERE owner_id = $1', [row.id]);
    assert.deepEqual(biz, { company_name: 'Lee Trading SL', type: 'company', subtype: 'llc', country: 'ES' });
    assert.deepEqual(await activities(t, Number(row.id)), ['account/signup/succeed', 'account/update personal details/succeed', 'account/update business/succeed']);
  });

  test('an address with an account gets a notice, not a code (still 204)', async () => {
    const email = uniqueEmail('exists');
    await activeUser(t, email);
    const c = new NbcClient(t);
    await mailAfter(t, email, /already have an account/, async () => assert.equal((await c.post('/auth/sign-up/email/get-code', { email })).status, 204));
    assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email, code: '123456' })), [400, [['invalid_code', 'code']]]);
  });
});

describe('sign-up out of order (refused with clear codes)', () => {
  test('check-code before get-code, with a wrong code, or after 5 tries', async () => {
    const email = uniqueEmail('ooo');
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email, code: '123456' })), [400, [['invalid_code', 'code']]]);
    const code = await getCode(c, email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email, code: wrong })), [400, [['invalid_code', 'code']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email, code: wrong })), [400, [['code_attempts_exceeded', 'code']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email, code })), [400, [['code_attempts_exceeded', 'code']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-up/email/check-code', { email })), [400, [['required', 'code']]]);
  });

  test('pss/set without, with a bogus, an expired or an already used registration token', async () => {
    const c = new NbcClient(t);
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: PASSWORD })), [400, [['invalid_registration_token', 'registrationToken']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: PASSWORD }, { token: `reg_${'A'.repeat(43)}` })), [400, [['invalid_registration_token', 'registrationToken']]]);
    const email = uniqueEmail('reg');
    const reg = (await c.post('/auth/sign-up/email/check-code', { email, code: await getCode(c, email) })).body.registrationToken;
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: 'short' }, { token: reg })), [400, [['too_short', 'password']]]);
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: 'password' }, { token: reg })), [400, [['requirements', 'password']]], "Warden's policy too");
    assert.equal((await c.post('/auth/sign-up/pss/set', { password: PASSWORD, registrationToken: reg }, { token: null })).status, 200, 'token in the body');
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: PASSWORD }, { token: reg, bare: true })), [400, [['registration_completed', 'registrationToken']]]);
    const late = uniqueEmail('late');
    const lateReg = (await c.post('/auth/sign-up/email/check-code', { email: late, code: await getCode(c, late) })).body.registrationToken;
    t.clock.advance(t.c.config.JWT_EXPIRE_TIME);
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: PASSWORD }, { token: lateReg })), [400, [['invalid_registration_token', 'registrationToken']]]);
  });

  test('the email taken meanwhile on another door → 400 email_taken', async () => {
    const email = uniqueEmail('race');
    const c = new NbcClient(t);
    const reg = (await c.post('/auth/sign-up/email/check-code', { email, code: await getCode(c, email) })).body.registrationToken;
    assert.equal((await new Client(t).signup(email)).status, 201);
    assert.deepEqual(problems(await c.post('/auth/sign-up/pss/set', { password: PASSWORD }, { token: reg })), [400, [['email_taken', 'email']]]);
  });

  test('user/update and owner/update need an access token; owner before user → 400 user_step_required', async () => {
    const anonymous = new NbcClient(t);
    assert.deepEqual(problems(await anonymous.post('/auth/sign-up/user/update', { name: 'A', surname: 'B' })), [401, [['token_required', null]]]);
    assert.deepEqual(problems(await anonymous.get('/auth/sign-up/check')), [401, [['token_required', null]]]);
    const { client } = await nbcUser(t);
    const biz = { companyName: 'X', type: 'company', subtype: 'llc', country: 'DE' };
    assert.deepEqual(problems(await client.post('/auth/sign-up/owner/update', biz)), [400, [['user_step_required', null]]]);
    assert.deepEqual(problems(await client.post('/auth/sign-up/user/update', { name: ' ', surname: 'B', phone: '12', country: 'XX', language: 'english', timezone: 'Mars/Base' })),
      [400, [['blank', 'name'], ['invalid', 'phone'], ['invalid', 'language'], ['invalid', 'timezone'], ['invalid', 'country']]]);
    assert.deepEqual(problems(await client.post('/auth/sign-up/user/update', { surname: 'B' })), [400, [['required', 'name']]]);
    assert.equal((await client.post('/auth/sign-up/user/update', { name: 'A', surname: 'B' })).status, 200);
    assert.deepEqual(problems(await client.post('/auth/sign-up/owner/update', { ...biz, country: 'ZZ', companyName: '' })), [400, [['blank', 'companyName'], ['invalid', 'country']]]);
    assert.equal((await client.post('//auth/sign-up/owner/update', biz)).body.completed, true);
  });
});

describe('cross-door', () => {
  test('a user made here signs in on the Barong door and uses the resource API with the access token', async () => {
    const { email, client } = await nbcUser(t);
    const barong = new Client(t);
    const login = await barong.login(email, PASSWORD);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.deepEqual([login.body.email, login.body.state, login.body.level], [email, 'active', 1]);
    const me = await t.app.inject({ method: 'GET', url: `${t.prefix}/resource/users/me`, headers: { authorization: client.accessToken! } });
    assert.equal(me.json().email, email);
  });

  test('a Barong user (made on the other door) reports the sign-up steps it has', async () => {
    const email = uniqueEmail('barongsteps');
    await activeUser(t, email);
    const c = new NbcClient(t);
    await c.signIn(email);
    assert.deepEqual((await c.get('/auth/sign-up/check')).body, { email: true, password: true, user: false, owner: false, completed: false, next: 'user' });
  });
});
