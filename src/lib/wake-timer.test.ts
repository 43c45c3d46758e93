import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WakeTimer } from './wake-timer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WakeTimer', () => {
  it('keeps the earlier wake-up when asked for a later one', async () => {
    const fired: number[] = [];
    const t0 = Date.now();
    const w = new WakeTimer(() => fired.push(Date.now() - t0));
    w.in(20);
    w.in(500);
    await sleep(80);
    assert.equal(fired.length, 1);
    assert.ok(fired[0]! < 200, `fired after ${fired[0]} ms`);
    assert.equal(w.pending, false);
  });

  it('moves the wake-up forward when asked for an earlier one, and fires once', async () => {
    let fired = 0;
    const w = new WakeTimer(() => fired++);
    w.in(500);
    w.in(10);
    await sleep(60);
    assert.equal(fired, 1);
    assert.equal(w.pending, false);
  });

  it('can be asked again from its own wake-up, and cancelled', async () => {
    let fired = 0;
    const w = new WakeTimer(() => { if (++fired === 1) w.in(5); });
    w.in(5);
    await sleep(60);
    assert.equal(fired, 2);
    w.in(10);
    w.cancel();
    await sleep(40);
    assert.equal(fired, 2);
    assert.equal(w.pending, false);
  });
});
