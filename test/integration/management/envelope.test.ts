import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config/load.js';
import { readManagementFile } from '../../../src/domain/management/keychain.js';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { KEYS, Mgmt, answer, claims, envelope, keychainFile } from './signers.js';

let t: TestApp;
let m: Mgmt;
const now = () => Math.floor(Date.now() / 1000);
before(async () => {
  // `tools` needs applogic and peatio; ops may sign it too; rogue is in the keychain but permitted nowhere here.
  const file = keychainFile({ tools: { permitted_signers: ['applogic', 'peatio', 'ops'], mandatory_signers: ['applogic', 'peatio'] } });
  t = await startTestApp({ MANAGEMENT_API_FILE: file });
  m = new Mgmt(t);
});
after(async () => { await t.close(); });

const err = (status: number, error: string) => [status, { error }];
const FAILED = err(401, 'Failed to verify JWT.');
const signed = (payload: Record<string, unknown>, signers = ['applogic', 'peatio']) => JSON.stringify(envelope(payload, signers));

describe('management envelope (BARONG.md §9.1)', () => {
  test('checks in order: verb, query, content type, JSON', async () => {
    const body = signed(claims());
    assert.deepEqual(answer(await m.raw('GET', '/timestamp', undefined)), err(405, 'Only POST and PUT verbs are allowed.'));
    assert.deepEqual(answer(await m.raw('DELETE', '/timestamp?x=1', body)), err(405, 'Only POST and PUT verbs are allowed.'));
    assert.deepEqual(answer(await m.raw('PUT', '/timestamp', body)), err(405, 'Only POST and PUT verbs are allowed.'));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp?x=1', body, 'text/plain')), err(400, 'Query parameters are not allowed.'));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', body, 'text/plain')), err(400, 'Only JSON body is accepted.'));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', body, null)), err(400, 'Only JSON body is accepted.'));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', body, 'application/x-www-form-urlencoded')), err(400, 'Only JSON body is accepted.'));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', 'not json')), err(400, "Couldn't parse JWT."));
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', '')), err(400, "Couldn't parse JWT."));
  });

  test('a charset parameter is accepted (§20.2a #16); the answer is the timestamp', async () => {
    const r = await m.raw('POST', '/timestamp', signed(claims()), 'application/json; charset=utf-8');
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['timestamp']);
    assert.ok(Math.abs(r.body.timestamp - now()) <= 2);
    assert.equal((await m.raw('POST', '/timestamp', signed(claims()), 'Application/JSON')).status, 200);
  });

  test('malformed envelopes, bad signatures and claims → 401 Failed to verify JWT.', async () => {
    const good = envelope(claims(), ['applogic', 'peatio']);
    const cases: unknown[] = [
      {}, [], 'x', { payload: good.payload }, { signatures: good.signatures }, { payload: good.payload, signatures: {} },
      { payload: '!!', signatures: good.signatures },
      { payload: good.payload, signatures: [{ protected: good.signatures[0].protected, signature: good.signatures[0].signature }, good.signatures[1]] },
      // payload swapped: every signature breaks
      { ...good, payload: envelope(claims({ a: 1 })).payload },
      // a flipped signature of a permitted signer fails the whole request, even with the other mandatory ones valid
      { ...good, signatures: [good.signatures[0], { ...good.signatures[1], signature: good.signatures[0].signature }] },
      // peatio's EC key claimed to be RS256 (algorithm confusion); HS256 with the public key as secret
      { ...good, signatures: [good.signatures[0], { ...good.signatures[1], protected: Buffer.from('{"alg":"RS256"}').toString('base64url') }] },
      { ...good, signatures: [good.signatures[0], { ...good.signatures[1], protected: Buffer.from('{"alg":"HS256"}').toString('base64url') }] },
      { ...good, signatures: [good.signatures[0], { ...good.signatures[1], protected: Buffer.from('{"alg":"none"}').toString('base64url') }] },
      envelope({ exp: now() - 120 }, ['applogic', 'peatio']),
      envelope({ nbf: now() + 120 }, ['applogic', 'peatio']),
      envelope({ exp: 'tomorrow' }, ['applogic', 'peatio']),
      envelope({ data: [1, 2] }, ['applogic', 'peatio']),
    ];
    for (const body of cases) assert.deepEqual(answer(await m.raw('POST', '/timestamp', JSON.stringify(body))), FAILED, JSON.stringify(body).slice(0, 200));
  });

  test('exp/nbf within the leeway, or absent, pass', async () => {
    assert.equal((await m.raw('POST', '/timestamp', signed({ exp: now() - 5, nbf: now() + 5 }))).status, 200);
    assert.equal((await m.raw('POST', '/timestamp', signed({}))).status, 200);
  });

  test('mandatory signers: missing ones → 401 Not enough signatures; unpermitted ones are ignored', async () => {
    const NOT_ENOUGH = err(401, 'Not enough signatures for the action.');
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', signed(claims(), ['applogic']))), NOT_ENOUGH);
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', signed(claims(), ['applogic', 'ops']))), NOT_ENOUGH);
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', signed(claims(), ['applogic', 'rogue']))), NOT_ENOUGH);
    assert.deepEqual(answer(await m.raw('POST', '/timestamp', JSON.stringify({ payload: envelope(claims()).payload, signatures: [] }))), NOT_ENOUGH);
    // an unknown kid and a rogue signer beside the mandatory ones change nothing; EdDSA is verified too
    const body = envelope(claims(), ['applogic', 'peatio', 'rogue', 'ops']);
    body.signatures.push({ protected: 'e30', header: { kid: 'stranger' }, signature: 'AAAA' });
    assert.equal((await m.raw('POST', '/timestamp', JSON.stringify(body))).status, 200);
  });

  test('unknown path → 404 Route is not found', async () => {
    assert.deepEqual(answer(await m.raw('POST', '/nothing', signed(claims()))), [404, { error: 'Route is not found' }]);
  });
});

describe('management configuration', () => {
  test('unset MANAGEMENT_API_FILE: every call → 401 Failed to verify JWT.', async () => {
    const bare = await startTestApp();
    try {
      assert.deepEqual(answer(await new Mgmt(bare).raw('POST', '/timestamp', signed(claims()))), FAILED);
    } finally { await bare.close(); }
  });

  test('the variable is documented in the schema', () => {
    const file = keychainFile();
    assert.equal(loadConfig({ MANAGEMENT_API_FILE: file }).MANAGEMENT_API_FILE, file);
    assert.equal(loadConfig({}).MANAGEMENT_API_KEYS_USER, false);
  });

  test('boot refuses private keys, empty mandatory signers, unknown signers and unfit keys, naming the variable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-mgmt-bad-'));
    const write = (doc: unknown) => { const f = path.join(dir, `${Math.random()}.yml`); fs.writeFileSync(f, JSON.stringify(doc)); return f; };
    const pub = (k: string) => KEYS[k].publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const priv = KEYS.applogic.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const ok = { keychain: { applogic: { algorithm: 'RS256', value: pub('applogic') } }, scopes: { tools: { permitted_signers: ['applogic'], mandatory_signers: ['applogic'] } } };
    assert.equal(readManagementFile(write(ok)).scopes.size, 1); // plain PEM works too
    const refused = (doc: unknown, re: RegExp) => assert.throws(() => readManagementFile(write(doc)), (e: Error) => e.message.startsWith('MANAGEMENT_API_FILE: ') && re.test(e.message));
    refused({ ...ok, keychain: { applogic: { algorithm: 'RS256', value: Buffer.from(priv).toString('base64url') } } }, /private key/);
    refused({ ...ok, keychain: { applogic: { algorithm: 'RS256', value: priv } } }, /private key/);
    refused({ ...ok, scopes: { tools: { permitted_signers: ['applogic'], mandatory_signers: [] } } }, /mandatory_signers must not be empty/);
    refused({ ...ok, scopes: { tools: { permitted_signers: ['applogic'] } } }, /mandatory_signers must not be empty/);
    refused({ ...ok, scopes: { tools: { permitted_signers: ['applogic', 'x'], mandatory_signers: ['applogic'] } } }, /signer x is not in the keychain/);
    refused({ ...ok, keychain: { applogic: { algorithm: 'ES256', value: pub('applogic') } } }, /does not fit ES256/);
    refused({ ...ok, keychain: { applogic: { algorithm: 'HS256', value: pub('applogic') } } }, /algorithm must be one of/);
    refused({ keychain: {} }, /expected keychain/);
    // jwt options: aud and iss may be lists (ruby-jwt); a value that cannot be used is refused, never ignored
    assert.deepEqual(readManagementFile(write({ ...ok, jwt: { aud: ['barong', 'peatio'], iss: 'applogic' } })).jwt.aud, ['barong', 'peatio']);
    assert.deepEqual(readManagementFile(write({ ...ok, jwt: { iss: 'applogic' } })).jwt.iss, ['applogic']);
    refused({ ...ok, jwt: { aud: [1] } }, /jwt.aud must be a string or a list of strings/);
    refused({ ...ok, jwt: { aud: [] } }, /jwt.aud must be a string or a list of strings/);
    refused({ ...ok, jwt: { sub: ['a'] } }, /jwt.sub must be a string/);
    assert.throws(() => readManagementFile(path.join(dir, 'missing.yml')), /MANAGEMENT_API_FILE: cannot read/);
  });
});
