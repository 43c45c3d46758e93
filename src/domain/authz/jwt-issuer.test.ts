import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { verifyCompact } from '../../lib/jws.js';
import { keyIdOf } from '../../infra/keys/keystore.js';
import { JwtIssuer } from './jwt-issuer.js';

const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
const keys = { algorithm: 'RS256' as const, signingKey: pair.privateKey, kid: keyIdOf(pair.publicKey) };
const LIFETIME = 3600;

const user = { uid: 'ID0123456789', username: 'alice', email: 'alice@example.com', referral_id: null, role: 'member', level: 1, state: 'active' };
const serviceAccount = { uid: 'SI0123456789', email: 'sa@example.com', role: 'service_account', level: 1, state: 'active' };

/** A hand-moved clock in ms. */
function clock(start = Date.UTC(2030, 0, 1)) {
  let t = start;
  return { now: () => t, advance: (seconds: number) => { t += seconds * 1000; } };
}

const decode = (token: string) => verifyCompact(token, pair.publicKey, 'RS256');

describe('JwtIssuer: claims (BARONG.md §11.7)', () => {
  test('a user: his claims plus iat, exp, sub, iss, aud, jti; header alg and kid; verifies with the public key', () => {
    const c = clock();
    const { header, claims } = decode(new JwtIssuer(keys, LIFETIME, c.now).issue(user));
    assert.deepEqual(header, { alg: 'RS256', kid: keys.kid });
    assert.deepEqual(Object.keys(claims).sort(),
      ['aud', 'email', 'exp', 'iat', 'iss', 'jti', 'level', 'referral_id', 'role', 'state', 'sub', 'uid', 'username']);
    const { iat, exp, sub, iss, aud, jti, ...principal } = claims;
    assert.deepEqual(principal, user);
    assert.equal(iat, Math.floor(c.now() / 1000));
    assert.equal((exp as number) - (iat as number), LIFETIME);
    assert.equal(sub, 'session');
    assert.equal(iss, 'barong');
    assert.deepEqual(aud, ['peatio', 'barong']);
    assert.match(jti as string, /^[0-9a-f]{20}$/);
  });

  test('a service account: uid, email, role, level, state plus the registered claims', () => {
    const { claims } = decode(new JwtIssuer(keys, 60).issue(serviceAccount));
    assert.deepEqual(Object.keys(claims).sort(), ['aud', 'email', 'exp', 'iat', 'iss', 'jti', 'level', 'role', 'state', 'sub', 'uid']);
    assert.equal((claims.exp as number) - (claims.iat as number), 60);
  });

  test('principal claims cannot override the registered ones', () => {
    const { claims } = decode(new JwtIssuer(keys, LIFETIME).issue({ ...user, sub: 'confirmation', iss: 'evil', exp: 1 }));
    assert.equal(claims.sub, 'session');
    assert.equal(claims.iss, 'barong');
    assert.equal((claims.exp as number) - (claims.iat as number), LIFETIME);
  });

  test('ES256 and EdDSA keys sign verifiable tokens too', () => {
    for (const [alg, p] of [['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })], ['EdDSA', generateKeyPairSync('ed25519')]] as const) {
      const token = new JwtIssuer({ algorithm: alg, signingKey: p.privateKey, kid: keyIdOf(p.publicKey) }, LIFETIME).issue(user);
      assert.equal(verifyCompact(token, p.publicKey, alg).claims.uid, user.uid, alg);
    }
  });
});

describe('JwtIssuer: reuse', () => {
  test('the same claims (in any key order) → the same token, counted as reused', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const first = issuer.issue(user);
    c.advance(0.5);
    assert.equal(issuer.issue({ ...user }), first);
    const reversed = Object.fromEntries(Object.entries(user).reverse());
    assert.equal(issuer.issue(reversed), first);
    assert.deepEqual(issuer.stats(), { issued: 1, reused: 2, cached: 1 });
  });

  test('a changed claim (state, role) → a new token at once', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const active = issuer.issue(user);
    const banned = issuer.issue({ ...user, state: 'banned' });
    const admin = issuer.issue({ ...user, role: 'admin' });
    assert.equal(new Set([active, banned, admin]).size, 3);
    assert.equal(decode(banned).claims.state, 'banned');
    assert.equal(decode(admin).claims.role, 'admin');
    assert.deepEqual(issuer.stats(), { issued: 3, reused: 0, cached: 3 });
  });

  test('reused for less than a second only (§11.7: iat = now); then a new token with iat = now and a new jti', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const first = issuer.issue(user);
    c.advance(0.999);
    assert.equal(issuer.issue(user), first, '999 ms old');
    c.advance(0.001);
    const second = issuer.issue(user);
    assert.notEqual(second, first, '1000 ms old is too old');
    const { claims } = decode(second);
    assert.equal(claims.iat, Math.floor(c.now() / 1000));
    assert.equal(claims.iat, (decode(first).claims.iat as number) + 1);
    assert.match(claims.jti as string, /^[0-9a-f]{20}$/);
    assert.notEqual(claims.jti, decode(first).claims.jti);
    assert.deepEqual(issuer.stats(), { issued: 2, reused: 1, cached: 1 });
  });

  test('a reused token never carries an older iat: the window ends at the next whole second', () => {
    const c = clock(Date.UTC(2030, 0, 1) + 900);
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const first = issuer.issue(user);
    c.advance(0.099);
    assert.equal(issuer.issue(user), first, 'same second');
    c.advance(0.001);
    const next = issuer.issue(user);
    assert.notEqual(next, first, '100 ms later, but a new second');
    assert.equal(decode(next).claims.iat, Math.floor(c.now() / 1000));
  });

  test('a clock that steps back does not reuse a token issued "in the future"', () => {
    const c = clock(Date.UTC(2030, 0, 1) + 500);
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const first = issuer.issue(user);
    c.advance(-0.2);
    assert.notEqual(issuer.issue(user), first);
  });

  test('reuseMs: 0 signs on every call; up to 1000 ms the token is the current second\'s; a longer window reuses across seconds until 10 % of the lifetime is left', () => {
    const c = clock();
    const never = new JwtIssuer(keys, LIFETIME, c.now, { reuseMs: 0 });
    assert.notEqual(never.issue(user), never.issue(user));
    assert.deepEqual(never.stats(), { issued: 2, reused: 0, cached: 1 });
    const short = new JwtIssuer(keys, LIFETIME, c.now, { reuseMs: 200 });
    const first = short.issue(user);
    c.advance(0.199);
    assert.equal(short.issue(user), first);
    c.advance(0.001);
    assert.notEqual(short.issue(user), first);
    const second = new JwtIssuer(keys, LIFETIME, c.now, { reuseMs: 1000 });
    const a = second.issue(user);
    c.advance(1);
    assert.notEqual(second.issue(user), a, 'the default window ends with its second');
    const long = new JwtIssuer(keys, 600, c.now, { reuseMs: 120_000 });
    const b = long.issue(user);
    c.advance(119.9);
    assert.equal(long.issue(user), b, 'an operator\'s longer window reuses across seconds');
    c.advance(0.1);
    const d = long.issue(user);
    assert.notEqual(d, b, 'not past the window');
    const shortLived = new JwtIssuer(keys, 60, c.now, { reuseMs: 120_000 });
    const e = shortLived.issue(user);
    c.advance(52.9); // iat is the whole second, so at most 53.9 s of the 60 s are gone
    assert.equal(shortLived.issue(user), e);
    c.advance(1.1); // at least 54 s gone: 6 s (10 %) or less left
    assert.notEqual(shortLived.issue(user), e, 'never with less than max(10 % of the lifetime, 5 s) left');
  });

  test('the cache stays bounded: the oldest entries are evicted past the cap', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now, { maxEntries: 8 });
    for (let i = 0; i < 20; i += 1) issuer.issue({ ...user, uid: `ID${i}` });
    assert.equal(issuer.stats().cached, 8);
    issuer.issue({ ...user, uid: 'ID19' });
    assert.deepEqual(issuer.stats(), { issued: 20, reused: 1, cached: 8 }, 'the newest entry is kept');
    issuer.issue({ ...user, uid: 'ID0' });
    assert.deepEqual(issuer.stats(), { issued: 21, reused: 1, cached: 8 }, 'the oldest entry was evicted: signed again');
  });

  test('stale entries are dropped on the next insert, so an idle cache shrinks', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    for (let i = 0; i < 5; i += 1) issuer.issue({ ...user, uid: `ID${i}` });
    assert.equal(issuer.stats().cached, 5);
    c.advance(1);
    issuer.issue({ ...user, uid: 'IDnew' });
    assert.equal(issuer.stats().cached, 1);
  });

  test('issueFor remembers the token on the principal object: no claims built within the second; a new object is a new principal', () => {
    const c = clock();
    const issuer = new JwtIssuer(keys, LIFETIME, c.now);
    const snapshot = { ...user };
    let built = 0;
    const claims = () => { built += 1; return { ...snapshot }; };
    const first = issuer.issueFor(snapshot, claims);
    assert.equal(issuer.issueFor(snapshot, claims), first);
    assert.equal(built, 1, 'the claims of a remembered principal are not built again');
    assert.equal(issuer.issueFor({ ...user }, () => ({ ...user })), first, 'same claims, another object: the claims cache answers');
    const promoted = { ...user, level: 2 };
    const second = issuer.issueFor(promoted, () => ({ ...promoted }));
    assert.notEqual(second, first);
    assert.equal(decode(second).claims.level, 2);
    c.advance(1);
    const renewed = issuer.issueFor(snapshot, claims);
    assert.notEqual(renewed, first, 'a second later the remembered token is replaced');
    assert.equal(decode(renewed).claims.iat, Math.floor(c.now() / 1000));
    assert.equal(built, 2);
    assert.deepEqual(issuer.stats(), { issued: 3, reused: 2, cached: 1 });
  });

  test('issueFor with the cache turned off signs every time', () => {
    const issuer = new JwtIssuer(keys, LIFETIME, clock().now, { maxEntries: 0 });
    const snapshot = { ...user };
    issuer.issueFor(snapshot, () => ({ ...snapshot }));
    issuer.issueFor(snapshot, () => ({ ...snapshot }));
    assert.equal(issuer.stats().issued, 2);
  });
});
