import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SignedUploadUrls } from './signed-url.js';

const rest = (url: string, base: string) => url.slice(base.length + 1);

test('a URL opens its key until it expires, then says expired', () => {
  let now = 1_700_000_000_000;
  const urls = new SignedUploadUrls(randomBytes(32), 60, '/p/uploads', () => now);
  const url = urls.url('document/upload/1/a.jpg');
  assert.match(url, /^\/p\/uploads\/\d+\/[A-Za-z0-9_-]{43}\/document\/upload\/1\/a\.jpg$/);
  assert.deepEqual(urls.check(rest(url, '/p/uploads')), { ok: true, key: 'document/upload/1/a.jpg' });
  now += 59_000;
  assert.equal(urls.check(rest(url, '/p/uploads')).ok, true);
  now += 1_000;
  assert.deepEqual(urls.check(rest(url, '/p/uploads')), { ok: false, reason: 'expired' });
});

test('tampered keys, expiries, signatures and other secrets are refused', () => {
  const secret = randomBytes(32);
  const urls = new SignedUploadUrls(secret, 60, '/u');
  const [exp, mac, ...key] = rest(urls.url('document/upload/1/a.jpg'), '/u').split('/');
  const ok = `${exp}/${mac}/${key.join('/')}`;
  assert.equal(urls.check(ok).ok, true);
  assert.deepEqual(urls.check(`${exp}/${mac}/document/upload/2/a.jpg`), { ok: false, reason: 'invalid' });
  assert.deepEqual(urls.check(`${Number(exp) + 1000}/${mac}/${key.join('/')}`), { ok: false, reason: 'invalid' });
  const flipped = mac.slice(0, -1) + (mac.endsWith('A') ? 'B' : 'A');
  assert.deepEqual(urls.check(`${exp}/${flipped}/${key.join('/')}`), { ok: false, reason: 'invalid' });
  assert.deepEqual(new SignedUploadUrls(randomBytes(32), 60, '/u').check(ok), { ok: false, reason: 'invalid' });
  assert.equal(new SignedUploadUrls(secret, 60, '/u').check(ok).ok, true, 'another instance with the same key accepts it');
  for (const junk of ['', 'a/b/c', '../../etc/passwd', `${exp}/${mac}`, `${exp}/${mac}/../x`]) assert.equal(urls.check(junk).ok, false, junk);
  assert.throws(() => urls.url('../escape'), /invalid storage key/);
});
