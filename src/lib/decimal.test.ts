import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, canonicalDecimal, jsonWithDecimals, parseDecimalInput } from './decimal.js';

const LIMITS = { intDigits: 20, scale: 18, signed: true };

test('canonical form: signs, leading and trailing zeros', () => {
  assert.equal(canonicalDecimal('0.001000000000000000'), '0.001');
  assert.equal(canonicalDecimal('+007.2500'), '7.25');
  assert.equal(canonicalDecimal('-0.000'), '0');
  assert.equal(canonicalDecimal('-14.560'), '-14.56');
  assert.equal(canonicalDecimal('100'), '100');
  assert.equal(canonicalDecimal('1e5'), null);
  assert.equal(canonicalDecimal('NaN'), null);
  assert.equal(canonicalDecimal('.5'), null);
  assert.equal(canonicalDecimal(''), null);
});

test('client input: strings and plain JSON numbers within limits', () => {
  assert.equal(parseDecimalInput('0.001163', LIMITS)?.text, '0.001163');
  assert.equal(parseDecimalInput(14.56, LIMITS)?.text, '14.56');
  assert.equal(parseDecimalInput(-3, LIMITS)?.text, '-3');
  assert.equal(parseDecimalInput('-3', { ...LIMITS, signed: false }), null);
  assert.equal(parseDecimalInput(1e21, LIMITS), null, 'exponent form');
  assert.equal(parseDecimalInput('0.0000000000000000001', LIMITS), null, 'beyond the scale');
  assert.equal(parseDecimalInput('123456789012345678901', LIMITS), null, 'beyond the integer digits');
  assert.equal(parseDecimalInput(true, LIMITS), null);
  assert.equal(parseDecimalInput(null, LIMITS), null);
  assert.equal(parseDecimalInput(Number.NaN, LIMITS), null);
});

test('Decimal: sign, zero, absolute value', () => {
  const d = Decimal.of('-0.25');
  assert.equal(d.negative, true);
  assert.equal(d.abs().text, '0.25');
  assert.equal(Decimal.of('0.00').zero, true);
  assert.throws(() => Decimal.of('abc'));
});

test('JSON with exact decimals', () => {
  const text = jsonWithDecimals({ sum: Decimal.of('12345678901234567.890000'), rate: Decimal.of('0.001163'), n: 1, s: 'x"y', skip: undefined, list: [Decimal.ZERO, null, true] });
  assert.equal(text, '{"sum":12345678901234567.89,"rate":0.001163,"n":1,"s":"x\\"y","list":[0,null,true]}');
  assert.deepEqual(JSON.parse(text).list, [0, null, true]);
});
