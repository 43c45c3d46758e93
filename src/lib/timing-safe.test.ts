import { test } from 'node:test';
import assert from 'node:assert/strict';
import { safeEqual } from './timing-safe.js';

test('safeEqual: equal strings only, whatever the lengths or characters', () => {
  assert.equal(safeEqual('abc', 'abc'), true);
  assert.equal(safeEqual('', ''), true);
  assert.equal(safeEqual('abc', 'abd'), false);
  assert.equal(safeEqual('abc', 'ab'), false);
  assert.equal(safeEqual('ab', 'abc'), false);
  assert.equal(safeEqual('é', 'e'), false, 'same string length, different byte length');
  assert.equal(safeEqual('ā', 'f'.repeat(2)), false);
  assert.equal(safeEqual('ĦĦ', 'ĦĦ'), true);
});
