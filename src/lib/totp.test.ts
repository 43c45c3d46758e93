import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hotp, matchingSteps, timeStep, totp } from './totp.js';

// RFC 6238 Appendix B, the SHA1 rows (seed = the ASCII string "12345678901234567890").
const KEY = Buffer.from('12345678901234567890');
const RFC6238_SHA1: [number, string][] = [
  [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'],
  [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
];

test('RFC 6238 SHA1 test vectors (8 digits)', () => {
  for (const [seconds, code] of RFC6238_SHA1) assert.equal(totp(KEY, seconds * 1000, 8), code, String(seconds));
});

test('6-digit codes are the same truncation (last 6 digits of the 8-digit value)', () => {
  for (const [seconds, code] of RFC6238_SHA1) assert.equal(totp(KEY, seconds * 1000), code.slice(2), String(seconds));
});

test('RFC 4226 Appendix D HOTP values', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => assert.equal(hotp(KEY, counter), code));
});

test('time steps are 30 s wide', () => {
  assert.equal(timeStep(0), 0);
  assert.equal(timeStep(29_999), 0);
  assert.equal(timeStep(30_000), 1);
  assert.equal(timeStep(59_000), 1);
});

test('matchingSteps accepts the current step and one step either side, nothing further', () => {
  const t = 1111111111 * 1000;
  const now = timeStep(t);
  for (const d of [-1, 0, 1]) assert.deepEqual(matchingSteps(KEY, hotp(KEY, now + d), t), [now + d], `offset ${d}`);
  for (const d of [-2, 2, 10]) assert.deepEqual(matchingSteps(KEY, hotp(KEY, now + d), t), [], `offset ${d}`);
});

test('matchingSteps refuses malformed codes without computing anything', () => {
  const t = 59_000;
  for (const bad of ['', '28708', '2870822', '28708a', ' 287082', '287082 ', '２８７０８２']) assert.deepEqual(matchingSteps(KEY, bad, t), [], JSON.stringify(bad));
});

test('hotp refuses negative or fractional counters', () => {
  assert.throws(() => hotp(KEY, -1));
  assert.throws(() => hotp(KEY, 1.5));
});
