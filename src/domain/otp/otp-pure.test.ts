import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otpauthUrl } from './otpauth.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';

test('otpauth URL: Barong parameter order, `@` as Vault writes it, the rest of label and issuer percent-encoded', () => {
  assert.equal(otpauthUrl('Warden', 'a@example.com', 'ABC234'),
    'otpauth://totp/Warden:a@example.com?algorithm=SHA1&digits=6&issuer=Warden&period=30&secret=ABC234');
  assert.equal(otpauthUrl('A:B/C?', 'x y#z@example.com', 'ABC234'),
    'otpauth://totp/A%3AB%2FC%3F:x%20y%23z@example.com?algorithm=SHA1&digits=6&issuer=A%3AB%2FC%3F&period=30&secret=ABC234');
  const url = otpauthUrl('My Exchange & Co', 'x+y@example.com', 'ABC234');
  const [label, query] = url.slice('otpauth://totp/'.length).split('?');
  assert.deepEqual(label.split(':').map(decodeURIComponent), ['My Exchange & Co', 'x+y@example.com']);
  assert.equal(new URLSearchParams(query).get('issuer'), 'My Exchange & Co');
  assert.equal(new URLSearchParams(query).get('secret'), 'ABC234');
});

test('recovery codes: ten distinct codes in groups of four, never six digits', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const c of codes) assert.match(c, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
});

test('recovery codes are normalised before hashing: case, dashes and spaces do not matter', () => {
  const [code] = newRecoveryCodes(1);
  const h = hashRecoveryCode(code);
  assert.equal(hashRecoveryCode(code.toUpperCase()), h);
  assert.equal(hashRecoveryCode(code.replace(/-/g, ' ')), h);
  assert.equal(hashRecoveryCode(code.replace(/-/g, '')), h);
  assert.match(h, /^[0-9a-f]{64}$/);
  for (const bad of ['123456', '', 'abcd-efgh-ijkl', 'abcd-efgh-ijkl-mno1']) assert.equal(normalizeRecoveryCode(bad), null, bad);
});
