import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { activeUser } from '../../helpers/client.js';
import { jpeg, pdf } from '../../fixtures/kyc/files.js';
import { dayFromNow, fetchUrl, field, file, postMultipart } from './helpers.js';

let t: TestApp;
let urls: string[];
let keys: string[];
before(async () => {
  t = await startTestApp({ UPLOAD_URL_EXPIRE_TIME: '120' });
  const client = await activeUser(t);
  const r = await postMultipart(t, client, '/resource/documents', [
    field('doc_type', 'Driver license'), field('doc_number', 'DL 0042'), field('doc_expire', dayFromNow(t, 30)), file(jpeg(), 'front.jpg'), file(pdf(), 'back.pdf'),
  ]);
  assert.equal(r.status, 201);
  urls = (await client.get('/resource/documents')).body.map((d: { upload: { url: string } }) => d.upload.url);
  keys = (await t.c.db.query<{ upload: string }>('SELECT upload FROM documents ORDER BY id')).map((x) => x.upload);
});
after(async () => { await t.close(); });

test('a signed URL serves the file with safe headers, without any session', async () => {
  const res = await fetchUrl(t, urls[0]);
  assert.equal(res.statusCode, 200);
  assert.ok(res.rawPayload.equals(jpeg()));
  assert.equal(res.headers['content-type'], 'image/jpeg');
  assert.equal(res.headers['cache-control'], 'private, no-store');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['content-disposition'], 'inline; filename="document.jpg"');
});

test('the URL expires after UPLOAD_URL_EXPIRE_TIME (TestClock); a fresh listing gives a working one', async () => {
  t.clock.advance(119);
  assert.equal((await fetchUrl(t, urls[1])).statusCode, 200);
  t.clock.advance(1);
  const expired = await fetchUrl(t, urls[1]);
  assert.deepEqual([expired.statusCode, JSON.parse(expired.body)], [403, { errors: ['public.upload.expired_url'] }]);
  const fresh = t.c.kycDocuments.urls.url(keys[1]);
  const again = await fetchUrl(t, fresh);
  assert.equal(again.statusCode, 200);
  assert.equal(again.headers['content-type'], 'application/pdf');
});

test('a tampered URL or another file\'s key under a valid signature is refused; no public path exists', async () => {
  const url = t.c.kycDocuments.urls.url(keys[0]);
  const base = `${t.prefix}/public/uploads/`;
  const [exp, mac] = url.slice(base.length).split('/');
  for (const bad of [`${base}${exp}/${mac}/${keys[1]}`, `${base}${Number(exp) + 60}/${mac}/${keys[0]}`, `${base}${exp}/${'A'.repeat(43)}/${keys[0]}`, `${base}${keys[0]}`, `${base}x`]) {
    const r = await fetchUrl(t, bad);
    assert.deepEqual([r.statusCode, JSON.parse(r.body)], [403, { errors: ['public.upload.invalid_url'] }], bad);
  }
  for (const p of [`/uploads/${keys[0]}`, `${t.prefix}/uploads/${keys[0]}`, `/${keys[0]}`]) {
    assert.equal((await fetchUrl(t, p)).statusCode, 404, p);
  }
});

test('a signed key whose file is gone answers 404', async () => {
  const url = t.c.kycDocuments.urls.url('document/upload/999999/0123456789abcdef0123456789abcdef.jpg');
  const r = await fetchUrl(t, url);
  assert.deepEqual([r.statusCode, JSON.parse(r.body)], [404, { errors: ['record.not_found'] }]);
});

test('files sit under DATA_DIR/uploads, readable by the server user only', () => {
  const full = path.join(t.c.config.dataDir, 'uploads', keys[0]);
  assert.ok(fs.existsSync(full));
  assert.equal(fs.statSync(full).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(full)).mode & 0o777, 0o700);
});

test('bytes that are no JPEG, PNG or PDF are accepted as Barong accepts them, and served only as an attachment', async () => {
  const client = await activeUser(t);
  const body = Buffer.from('<html><script>alert(1)</script></html>');
  const r = await postMultipart(t, client, '/resource/documents', [field('doc_type', 'Passport'), field('doc_number', 'AB1'), field('doc_expire', dayFromNow(t, 30)), file(body, 'passport.jpg')]);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const [doc] = (await client.get('/resource/documents')).body as { upload: { url: string } }[];
  assert.match(doc.upload.url, /\.bin$/);
  const res = await fetchUrl(t, doc.upload.url);
  assert.equal(res.statusCode, 200);
  assert.ok(res.rawPayload.equals(body));
  assert.equal(res.headers['content-type'], 'application/octet-stream');
  assert.equal(res.headers['content-disposition'], 'attachment; filename="document.bin"');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
});
