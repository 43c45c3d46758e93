import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { FlowTokens, newBinding, pkceChallenge } from './flow-tokens.js';

const key = randomBytes(32);

test('a sealed token opens for its purpose only, until it expires; tampering and other keys fail', () => {
  let now = 1_700_000_000_000;
  const tokens = new FlowTokens(key, () => now);
  const { token, id, exp } = tokens.seal('state', { p: 'google', m: 'login' }, 600);
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(exp, 1_700_000_600);
  assert.deepEqual(tokens.open('state', token), { id, exp, body: { p: 'google', m: 'login' } });
  assert.equal(tokens.open('link', token), null, 'another purpose');
  assert.equal(tokens.open('state', `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`), null, 'tampered');
  assert.equal(new FlowTokens(randomBytes(32), () => now).open('state', token), null, 'another key');
  assert.equal(tokens.open('state', 42), null);
  assert.ok(!token.includes('google'), 'the content is not readable');
  now += 599_000;
  assert.ok(tokens.open('state', token));
  now += 1_000;
  assert.equal(tokens.open('state', token), null, 'expired');
});

test('PKCE verifier and nonce are derived per flow id; S256 challenge as RFC 7636', () => {
  const tokens = new FlowTokens(key);
  assert.match(tokens.verifier('a'), /^[A-Za-z0-9_-]{43}$/);
  assert.equal(tokens.verifier('a'), tokens.verifier('a'));
  assert.notEqual(tokens.verifier('a'), tokens.verifier('b'));
  assert.notEqual(tokens.nonce('a'), tokens.verifier('a').slice(0, 32));
  // RFC 7636 appendix B
  assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('binding tags match their cookie only', () => {
  const tokens = new FlowTokens(key);
  const binding = newBinding();
  const tag = tokens.bindingTag(binding);
  assert.ok(tokens.bindingMatches(binding, tag));
  assert.ok(!tokens.bindingMatches(newBinding(), tag));
  assert.ok(!tokens.bindingMatches(undefined, tag));
  assert.ok(!tokens.bindingMatches('', tokens.bindingTag('')));
});
