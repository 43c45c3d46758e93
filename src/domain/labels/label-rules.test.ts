import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeLevel, computeState } from './label-rules.js';
import type { Label } from '../users/user.js';

const L = (key: string, value: string, scope: 'public' | 'private' = 'private'): Label =>
  ({ id: 0, userId: 1, key, value, scope, description: null, createdAt: new Date(), updatedAt: new Date() });
const LEVELS = [{ id: 1, key: 'email', value: 'verified' }, { id: 2, key: 'phone', value: 'verified' }, { id: 3, key: 'document', value: 'verified' }];

test('state: pending until private email=verified, then active', () => {
  assert.equal(computeState([]), 'pending');
  assert.equal(computeState([L('email', 'verified', 'public')]), 'pending');
  assert.equal(computeState([L('email', 'verified')]), 'active');
});

test('state triggers match any scope and any value; later triggers win', () => {
  assert.equal(computeState([L('email', 'verified'), L('ban', 'x', 'public')]), 'banned');
  assert.equal(computeState([L('email', 'verified'), L('delete', 'by_user')]), 'deleted');
  assert.equal(computeState([L('fraud', 'yes'), L('lock', 'yes')]), 'locked');
});

test('level walks levels in order and stops at a gap; public labels never count', () => {
  assert.equal(computeLevel([], LEVELS), 0);
  assert.equal(computeLevel([L('email', 'verified')], LEVELS), 1);
  assert.equal(computeLevel([L('email', 'verified'), L('phone', 'verified')], LEVELS), 2);
  assert.equal(computeLevel([L('phone', 'verified')], LEVELS), 0);
  assert.equal(computeLevel([L('email', 'verified'), L('document', 'verified')], LEVELS), 1);
  assert.equal(computeLevel([L('email', 'verified', 'public')], LEVELS), 0);
});

test('label parts are lower-cased and squished; key/value rules give Barong keys', async () => {
  const { labelErrors, normalizeLabelPart, triggerKeys, DEFAULT_STATE_RULES } = await import('./label-rules.js');
  assert.equal(normalizeLabelPart('  My  Key '), 'my key');
  assert.deepEqual(labelErrors({ key: 'my key', value: 'ok-1' }), ['key.invalid']);
  assert.deepEqual(labelErrors({ key: 'ab', value: 'x'.repeat(256) }), ['key.too_short', 'value.too_long']);
  assert.deepEqual(labelErrors({ key: '', value: 'fine_value' }), ['key.blank', 'key.too_short', 'key.invalid']);
  assert.deepEqual(labelErrors({ key: 'kyc_note', value: 'seen', scope: 'secret' }), ['scope.inclusion']);
  assert.deepEqual([...triggerKeys(DEFAULT_STATE_RULES)].sort(), ['ban', 'delete', 'fraud', 'lock', 'suspicious']);
});
