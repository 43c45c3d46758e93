import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileFrom, OIDC_RULES, type ProfileRules } from './profile.js';

const rules = (over: Partial<ProfileRules>): ProfileRules => ({ ...OIDC_RULES, ...over });

test('OpenID Connect claims: email_verified true or "true" (Apple); otherwise not verified', () => {
  assert.deepEqual(profileFrom(OIDC_RULES, { sub: 's1', email: 'a@example.com', email_verified: true }), { subject: 's1', email: 'a@example.com', emailVerified: true });
  assert.equal(profileFrom(OIDC_RULES, { sub: 's1', email: 'a@example.com', email_verified: 'true' })!.emailVerified, true);
  assert.equal(profileFrom(OIDC_RULES, { sub: 's1', email: 'a@example.com' })!.emailVerified, false);
  assert.equal(profileFrom(rules({ trustEmail: true }), { sub: 's1', email: 'a@example.com' })!.emailVerified, true, 'trust_email');
  assert.equal(profileFrom(rules({ trustEmail: true }), { sub: 's1', email: 'a@example.com', email_verified: false })!.emailVerified, false, 'an explicit no wins');
  assert.deepEqual(profileFrom(OIDC_RULES, { sub: 's1', email: 'not an email', email_verified: true }), { subject: 's1', email: null, emailVerified: false });
  assert.equal(profileFrom(OIDC_RULES, { email: 'a@example.com' }), null, 'no subject');
  assert.equal(profileFrom(OIDC_RULES, { sub: '' }), null);
});

test('Facebook: numeric-string id, email trusted by the preset', () => {
  assert.deepEqual(profileFrom(rules({ profile: 'facebook', trustEmail: true }), { id: '1234567890', name: 'A', email: 'fb@example.com' }),
    { subject: '1234567890', email: 'fb@example.com', emailVerified: true });
});

test('PayPal: user_id and the primary confirmed email of the list', () => {
  const info = { user_id: 'https://www.paypal.com/webapps/auth/identity/user/abc', emails: [{ value: 'old@example.com', primary: false, confirmed: true }, { value: 'pp@example.com', primary: true, confirmed: true }] };
  assert.deepEqual(profileFrom(rules({ profile: 'paypal' }), info), { subject: info.user_id, email: 'pp@example.com', emailVerified: true });
  const unconfirmed = { user_id: 'u', emails: [{ value: 'pp@example.com', primary: true, confirmed: false }] };
  assert.equal(profileFrom(rules({ profile: 'paypal' }), unconfirmed)!.emailVerified, false);
});

test('generic OAuth 2.0: the configured claim names; numeric ids become strings', () => {
  const r = rules({ profile: 'claims', claims: { subject: 'id', email: 'mail', emailVerified: 'verified' } });
  assert.deepEqual(profileFrom(r, { id: 42, mail: 'g@example.com', verified: true }), { subject: '42', email: 'g@example.com', emailVerified: true });
});
