import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, type Res } from '../../helpers/client.js';
import { MemorySmsProvider } from '../../../src/infra/sms/memory.js';
import { LogSmsProvider } from '../../../src/infra/sms/log.js';

const answer = (r: Res) => [r.status, r.body];
const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];
const sentVia = (channel: string) => [201, { message: `Code was sent successfully via ${channel}` }];

/** Distinct valid UK mobile numbers per call: +44 7400 xxxxxx. */
let seq = 100000 + (process.pid % 800000);
const mobile = () => `+44 7400 ${String(seq++).padStart(6, '0')}`;
const digits = (n: string) => n.replace(/\D/g, '');

describe('phones with the code made by Warden (log-style provider)', () => {
  let t: TestApp;
  const sms = new MemorySmsProvider();
  before(async () => { t = await startTestApp({}, { sms }); });
  after(async () => { await t.close(); });
  const lastCode = (n: string) => sms.lastCode(`+${digits(n)}`)!;

  test('add: 201 message, the code goes to +E.164, the number is listed masked and unverified', async () => {
    const c = await activeUser(t);
    const n = mobile();
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: n })), sentVia('sms'));
    assert.match(lastCode(n), /^\d{5}$/);
    const list = await c.get('/resource/phones');
    assert.equal(list.status, 200);
    const d = digits(n);
    assert.deepEqual(list.body, [{ country: 'GB', number: `44${'*'.repeat(d.length - 6)}${d.slice(-4)}`, validated_at: null }]);
    const me = (await c.get('/resource/users/me')).body;
    assert.deepEqual(me.phones, list.body);
  });

  test('the number is sealed at rest with a blind index; the code is stored only as a digest', async () => {
    const c = await activeUser(t);
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n, channel: 'call' });
    assert.equal(sms.sent.at(-1)!.channel, 'call');
    const uid = (await c.get('/resource/users/me')).body.uid;
    const [row] = await t.c.db.query<Record<string, string>>('SELECT ph.* FROM phones ph JOIN users u ON u.id = ph.user_id WHERE u.uid = $1', [uid]);
    assert.ok(!row.number_encrypted.includes(digits(n).slice(-6)));
    assert.equal(t.c.kycProfiles.pii.decryptField(row.number_encrypted), digits(n));
    assert.equal(row.number_index, t.c.kycProfiles.pii.blindIndex(digits(n)));
    assert.equal(row.code, null);
    assert.match(row.code_digest, /^[0-9a-f]{64}$/);
    assert.ok(!row.code_digest.includes(lastCode(n)));
  });

  test('parameters: missing/blank number, bad channel, all in one 422', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', {})), errors(422, 'resource.phone.missing_phone_number', 'resource.phone.empty_phone_number'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: ' ', channel: 'fax' })), errors(422, 'resource.phone.empty_phone_number', 'resource.phone.invalid_channel'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: mobile(), channel: '' })), errors(422, 'resource.phone.invalid_channel'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', {})), errors(422,
      'resource.phone.missing_phone_number', 'resource.phone.empty_phone_number', 'resource.phone.missing_verification_code', 'resource.phone.empty_verification_code'));
  });

  test('invalid numbers: 400 invalid_num on every endpoint', async () => {
    const c = await activeUser(t);
    for (const bad of ['12345', '+1 111 2222', 'call me']) {
      assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: bad })), errors(400, 'resource.phone.invalid_num'), bad);
    }
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: '123' })), errors(400, 'resource.phone.invalid_num'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: '123', verification_code: '12345' })), errors(400, 'resource.phone.invalid_num'));
  });

  test('verify: a wrong code is 404; the right one verifies, sets phone=verified and level 2', async () => {
    const c = await activeUser(t);
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n });
    const wrong = lastCode(n) === '00000' ? '11111' : '00000';
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: wrong })), errors(404, 'resource.phone.verification_invalid'));
    // Another spelling of the same number is the same phone.
    const r = await c.send('POST', '/resource/phones/verify', { phone_number: `+44 0${digits(n).slice(2)}`, verification_code: lastCode(n) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual([r.body.level, r.body.state], [2, 'active']);
    assert.ok(r.body.labels.some((l: { key: string; value: string; scope: string }) => l.key === 'phone' && l.value === 'verified' && l.scope === 'private'));
    assert.match(r.body.phones[0].validated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal('csrf_token' in r.body, false);
    // Re-verifying a verified number is number_exist (steps 1–2 first).
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: lastCode(n) })), errors(400, 'resource.phone.number_exist'));
    const [ev] = await t.c.db.query<{ payload: { changes: Record<string, unknown> } }>(
      `SELECT payload FROM outbox WHERE name = 'model.user.updated' AND payload->'record'->>'uid' = $1 AND payload->'changes' ? 'level' ORDER BY id DESC LIMIT 1`, [r.body.uid]);
    assert.deepEqual(ev.payload.changes, { level: 1 });
  });

  test('a number verified by someone is number_exist for everybody else; unverified numbers can be shared', async () => {
    const a = await activeUser(t);
    const b = await activeUser(t);
    const n = mobile();
    await a.send('POST', '/resource/phones', { phone_number: n });
    const aCode = lastCode(n);
    assert.deepEqual(answer(await b.send('POST', '/resource/phones', { phone_number: n })), sentVia('sms'), 'nobody has verified it yet');
    assert.deepEqual(answer(await a.send('POST', '/resource/phones', { phone_number: n })), errors(400, 'resource.phone.exists'));
    assert.equal((await a.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: aCode })).status, 201);
    assert.deepEqual(answer(await b.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: lastCode(n) })), errors(400, 'resource.phone.number_exist'));
    assert.deepEqual(answer(await b.send('POST', '/resource/phones/send_code', { phone_number: n })), errors(400, 'resource.phone.number_exist'));
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: n })), errors(400, 'resource.phone.number_exist'));
  });

  test('send_code: only for the caller\'s numbers; a new code replaces the old one', async () => {
    const c = await activeUser(t);
    const n = mobile();
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: n })), errors(404, 'resource.phone.doesnt_exist'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: '12345' })), errors(404, 'resource.phone.doesnt_exist'));
    await c.send('POST', '/resource/phones', { phone_number: n });
    const first = lastCode(n);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: n, channel: 'call' })), sentVia('call'));
    const second = lastCode(n);
    if (second !== first) { // 1 in 100 000 the new code happens to equal the old one
      assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: first })), errors(404, 'resource.phone.verification_invalid'));
    }
    assert.equal((await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: second })).status, 201);
  });

  test('codes expire', async () => {
    const c = await activeUser(t);
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n });
    t.clock.advance(t.c.config.PHONE_CODE_LIFETIME + 1);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: lastCode(n) })), errors(404, 'resource.phone.verification_invalid'));
    await c.send('POST', '/resource/phones/send_code', { phone_number: n });
    assert.equal((await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: lastCode(n) })).status, 201);
  });

  test('attempts are limited: after PHONE_CODE_MAX_ATTEMPTS wrong codes even the right one fails until a new code', async () => {
    const c = await activeUser(t);
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n });
    const code = lastCode(n);
    const wrong = code === '99999' ? '99998' : '99999';
    for (let i = 0; i < t.c.config.PHONE_CODE_MAX_ATTEMPTS; i++) {
      assert.equal((await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: wrong })).status, 404);
    }
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: code })), errors(404, 'resource.phone.verification_invalid'));
    await c.send('POST', '/resource/phones/send_code', { phone_number: n });
    assert.equal((await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: lastCode(n) })).status, 201);
  });

  test('sending is rate limited per user (RATE_LIMIT_PHONE_CODE, 5 an hour by default)', async () => {
    const c = await activeUser(t);
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n });
    for (let i = 0; i < 4; i++) assert.equal((await c.send('POST', '/resource/phones/send_code', { phone_number: n })).status, 201);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: n })), errors(429, 'resource.phone.too_many_requests'));
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: mobile() })), errors(429, 'resource.phone.too_many_requests'));
    assert.equal((await (await activeUser(t)).send('POST', '/resource/phones', { phone_number: mobile() })).status, 201, 'other users are not affected');
  });

  test('provider errors map to Barong keys (422); the number can be retried with send_code', async () => {
    const c = await activeUser(t);
    const n = mobile();
    const cases: [number | null, string][] = [[21614, 'num_not_valid'], [21612, 'num_not_reachable'], [21618, 'sms_content_invalid'], [21610, 'unsubscribed_recipient'], [null, 'twilio_unexpected']];
    sms.failNext(cases[0][0]);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: n })), errors(422, `resource.phone.${cases[0][1]}`));
    for (const [code, key] of cases.slice(1)) {
      sms.failNext(code);
      assert.deepEqual(answer(await c.send('POST', '/resource/phones/send_code', { phone_number: n })), errors(422, `resource.phone.${key}`));
    }
  });

  test('GET /resource/phones needs a caller', async () => {
    assert.deepEqual(answer(await new Client(t).get('/resource/phones')), errors(401, 'jwt.decode_and_verify'));
  });
});

describe('the log provider (development)', () => {
  test('writes the code and a masked number to the log, marked as development', async () => {
    const lines: { level: string; obj: unknown; msg?: string }[] = [];
    const logger = {
      info: (obj: unknown, msg?: string) => { lines.push({ level: 'info', obj, msg }); },
      warn: (obj: unknown, msg?: string) => { lines.push({ level: 'warn', obj, msg }); },
    };
    const p = new LogSmsProvider(logger as never);
    await p.sendCode('+447400123456', 'sms', '40411');
    assert.match(String(lines[0].obj), /SMS_PROVIDER=log.*development only/);
    assert.deepEqual(lines[1].obj, { to: '+44*******456', channel: 'sms', devVerificationCode: '40411' });
    assert.match(lines[1].msg!, /DEVELOPMENT SMS/);
    assert.equal(p.checksCodes, false);
  });
});

describe('phones through Twilio Verify over HTTP (a local stand-in for verify.twilio.com)', () => {
  let t: TestApp;
  let server: http.Server;
  const requests: { path: string; auth: string; form: Record<string, string> }[] = [];
  const pending = new Map<string, string>();

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        requests.push({ path: req.url!, auth: req.headers.authorization ?? '', form });
        const json = (status: number, o: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(o)); };
        if (req.headers.authorization !== `Basic ${Buffer.from('ACtest:secret-token').toString('base64')}`) return json(401, { code: 20003, status: 401 });
        if (req.url === '/v2/Services/VAtest/Verifications') {
          if (form.To === '+447400999999') return json(400, { code: 60200, message: 'Invalid parameter `To`', status: 400 });
          pending.set(form.To, '123456');
          return json(201, { sid: 'VE1', status: 'pending', to: form.To, channel: form.Channel });
        }
        if (req.url === '/v2/Services/VAtest/VerificationCheck') {
          if (!pending.has(form.To)) return json(404, { code: 20404, status: 404 });
          if (pending.get(form.To) !== form.Code) return json(200, { status: 'pending', valid: false });
          pending.delete(form.To);
          return json(200, { status: 'approved', valid: true });
        }
        return json(404, { code: 20404 });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    t = await startTestApp({
      SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'ACtest', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_VERIFY_SERVICE_SID: 'VAtest',
      TWILIO_VERIFY_URL: `http://127.0.0.1:${port}`,
    });
  });
  after(async () => { await t.close(); await new Promise((r) => server.close(r)); });

  test('Twilio makes, sends and checks the code; Warden stores none', async () => {
    const c = await activeUser(t);
    const n = mobile();
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: n, channel: 'call' })), sentVia('call'));
    const start = requests.at(-1)!;
    assert.deepEqual([start.path, start.form], ['/v2/Services/VAtest/Verifications', { To: `+${digits(n)}`, Channel: 'call' }]);
    const [row] = await t.c.db.query<{ code_digest: string | null }>('SELECT code_digest FROM phones ORDER BY id DESC LIMIT 1');
    assert.equal(row.code_digest, null);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: '000000' })), errors(404, 'resource.phone.verification_invalid'));
    assert.deepEqual(requests.at(-1)!.form, { To: `+${digits(n)}`, Code: '000000' });
    const ok = await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: '123456' });
    assert.deepEqual([ok.status, ok.body.level], [201, 2]);
  });

  test('Twilio refusals map to Barong keys; no pending verification is an invalid code', async () => {
    const c = await activeUser(t);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones', { phone_number: '+44 7400 999999' })), errors(422, 'resource.phone.num_not_valid'));
    const n = mobile();
    await c.send('POST', '/resource/phones', { phone_number: n });
    pending.delete(`+${digits(n)}`);
    assert.deepEqual(answer(await c.send('POST', '/resource/phones/verify', { phone_number: n, verification_code: '123456' })), errors(404, 'resource.phone.verification_invalid'));
  });

  test('boot refuses twilio without credentials, and plain http to anything but loopback', async () => {
    const { loadConfig } = await import('../../../src/config/load.js');
    assert.throws(() => loadConfig({ SMS_PROVIDER: 'twilio' }), /TWILIO_ACCOUNT_SID: required[\s\S]*TWILIO_AUTH_TOKEN: required[\s\S]*TWILIO_VERIFY_SERVICE_SID: required/);
    const { TwilioVerifySmsProvider } = await import('../../../src/infra/sms/twilio-verify.js');
    assert.throws(() => new TwilioVerifySmsProvider({ accountSid: 'a', authToken: 'b', serviceSid: 'c', baseUrl: 'http://verify.example.com' }), /must be https/);
  });
});
