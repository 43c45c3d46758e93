import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currencyCode, entryAmount, formatUtc, label, parseUtcDateTime, positiveRate, unsignedAmount } from './ledger-rules.js';

test('currency codes: ISO and tickers, upper-cased', () => {
  assert.equal(currencyCode('eur'), 'EUR');
  assert.equal(currencyCode(' BTC '), 'BTC');
  assert.equal(currencyCode('USDT20'), 'USDT20');
  assert.equal(currencyCode('E'), null);
  assert.equal(currencyCode('EU R'), null);
  assert.equal(currencyCode(978), null);
});

test('amounts: entries signed and non-zero, operations unsigned, rates positive', () => {
  assert.equal(entryAmount('-0.001')?.text, '-0.001');
  assert.equal(entryAmount('0'), null);
  assert.equal(entryAmount('abc'), null);
  assert.equal(unsignedAmount('0')?.text, '0');
  assert.equal(unsignedAmount('-1'), null);
  assert.equal(positiveRate('0.001163')?.text, '0.001163');
  assert.equal(positiveRate('0'), null);
});

test('dates: the dashboard format, a day, ISO with a zone; formatted back in UTC', () => {
  assert.equal(parseUtcDateTime('2016-12-03 10:13:53')?.toISOString(), '2016-12-03T10:13:53.000Z');
  assert.equal(parseUtcDateTime('2016-12-03')?.toISOString(), '2016-12-03T00:00:00.000Z');
  assert.equal(parseUtcDateTime('2016-12-03T12:13:53+02:00')?.toISOString(), '2016-12-03T10:13:53.000Z');
  assert.equal(parseUtcDateTime('2016-02-30 10:00:00'), null);
  assert.equal(parseUtcDateTime('2016-12-03T10:13:53')?.toISOString(), '2016-12-03T10:13:53.000Z', 'no zone: UTC');
  assert.equal(parseUtcDateTime('2016-12-03 24:00:00'), null);
  assert.equal(parseUtcDateTime('yesterday'), null);
  assert.equal(formatUtc(new Date('2016-12-03T10:13:53.456Z')), '2016-12-03 10:13:53');
});

test('labels: squished, 1..255 characters', () => {
  assert.equal(label('  Disbursement   of a loan '), 'Disbursement of a loan');
  assert.equal(label('   '), null);
  assert.equal(label('x'.repeat(256)), null);
  assert.equal(label(5), null);
});
