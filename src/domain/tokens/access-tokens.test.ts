import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { signCompact } from '../../lib/jws.js';
import type { User } from '../users/user.js';
import { AccessTokens } from './access-tokens.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const keys = { algorithm: 'EdDSA' as const, signingKey: privateKey, kid: 'k1', verificationKeys: [{ kid: 'k1', algorithm: 'EdDSA' as const, publicKey }] };
const user: User = {
  id: 1, uid: 'ID0000000001', username: null, email: 'a@example.com', passwordDigest: 'x', role: 'member', data: null, level: 1, otp: false,
  state: 'active', referralId: null, createdAt: new Date(), updatedAt: new Date(),
};
const refused = (fn: () => unknown) => assert.throws(fn, (e) => e instanceof AppError && e.keys[0] === 'tokens.access.invalid');

test('issues the gateway claims plus sid, and verifies them back', () => {
  let now = 1_700_000_000_000;
  const tokens = new AccessTokens(keys, 300, () => now);
  const claims = tokens.verify(tokens.issue(user, 'f'.repeat(32)));
  assert.deepEqual([claims.uid, claims.sid, claims.email, claims.role, claims.level, claims.state, claims.sub, claims.iss], [user.uid, 'f'.repeat(32), user.email, 'member', 1, 'active', 'session', 'barong']);
  assert.equal(claims.exp - claims.iat, 300);
  const a = tokens.issue(user, 'a'.repeat(32));
  assert.notEqual(a, tokens.issue(user, 'a'.repeat(32)), 'never reused from a cache');
  now += 300_000;
  refused(() => tokens.verify(a));
});

test('refuses tokens without sid, with another subject, foreign keys or garbage', () => {
  const now = () => 1_700_000_000_000;
  const tokens = new AccessTokens(keys, 300, now);
  const iat = 1_700_000_000;
  const base = { uid: user.uid, iat, exp: iat + 60, sub: 'session', iss: 'barong', jti: 'j' };
  refused(() => tokens.verify(signCompact(base, privateKey, 'EdDSA', 'k1')));
  refused(() => tokens.verify(signCompact({ ...base, sid: 's', sub: 'confirmation' }, privateKey, 'EdDSA', 'k1')));
  const other = generateKeyPairSync('ed25519').privateKey;
  refused(() => tokens.verify(signCompact({ ...base, sid: 's' }, other, 'EdDSA', 'k1')));
  refused(() => tokens.verify('not.a.jwt'));
  assert.equal(tokens.verify(signCompact({ ...base, sid: 's' }, privateKey, 'EdDSA', 'k1')).sid, 's');
});
