import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openTestDb } from '../helpers/test-db.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-cli-'));
const env: Record<string, string> = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
let dropDb: (() => Promise<void>) | undefined;

before(async () => {
  if (process.env.DATABASE_URL) {
    const tdb = await openTestDb({ migrated: false });
    await tdb.db.close();
    env.DATABASE_URL = tdb.url!;
    dropDb = tdb.cleanup;
  }
});
after(async () => { await dropDb?.(); fs.rmSync(dataDir, { recursive: true, force: true }); });

const warden = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });

test('keys generate prints a signing key and an encryption key', () => {
  const r = warden('keys', 'generate');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^JWT_ALGORITHM=RS256$/m);
  assert.match(r.stdout, /^JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n.+-----END PRIVATE KEY-----"$/m);
  assert.match(r.stdout, /^ENCRYPTION_KEY=[0-9a-f]{64}$/m);
  assert.match(warden('keys', 'generate', '--algorithm', 'EdDSA').stdout, /^JWT_ALGORITHM=EdDSA$/m);
  assert.equal(warden('keys', 'generate', '--algorithm', 'HS256').status, 2);
});

test('migrate applies pending migrations, then reports the database up to date', () => {
  const first = warden('migrate');
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /applied: 0001_identity_core, 0002_api_keys/);
  const second = warden('migrate');
  assert.equal(second.status, 0);
  assert.match(second.stdout, /database is up to date/);
});

test('admin create makes an active superadmin once; weak passwords are refused', () => {
  const ok = warden('admin', 'create', '--email', 'root@example.com', '--password', 'Tecohvi0-Xq');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^created superadmin ID[0-9A-F]{10} <root@example.com>$/m);
  const again = warden('admin', 'create', '--email', 'root@example.com', '--password', 'Tecohvi0-Xq');
  assert.equal(again.status, 1);
  assert.match(again.stdout, /already exists/);
  const weak = warden('admin', 'create', '--email', 'weak@example.com', '--password', 'Password1');
  assert.equal(weak.status, 1);
  assert.match(weak.stderr, /password\.weak/);
  assert.ok(!weak.stderr.includes('Password1') && !ok.stdout.includes('Tecohvi0-Xq'), 'passwords are not echoed');
  assert.equal(warden('admin', 'create', '--email', 'x@example.com').status, 2, 'usage error without a password');
  const typo = warden('admin', 'create', '--email', 'wizard@example.com', '--password', 'Tecohvi0-Xq', '--role', 'wizard');
  assert.equal(typo.status, 1, 'a role no permission names is refused');
  assert.match(typo.stderr, /role\.doesnt_exist/);
});

test('a bad configuration stops the boot listing every bad variable', () => {
  const r = spawnSync(process.execPath, ['dist/cli.js', 'serve'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...env, PORT: 'eighty', CSRF_PROTECTION: 'maybe', REDIS_URL: 'http://nope', CAPTCHA_PROVIDER: 'recaptcha' },
  });
  assert.equal(r.status, 2);
  for (const name of ['PORT', 'CSRF_PROTECTION', 'REDIS_URL', 'CAPTCHA_SECRET']) assert.match(r.stderr, new RegExp(`- ${name}:`), `${name} listed`);
});

test('unknown commands print the usage', () => {
  const r = warden('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: warden/);
});
