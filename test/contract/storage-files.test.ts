import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FileStorage } from '../../src/infra/storage/port.js';
import { StorageUnavailableError } from '../../src/infra/storage/port.js';
import { LocalFileStorage } from '../../src/infra/storage/local.js';
import { MemoryFileStorage } from '../../src/infra/storage/memory.js';
import { S3FileStorage } from '../../src/infra/storage/s3.js';

/**
 * The file storage port's contract, run against each adapter: the local filesystem, the
 * in-memory twin, and the S3 adapter talking to a tiny S3-compatible fake on 127.0.0.1 (a real
 * object store cannot run here; the fake checks that requests are path-style and SigV4-signed).
 */
function contract(name: string, open: () => Promise<{ storage: FileStorage; close(): Promise<void> }>) {
  describe(`file storage contract: ${name}`, () => {
    let s: FileStorage;
    let close: () => Promise<void>;
    before(async () => { ({ storage: s, close } = await open()); });
    after(async () => { await close(); });

    test('put then get returns the same bytes; binary safe; overwrite replaces', async () => {
      const data = randomBytes(70_000);
      await s.put('document/upload/1/a.jpg', data, 'image/jpeg');
      assert.ok((await s.get('document/upload/1/a.jpg'))!.equals(data));
      await s.put('document/upload/1/a.jpg', Buffer.from([0, 255, 0]), 'image/jpeg');
      assert.deepEqual([...(await s.get('document/upload/1/a.jpg'))!], [0, 255, 0]);
      await s.put('empty.pdf', Buffer.alloc(0), 'application/pdf');
      assert.equal((await s.get('empty.pdf'))!.length, 0);
    });

    test('a missing key is null; delete removes; deleting twice is fine', async () => {
      assert.equal(await s.get('document/upload/404/none.png'), null);
      await s.put('document/upload/2/b.png', Buffer.from('png'), 'image/png');
      await s.delete('document/upload/2/b.png');
      assert.equal(await s.get('document/upload/2/b.png'), null);
      await s.delete('document/upload/2/b.png');
    });

    test('keys that could escape or confuse are refused before any I/O', async () => {
      for (const key of ['../x.jpg', '/abs.jpg', 'a//b.jpg', '', 'a/../b.jpg', 'a/./b', 'dir/', 'x y.jpg', 'a\\b.jpg', 'a/.hidden']) {
        await assert.rejects(s.put(key, Buffer.from('x'), 'image/jpeg'), /invalid storage key/, key);
        await assert.rejects(s.get(key), /invalid storage key/, key);
      }
    });

    test('ping answers true when the backend is there', async () => {
      assert.equal(await s.ping(), true);
    });
  });
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-files-'));
after(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

contract('local filesystem', async () => ({ storage: new LocalFileStorage(path.join(tmpRoot, 'uploads')), close: async () => undefined }));
contract('in-memory twin', async () => ({ storage: new MemoryFileStorage(), close: async () => undefined }));

/** Just enough of the S3 REST API for the adapter: path-style PUT/GET/DELETE object, HEAD bucket. */
async function fakeS3(bucket: string) {
  const objects = new Map<string, Buffer>();
  const seen: { method: string; url: string; auth: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: String(req.headers.authorization ?? '') });
      const url = new URL(req.url!, 'http://x');
      const [, b, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const notFound = () => { res.writeHead(404, { 'content-type': 'application/xml' }); res.end(`<?xml version="1.0"?><Error><Code>${key ? 'NoSuchKey' : 'NoSuchBucket'}</Code><Message>none</Message></Error>`); };
      if (b !== bucket) return notFound();
      if (!key && req.method === 'HEAD') { res.writeHead(200); return res.end(); }
      if (req.method === 'PUT') { objects.set(key, Buffer.concat(chunks)); res.writeHead(200, { etag: '"x"' }); return res.end(); }
      if (req.method === 'GET') {
        const o = objects.get(key);
        if (!o) return notFound();
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': o.length });
        return res.end(o);
      }
      if (req.method === 'DELETE') { objects.delete(key); res.writeHead(204); return res.end(); }
      res.writeHead(405); res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let s3Fake: Awaited<ReturnType<typeof fakeS3>>;
contract('S3 adapter against a local S3-compatible fake', async () => {
  s3Fake = await fakeS3('kyc');
  const storage = new S3FileStorage({ bucket: 'kyc', endpoint: s3Fake.url, region: 'eu-central-1', accessKeyId: 'AKIDTEST', secretAccessKey: 'secret', forcePathStyle: true, prefix: 'warden/' });
  return { storage, close: async () => { storage.close(); await s3Fake.close(); } };
});

describe('S3 adapter specifics', () => {
  test('objects are written under the prefix, path-style, with SigV4 requests', async () => {
    assert.ok([...s3Fake.objects.keys()].every((k) => k.startsWith('warden/')), [...s3Fake.objects.keys()].join(','));
    assert.ok(s3Fake.seen.some((r) => r.method === 'PUT' && r.url.startsWith('/kyc/warden/document/upload/1/a.jpg')));
    assert.ok(s3Fake.seen.every((r) => r.auth.startsWith('AWS4-HMAC-SHA256 Credential=AKIDTEST/')));
  });

  test('an unreachable store: StorageUnavailableError (Barong answers "Connection error"), ping false', async () => {
    const dead = new S3FileStorage({ bucket: 'kyc', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', accessKeyId: 'a', secretAccessKey: 'b', forcePathStyle: true });
    await assert.rejects(dead.put('a.jpg', Buffer.from('x'), 'image/jpeg'), StorageUnavailableError);
    await assert.rejects(dead.get('a.jpg'), StorageUnavailableError);
    assert.equal(await dead.ping(), false);
    dead.close();
  });
});

describe('local filesystem specifics', () => {
  test('files are 0600 in 0700 directories, written atomically (no temporary file left)', async () => {
    const root = path.join(tmpRoot, 'modes');
    const s = new LocalFileStorage(root);
    await s.put('document/upload/9/z.png', Buffer.from('png'), 'image/png');
    assert.equal(fs.statSync(path.join(root, 'document/upload/9/z.png')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(root, 'document/upload/9')).mode & 0o777, 0o700);
    assert.deepEqual(fs.readdirSync(path.join(root, 'document/upload/9')), ['z.png']);
  });

  test('a root that cannot be created: StorageUnavailableError, ping false', async () => {
    const blocker = path.join(tmpRoot, 'blocker');
    fs.writeFileSync(blocker, 'a file where a directory should be');
    const s = new LocalFileStorage(path.join(blocker, 'uploads'));
    await assert.rejects(s.put('a.jpg', Buffer.from('x'), 'image/jpeg'), StorageUnavailableError);
    assert.equal(await s.ping(), false);
  });
});
