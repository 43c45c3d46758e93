import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser } from '../../helpers/client.js';
import { jpeg, pdf, png } from '../../fixtures/kyc/files.js';
import { genericSignature } from '../../../src/domain/kyc/provider-generic.js';
import { kycaidSignature } from '../../../src/domain/kyc/provider-kycaid.js';
import { piiFor } from '../../../src/domain/kyc/pii.js';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { dayFromNow, eventsSince, field, file, lastEventId, postMultipart, privateLabels, userId } from './helpers.js';

const SECRET = 'callback-secret-for-tests-0123456789';

async function callback(t: TestApp, body: string | Buffer, headers: Record<string, string>) {
  const res = await t.app.inject({ method: 'POST', url: `${t.prefix}/public/kyc`, payload: body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: res.statusCode, body: res.body === '' ? '' : JSON.parse(res.body) };
}

async function callbackRows(t: TestApp): Promise<number> {
  const [r] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM kyc_callback_events');
  return r.n;
}

/** An active user with documents (document=pending) and a proof of address (address=pending). */
async function submittedUser(t: TestApp) {
  const client = await activeUser(t);
  const me = await userId(t, client);
  const doc = await postMultipart(t, client, '/resource/documents', [field('doc_type', 'Passport'), field('doc_number', 'P123456'), field('doc_expire', dayFromNow(t, 900)), file(jpeg(), 'p.jpg')]);
  assert.equal(doc.status, 201);
  const addr = await postMultipart(t, client, '/resource/addresses', [field('country', 'DE'), field('address', 'Hauptstr. 1'), field('city', 'Berlin'), field('postcode', '10115'), file(pdf(), 'bill.pdf')]);
  assert.equal(addr.status, 201);
  return { client, me };
}

describe('KYC_PROVIDER=local (default): the callback is closed', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(async () => { await t.close(); });

  test('422 with an empty body, signed or not; nothing recorded', async () => {
    const body = JSON.stringify({ event_id: 'e1', uid: 'IDX', verifications: { document: 'verified' } });
    assert.deepEqual(await callback(t, body, { 'x-kyc-signature': genericSignature(SECRET, body) }), { status: 422, body: '' });
    assert.deepEqual(await callback(t, '', {}), { status: 422, body: '' });
    assert.equal(await callbackRows(t), 0);
  });

  test('admins decide instead: review service sets verdicts, level follows, system.document.* is emitted', async () => {
    const { me } = await submittedUser(t);
    // phone verification belongs to the phones API; set its label directly to walk the levels.
    await t.c.db.tx(async (q) => t.c.identity.labels.setPrivate(q, (await usersRepo.lockById(q, me.id))!, 'phone', 'verified'));
    assert.equal((await usersRepo.byId(t.c.db, me.id))!.level, 2);
    const pending = await t.c.kycDocuments.review.pendingDocuments(1, 100);
    assert.ok(pending.users.some((u) => u.user.id === me.id && u.documents.length === 2 && u.documents[0].docNumber === 'P123456'));
    const since = await lastEventId(t);
    const after = await t.c.kycDocuments.review.setVerdict(me.id, 'document', 'verified');
    assert.equal(after.level, 3);
    assert.deepEqual((await eventsSince(t, since)).map(([n]) => n), ['model.user.updated', 'model.label.updated', 'system.document.verified']);
    assert.ok(!(await t.c.kycDocuments.review.pendingDocuments(1, 100)).users.some((u) => u.user.id === me.id));
    await t.c.kycDocuments.review.setVerdict(me.id, 'address', 'rejected');
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', document: 'verified', address: 'rejected', phone: 'verified' });
  });
});

describe('KYC_PROVIDER=generic: signed verdicts', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ KYC_PROVIDER: 'generic', KYC_CALLBACK_SECRET: SECRET }); });
  after(async () => { await t.close(); });
  const signed = (body: string) => ({ 'x-kyc-signature': `sha256=${genericSignature(SECRET, body)}` });

  test('a valid signature applies once: labels, events; the replay is a no-op', async () => {
    const { me } = await submittedUser(t);
    const body = JSON.stringify({ event_id: `evt-${me.uid}`, uid: me.uid, verifications: { document: 'verified', address: { verified: false }, profile: true } });
    const since = await lastEventId(t);
    assert.deepEqual(await callback(t, body, signed(body)), { status: 200, body: '' });
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', document: 'verified', address: 'rejected' }, 'no profile submitted: the profile service had nothing to move');
    const names = (await eventsSince(t, since)).map(([n]) => n);
    assert.deepEqual(names, ['model.label.updated', 'system.document.verified', 'model.label.updated']);
    const [row] = await t.c.db.query<{ user_id: string; result: string }>('SELECT user_id, result FROM kyc_callback_events WHERE event_id = $1', [`evt-${me.uid}`]);
    assert.deepEqual([Number(row.user_id), JSON.parse(row.result)], [me.id, { applied: { document: 'verified', address: 'rejected' }, profile_review: 'verified' }]);

    // An admin changes his mind; the same delivery again must not undo it.
    await t.c.kycDocuments.review.setVerdict(me.id, 'document', 'rejected');
    const mark = await lastEventId(t);
    assert.deepEqual(await callback(t, body, signed(body)), { status: 200, body: '' });
    assert.equal((await privateLabels(t, me.id)).document, 'rejected');
    assert.deepEqual(await eventsSince(t, mark), []);
    // Same event id, other (validly signed) content: still the same event, still a no-op.
    const forged = JSON.stringify({ event_id: `evt-${me.uid}`, uid: me.uid, verifications: { document: 'verified' } });
    assert.equal((await callback(t, forged, signed(forged))).status, 200);
    assert.equal((await privateLabels(t, me.id)).document, 'rejected');
  });

  test('a profile verdict goes through the profile service: the submitted profile and its label move together', async () => {
    const client = await activeUser(t);
    const me = await userId(t, client);
    const created = await client.send('POST', '/resource/profiles', { first_name: 'Jan', last_name: 'Novak', dob: '1985-04-12', country: 'CZ', confirm: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((await privateLabels(t, me.id)).profile, 'submitted');
    const body = JSON.stringify({ event_id: `prof-${me.uid}`, uid: me.uid, verifications: { profile: 'verified', document: 'verified' } });
    assert.equal((await callback(t, body, signed(body))).status, 200);
    const profiles = (await client.get('/resource/profiles/me')).body;
    assert.equal(profiles[0].state, 'verified');
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', profile: 'verified' }, 'no document was submitted: no document verdict');
  });

  test('two deliveries racing: exactly one applies', async () => {
    const { me } = await submittedUser(t);
    const body = JSON.stringify({ event_id: `race-${me.uid}`, uid: me.uid, verifications: { document: 'rejected' } });
    const since = await lastEventId(t);
    const results = await Promise.all([callback(t, body, signed(body)), callback(t, body, signed(body))]);
    assert.deepEqual(results.map((r) => r.status), [200, 200]);
    assert.deepEqual((await eventsSince(t, since)).map(([n]) => n), ['model.label.updated', 'system.document.rejected']);
  });

  test('a bad, missing or other-body signature: 401 and nothing changes', async () => {
    const { me } = await submittedUser(t);
    const body = JSON.stringify({ event_id: `bad-${me.uid}`, uid: me.uid, verifications: { document: 'verified' } });
    const rows = await callbackRows(t);
    const since = await lastEventId(t);
    const other = JSON.stringify({ event_id: 'x', uid: me.uid, verifications: {} });
    for (const headers of [{}, { 'x-kyc-signature': 'sha256=00' }, { 'x-kyc-signature': genericSignature('wrong-secret', body) }, signed(other), signed(`${body} `)]) {
      assert.deepEqual(await callback(t, body, headers), { status: 401, body: { errors: ['public.kyc.invalid_signature'] } });
    }
    assert.equal(await callbackRows(t), rows);
    assert.deepEqual(await eventsSince(t, since), []);
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', document: 'pending', address: 'pending' });
    // The signature covers the raw bytes whatever the content type says.
    const asText = await t.app.inject({ method: 'POST', url: `${t.prefix}/public/kyc`, payload: body, headers: { 'content-type': 'text/plain', ...signed(body) } });
    assert.equal(asText.statusCode, 200);
    assert.equal((await privateLabels(t, me.id)).document, 'verified');
  });

  test('signed but unusable payloads: 422 invalid_payload; unknown user: 404 and the event stays retryable', async () => {
    for (const body of ['not json', '[]', JSON.stringify({ uid: 'x', verifications: {} }), JSON.stringify({ event_id: 'p1', verifications: { document: 'verified' } }),
      JSON.stringify({ event_id: 'p2', uid: 'IDX', verifications: { document: 'maybe' } })]) {
      assert.deepEqual(await callback(t, body, signed(body)), { status: 422, body: { errors: ['public.kyc.invalid_payload'] } }, body);
    }
    const unknown = JSON.stringify({ event_id: 'u1', uid: 'IDNOSUCHUSER', verifications: { document: 'verified' } });
    assert.deepEqual(await callback(t, unknown, signed(unknown)), { status: 404, body: { errors: ['record.not_found'] } });
    assert.equal((await t.c.db.query("SELECT 1 FROM kyc_callback_events WHERE event_id = 'u1'")).length, 0);
    const nothing = JSON.stringify({ event_id: 'n1', uid: 'IDX', verifications: { selfie: 'verified' } });
    assert.deepEqual(await callback(t, nothing, signed(nothing)), { status: 200, body: '' }, 'no known step: recorded as ignored');
  });
});

/** A stand-in for api.kycaid.com on 127.0.0.1 that records what Warden asks. */
class FakeKycaid {
  calls: { method: string; path: string; auth: string | undefined; body: string; raw: Buffer }[] = [];
  verification: Record<string, unknown> = {};
  failDocuments = false;
  failVerificationFetch = false;
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      this.calls.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body: raw.toString('utf8'), raw });
      const send = (status: number, json: object) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(json)); };
      const n = this.calls.length;
      if (req.url === '/applicants') return send(200, { applicant_id: 'app-1' });
      if (req.url === '/files') return send(200, { file_id: `file-${n}` });
      if (req.url === '/addresses') return send(200, { address_id: 'addr-1' });
      if (req.url === '/documents') return this.failDocuments ? send(400, { error: 'bad' }) : send(200, { document_id: `doc-${n}` });
      if (req.url === '/verifications' && req.method === 'POST') return send(200, { verification_id: 'ver-1' });
      if (req.url?.startsWith('/verifications/')) return this.failVerificationFetch ? send(503, {}) : send(200, this.verification);
      return send(404, {});
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }
  close() { return new Promise<void>((r) => this.server.close(() => r())); }
  paths() { return this.calls.map((c) => `${c.method} ${c.path}`); }
}

describe('KYC_PROVIDER=kycaid: applicant, files, verification, and a re-fetch on callback', () => {
  let t: TestApp;
  const fake = new FakeKycaid();
  before(async () => {
    const url = await fake.start();
    t = await startTestApp({ KYC_PROVIDER: 'kycaid', KYC_CALLBACK_SECRET: SECRET, KYCAID_API_URL: url, KYCAID_API_TOKEN: 'tok-123', KYCAID_FORM_ID: 'form-9', KYCAID_CALLBACK_URL: 'https://warden.example/api/v2/auth/public/kyc' });
  });
  after(async () => { await t.close(); await fake.close(); });
  const signed = (body: string) => ({ 'x-data-integrity': kycaidSignature(SECRET, body) });

  /** An active user with a submitted profile (rows written directly: profiles are another module's). */
  async function withProfile() {
    const client = await activeUser(t);
    const me = await userId(t, client);
    const pii = piiFor(t.c.keys.encryptionKey);
    await t.c.db.query('INSERT INTO profiles (user_id, first_name_encrypted, last_name_encrypted, dob_encrypted, country, state) VALUES ($1, $2, $3, $4, $5, 1)',
      [me.id, pii.encryptField('Anna'), pii.encryptField('Kowalska'), pii.encryptField('1990-02-03'), 'PL']);
    return { client, me };
  }

  test('a passport batch goes out once complete (front + selfie); one file alone does not ask for review', async () => {
    const { client, me } = await withProfile();
    const base = [field('doc_type', 'Passport'), field('doc_number', 'EA 998877'), field('doc_expire', dayFromNow(t, 500)), field('identificator', 'b1')];
    assert.equal((await postMultipart(t, client, '/resource/documents', [...base, field('doc_category', 'front_side'), file(jpeg(), 'front.jpg')])).status, 201);
    await t.c.kycDocuments.jobs.drain();
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified' });
    assert.equal(fake.calls.length, 0);
    assert.equal((await postMultipart(t, client, '/resource/documents', [...base, field('doc_category', 'selfie'), file(png(), 'me.png')])).status, 201);
    assert.equal((await privateLabels(t, me.id)).document, 'pending');
    await t.c.kycDocuments.jobs.drain();
    assert.deepEqual(fake.paths(), ['POST /applicants', 'POST /files', 'POST /documents', 'POST /files', 'POST /documents', 'POST /verifications']);
    assert.ok(fake.calls.every((c) => c.auth === 'Token tok-123'));
    assert.deepEqual(JSON.parse(fake.calls[0].body), { type: 'PERSON', first_name: 'Anna', last_name: 'Kowalska', dob: '1990-02-03', residence_country: 'PL', email: (await client.get('/resource/users/me')).body.email });
    assert.ok(fake.calls[1].raw.includes(jpeg()), 'the stored JPEG bytes are uploaded');
    assert.deepEqual(JSON.parse(fake.calls[2].body), { applicant_id: 'app-1', type: 'PASSPORT', document_number: 'EA 998877', expiry_date: dayFromNow(t, 500), front_side_id: 'file-2' });
    assert.deepEqual(JSON.parse(fake.calls[4].body), { applicant_id: 'app-1', type: 'SELFIE_IMAGE', front_side_id: 'file-4' });
    assert.deepEqual(JSON.parse(fake.calls[5].body), { applicant_id: 'app-1', types: ['DOCUMENT', 'FACIAL'], form_id: 'form-9', callback_url: 'https://warden.example/api/v2/auth/public/kyc' });
    const [p] = await t.c.db.query<{ applicant_id: string }>('SELECT applicant_id FROM profiles WHERE user_id = $1', [me.id]);
    assert.equal(p.applicant_id, 'app-1');

    // The callback only points at the verification: the re-fetched answer decides.
    fake.calls = [];
    fake.verification = { verification_id: 'ver-1', applicant_id: 'app-1', status: 'completed', verifications: { document: { verified: true }, facial: { verified: true } } };
    const body = JSON.stringify({ request_id: 'req-1', type: 'VERIFICATION_COMPLETED', verification_id: 'ver-1', applicant_id: 'app-1', verified: false });
    fake.failVerificationFetch = true;
    assert.deepEqual(await callback(t, body, signed(body)), { status: 502, body: { errors: ['public.kyc.provider_unavailable'] } });
    assert.equal((await privateLabels(t, me.id)).document, 'pending');
    fake.failVerificationFetch = false;
    assert.deepEqual(await callback(t, body, signed(body)), { status: 200, body: '' });
    assert.equal((await privateLabels(t, me.id)).document, 'verified');
    assert.deepEqual(fake.paths(), ['GET /verifications/ver-1', 'GET /verifications/ver-1']);
    assert.deepEqual(await callback(t, body, signed(body)), { status: 200, body: '' });
    assert.equal(fake.calls.length, 2, 'a replay is answered without asking KYCAID again');
    assert.equal((await callback(t, body, { 'x-data-integrity': kycaidSignature('other', body) })).status, 401);
  });

  test('a document without facial match is rejected; other callback types are recorded and ignored', async () => {
    const { me } = await withProfile();
    await t.c.db.query("UPDATE profiles SET applicant_id = 'app-2' WHERE user_id = $1", [me.id]);
    await t.c.db.tx(async (q) => t.c.identity.labels.setPrivate(q, (await usersRepo.lockById(q, me.id))!, 'document', 'pending'));
    fake.verification = { verification_id: 'ver-2', applicant_id: 'app-2', status: 'completed', verifications: { document: { verified: true }, facial: { verified: false } } };
    const body = JSON.stringify({ request_id: 'req-2', type: 'VERIFICATION_COMPLETED', verification_id: 'ver-2', applicant_id: 'app-2' });
    assert.equal((await callback(t, body, signed(body))).status, 200);
    assert.equal((await privateLabels(t, me.id)).document, 'rejected');
    const status = JSON.stringify({ request_id: 'req-3', type: 'VERIFICATION_STATUS_CHANGED', verification_id: 'ver-2' });
    assert.equal((await callback(t, status, signed(status))).status, 200);
    const [row] = await t.c.db.query<{ result: string }>("SELECT result FROM kyc_callback_events WHERE event_id = 'req-3'");
    assert.deepEqual(JSON.parse(row.result), { ignored: 'type VERIFICATION_STATUS_CHANGED' });
    const mismatch = JSON.stringify({ request_id: 'req-4', type: 'VERIFICATION_COMPLETED', verification_id: 'ver-2', applicant_id: 'app-OTHER' });
    assert.deepEqual(await callback(t, mismatch, signed(mismatch)), { status: 422, body: { errors: ['public.kyc.invalid_payload'] } });
  });

  test('an address proof goes out as an ADDRESS verification; a provider refusal marks the step rejected', async () => {
    const { client, me } = await withProfile();
    fake.calls = [];
    const r = await postMultipart(t, client, '/resource/addresses', [field('country', 'PL'), field('address', 'ul. Długa 1'), field('city', 'Gdańsk'), field('postcode', '80-827'), file(pdf(), 'bill.pdf')]);
    assert.equal(r.status, 201);
    await t.c.kycDocuments.jobs.drain();
    assert.deepEqual(fake.paths(), ['POST /applicants', 'POST /addresses', 'POST /files', 'POST /documents', 'POST /verifications']);
    assert.deepEqual(JSON.parse(fake.calls[1].body), { applicant_id: 'app-1', type: 'REGISTERED', country: 'PL', city: 'Gdańsk', postal_code: '80-827', full_address: 'ul. Długa 1' });
    assert.deepEqual(JSON.parse(fake.calls[4].body).types, ['ADDRESS']);
    assert.equal((await privateLabels(t, me.id)).address, 'pending');

    fake.failDocuments = true;
    const id = await postMultipart(t, client, '/resource/documents', [field('doc_type', 'Driver license'), field('doc_number', 'DL1'), field('doc_expire', dayFromNow(t, 30)),
      file(jpeg(), 'f.jpg'), file(jpeg(), 'b.jpg'), file(png(), 's.png')]);
    assert.equal(id.status, 201);
    await t.c.kycDocuments.jobs.drain();
    fake.failDocuments = false;
    assert.equal((await privateLabels(t, me.id)).document, 'rejected');
  });
});
