import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser } from '../../helpers/client.js';
import { TEXT, jpeg, pdf } from '../../fixtures/kyc/files.js';
import { piiFor } from '../../../src/domain/kyc/pii.js';
import { eventsSince, field, file, lastEventId, postMultipart, privateLabels, userId } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp(); }); // REQUIRED_DOCS_EXPIRE stays at its default, true
after(async () => { await t.close(); });

const post = (client: Client | null, parts: Parameters<typeof postMultipart>[3], headers?: Record<string, string>) => postMultipart(t, client, '/resource/addresses', parts, headers);
const addressParts = [field('country', 'UA'), field('address', 'Khreshchatyk St, 22, apt. 5'), field('city', 'Kyiv'), field('postcode', '01001')];

test('a proof of residence: Address documents without expiry (fix #13), the claim kept sealed, address=pending', async () => {
  const client = await activeUser(t);
  const me = await userId(t, client);
  const since = await lastEventId(t);
  const r = await post(client, [...addressParts, file(pdf(), 'bill.pdf'), file(jpeg(), 'bill-page2.jpg')]);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', address: 'pending' });

  const docs = await t.c.db.query<{ doc_type: string; doc_expire: string | null; doc_number_encrypted: string | null; identificator: string }>(
    'SELECT doc_type, doc_expire, doc_number_encrypted, identificator FROM documents WHERE user_id = $1 ORDER BY id', [me.id]);
  assert.deepEqual(docs.map((d) => [d.doc_type, d.doc_expire, d.doc_number_encrypted]), [['Address', null, null], ['Address', null, null]]);
  assert.equal(docs[0].identificator, docs[1].identificator);

  const [addr] = await t.c.db.query<{ country: string; city: string; postcode: string; address_encrypted: string; identificator: string }>(
    'SELECT * FROM addresses WHERE user_id = $1', [me.id]);
  assert.deepEqual([addr.country, addr.city, addr.postcode, addr.identificator], ['UA', 'Kyiv', '01001', docs[0].identificator]);
  assert.ok(!addr.address_encrypted.includes('Khreshchatyk'));
  assert.equal(piiFor(t.c.keys.encryptionKey).decryptField(addr.address_encrypted), 'Khreshchatyk St, 22, apt. 5');
  assert.deepEqual((await t.c.kycDocuments.addresses.list(me.id)).map((a) => a.address), ['Khreshchatyk St, 22, apt. 5']);

  assert.deepEqual((await eventsSince(t, since)).map(([n, rec]) => (n === 'model.label.created' ? `${n}:${rec.key}=${rec.value}` : n)),
    ['model.document.created', 'model.document.created', 'model.label.created:address=pending']);
  const list = (await client.get('/resource/documents')).body;
  assert.deepEqual(list.map((d: { doc_type: string; doc_number: string | null }) => [d.doc_type, d.doc_number]), [['Address', null], ['Address', null]]);
  assert.equal((await t.app.inject({ method: 'GET', url: list[0].upload.url })).headers['content-type'], 'application/pdf');
});

test('city and postcode may be blank; a second proof sets a rejected address back to pending', async () => {
  const client = await activeUser(t);
  const me = await userId(t, client);
  await t.c.kycDocuments.review.setVerdict(me.id, 'address', 'rejected'); // no label yet: created rejected
  const r = await post(client, [field('country', 'PL'), field('address', 'ul. Długa 1'), field('city', ''), field('postcode', ' '), file(jpeg(), 'proof.jpg')]);
  assert.equal(r.status, 201);
  assert.equal((await privateLabels(t, me.id)).address, 'pending');
  const [addr] = await t.c.db.query<{ city: string | null; postcode: string | null }>('SELECT city, postcode FROM addresses WHERE user_id = $1', [me.id]);
  assert.deepEqual([addr.city, addr.postcode], [null, null]);
});

test('parameters: missing and empty keys of resource.address, in Barong\'s declaration order (country, address, upload, city, postcode)', async () => {
  const client = await activeUser(t);
  const none = await post(client, [field('x', 'y')]);
  assert.deepEqual([none.status, none.body], [422, { errors: [
    'resource.address.missing_country', 'resource.address.empty_country', 'resource.address.missing_address', 'resource.address.empty_address',
    'resource.address.missing_upload', 'resource.address.missing_city', 'resource.address.missing_postcode',
  ] }]);
  const noFile = await post(client, [field('country', 'UA'), field('address', 'Main 1')]);
  assert.deepEqual([noFile.status, noFile.body], [422, { errors: ['resource.address.missing_upload', 'resource.address.missing_city', 'resource.address.missing_postcode'] }]);
  const blank = await post(client, [field('country', ''), field('address', ' '), field('city', 'X'), field('postcode', 'Y'), file(jpeg(), 'a.jpg')]);
  assert.deepEqual(blank.body, { errors: ['resource.address.empty_country', 'resource.address.empty_address'] });
});

test('files are checked by extension; upload as text is upload.blank; nothing is kept', async () => {
  const client = await activeUser(t);
  const me = await userId(t, client);
  const text = await post(client, [...addressParts, file(TEXT, 'bill.txt')]);
  assert.deepEqual([text.status, text.body], [422, { errors: ['upload.You are not allowed to upload "txt" files, allowed types: jpg, jpeg, png, pdf'] }]);
  const notFile = await post(client, [...addressParts, field('upload[]', 'bill.pdf')]);
  assert.deepEqual([notFile.status, notFile.body], [422, { errors: ['upload.blank'] }]);
  assert.deepEqual(await privateLabels(t, me.id), { email: 'verified' });
  const [n] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM addresses WHERE user_id = $1', [me.id]);
  assert.equal(n.n, 0);
});

test('more files than DOC_NUM_LIMIT in one request: 413; unauthenticated: 401', async () => {
  const client = await activeUser(t);
  const eleven = Array.from({ length: 11 }, (_, i) => file(jpeg(), `${i}.jpg`));
  const r = await post(client, [...addressParts, ...eleven]);
  assert.deepEqual([r.status, r.body], [413, { errors: ['server.request.too_large'] }]);
  const anon = await post(null, [...addressParts, file(jpeg(), 'a.jpg')]);
  assert.deepEqual([anon.status, anon.body], [401, { errors: ['jwt.decode_and_verify'] }]);
});
