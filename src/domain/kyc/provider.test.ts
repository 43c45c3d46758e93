import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentRow } from '../../db/repositories/documents.js';
import { BackgroundJobs, CallbackPayloadError } from './provider.js';
import { GenericKycProvider, genericSignature } from './provider-generic.js';
import { assignSides, kycaidSignature } from './provider-kycaid.js';
import { HttpKycaidApi } from './provider-kycaid-api.js';

const doc = (id: number, category: string | null) => ({ id, doc_category: category }) as DocumentRow;

test('assignSides: categories first, the rest fill front, back, selfie in order', () => {
  const s = assignSides([doc(1, 'selfie'), doc(2, null), doc(3, 'front_side')], true);
  assert.deepEqual([s.front?.id, s.back?.id, s.selfie?.id], [3, 2, 1]);
  const p = assignSides([doc(1, null), doc(2, null)], false);
  assert.deepEqual([p.front?.id, p.back, p.selfie?.id], [1, undefined, 2]);
});

test('generic provider: signature forms, verdict forms, refusals', async () => {
  const g = new GenericKycProvider('s3cret');
  const body = Buffer.from(JSON.stringify({ event_id: 7, applicant_id: 'a1', verifications: { document: { verified: true }, address: 'declined', selfie: 'x' } }));
  const sig = genericSignature('s3cret', body);
  assert.equal(g.verifySignature(body, { 'x-kyc-signature': sig }), true);
  assert.equal(g.verifySignature(body, { 'x-kyc-signature': `SHA256=${sig.toUpperCase()}` }), true);
  assert.equal(g.verifySignature(body, { 'x-kyc-signature': [sig] }), true);
  assert.equal(g.verifySignature(body, {}), false);
  assert.equal(new GenericKycProvider('').verifySignature(body, { 'x-kyc-signature': genericSignature('', body) }), false, 'an empty secret never verifies');
  assert.deepEqual(await g.interpret(body), { kind: 'apply', eventId: '7', subject: { applicantId: 'a1' }, verdicts: { document: 'verified', address: 'rejected' } });
  await assert.rejects(g.interpret(Buffer.from(JSON.stringify({ event_id: 'x'.repeat(256), uid: 'u', verifications: {} }))), CallbackPayloadError);
});

test('KYCAID signature is base64 HMAC-SHA512 over base64 of the body', () => {
  assert.match(kycaidSignature('k', '{}'), /^[A-Za-z0-9+/]{86}==$/);
  assert.notEqual(kycaidSignature('k', '{}'), kycaidSignature('k', '{ }'));
});

test('the KYCAID client refuses plain http except to loopback', () => {
  assert.throws(() => new HttpKycaidApi('http://api.kycaid.com/', 't'), /must be https/);
  assert.doesNotThrow(() => new HttpKycaidApi('http://127.0.0.1:9/', 't'));
  assert.doesNotThrow(() => new HttpKycaidApi('https://api.kycaid.com', 't'));
});

test('background jobs: failures are reported, drain waits for everything', async () => {
  const failed: string[] = [];
  const jobs = new BackgroundJobs((name) => failed.push(name));
  let done = 0;
  jobs.run('ok', async () => { await new Promise((r) => setTimeout(r, 20)); done += 1; });
  jobs.run('bad', async () => { throw new Error('boom'); });
  await jobs.drain();
  assert.deepEqual([done, failed], [1, ['bad']]);
});
