import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, uniqueEmail } from '../../helpers/client.js';
import { NbcClient, PASSWORD, activities, codeOf, lastActivityId, mailAfter, nbcUser, problems, useEmailCodes } from './nbc-client.js';

const mailsTo = (addr: string) => t.smtp.received.filter((m) => m.rcptTo.includes(addr)).length;

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const NEW_PASSWORD = 'Quorn8-Ploty-Vex';

describe('/api/personal/email/otp(/check)', () => {
  test('the code goes to the new address; the change is made with it; the old address is told', async () => {
    const { email, client, userId } = await nbcUser(t);
    const next = uniqueEmail('moved');
    const mail = await mailAfter(t, next, /Confirm your new email/, async () => assert.equal((await client.post('/api/personal/email/otp', { email: next, password: PASSWORD })).status, 204));
    assert.ok(!mail.rcptTo.includes(email));
    const since = await lastActivityId(t, userId);
    await mailAfter(t, email, /Your email was changed/, async () =>
      assert.equal((await client.post('/api/personal/email/otp/check', { email: next, otp: codeOf(mail) })).status, 204));
    assert.deepEqual(await activities(t, userId, since), ['account/change email/succeed']);
    assert.equal((await new NbcClient(t).signIn(next)).status, 200);
    assert.deepEqual(problems(await new NbcClient(t).post('/auth/sign-in', { email, password: PASSWORD })), [404, [['user_not_found', 'email']]]);
    assert.equal((await new Client(t).login(next)).status, 200, 'the Barong door agrees');
  });

  test('refusals: same address, taken address, invalid address, wrong code, another address than the code was sent to', async () => {
    const { email, client } = await nbcUser(t);
    const { email: taken } = await nbcUser(t);
    assert.deepEqual(problems(await client.post('/api/personal/email/otp', { email: email.toUpperCase(), password: PASSWORD })), [400, [['same_email', 'email']]]);
    assert.deepEqual(problems(await client.post('/api/personal/email/otp', { email: taken, password: PASSWORD })), [400, [['email_taken', 'email']]]);
    assert.deepEqual(problems(await client.post('/api/personal/email/otp', { email: 'not an email', password: PASSWORD })), [400, [['invalid', 'email']]]);
    const next = uniqueEmail('next');
    const code = codeOf(await mailAfter(t, next, /Confirm your new email/, () => client.post('//api/personal/email/otp', { email: next, password: PASSWORD })));
    assert.deepEqual(problems(await client.post('/api/personal/email/otp/check', { email: next, otp: code === '000000' ? '111111' : '000000' })), [400, [['invalid_code', 'otp']]]);
    assert.deepEqual(problems(await client.post('/api/personal/email/otp/check', { email: uniqueEmail('other'), otp: code })), [400, [['invalid_code', 'otp']]]);
    assert.deepEqual(problems(await new NbcClient(t).post('/api/personal/email/otp', { email: next, password: PASSWORD })), [401, [['token_required', null]]]);
  });

  test('an access token alone cannot move the account: the password, and the second factor when there is one, are asked again', async () => {
    const { email, client } = await nbcUser(t);
    const next = uniqueEmail('thief');
    const noPassword = await client.post('/api/personal/email/otp', { email: next });
    assert.equal(noPassword.status, 400);
    assert.deepEqual(problems(await client.post('/api/personal/email/otp', { email: next, password: 'Wrong-passw0rd' })), [400, [['invalid_credentials', 'password']]]);
    const { mailedCode } = await useEmailCodes(t, email);
    const signedIn = new NbcClient(t);
    assert.equal((await signedIn.signIn(email, PASSWORD, await mailedCode())).status, 200);
    assert.deepEqual(problems(await signedIn.post('/api/personal/email/otp', { email: next, password: PASSWORD })), [400, [['otp_required', 'otp']]]);
    assert.deepEqual(problems(await signedIn.post('/api/personal/email/otp', { email: next, password: PASSWORD, otp: '000000' })), [400, [['invalid_otp', 'otp']]]);
    assert.equal(mailsTo(next), 0, 'nothing was mailed to the new address');
    const otp = await mailedCode();
    await mailAfter(t, next, /Confirm your new email/, async () =>
      assert.equal((await signedIn.post('/api/personal/email/otp', { email: next, password: PASSWORD, otp })).status, 204));
  });
});

describe('/api/personal/psw/otp(/check)', () => {
  test('a mailed code and a new password: this device stays, the others end; the password-changed mail goes out', async () => {
    const { email, client, userId } = await nbcUser(t);
    const other = new NbcClient(t);
    await other.signIn(email);
    const barong = new Client(t);
    await barong.login(email);
    const code = codeOf(await mailAfter(t, email, /Confirm your password change/, async () => assert.equal((await client.post('/api/personal/psw/otp')).status, 204)));
    assert.deepEqual(problems(await client.post('/api/personal/psw/otp/check', { otp: code, password: PASSWORD })), [400, [['same_password', 'password']]]);
    assert.deepEqual(problems(await client.post('/api/personal/psw/otp/check', { otp: code, password: 'password' })), [400, [['requirements', 'password']]]);
    const since = await lastActivityId(t, userId);
    await mailAfter(t, email, /Your password was changed/, async () =>
      assert.equal((await client.post('/api/personal/psw/otp/check', { otp: code, password: NEW_PASSWORD })).status, 204));
    assert.deepEqual(await activities(t, userId, since), ['password/password change/succeed']);
    assert.equal((await client.get('/auth/token/check')).status, 200, 'this device stays signed in');
    assert.equal((await client.post('/auth/token/refresh')).status, 200);
    assert.equal((await other.get('/auth/token/check')).status, 401);
    assert.equal((await barong.get('/resource/users/me')).status, 401);
    assert.equal((await new NbcClient(t).signIn(email, NEW_PASSWORD)).status, 200);
    assert.deepEqual(problems(await client.post('/api/personal/psw/otp/check', { otp: code, password: `${NEW_PASSWORD}1` })), [400, [['invalid_code', 'otp']]], 'single use');
  });
});

describe('/api/timezone/set', () => {
  test('IANA names, canonicalised; anything else 400', async () => {
    const { client, userId } = await nbcUser(t);
    assert.deepEqual((await client.post('/api/timezone/set', { timezone: 'america/new_york' })).body, { timezone: 'America/New_York' });
    assert.deepEqual((await client.put('//api/timezone/set', { timezone: 'UTC' })).body, { timezone: 'UTC' });
    const [row] = await t.c.db.query<{ timezone: string }>('SELECT timezone FROM account_details WHERE user_id = $1', [userId]);
    assert.equal(row.timezone, 'UTC');
    assert.deepEqual(problems(await client.post('/api/timezone/set', { timezone: 'Mars/Olympus' })), [400, [['invalid', 'timezone']]]);
    assert.deepEqual(problems(await client.post('/api/timezone/set', {})), [400, [['required', 'timezone']]]);
    assert.deepEqual(problems(await new NbcClient(t).post('/api/timezone/set', { timezone: 'UTC' })), [401, [['token_required', null]]]);
  });
});

describe('/api/country', () => {
  test('by id or code, the SEPA list, 404 for unknown ones', async () => {
    const c = new NbcClient(t);
    const es = await c.get('/api/country/ES');
    assert.equal(es.status, 200);
    assert.deepEqual({ ...es.body, id: 0 }, { id: 0, code: 'ES', name: 'Spain', phoneCode: '+34', sepa: true });
    assert.deepEqual((await c.get(`/api/country/${es.body.id}`)).body, es.body);
    assert.equal((await c.get('//api/country/ru')).body.sepa, false);
    const sepa = await c.get('/api/country/sepa');
    const codes = sepa.body.map((x: { code: string }) => x.code);
    for (const code of ['DE', 'FR', 'CH', 'GB', 'NO', 'IS', 'LI', 'MC']) assert.ok(codes.includes(code), code);
    for (const code of ['US', 'RU', 'UA']) assert.ok(!codes.includes(code), code);
    assert.ok((await c.get('/api/country')).body.length > 240);
    assert.deepEqual(problems(await c.get('/api/country/99999')), [404, [['country_not_found', 'id']]]);
    assert.deepEqual(problems(await c.get('/api/country/zz')), [404, [['country_not_found', 'id']]]);
    assert.deepEqual(problems(await c.get('/api/country/%27%3B--')), [404, [['country_not_found', 'id']]]);
  });
});
