import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { jpeg, pdf } from '../../fixtures/kyc/files.js';
import { file, postMultipart } from '../kyc/helpers.js';
import { NebeusClient, activePartner } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp({ UPLOAD_SIZE_MAX_RANGE: '1' }); });
after(async () => { await t.close(); });

/** A real photo-like JPEG of w×h (a gradient), made with sharp. */
async function photo(w: number, h: number): Promise<Buffer> {
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y += 1) for (let x = 0; x < w; x += 1) raw.set([x % 256, y % 256, (x + y) % 256], (y * w + x) * 3);
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}

const get = (url: string, headers: Record<string, string> = {}) => new NebeusClient(t).raw('GET', url, { headers });

async function dimensions(body: string | Buffer): Promise<[number, number, string]> {
  const m = await sharp(Buffer.isBuffer(body) ? body : Buffer.from(body, 'binary')).metadata();
  return [m.width!, m.height!, m.format!];
}

/** The raw bytes of a GET (inject's body is text; rawPayload is the bytes). */
async function image(url: string, headers: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload };
}

const upload = (client: Parameters<typeof postMultipart>[1], data: Buffer, filename = 'me.jpg', name = 'upload') =>
  postMultipart(t, client, '/resource/profile_image', [file(data, filename, name)]);

describe('profile images', () => {
  test('a user without an image: the placeholder in both sizes, briefly cacheable', async () => {
    const { id } = await activePartner(t);
    const small = await image(`/partner/${id}/profile_image`);
    assert.equal(small.status, 200);
    assert.equal(small.headers['content-type'], 'image/png');
    assert.deepEqual(await dimensions(small.bytes), [64, 64, 'png']);
    assert.equal(small.headers.etag, '"placeholder-64"');
    assert.equal(small.headers['cache-control'], 'public, max-age=60');
    const big = await image(`/partner/${id}/profile_image/big`);
    assert.deepEqual(await dimensions(big.bytes), [150, 150, 'png']);
  });

  test('upload a JPEG: 64×64 and 150×150 PNG served with caching headers and 304 revalidation', async () => {
    const { barong, id } = await activePartner(t);
    const r = await upload(barong, await photo(640, 480));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual({ ...r.body, updated_at: undefined }, { partner_id: id, small_url: `/partner/${id}/profile_image`, big_url: `/partner/${id}/profile_image/big`, updated_at: undefined });
    const small = await image(`/partner/${id}/profile_image`);
    assert.equal(small.status, 200);
    assert.deepEqual(await dimensions(small.bytes), [64, 64, 'png']);
    assert.equal(small.headers['cache-control'], 'public, max-age=300');
    assert.equal(small.headers['x-content-type-options'], 'nosniff');
    assert.match(String(small.headers.etag), /^"[0-9a-f]{16}-64"$/);
    const big = await image(`/partner/${id}/profile_image/big`);
    assert.deepEqual(await dimensions(big.bytes), [150, 150, 'png']);
    const again = await image(`/partner/${id}/profile_image`, { 'if-none-match': String(small.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.bytes.length, 0);
  });

  test('any aspect ratio is centre-cropped to a square; a tiny image is scaled up; PNG in works too', async () => {
    const { barong, id } = await activePartner(t);
    assert.equal((await upload(barong, await photo(90, 400))).status, 201);
    assert.deepEqual(await dimensions((await image(`/partner/${id}/profile_image/big`)).bytes), [150, 150, 'png']);
    assert.equal((await upload(barong, jpeg(), 'tiny.jpeg')).status, 201);
    assert.deepEqual(await dimensions((await image(`/partner/${id}/profile_image`)).bytes), [64, 64, 'png']);
    const png = await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } }).png().toBuffer();
    assert.equal((await upload(barong, png, 'me.png')).status, 201);
    assert.deepEqual(await dimensions((await image(`/partner/${id}/profile_image`)).bytes), [64, 64, 'png']);
  });

  test('a new upload replaces the old one: new ETag, the old files leave the storage', async () => {
    const { barong, id } = await activePartner(t);
    await upload(barong, await photo(200, 200));
    const [first] = await t.c.db.query<{ small_key: string; big_key: string }>('SELECT small_key, big_key FROM profile_images WHERE user_id = $1', [id]);
    const etag1 = (await image(`/partner/${id}/profile_image`)).headers.etag;
    await upload(barong, await photo(300, 300));
    const etag2 = (await image(`/partner/${id}/profile_image`)).headers.etag;
    assert.notEqual(etag1, etag2);
    assert.equal(await t.c.kycDocuments.storage.get(first.small_key), null);
    assert.equal(await t.c.kycDocuments.storage.get(first.big_key), null);
    assert.equal((await image(`/partner/${id}/profile_image`, { 'if-none-match': String(etag1) })).status, 200, 'the old ETag is stale');
  });

  test('checked by content, not by name: text, SVG, PDF and broken images are refused; nothing stored', async () => {
    const { barong, id } = await activePartner(t);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    for (const [data, name, key] of [
      [Buffer.from('just some text'), 'me.jpg', 'upload.invalid_content_type'],
      [svg, 'me.svg', 'upload.invalid_content_type'],
      [pdf(), 'me.jpg', 'upload.invalid_content_type'],
      [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]), 'broken.jpg', 'upload.invalid_image'],
    ] as const) {
      const r = await upload(barong, data, name);
      assert.deepEqual([r.status, r.body], [422, { errors: [key] }], name);
    }
    const [row] = await t.c.db.query<{ n: string }>('SELECT count(*)::text AS n FROM profile_images WHERE user_id = $1', [id]);
    assert.equal(row.n, '0');
  });

  test('no file, a file over UPLOAD_SIZE_MAX_RANGE, no session', async () => {
    const { barong } = await activePartner(t);
    const none = await postMultipart(t, barong, '/resource/profile_image', [{ name: 'comment', value: 'hi' }]);
    assert.deepEqual([none.status, none.body], [422, { errors: ['upload.blank'] }]);
    const huge = Buffer.concat([await photo(16, 16), Buffer.alloc(1024 * 1024 + 10)]);
    const big = await upload(barong, huge);
    assert.deepEqual([big.status, big.body], [422, { errors: ['upload.too_large'] }]);
    const anonymous = await upload(null, await photo(16, 16));
    assert.equal(anonymous.status, 401);
  });

  test('delete: the placeholder is served again', async () => {
    const { barong, id } = await activePartner(t);
    await upload(barong, await photo(100, 100));
    assert.notEqual((await image(`/partner/${id}/profile_image`)).headers.etag, '"placeholder-64"');
    assert.equal((await barong.send('DELETE', '/resource/profile_image')).status, 204);
    assert.equal((await image(`/partner/${id}/profile_image`)).headers.etag, '"placeholder-64"');
    assert.equal((await barong.send('DELETE', '/resource/profile_image')).status, 204, 'idempotent');
  });

  test('unknown numeric ids get the placeholder (no user enumeration); anything else is a 404', async () => {
    const unknown = await image('/partner/987654321/profile_image/big');
    assert.equal(unknown.status, 200);
    assert.equal(unknown.headers.etag, '"placeholder-150"');
    for (const url of ['/partner/abc/profile_image', '/partner/-1/profile_image', '/partner/1.5/profile_image/big', '/partner/1e3/profile_image']) {
      const r = await get(url);
      assert.deepEqual([r.status, r.body], [404, { error: 'Not found' }], url);
    }
  });
});
