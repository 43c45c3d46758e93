import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryKeyValueStore } from '../../infra/kv/memory.js';
import { parseIpRanges } from '../../lib/ip.js';
import { RateLimiter } from './rate-limiter.js';

const perIp = { count: 2, seconds: 60, perIp: true };
const perAccount = { count: 2, seconds: 60 };

test('a fixed window: the hit past the count is refused, per id', async () => {
  const limiter = new RateLimiter(new MemoryKeyValueStore(), parseIpRanges('loopback'));
  const hits = [];
  for (let i = 0; i < 3; i++) hits.push(await limiter.hit('login-ip', '198.51.100.1', perIp));
  assert.deepEqual(hits, [true, true, false]);
  assert.equal(await limiter.hit('login-ip', '198.51.100.2', perIp), true);
});

test('exempt addresses are not counted on per-IP rules, but an account rule still counts them', async () => {
  const limiter = new RateLimiter(new MemoryKeyValueStore(), parseIpRanges('loopback,10.0.0.0/8'));
  for (const ip of ['127.0.0.1', '::1', '10.1.2.3']) {
    for (let i = 0; i < 5; i++) assert.equal(await limiter.hit('login-ip', ip, perIp), true, `${ip} #${i}`);
    const both = await limiter.hitAndPeek({ bucket: 'login-ip', id: ip, rule: perIp }, { bucket: 'login-fail', id: 'a@b.c', rule: perAccount });
    assert.equal(both.withinHit, true);
  }
  const account = [];
  for (let i = 0; i < 3; i++) account.push(await limiter.hit('login-fail', '127.0.0.1', perAccount));
  assert.deepEqual(account, [true, true, false], 'a rule without perIp ignores the exemption');
});

test('with no exempt ranges loopback is limited like any address', async () => {
  const limiter = new RateLimiter(new MemoryKeyValueStore(), parseIpRanges('none'));
  const hits = [];
  for (let i = 0; i < 3; i++) hits.push((await limiter.hitAndPeek({ bucket: 'login-ip', id: '127.0.0.1', rule: perIp }, { bucket: 'login-fail', id: 'x', rule: perAccount })).withinHit);
  assert.deepEqual(hits, [true, true, false]);
});
