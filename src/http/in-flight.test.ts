import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { countInFlight, InFlight } from './in-flight.js';

/** Sends raw bytes and hangs up, the way a client that gives up does. */
async function sendAndHangUp(port: number, bytes: string): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(bytes);
  await new Promise((r) => setTimeout(r, 50));
  socket.destroy();
}

describe('InFlight', () => {
  it('idle() answers at once when nothing runs, waits for the last end(), and gives up at its timeout', async () => {
    const f = new InFlight();
    assert.equal(await f.idle(10), true);
    f.begin(); f.begin();
    const idle = f.idle(5_000);
    f.end();
    assert.equal(f.count, 1);
    f.end();
    assert.equal(await idle, true);
    f.begin();
    assert.equal(await f.idle(20), false);
    f.end();
    assert.equal(f.count, 0);
  });

  it('a handler whose client hung up still counts after close(), until it has answered', async () => {
    const app = Fastify();
    countInFlight(app, new InFlight());
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let started = false;
    let finished = false;
    app.post('/slow', async () => { started = true; await gate; finished = true; return { ok: true }; });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as net.AddressInfo;
    await sendAndHangUp(port, 'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
    assert.equal(started, true);
    await app.close(); // the connection is gone: close() does not wait for the handler
    assert.equal(finished, false);
    assert.equal(app.inFlight.count, 1);
    const idle = app.inFlight.idle(5_000);
    release();
    assert.equal(await idle, true);
    assert.equal(finished, true);
    assert.equal(app.inFlight.count, 0);
  });

  it('counts down requests that end before a handler: bad JSON, unknown route, a body cut off', async () => {
    const app = Fastify();
    countInFlight(app, new InFlight());
    app.post('/echo', async (req) => req.body);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as net.AddressInfo;
    assert.equal((await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{' })).statusCode, 400);
    assert.equal((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode, 404);
    await sendAndHangUp(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":');
    assert.equal(await app.inFlight.idle(2_000), true, `still counted: ${app.inFlight.count}`);
    await app.close();
  });
});
