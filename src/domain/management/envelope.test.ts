import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { joseSign } from '../../lib/jws.js';
import { verifyEnvelope } from './envelope.js';
import { fullMessage } from './errors.js';
import { toSentence } from './documents.js';
import { NO_MANAGEMENT, type ManagementSettings } from './keychain.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const settings = (jwt: Partial<ManagementSettings['jwt']> = {}): ManagementSettings => ({
  keychain: new Map([['app', { name: 'app', algorithm: 'ES384', key: publicKey }]]),
  scopes: new Map([['s', { permitted: ['app'], mandatory: ['app'] }]]),
  jwt: { ...NO_MANAGEMENT.jwt, ...jwt },
});
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function signed(payload: Record<string, unknown>) {
  const p = b64(payload);
  const h = b64({ alg: 'ES384' });
  return { payload: p, signatures: [{ protected: h, header: { kid: 'app' }, signature: joseSign('ES384', `${h}.${p}`, privateKey).toString('base64url') }] };
}
const refused = (fn: () => unknown, message: string) => assert.throws(fn, (e: Error) => e.message === message);

test('verifyEnvelope: data replaces the params; unknown scope and claim options refuse', () => {
  assert.deepEqual(verifyEnvelope(signed({ data: { uid: 'ID1' } }), 's', settings(), 1000), { uid: 'ID1' });
  assert.deepEqual(verifyEnvelope(signed({}), 's', settings(), 1000), {});
  refused(() => verifyEnvelope(signed({}), 'other', settings(), 1000), 'Failed to verify JWT.');
  refused(() => verifyEnvelope(signed({ iss: 'x' }), 's', settings({ iss: ['applogic'] }), 1000), 'Failed to verify JWT.');
  assert.deepEqual(verifyEnvelope(signed({ iss: 'applogic', aud: ['a', 'barong'] }), 's', settings({ iss: ['applogic'], aud: ['barong'] }), 1000), {});
  refused(() => verifyEnvelope(signed({ aud: 'peatio' }), 's', settings({ aud: ['barong'] }), 1000), 'Failed to verify JWT.');
  // a list of accepted audiences: any one named by the token will do
  assert.deepEqual(verifyEnvelope(signed({ aud: 'peatio' }), 's', settings({ aud: ['barong', 'peatio'] }), 1000), {});
  refused(() => verifyEnvelope(signed({ aud: ['x', 'y'] }), 's', settings({ aud: ['barong', 'peatio'] }), 1000), 'Failed to verify JWT.');
  refused(() => verifyEnvelope(signed({}), 's', settings({ verifyJti: true }), 1000), 'Failed to verify JWT.');
  refused(() => verifyEnvelope(signed({ exp: 1000 - 31 }), 's', settings(), 1000), 'Failed to verify JWT.');
  assert.deepEqual(verifyEnvelope(signed({ exp: 1000 - 31 }), 's', settings({ verifyExpiration: false }), 1000), {});
  refused(() => verifyEnvelope(signed({ exp: 999 }), 's', settings({ leeway: 0 }), 1000), 'Failed to verify JWT.');
});

test('fullMessage and toSentence: Barong\'s model wording', () => {
  assert.equal(fullMessage('email.invalid'), 'Email is invalid');
  assert.equal(fullMessage('password.weak'), 'Password weak');
  assert.equal(fullMessage('role.doesnt_exist'), 'Role doesnt_exist');
  assert.equal(fullMessage('doc_type.inclusion'), 'Doc type is not included in the list');
  assert.equal(fullMessage('state.exists'), 'State already exists');
  assert.equal(toSentence(['A']), 'A');
  assert.equal(toSentence(['A', 'B']), 'A and B');
  assert.equal(toSentence(['A', 'B', 'C']), 'A, B, and C');
});
