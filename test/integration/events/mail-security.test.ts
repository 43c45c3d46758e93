import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, activeUser, uniqueEmail, type Res } from '../../helpers/client.js';
import type { ReceivedMail } from '../../helpers/smtp.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const PHRASE = 'Blue Falcon 42';
const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

async function userRow(email: string) {
  const [u] = await t.c.db.query<{ id: number; uid: string; state: string; anti_phishing_encrypted: string | null }>(
    'SELECT id, uid, state, anti_phishing_encrypted FROM users WHERE email = $1', [email]);
  return { ...u, id: Number(u.id) };
}

/** Mails to `to` received after `count` earlier ones, matching `subject`. */
async function nextMail(to: string, subject: RegExp, after = 0): Promise<ReceivedMail> {
  const end = Date.now() + 8000;
  for (;;) {
    const found = t.smtp.received.filter((m) => m.rcptTo.includes(to) && subject.test(m.subject))[after];
    if (found) return found;
    if (Date.now() > end) throw new Error(`no mail #${after + 1} to ${to} matching ${subject}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function freezeLinkOf(mail: ReceivedMail): URL {
  const m = /(https?:\/\/\S+\/identity\/users\/freeze\?token=[^\s"<]+)/.exec(mail.text);
  assert.ok(m, `no freeze link in:\n${mail.text}`);
  return new URL(m[1]);
}

describe('anti-phishing code', () => {
  test('PUT/GET/DELETE /resource/users/anti_phishing: validation, password check, sealed at rest, activity', async () => {
    const email = uniqueEmail('ap');
    const client = await activeUser(t, email);
    assert.deepEqual(answer(await client.get('/resource/users/anti_phishing')), [200, { enabled: false }]);
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/anti_phishing', {})),
      errors(422, 'resource.user.missing_phrase', 'resource.user.empty_phrase', 'resource.user.missing_password', 'resource.user.empty_password'));
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/anti_phishing', { phrase: PHRASE, password: 'Wrong-pass-1' })), errors(422, 'resource.user.invalid_password'));
    for (const bad of ['ab', '<b>bold</b>', 'x'.repeat(33), ' -dash', 'line\nbreak']) {
      assert.deepEqual(answer(await client.send('PUT', '/resource/users/anti_phishing', { phrase: bad, password: STRONG_PASSWORD })), errors(422, 'resource.user.invalid_phrase'), bad);
    }
    assert.deepEqual(answer(await client.send('PUT', '/resource/users/anti_phishing', { phrase: `  ${PHRASE} `, password: STRONG_PASSWORD })), [200, { enabled: true }]);
    assert.deepEqual(answer(await client.get('/resource/users/anti_phishing')), [200, { enabled: true }]);
    const row = await userRow(email);
    assert.ok(row.anti_phishing_encrypted && !row.anti_phishing_encrypted.includes('Falcon'), 'sealed, never plain');
    assert.equal(t.c.encryptor.decrypt(row.anti_phishing_encrypted!), PHRASE);
    const acts = await t.c.db.query<{ action: string; result: string }>(
      "SELECT action, result FROM activities WHERE user_id = $1 AND topic = 'account' AND action LIKE '%anti-phishing%' ORDER BY id", [row.id]);
    assert.deepEqual(acts.map((a) => `${a.action}:${a.result}`), ['set anti-phishing code:failed', 'set anti-phishing code:succeed']);
    assert.equal((await new Client(t).get('/resource/users/anti_phishing')).status, 401);
    assert.deepEqual(answer(await client.send('DELETE', '/resource/users/anti_phishing', { password: STRONG_PASSWORD })), [200, { enabled: false }]);
    assert.equal((await userRow(email)).anti_phishing_encrypted, null);
  });

  test('every mail to the user shows the phrase, mails to others do not', async () => {
    const email = uniqueEmail('apmail');
    const client = await activeUser(t, email);
    const other = uniqueEmail('apother');
    await activeUser(t, other);
    assert.equal((await client.send('PUT', '/resource/users/anti_phishing', { phrase: PHRASE, password: STRONG_PASSWORD })).status, 200);
    assert.equal((await new Client(t).login(email)).status, 200);
    assert.equal((await new Client(t).post('/identity/users/password/generate_code', { email })).status, 201);
    assert.equal((await client.send('PUT', '/resource/users/password', { old_password: STRONG_PASSWORD, new_password: 'Lurbanq4-Wz', confirm_password: 'Lurbanq4-Wz' })).status, 201);
    for (const subject of [/^New login/, /^Reset your password/, /^Your password was changed/]) {
      const mail = await nextMail(email, subject);
      assert.ok(mail.text.includes(`Your anti-phishing code: ${PHRASE}`), `${subject} shows the phrase`);
      assert.ok(mail.raw.includes('<strong>Blue Falcon 42</strong>') || mail.text.includes('<strong>Blue Falcon 42</strong>'), 'in the HTML part too');
    }
    assert.equal((await new Client(t).login(other)).status, 200);
    assert.ok(!(await nextMail(other, /^New login/)).text.includes('anti-phishing'));
  });
});

describe('freeze link of the new-login mail', () => {
  test('GET shows a page and changes nothing; POST freezes once: sessions, API keys, lock label, activity, event, mail', async () => {
    const email = uniqueEmail('freeze');
    const client = await activeUser(t, email);
    assert.equal((await client.send('PUT', '/resource/users/anti_phishing', { phrase: PHRASE, password: STRONG_PASSWORD })).status, 200);
    const user = await userRow(email);
    const key = await t.c.apiKeys.create({ type: 'User', id: user.id, state: 'active' }, { algorithm: 'HS256' });
    assert.equal((await t.c.apiKeys.forVerification(key.kid))!.state, 'active'); // now cached

    const attacker = new Client(t);
    assert.equal((await attacker.login(email)).status, 200);
    const link = freezeLinkOf(await nextMail(email, /^New login/));
    assert.equal(link.origin + link.pathname, `${t.c.config.APP_URL}${t.prefix}/identity/users/freeze`);
    const path = link.pathname.slice(t.prefix.length);
    const token = link.searchParams.get('token')!;

    const page = await new Client(t).get(path, { token });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.match(page.body, /<form method="post"/);
    assert.equal((await userRow(email)).state, 'active', 'a GET (mail scanner, preview) freezes nothing');
    assert.equal((await attacker.get('/resource/users/me')).status, 200);

    const frozen = await new Client(t).call('POST', path, { body: { token }, form: true });
    assert.equal(frozen.status, 201);
    assert.match(frozen.body, /is frozen/);
    assert.match(frozen.body, /support/);

    assert.equal((await userRow(email)).state, 'locked');
    assert.equal((await attacker.get('/resource/users/me')).status, 401, "the attacker's session is gone");
    assert.equal((await client.get('/resource/users/me')).status, 401, 'every session is gone');
    assert.equal((await t.c.apiKeys.forVerification(key.kid))!.state, 'inactive', 'API key off, cache dropped');
    const [label] = await t.c.db.query<{ value: string }>("SELECT value FROM labels WHERE user_id = $1 AND key = 'lock' AND scope = 'private'", [user.id]);
    assert.equal(label.value, 'frozen_by_user');
    const [act] = await t.c.db.query<{ result: string }>("SELECT result FROM activities WHERE user_id = $1 AND topic = 'account' AND action = 'freeze'", [user.id]);
    assert.equal(act.result, 'succeed');
    const names = (await t.c.db.query<{ name: string }>(
      "SELECT name FROM outbox WHERE payload->'record'->'user'->>'uid' = $1 OR payload->'record'->>'uid' = $1 ORDER BY id", [user.uid])).map((r) => r.name);
    assert.deepEqual(names.slice(-3), ['model.user.updated', 'model.label.created', 'system.user.account.frozen']);
    const mail = await nextMail(email, /^Your account is frozen/);
    assert.match(mail.text, /support/);
    assert.ok(mail.text.includes(`Your anti-phishing code: ${PHRASE}`));

    assert.deepEqual(answer(await new Client(t).call('POST', path, { body: { token }, form: true })), errors(422, 'identity.user.utilized_token'), 'works once');
    assert.deepEqual(answer(await new Client(t).post(path, { token })), errors(422, 'identity.user.utilized_token'));
    assert.deepEqual(answer(await new Client(t).login(email)), errors(401, 'identity.session.not_active'));
  });

  test('API clients get 201 with no body; bad, expired or foreign tokens are refused', async () => {
    const email = uniqueEmail('freezeapi');
    await activeUser(t, email);
    assert.equal((await new Client(t).login(email)).status, 200);
    const link = freezeLinkOf(await nextMail(email, /^New login/));
    const path = link.pathname.slice(t.prefix.length);
    const token = link.searchParams.get('token')!;

    assert.deepEqual(answer(await new Client(t).post(path, {})), errors(422, 'identity.user.missing_token', 'identity.user.empty_token'));
    assert.deepEqual(answer(await new Client(t).get(path, { token: 'garbage' })), errors(422, 'jwt.decode_and_verify.segments'));
    const confirmation = t.c.identity.tokens.sign('confirmation', { email, uid: (await userRow(email)).uid }).token;
    assert.deepEqual(answer(await new Client(t).post(path, { token: confirmation })), errors(422, 'jwt.decode_and_verify.confirmation'));
    // Signed HS256 with a secret derived from ENCRYPTION_KEY (not a costly RS256 signature on
    // every login); a changed signature or claim is refused.
    assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()), { alg: 'HS256' });
    const [h, p, sig] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    assert.deepEqual(answer(await new Client(t).post(path, { token: flipped })), errors(422, 'jwt.decode_and_verify.raised'));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const otherUser = `${h}.${Buffer.from(JSON.stringify({ ...claims, uid: 'ID0000000000' })).toString('base64url')}.${sig}`;
    assert.deepEqual(answer(await new Client(t).post(path, { token: otherUser })), errors(422, 'jwt.decode_and_verify.raised'));
    assert.equal((await userRow(email)).state, 'active');

    t.clock.advance(t.c.config.FREEZE_LINK_LIFETIME + 1);
    assert.deepEqual(answer(await new Client(t).post(path, { token })), errors(422, 'jwt.decode_and_verify.expired'));
    t.clock.advance(-(t.c.config.FREEZE_LINK_LIFETIME + 1));

    const r = await new Client(t).post(path, { token });
    assert.equal(r.status, 201);
    assert.equal(r.body, '');
    assert.equal((await userRow(email)).state, 'locked');
  });

  test('a freeze link signed RS256 (mailed by an earlier version) still freezes', async () => {
    const email = uniqueEmail('freezers');
    await activeUser(t, email);
    const legacy = t.c.identity.tokens.sign('freeze', { uid: (await userRow(email)).uid }, t.c.config.FREEZE_LINK_LIFETIME).token;
    assert.equal(JSON.parse(Buffer.from(legacy.split('.')[0]!, 'base64url').toString()).alg, 'RS256');
    assert.equal((await new Client(t).post('/identity/users/freeze', { token: legacy })).status, 201);
    assert.equal((await userRow(email)).state, 'locked');
  });
});
