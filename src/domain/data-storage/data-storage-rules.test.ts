import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataStorageErrors, parseStorageTitles } from './data-storage-rules.js';

test('titles: comma list, each a future label key', () => {
  assert.deepEqual(parseStorageTitles(''), []);
  assert.deepEqual(parseStorageTitles(' personal, tax_residency ,'), ['personal', 'tax_residency']);
  assert.throws(() => parseStorageTitles('Personal Info'), /DATA_STORAGE_TITLES/);
  assert.throws(() => parseStorageTitles('ab'), /DATA_STORAGE_TITLES/);
});

test('model errors in Barong order', () => {
  const allowed = ['personal', 'profile'];
  assert.deepEqual(dataStorageErrors('personal', '{"a":1}', allowed), []);
  assert.deepEqual(dataStorageErrors('other', '{"a":1}', allowed), ['title.inclusion']);
  assert.deepEqual(dataStorageErrors('user', '{"a":1}', allowed), ['title.inclusion', 'title.exclusion']);
  assert.deepEqual(dataStorageErrors('profile', '{"a":1}', allowed), ['title.exclusion']);
  assert.deepEqual(dataStorageErrors('personal', '{', allowed), ['data.invalid_format']);
  assert.deepEqual(dataStorageErrors('personal', JSON.stringify('x'.repeat(5200)), allowed), ['data.too_long']);
});
