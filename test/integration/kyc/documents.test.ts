import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser } from '../../helpers/client.js';
import { TEXT, jpeg, pdf, png } from '../../fixtures/kyc/files.js';
import { dayFromNow, eventsSince, fetchUrl, field, file, lastEventId, postMultipart, privateLabels, userId } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const GIF_REFUSED = 'upload.You are not allowed to upload "gif" files, allowed types: jpg, jpeg, png, pdf';

function passportParts(t: TestApp, extra: ReturnType<typeof field>[] = []) {
  return [field('doc_type', 'Passport'), field('doc_number', 'AB1234567'), field('doc_expire', dayFromNow(t, 365)), ...extra];
}

async function documentCount(id: number): Promise<number> {
  const [r] = await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [id]);
  return r.n;
}

describe('POST /resource/documents: real files', () => {
  test('JPEG, PNG and PDF in one request: one row per file, document=pending, events, masked list with signed URLs', async () => {
    const client = await activeUser(t);
    const me = await userId(t, client);
    const since = await lastEventId(t);
    const r = await postMultipart(t, client, '/resource/documents', [
      ...passportParts(t, [field('doc_category', 'front_side'), field('metadata', '{"source":"web"}')]),
      file(jpeg(), 'front.jpg'), file(png(), 'selfie.png'), file(pdf(), 'scan.pdf'),
    ]);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body, '');
    assert.deepEqual(await privateLabels(t, me.id), { email: 'verified', document: 'pending' });

    const rows = await t.c.db.query<{ doc_number_encrypted: string; doc_number_index: string; identificator: string; upload: string; doc_category: string; metadata: string }>(
      'SELECT doc_number_encrypted, doc_number_index, identificator, upload, doc_category, metadata FROM documents WHERE user_id = $1 ORDER BY id', [me.id]);
    assert.equal(rows.length, 3);
    assert.equal(new Set(rows.map((x) => x.identificator)).size, 1, 'one batch id for the request');
    assert.match(rows[0].identificator, /^[0-9a-f]{32}$/);
    for (const row of rows) {
      assert.ok(!row.doc_number_encrypted.includes('AB1234567'), 'document number sealed at rest');
      assert.match(row.doc_number_index, /^[0-9a-f]{64}$/);
      assert.match(row.upload, /^document\/upload\/\d+\/[0-9a-f]{32}\.(jpg|png|pdf)$/);
    }
    assert.deepEqual(rows.map((x) => x.upload.split('.').pop()), ['jpg', 'png', 'pdf'], 'stored under the sniffed type');
    assert.equal(rows[0].doc_category, 'front_side');
    assert.equal(rows[0].metadata, '{"source":"web"}');

    const events = await eventsSince(t, since);
    assert.deepEqual(events.map(([n]) => n), ['model.document.created', 'model.document.created', 'model.document.created', 'model.label.created']);
    const [, created] = events[0];
    assert.equal(created.doc_type, 'Passport');
    assert.equal(created.doc_number, 'AB*****67', 'the outbox is plain text: the number is masked there');
    assert.equal(created.user.uid, me.uid);
    assert.match(created.upload, /^\/uploads\/document\/upload\/\d+\/[0-9a-f]{32}\.jpg$/);
    assert.deepEqual([events[3][1].key, events[3][1].value], ['document', 'pending']);

    const list = await client.get('/resource/documents');
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 3);
    for (const d of list.body) {
      assert.deepEqual(Object.keys(d), ['upload', 'doc_type', 'doc_number', 'doc_expire']);
      assert.deepEqual([d.doc_type, d.doc_number, d.doc_expire], ['Passport', 'AB*****67', dayFromNow(t, 365)]);
      assert.match(d.upload.url, new RegExp(`^${t.prefix}/public/uploads/\\d+/[A-Za-z0-9_-]{43}/document/upload/\\d+/[0-9a-f]{32}\\.(jpg|png|pdf)$`));
    }
    const bodies = await Promise.all(list.body.map((d: { upload: { url: string } }) => fetchUrl(t, d.upload.url)));
    assert.deepEqual(bodies.map((b) => [b.statusCode, b.headers['content-type']]), [[200, 'image/jpeg'], [200, 'image/png'], [200, 'application/pdf']]);
    assert.ok(bodies[0].rawPayload.equals(jpeg()));
    assert.ok(bodies[2].rawPayload.equals(pdf()));
  });

  test('a Bearer JWT works as well; a second batch keeps the label pending without a new label event', async () => {
    const client = await activeUser(t);
    const me = await userId(t, client);
    const meBody = (await client.get('/resource/users/me')).body;
    const jwt = t.c.identity.tokens.sign('session', { uid: me.uid, email: meBody.email, role: meBody.role, level: meBody.level, state: meBody.state }).token;
    const first = await postMultipart(t, null, '/resource/documents', [...passportParts(t), file(jpeg(), 'a.jpeg')], { authorization: `Bearer ${jwt}` });
    assert.equal(first.status, 201);
    const since = await lastEventId(t);
    const second = await postMultipart(t, null, '/resource/documents', [...passportParts(t), field('identificator', 'batch-2'), file(png(), 'b.PNG')], { authorization: `Bearer ${jwt}` });
    assert.equal(second.status, 201);
    assert.deepEqual((await eventsSince(t, since)).map(([n]) => n), ['model.document.created']);
    const [row] = await t.c.db.query<{ identificator: string }>('SELECT identificator FROM documents WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [me.id]);
    assert.equal(row.identificator, 'batch-2');
  });

  test('without authentication: 401 before anything is read; cookie without CSRF: refused', async () => {
    const anon = await postMultipart(t, null, '/resource/documents', [...passportParts(t), file(jpeg(), 'a.jpg')]);
    assert.deepEqual([anon.status, anon.body], [401, { errors: ['jwt.decode_and_verify'] }]);
    assert.deepEqual([(await new Client(t).get('/resource/documents')).status], [401]);
    const client = await activeUser(t);
    const noCsrf = await postMultipart(t, client, '/resource/documents', [...passportParts(t), file(jpeg(), 'a.jpg')], { 'x-csrf-token': '' });
    assert.equal(noCsrf.status, 401);
    assert.equal(await documentCount((await userId(t, client)).id), 0);
  });
});

describe('POST /resource/documents: parameters and Barong keys', () => {
  let client: Client;
  let id: number;
  before(async () => { client = await activeUser(t); id = (await userId(t, client)).id; });
  const post = (parts: Parameters<typeof postMultipart>[3]) => postMultipart(t, client, '/resource/documents', parts);

  test('nothing sent: missing and empty keys in declaration order', async () => {
    const r = await post([field('other', 'x')]);
    assert.deepEqual([r.status, r.body], [422, { errors: [
      'resource.document.missing_doc_type', 'resource.document.empty_doc_type',
      'resource.document.missing_doc_number', 'resource.document.empty_doc_number', 'resource.document.missing_upload',
    ] }]);
  });

  test('blank doc_type and doc_number: empty keys', async () => {
    const r = await post([field('doc_type', ' '), field('doc_number', ''), file(jpeg(), 'a.jpg')]);
    assert.deepEqual(r.body, { errors: ['resource.document.empty_doc_type', 'resource.document.empty_doc_number'] });
  });

  test('doc_expire that is not a date and an unknown doc_category', async () => {
    const r = await post([field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', 'soon'), field('doc_category', 'left_side'), file(jpeg(), 'a.jpg')]);
    assert.deepEqual([r.status, r.body], [422, { errors: ['resource.documents.expire_not_a_date', 'resource.documents.doc_category'] }]);
  });

  test('doc_expire required by default (invalid_format), not in the past (already_expired); today and other date forms pass', async () => {
    const missing = await post([field('doc_type', 'Passport'), field('doc_number', 'AB1'), file(jpeg(), 'a.jpg')]);
    assert.deepEqual([missing.status, missing.body], [422, { errors: ['resource.documents.invalid_format'] }]);
    const past = await post([field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', dayFromNow(t, -1)), file(jpeg(), 'a.jpg')]);
    assert.deepEqual([past.status, past.body], [422, { errors: ['resource.documents.already_expired'] }]);
    const today = await post([field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', dayFromNow(t, 0)), file(jpeg(), 'a.jpg')]);
    assert.equal(today.status, 201);
    const [y, m, d] = dayFromNow(t, 400).split('-');
    const slashed = await post([field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', `${d}/${m}/${y}`), file(jpeg(), 'a.jpg')]);
    assert.equal(slashed.status, 201);
    const [row] = await t.c.db.query<{ e: string }>("SELECT to_char(doc_expire, 'YYYY-MM-DD') AS e FROM documents WHERE user_id = $1 ORDER BY id DESC LIMIT 1", [id]);
    assert.equal(row.e, `${y}-${m}-${d}`);
  });

  test('model keys: doc_type.inclusion, metadata.invalid_format, doc_number.invalid', async () => {
    const r = await post([field('doc_type', 'Library card'), field('doc_number', 'AB#1'), field('doc_expire', dayFromNow(t, 10)), field('metadata', '{nope'), file(jpeg(), 'a.jpg')]);
    assert.deepEqual([r.status, r.body], [422, { errors: ['doc_type.inclusion', 'metadata.invalid_format', 'doc_number.invalid'] }]);
  });

  test('one refused file refuses the request, and nothing of it is kept', async () => {
    const before = await documentCount(id);
    const filesBefore = countFiles();
    const r = await post([...passportParts(t), file(jpeg(), 'good.jpg'), file(Buffer.from('GIF89a....'), 'passport.gif')]);
    assert.deepEqual([r.status, r.body], [422, { errors: [GIF_REFUSED] }]);
    assert.equal(await documentCount(id), before, 'the good file of the same request was not kept either');
    assert.equal(countFiles(), filesBefore);
  });

  test('extension whitelist (Barong message), an empty file, and upload sent as text', async () => {
    const gif = await post([...passportParts(t), file(Buffer.from('GIF89a....'), 'id.gif')]);
    assert.deepEqual(gif.body, { errors: [GIF_REFUSED] });
    const empty = await post([...passportParts(t), file(Buffer.alloc(0), 'id.png')]);
    assert.deepEqual(empty.body, { errors: ['upload.File size should be greater than 1 Byte'] });
    const text = await post([...passportParts(t), field('upload', 'not a file')]);
    assert.deepEqual([text.status, text.body], [422, { errors: ['upload.blank'] }]);
    const json = await client.send('POST', '/resource/documents', { doc_type: 'Passport', doc_number: 'AB1', doc_expire: dayFromNow(t, 10), upload: 'x' });
    assert.deepEqual([json.status, json.body], [422, { errors: ['upload.blank'] }]);
  });

  test('storage outage: 422 {"error":"Connection error"} and no row', async () => {
    const other = await startTestApp();
    try {
      const c2 = await activeUser(other);
      fs.writeFileSync(path.join(other.c.config.dataDir, 'uploads'), 'not a directory');
      const r = await postMultipart(other, c2, '/resource/documents', [...passportParts(other), file(jpeg(), 'a.jpg')]);
      assert.deepEqual([r.status, r.body], [422, { error: 'Connection error' }]);
      const [n] = await other.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents');
      assert.equal(n.n, 0);
    } finally {
      await other.close();
    }
  });
});

function countFiles(dir = path.join(t.c.config.dataDir, 'uploads')): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1), 0);
}

describe('limits: size and count (DOC_NUM_LIMIT=3, UPLOAD_SIZE_MAX_RANGE=1, REQUIRED_DOCS_EXPIRE=false)', () => {
  let s: TestApp;
  before(async () => { s = await startTestApp({ DOC_NUM_LIMIT: '3', UPLOAD_SIZE_MAX_RANGE: '1', REQUIRED_DOCS_EXPIRE: 'false', UPLOAD_SIZE_MIN_RANGE: '8' }); });
  after(async () => { await s.close(); });
  const parts = [field('doc_type', 'Identity card'), field('doc_number', 'ID-42')];

  test('a file over UPLOAD_SIZE_MAX_RANGE MB is refused with Barong\'s key; exactly the limit passes', async () => {
    const client = await activeUser(s);
    const big = Buffer.concat([jpeg(), Buffer.alloc(1024 * 1024 + 1 - jpeg().length)]);
    const r = await postMultipart(s, client, '/resource/documents', [...parts, file(big, 'big.jpg')]);
    assert.deepEqual([r.status, r.body], [422, { errors: ['upload.File size should be less than 1 MB'] }]);
    const exact = Buffer.concat([jpeg(), Buffer.alloc(1024 * 1024 - jpeg().length)]);
    assert.equal((await postMultipart(s, client, '/resource/documents', [...parts, file(exact, 'ok.jpg')])).status, 201, 'no doc_expire needed here');
    const tiny = await postMultipart(s, client, '/resource/documents', [...parts, file(Buffer.from([0xff, 0xd8, 0xff]), 'tiny.jpg')]);
    assert.deepEqual(tiny.body, { errors: ['upload.File size should be greater than 8 Bytes'] });
  });

  test('too many files in one request, then limit_will_be_reached; limit_reached only when already over the limit (§7.5)', async () => {
    const client = await activeUser(s);
    const four = await postMultipart(s, client, '/resource/documents', [...parts, ...[1, 2, 3, 4].map((i) => file(jpeg(), `${i}.jpg`))]);
    assert.deepEqual([four.status, four.body], [400, { errors: ['resource.documents.limit_will_be_reached'] }]);
    assert.equal((await postMultipart(s, client, '/resource/documents', [...parts, file(jpeg(), 'a.jpg'), file(png(), 'b.png')])).status, 201);
    const two = await postMultipart(s, client, '/resource/documents', [...parts, file(jpeg(), 'c.jpg'), file(png(), 'd.png')]);
    assert.deepEqual([two.status, two.body], [400, { errors: ['resource.documents.limit_will_be_reached'] }]);
    assert.equal((await postMultipart(s, client, '/resource/documents', [...parts, file(pdf(), 'e.pdf')])).status, 201);
    const atLimit = await postMultipart(s, client, '/resource/documents', [...parts, file(pdf(), 'f.pdf')]);
    assert.deepEqual([atLimit.status, atLimit.body], [400, { errors: ['resource.documents.limit_will_be_reached'] }], 'exactly DOC_NUM_LIMIT documents: count <= limit passes the first check');
    // Proofs of residence are documents too and have no count limit: they take the user over it.
    const address = await postMultipart(s, client, '/resource/addresses', [field('country', 'UA'), field('address', 'Main 1'), field('city', 'Kyiv'), field('postcode', '01001'), file(png(), 'bill.png')]);
    assert.equal(address.status, 201, JSON.stringify(address.body));
    const over = await postMultipart(s, client, '/resource/documents', [...parts, file(pdf(), 'g.pdf')]);
    assert.deepEqual([over.status, over.body], [400, { errors: ['resource.documents.limit_reached'] }]);
    const overMany = await postMultipart(s, client, '/resource/documents', [...parts, ...[1, 2, 3, 4].map((i) => file(jpeg(), `${i}.jpg`))]);
    assert.deepEqual([overMany.status, overMany.body], [400, { errors: ['resource.documents.limit_reached'] }]);
    assert.equal((await client.get('/resource/documents')).body.length, 4);
  });
});

test('uploads wait for one of PARALLEL_UPLOADS slots; every slot comes back', async () => {
  const { PARALLEL_UPLOADS, uploadSlots } = await import('../../../src/http/barong/resource/kyc-uploads.js');
  const client = await activeUser(t);
  const answers = await Promise.all(Array.from({ length: PARALLEL_UPLOADS * 2 + 1 }, () =>
    postMultipart(t, client, '/resource/documents', [field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', dayFromNow(t, 30)), file(jpeg(), 'a.jpg')])));
  assert.deepEqual(answers.map((r) => r.status), Array(PARALLEL_UPLOADS * 2 + 1).fill(201));
  assert.deepEqual(uploadSlots(), { active: 0, waiting: 0 });
});
