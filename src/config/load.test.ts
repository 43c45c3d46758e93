import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './load.js';

test('defaults give a working embedded configuration', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.HOST, '127.0.0.1');
  assert.equal(c.API_PREFIX, '/api/v2/auth');
  assert.equal(c.AUTHZ_PREFIX, '/api/v2/authz');
  assert.equal(c.SESSION_EXPIRE_TIME, 1800);
  assert.equal(c.JWT_EXPIRE_TIME, 3600);
  assert.equal(c.APIKEY_NONCE_LIFETIME, 5000);
  assert.equal(c.CSRF_PROTECTION, true);
  assert.equal(c.FIRST_REGISTRATION_SUPERADMIN, false);
  assert.equal(c.corsOrigins, '*');
  assert.equal(c.DATABASE_URL, undefined);
  assert.deepEqual([...c.captchaProtected], ['user_create', 'session_create', 'password_reset', 'email_confirmation']);
  assert.equal(c.rates.loginIp.count, 30);
});

test('every bad variable is reported in one error', () => {
  try {
    loadConfig({ PORT: 'abc', CSRF_PROTECTION: 'yes', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ADMIN_EMAIL: 'a@b.c', CORS_ORIGINS: 'nohost' });
    assert.fail('expected ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const names = e.problems.map((p) => p.split(':')[0]);
    for (const n of ['PORT', 'CSRF_PROTECTION', 'DATABASE_URL', 'LOG_LEVEL', 'ADMIN_EMAIL, ADMIN_PASSWORD', 'CORS_ORIGINS']) {
      assert.ok(names.includes(n), `missing ${n} in ${names.join('|')}`);
    }
    assert.ok(e.problems.includes('PORT: must be an integer (got "abc")'), e.problems.join('\n'));
    assert.ok(e.problems.includes('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'), e.problems.join('\n'));
  }
});

test('empty CAPTCHA_PROTECTED_ENDPOINTS protects nothing; prefixes lose trailing slashes', () => {
  const c = loadConfig({ CAPTCHA_PROTECTED_ENDPOINTS: '', API_PREFIX: '/api/v2/', CORS_ORIGINS: 'https://a.example,http://b.example:8080' });
  assert.equal(c.captchaProtected.size, 0);
  assert.equal(c.API_PREFIX, '/api/v2');
  assert.deepEqual(c.corsOrigins, ['https://a.example', 'http://b.example:8080']);
});

test('JWT_PRIVATE_KEY_PATH: the file becomes JWT_PRIVATE_KEY; unreadable, non-PEM or both set are reported', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { generateKeyPairSync } = await import('node:crypto');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-key-'));
  try {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = path.join(dir, 'jwt.pem');
    fs.writeFileSync(file, pem);
    assert.equal(loadConfig({ JWT_PRIVATE_KEY_PATH: file }).JWT_PRIVATE_KEY, pem);
    fs.writeFileSync(path.join(dir, 'junk'), 'not a key');
    const cases: [Record<string, string>, string][] = [
      [{ JWT_PRIVATE_KEY_PATH: path.join(dir, 'missing.pem') }, 'JWT_PRIVATE_KEY_PATH: cannot read'],
      [{ JWT_PRIVATE_KEY_PATH: path.join(dir, 'junk') }, 'JWT_PRIVATE_KEY_PATH: '],
      [{ JWT_PRIVATE_KEY_PATH: file, JWT_PRIVATE_KEY: pem }, 'JWT_PRIVATE_KEY, JWT_PRIVATE_KEY_PATH: set one'],
    ];
    for (const [env, expected] of cases) {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && e.problems.some((p) => p.startsWith(expected)));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('values only their use could reject before are checked at load, all in one error', () => {
  try {
    loadConfig({
      ENCRYPTION_KEY: 'short', TRUST_PROXY: 'loopback,not an ip!!', JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----',
      SEEDS_FILE: '/nonexistent/seeds.yml', ABILITIES_FILE: '/nonexistent/abilities.yml', GEOIP_DB_PATH: '/nonexistent/geo.mmdb',
    });
    assert.fail('expected ConfigError');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    const names = e.problems.map((p) => p.split(':')[0]);
    assert.deepEqual(names.sort(), ['ABILITIES_FILE', 'ENCRYPTION_KEY', 'GEOIP_DB_PATH', 'JWT_PRIVATE_KEY', 'SEEDS_FILE', 'TRUST_PROXY']);
    assert.ok(e.problems.some((p) => p.includes('"not an ip!!"')));
  }
  assert.throws(() => loadConfig({ JWT_PRIVATE_KEY: 'garbage' }), (e: unknown) => e instanceof ConfigError && e.problems[0].startsWith('JWT_PRIVATE_KEY: neither a PEM'));
  const ok = loadConfig({ ENCRYPTION_KEY: 'ab'.repeat(32), TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::/32' });
  assert.equal(ok.ENCRYPTION_KEY, 'ab'.repeat(32));
  assert.deepEqual(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
});
