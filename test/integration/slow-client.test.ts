import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestApp } from '../helpers/test-app.js';

test('REQUEST_TIMEOUT: a request whose body never comes is answered 408 and its connection closed', async () => {
  const t = await startTestApp({ REQUEST_TIMEOUT: '1' });
  try {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (t.app.server.address() as net.AddressInfo).port;
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.write('POST /api/v2/auth/identity/password/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"pass');
      });
      let text = '';
      s.on('data', (d) => { text += d; });
      s.on('close', () => resolve(text));
      s.on('error', reject);
      setTimeout(() => { s.destroy(); reject(new Error('still open after 10 s')); }, 10_000);
    });
    assert.match(answer, /^HTTP\/1\.1 408/);
    assert.ok(Date.now() - started < 6000, `closed after ${Date.now() - started} ms`);
  } finally {
    await t.close();
  }
});
