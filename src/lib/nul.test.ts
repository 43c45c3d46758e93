import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdsNul, parseJsonWithoutNul } from './nul.js';

test('a NUL in any string, key or nested value is found; escaped backslashes are not NULs', () => {
  assert.equal(holdsNul({ a: ['x', { b: 'y\0' }] }), true);
  assert.equal(holdsNul({ ['k\0']: 1 }), true);
  assert.equal(holdsNul({ a: 'u0000', b: [1, null, true] }), false);
  assert.throws(() => parseJsonWithoutNul('{"email":"a\\u0000@b.c"}'), /NUL/);
  assert.deepEqual(parseJsonWithoutNul('{"a":"\\\\u0000"}'), { a: '\\u0000' });
  assert.deepEqual(parseJsonWithoutNul('[1,"x"]'), [1, 'x']);
});
