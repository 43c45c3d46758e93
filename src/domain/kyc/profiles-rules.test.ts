import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCountryCode, normalizeProfileFields, parseCalendarDate, profileErrors, profileStateName } from './profiles-rules.js';

test('country: ISO alpha-2 or alpha-3, any case', () => {
  for (const ok of ['GB', 'gb', 'GBR', 'ukr', 'US']) assert.ok(isCountryCode(ok), ok);
  for (const bad of ['', 'G', 'XX', 'GBRR', 'United Kingdom', 'ZZZ']) assert.equal(isCountryCode(bad), false, bad);
});

test('lenient dates become YYYY-MM-DD; impossible days are refused', () => {
  assert.equal(parseCalendarDate('1990-02-28'), '1990-02-28');
  assert.equal(parseCalendarDate('1990/2/3'), '1990-02-03');
  assert.equal(parseCalendarDate('22/01/3020'), '3020-01-22');
  assert.equal(parseCalendarDate('03.04.1985'), '1985-04-03');
  assert.equal(parseCalendarDate('2001-05-06T10:00:00Z'), '2001-05-06');
  for (const bad of ['1990-02-30', 'yesterday', '1990-13-01', '12345', '']) assert.equal(parseCalendarDate(bad), null, bad);
});

test('normalisation squishes names, upper-cases country and turns blanks into null', () => {
  assert.deepEqual(normalizeProfileFields({ first_name: '  Anna   Maria ', country: 'ua', city: ' ', metadata: undefined }),
    { first_name: 'Anna Maria', country: 'UA', city: null });
});

test('field rules give Barong keys in attribute order', () => {
  const today = '2024-06-01';
  assert.deepEqual(profileErrors({ first_name: "Zoë O'Brien-Løkken", city: 'Zürich', postcode: 'SW1A 1AA', address: '1 Main St., apt #4 (rear)', country: 'CHE', dob: '1990-01-01', metadata: '{"a":1}' }, today), []);
  assert.deepEqual(profileErrors({ address: 'mail@me' }, today), ['address.invalid']);
  assert.deepEqual(profileErrors({ city: 'Kyiv#1' }, today), ['city.invalid']);
  assert.deepEqual(profileErrors({ postcode: 'A' }, today), ['postcode.too_short']);
  assert.deepEqual(profileErrors({ last_name: 'x'.repeat(256) }, today), ['last_name.too_long']);
  assert.deepEqual(profileErrors({ dob: '2024-06-02' }, today), ['dob.invalid']);
  assert.deepEqual(profileErrors({ country: 'XX', metadata: '{' }, today), ['country.must have alpha2 or alpha3 format', 'metadata.invalid_format']);
  assert.deepEqual(profileErrors({ first_name: 'Bob!', last_name: 'Smith$' }, today), ['first_name.invalid', 'last_name.invalid']);
});

test('state codes are Barong\'s enum', () => {
  assert.deepEqual([0, 1, 3, 4, 2].map(profileStateName), ['drafted', 'submitted', 'verified', 'rejected', 'drafted']);
});
