import { test } from 'node:test';
import assert from 'node:assert/strict';
import { andThen } from './awaitable.js';

test('a value goes through at once, without a promise', () => {
  assert.equal(andThen(2, (n) => n + 1), 3);
});

test('a promise goes through when it settles, and a rejection passes on', async () => {
  const later = andThen(Promise.resolve(2), (n) => n + 1);
  assert.ok(later instanceof Promise);
  assert.equal(await later, 3);
  await assert.rejects(async () => andThen(Promise.reject(new Error('down')), () => 1), /down/);
});

test('a step may itself answer later', async () => {
  assert.equal(await andThen(2, (n) => Promise.resolve(n * 10)), 20);
});
