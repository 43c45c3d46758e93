import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PASSWORD_POLICY } from '../../lib/password/policy.js';
import { readPartnerSignup } from './signup-rules.js';

const GOOD = { login: 'ann@example.com', name: ' Ann ', surname: "O'Neil", password: 'Tecohvi0-Xq', confirm_password: 'Tecohvi0-Xq', country: 70 };
const read = (p: Record<string, unknown>) => readPartnerSignup(p, DEFAULT_PASSWORD_POLICY, '2026-01-01');

test('a complete sign-up: trimmed names, no device', () => {
  const { signup, errors } = read(GOOD);
  assert.deepEqual(errors, []);
  assert.deepEqual(signup, { email: 'ann@example.com', name: 'Ann', surname: "O'Neil", password: 'Tecohvi0-Xq', countryId: 70, device: null });
  assert.equal(read({ ...GOOD, login: 'x' }).countryId, 70, 'the country id even when something else is wrong');
});

test('nothing given: every required field is blank', () => {
  assert.deepEqual(read({}).errors, ['email.blank', 'name.blank', 'surname.blank', 'password.blank', 'confirm_password.blank', 'country.blank']);
});

test('wrong values and types', () => {
  const { errors } = read({ login: 'nope', name: 'A<b>', surname: 5, password: 'short', confirm_password: 'other', country: 'ES' });
  assert.deepEqual(errors, ['email.invalid', 'surname.blank', 'name.invalid', 'password.requirements', 'confirm_password.mismatch', 'country.invalid']);
  assert.deepEqual(read({ ...GOOD, country: '12' }).signup?.countryId, 12);
  assert.deepEqual(read({ ...GOOD, country: -1 }).errors, ['country.invalid']);
  assert.deepEqual(read({ ...GOOD, country: 1.5 }).errors, ['country.invalid']);
});

test('device fields (OneSignal): kept when given, each checked', () => {
  const { signup } = read({ ...GOOD, device_type: 1, identifier: 'ce777617da7f548fe7a9ab6febb56cf39fba6d38', language: 'es', timezone: '-28800', app_version: 1.2, device_model: 'Pixel 8', device_os: '14' });
  assert.deepEqual(signup?.device, { deviceType: 1, identifier: 'ce777617da7f548fe7a9ab6febb56cf39fba6d38', language: 'es', timezone: -28800, appVersion: '1.2', deviceModel: 'Pixel 8', deviceOs: '14' });
  assert.deepEqual(read({ ...GOOD, device_type: 15 }).errors, ['device_type.invalid']);
  assert.deepEqual(read({ ...GOOD, device_type: 'ios' }).errors, ['device_type.invalid']);
  assert.deepEqual(read({ ...GOOD, timezone: 99_999, language: 'english language' }).errors, ['language.invalid', 'timezone.invalid']);
  assert.equal(read({ ...GOOD, device_type: null, identifier: '' }).signup?.device, null);
});
