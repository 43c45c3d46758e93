import { test } from 'node:test';
import assert from 'node:assert/strict';
import { earned, score, verificationStatus } from './dashboard-rules.js';

test('KYC label values as dashboard statuses', () => {
  assert.equal(verificationStatus(undefined), 'not_verified');
  assert.equal(verificationStatus('pending'), 'pending');
  assert.equal(verificationStatus('verified'), 'verified');
  assert.equal(verificationStatus('rejected'), 'rejected');
  assert.equal(verificationStatus('something_else'), 'not_verified');
});

test('points only for verified steps; scores from their source', () => {
  assert.equal(earned(true, 5), 5);
  assert.equal(earned(false, 5), 0);
  assert.equal(score('level', { level: 3, points: 10 }).text, '3');
  assert.equal(score('points', { level: 3, points: 10 }).text, '10');
  assert.equal(score('stored', { level: 3, points: 10, stored: '4.50' }).text, '4.5');
  assert.equal(score('stored', { level: 3, points: 10 }).text, '0');
  assert.equal(score('stored', { level: 3, points: 10, stored: 'x' }).text, '0');
});
