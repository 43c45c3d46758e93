import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalLanguage, canonicalPhone, canonicalTimezone, dataWithLanguage, textErrors } from './details-rules.js';

test('textErrors: blank, too long, control characters', () => {
  assert.deepEqual(textErrors('name', '  ', 10), ['name.blank']);
  assert.deepEqual(textErrors('name', 'x'.repeat(11), 10), ['name.too_long']);
  assert.deepEqual(textErrors('name', 'a\nb', 10), ['name.invalid']);
  assert.deepEqual(textErrors('name', ' Ann ', 10), []);
});

test('canonicalTimezone accepts IANA names in any case and refuses the rest', () => {
  assert.equal(canonicalTimezone('europe/moscow'), 'Europe/Moscow');
  assert.equal(canonicalTimezone('UTC'), 'UTC');
  for (const bad of ['', 'Foo/Bar', '+01:00', '../etc/passwd', 'x'.repeat(80)]) assert.equal(canonicalTimezone(bad), null, bad);
});

test('canonicalLanguage and canonicalPhone', () => {
  assert.equal(canonicalLanguage('RU'), 'ru');
  assert.equal(canonicalLanguage('pt_br'), 'pt-BR');
  assert.equal(canonicalLanguage('english'), null);
  assert.equal(canonicalPhone('+34 612 345 678'), '+34612345678');
  assert.equal(canonicalPhone('12'), null);
});

test('dataWithLanguage merges into a JSON object and leaves anything else alone', () => {
  assert.equal(dataWithLanguage(null, 'ru'), '{"language":"ru"}');
  assert.equal(dataWithLanguage('{"a":1,"language":"en"}', 'ru'), '{"a":1,"language":"ru"}');
  assert.equal(dataWithLanguage('[1]', 'ru'), null);
  assert.equal(dataWithLanguage('not json', 'ru'), null);
});
