import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DOCUMENT_TYPES, documentFieldErrors, maskDocNumber, parseDate, today } from './documents-rules.js';

test('parseDate: Barong-lenient forms, strict calendar', () => {
  assert.equal(parseDate('2030-01-22'), '2030-01-22');
  assert.equal(parseDate('2030-1-2'), '2030-01-02');
  assert.equal(parseDate('2030/01/22'), '2030-01-22');
  assert.equal(parseDate('22/01/3020'), '3020-01-22');
  assert.equal(parseDate('22.01.2030'), '2030-01-22');
  assert.equal(parseDate('2030-01-22T10:00:00Z'), '2030-01-22');
  for (const bad of ['2030-02-30', 'tomorrow', '', '2030-13-01', '1/2']) assert.equal(parseDate(bad), null, bad);
  assert.equal(today(Date.UTC(2031, 4, 6, 23, 59)), '2031-05-06');
});

test('field errors in validation order', () => {
  const ok = { docType: 'Passport', docNumber: 'AB 123-45', metadata: '{"a":1}' };
  assert.deepEqual(documentFieldErrors(ok, DEFAULT_DOCUMENT_TYPES), []);
  assert.deepEqual(documentFieldErrors({ docType: 'Library card', docNumber: 'AB#1', metadata: '{' }, DEFAULT_DOCUMENT_TYPES),
    ['doc_type.inclusion', 'metadata.invalid_format', 'doc_number.invalid']);
  assert.deepEqual(documentFieldErrors({ ...ok, docNumber: 'A'.repeat(129) }, DEFAULT_DOCUMENT_TYPES), ['doc_number.invalid']);
  assert.deepEqual(documentFieldErrors({ ...ok, docType: 'passport' }, DEFAULT_DOCUMENT_TYPES), ['doc_type.inclusion']);
});

test('maskDocNumber keeps two characters at each end', () => {
  assert.equal(maskDocNumber('AA1234BB'), 'AA****BB');
  assert.equal(maskDocNumber('ABCDE'), 'AB*DE');
  assert.equal(maskDocNumber('ABCD'), 'ABCD');
  assert.equal(maskDocNumber(null), null);
});
