import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, STRONG_PASSWORD, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';
import { enableOtp } from '../../helpers/otp.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { tokenFrom } from '../../helpers/smtp.js';
import { codeOf, mailAfter, useEmailCodes } from '../nbc/nbc-client.js';
import { Browser, WARDEN } from './browser.js';
import { PREFIX, redeem, signInFully, socialSignIn, startOAuthWorld, type OAuthWorld } from './setup.js';

let w: OAuthWorld;
before(async () => { w = await startOAuthWorld(); });
after(async () => { await w.close(); });

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

/** A Barong client on the session a social sign-in opened (cookie and csrf_token). */
function clientOf(b: Browser, session: { body: { csrf_token: string } }): Client {
  const c = b.client();
  c.csrf = session.body.csrf_token;
  return c;
}

/** Opens a connect link in a browser and follows it to the result page. */
async function connect(client: Client, provider = 'op'): Promise<Record<string, string>> {
  const link = await client.send('POST', `/resource/oauth/${provider}`);
  assert.equal(link.status, 201, JSON.stringify(link.body));
  assert.ok(link.body.auth_link.startsWith(`${WARDEN}${PREFIX}/identity/oauth/${provider}?link=`));
  return socialSignIn(new Browser(w.t), provider, link.body.auth_link);
}

async function activities(uid: string): Promise<string[]> {
  const rows = await w.t.c.db.query<{ topic: string; action: string; result: string }>(
    'SELECT a.topic, a.action, a.result FROM activities a JOIN users u ON u.id = a.user_id WHERE u.uid = $1 ORDER BY a.id', [uid]);
  return rows.map((r) => `${r.topic}/${r.action}/${r.result}`);
}

describe('linking', () => {
  test('a signed-in user links a provider; the provider then signs him in; a connect link works once', async () => {
    const email = uniqueEmail('linker');
    const client = await activeUser(w.t, email);
    const uid = (await client.get('/resource/users/me')).body.uid;
    const before = await client.get('/resource/oauth');
    assert.equal(before.status, 200);
    assert.deepEqual(before.body.map((p: { provider: string; connected: boolean }) => [p.provider, p.connected]), [['op', false], ['opshort', false]]);

    const googleEmail = uniqueEmail('other-address');
    w.op.as({ sub: `link-${email}`, email: googleEmail, email_verified: false });
    const link = await client.send('POST', '/resource/oauth/op');
    assert.deepEqual(await socialSignIn(new Browser(w.t), 'op', link.body.auth_link), { result: 'linked', provider: 'op' });
    const after = await client.get('/resource/oauth');
    const op = after.body.find((p: { provider: string }) => p.provider === 'op');
    assert.equal(op.connected, true);
    assert.equal(op.name, 'Test OP');
    assert.equal(op.email, googleEmail);
    assert.match(op.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.ok((await activities(uid)).includes('account/link op/succeed'));

    const again = await new Browser(w.t).open(link.body.auth_link);
    assert.equal(new URL(again.location!).searchParams.get('error'), 'invalid_link', 'a connect link is single use');
    const wrongPath = (await client.send('POST', '/resource/oauth/op')).body.auth_link.replace('/oauth/op?', '/oauth/opshort?');
    assert.equal(new URL((await new Browser(w.t).open(wrongPath)).location!).searchParams.get('error'), 'invalid_link', 'a link is for its provider only');

    const { result, session } = await signInFully(new Browser(w.t));
    assert.equal(result.result, 'signed_in');
    assert.equal(session.body.uid, uid);
  });

  test('a provider account linked to someone else, or a second account of a linked provider, is refused', async () => {
    const a = await activeUser(w.t);
    w.op.as({ sub: 'shared-sub', email: uniqueEmail('shared'), email_verified: true });
    assert.equal((await connect(a)).result, 'linked');
    const b = await activeUser(w.t);
    assert.deepEqual(await connect(b), { result: 'error', error: 'identity_taken', provider: 'op' });
    w.op.as({ sub: 'second-sub', email: uniqueEmail('second'), email_verified: true });
    assert.deepEqual(await connect(a), { result: 'error', error: 'already_linked', provider: 'op' });
  });

  test('unknown provider → 404', async () => {
    const client = await activeUser(w.t);
    assert.deepEqual(answer(await client.send('POST', '/resource/oauth/nope')), errors(404, 'resource.oauth.provider_not_found'));
    assert.deepEqual(answer(await new Client(w.t).get('/resource/oauth')), errors(401, 'jwt.decode_and_verify'), 'signed-in users only');
  });

  test('providersFor(user): every provider with connected and auth_link (the Nebeus dashboard)', async () => {
    const client = await activeUser(w.t);
    w.op.as({ sub: uniqueEmail('dash'), email: uniqueEmail('dash'), email_verified: true });
    await connect(client);
    const uid = (await client.get('/resource/users/me')).body.uid;
    const list = await w.t.c.oauth.providersFor((await usersRepo.byUid(w.t.c.db, uid))!);
    assert.deepEqual(list.map((p) => [p.provider, p.name, p.connected]), [['op', 'Test OP', true], ['opshort', 'opshort', false]]);
    for (const p of list) assert.ok(p.auth_link.startsWith(`${WARDEN}${PREFIX}/identity/oauth/${p.provider}?link=`));
  });
});

describe('unlinking', () => {
  test('a user with a password unlinks; unlinking again is 404', async () => {
    const email = uniqueEmail('unlink');
    const client = await activeUser(w.t, email);
    w.op.as({ sub: `unlink-${email}`, email, email_verified: true });
    assert.equal((await connect(client)).result, 'linked');
    const del = await client.send('DELETE', '/resource/oauth/op');
    assert.equal(del.status, 204);
    assert.equal((await client.get('/resource/oauth')).body[0].connected, false);
    assert.deepEqual(answer(await client.send('DELETE', '/resource/oauth/op')), errors(404, 'resource.oauth.not_linked'));
    const uid = (await client.get('/resource/users/me')).body.uid;
    assert.ok((await activities(uid)).includes('account/unlink op/succeed'));
    // Unlinked: the provider account now counts as a stranger to an existing email.
    assert.equal((await socialSignIn(new Browser(w.t))).error, 'account_exists');
  });

  test('the last way to sign in cannot be unlinked; a second provider or a password (set by reset) frees it', async () => {
    const email = uniqueEmail('socialonly');
    w.op.as({ sub: `only-${email}`, email, email_verified: true });
    const b = new Browser(w.t);
    const { session } = await signInFully(b);
    const client = clientOf(b, session);
    assert.deepEqual(answer(await client.send('DELETE', '/resource/oauth/op')), errors(422, 'resource.oauth.last_login_method'));

    w.op.as({ sub: `only2-${email}`, email, email_verified: true });
    assert.equal((await connect(client, 'opshort')).result, 'linked');
    assert.equal((await client.send('DELETE', '/resource/oauth/op')).status, 204);
    assert.deepEqual(answer(await client.send('DELETE', '/resource/oauth/opshort')), errors(422, 'resource.oauth.last_login_method'));

    // The owner sets a password through the reset mail; then the provider can go.
    assert.equal((await new Client(w.t).post('/identity/users/password/generate_code', { email })).status, 201);
    const mail = await w.t.smtp.waitFor(email, /password/i);
    const reset = await new Client(w.t).post('/identity/users/password/confirm_code', { reset_password_token: tokenFrom(mail), password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD });
    assert.equal(reset.status, 201, JSON.stringify(reset.body));
    const relogged = new Client(w.t);
    assert.equal((await relogged.login(email)).status, 200);
    assert.equal((await relogged.send('DELETE', '/resource/oauth/opshort')).status, 204);
  });
});

describe('2FA', () => {
  test('a user with 2FA gets otp_required; the token then needs his code (missing 401, wrong 403, right 200)', async () => {
    const email = uniqueEmail('twofa');
    const client = await activeUser(w.t, email);
    w.op.as({ sub: `2fa-${email}`, email, email_verified: true });
    assert.equal((await connect(client)).result, 'linked');
    const otp = await enableOtp(w.t, client);
    const uid = (await client.get('/resource/users/me')).body.uid;

    const b = new Browser(w.t);
    const result = await socialSignIn(b);
    assert.deepEqual([result.result, result.provider, result.tfa_type], ['otp_required', 'op', 'google']);
    assert.deepEqual(await redeem(b, result.token), { status: 401, body: { errors: ['identity.session.missing_otp'] } });
    assert.deepEqual(await redeem(b, result.token, otp.code(5)), { status: 403, body: { errors: ['identity.session.invalid_otp'] } });
    assert.equal(b.cookie('localhost:3000', '_barong_session'), undefined);
    const ok = await redeem(b, result.token, otp.code());
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.otp, true);
    assert.ok(b.cookie('localhost:3000', '_barong_session'));
    assert.deepEqual(await redeem(b, result.token, otp.freshCode()), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } });
    const log = await activities(uid);
    assert.deepEqual(log.slice(-2), ['session/login::2fa/failed', 'session/login::2fa/succeed']);
  });

  test('codes by mail (chosen on the NBC door): otp_required with tfa_type=email and a mailed code; the token needs it (missing 401, wrong 403, right 200 once)', async () => {
    const email = uniqueEmail('mail2fa');
    const client = await activeUser(w.t, email);
    w.op.as({ sub: `mail2fa-${email}`, email, email_verified: true });
    assert.equal((await connect(client)).result, 'linked');
    await useEmailCodes(w.t, email);
    const uid = (await client.get('/resource/users/me')).body.uid;

    const b = new Browser(w.t);
    let result: Record<string, string> = {};
    const code = codeOf(await mailAfter(w.t, email, /sign-in code/, async () => { result = await socialSignIn(b); }));
    assert.deepEqual(result, { result: 'otp_required', provider: 'op', token: result.token, tfa_type: 'email' });
    assert.deepEqual(await redeem(b, result.token), { status: 401, body: { errors: ['identity.session.missing_otp'] } });
    assert.deepEqual(await redeem(b, result.token, ' '), { status: 401, body: { errors: ['identity.session.missing_otp'] } });
    assert.deepEqual(await redeem(b, result.token, code === '000000' ? '111111' : '000000'), { status: 403, body: { errors: ['identity.session.invalid_otp'] } });
    assert.equal(b.cookie('localhost:3000', '_barong_session'), undefined);
    const ok = await redeem(b, result.token, code);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.uid, uid);
    assert.ok(b.cookie('localhost:3000', '_barong_session'));
    assert.deepEqual(await redeem(b, result.token, code), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } });
    assert.deepEqual((await activities(uid)).slice(-2), ['session/login::2fa/failed', 'session/login::2fa/succeed']);

    // Past the limit of mails to the address, the flow ends without a token rather than without a code.
    const rates = w.t.c.identity.settings.rates;
    while (await w.t.c.identity.limiter.hit('tfa-mail', email, rates.resetAccount));
    assert.deepEqual(await socialSignIn(new Browser(w.t)), { result: 'error', error: 'too_many_requests', provider: 'op' });
  });

  test('a forged or expired token is refused', async () => {
    const b = new Browser(w.t);
    assert.deepEqual(await redeem(b, 'forged'), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } });
    const missing = await b.open(`${WARDEN}${PREFIX}/identity/sessions/oauth`, { method: 'POST', form: {} });
    assert.deepEqual([missing.status, JSON.parse(missing.body)], [422, { errors: ['identity.session.missing_token', 'identity.session.empty_token'] }]);
    w.op.as({ sub: uniqueEmail('slow'), email: uniqueEmail('slow'), email_verified: true });
    const result = await socialSignIn(b);
    w.t.clock.advance(301);
    assert.deepEqual(await redeem(b, result.token), { status: 422, body: { errors: ['identity.session.oauth.invalid_token'] } });
  });
});
