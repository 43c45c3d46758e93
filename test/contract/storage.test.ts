import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/db.js';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { assertKeysMatchDatabase, generateSigningKeyPem, loadKeys } from '../../src/infra/keys/keystore.js';
import { applySeeds, readSeedsFile } from '../../src/domain/seeds/apply-seeds.js';
import { defaultSeeds } from '../../src/domain/seeds/default-seeds.js';
import { openTestDb } from '../helpers/test-db.js';

let db: Db;
let cleanup: () => Promise<void>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-contract-'));
before(async () => { ({ db, cleanup } = await openTestDb({ migrated: false })); });
after(async () => { await cleanup(); fs.rmSync(tmp, { recursive: true, force: true }); });

test('migrations apply once, concurrently too, and record checksums', async () => {
  const [a, b] = await Promise.all([migrate(db), migrate(db)]);
  assert.deepEqual([...a, ...b].sort(), loadMigrations().map((m) => `${m.version}_${m.name}`), 'each migration applied exactly once');
  assert.deepEqual(await migrate(db), []);
  const rows = await db.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  assert.deepEqual(rows.map((r) => r.version), loadMigrations().map((m) => m.version));
  assert.match(rows[0].checksum, /^[0-9a-f]{64}$/);
});

test('a migration edited after it was applied stops the boot', async () => {
  await migrate(db);
  const edited = loadMigrations().map((m) => ({ ...m, checksum: 'different' }));
  await assert.rejects(migrate(db, edited), /changed after it was applied/);
});

test('unique indexes of BARONG.md §2 hold (email case-insensitive, uid, username, labels per scope)', async () => {
  await migrate(db);
  const insert = (uid: string, email: string, username: string | null) =>
    db.query("INSERT INTO users (uid, email, username, password_digest) VALUES ($1, $2, $3, 'x') RETURNING id", [uid, email, username]);
  const [{ id }] = await insert('IDAAAAAAAAAA', 'Case@Example.com', 'alice') as { id: number }[];
  await assert.rejects(insert('IDBBBBBBBBBB', 'case@example.com', null), (e: { code?: string }) => e.code === '23505');
  await assert.rejects(insert('IDAAAAAAAAAA', 'other@example.com', null), (e: { code?: string }) => e.code === '23505');
  await assert.rejects(insert('IDCCCCCCCCCC', 'third@example.com', 'alice'), (e: { code?: string }) => e.code === '23505');
  await db.query("INSERT INTO labels (user_id, key, value, scope) VALUES ($1, 'email', 'verified', 'private')", [id]);
  await db.query("INSERT INTO labels (user_id, key, value, scope) VALUES ($1, 'email', 'verified', 'public')", [id]);
  await assert.rejects(db.query("INSERT INTO labels (user_id, key, value, scope) VALUES ($1, 'email', 'x', 'private')", [id]), (e: { code?: string }) => e.code === '23505');
});

test('transactions roll back on error', async () => {
  await migrate(db);
  await assert.rejects(db.tx(async (q) => {
    await q.query("INSERT INTO levels (key, value, description) VALUES ('tx', 'rollback', 'd')");
    throw new Error('boom');
  }), /boom/);
  assert.equal((await db.query("SELECT 1 FROM levels WHERE key = 'tx'")).length, 0);
});

test('the database refuses an instance whose keys differ from the first one', async () => {
  await migrate(db);
  const keysA = loadKeys({ algorithm: 'RS256', dataDir: path.join(tmp, 'a') });
  await assertKeysMatchDatabase(db, keysA);
  await assertKeysMatchDatabase(db, loadKeys({ algorithm: 'RS256', dataDir: path.join(tmp, 'a') }));
  const keysB = loadKeys({ algorithm: 'RS256', dataDir: path.join(tmp, 'b') });
  await assert.rejects(assertKeysMatchDatabase(db, keysB), /initialised with another jwt key: set JWT_PRIVATE_KEY/);
  const sameJwtOtherEnc = loadKeys({ algorithm: 'RS256', dataDir: path.join(tmp, 'c'), jwtPrivateKey: fs.readFileSync(path.join(tmp, 'a', 'keys', 'jwt-rs256.pem'), 'utf8') });
  await assert.rejects(assertKeysMatchDatabase(db, sameJwtOtherEnc), /ENCRYPTION_KEY/);
});

test('keys: generated files persist across boots; a key of the wrong type is refused', () => {
  const dir = path.join(tmp, 'persist');
  const k1 = loadKeys({ algorithm: 'RS256', dataDir: dir });
  const k2 = loadKeys({ algorithm: 'RS256', dataDir: dir });
  assert.equal(k1.kid, k2.kid);
  assert.ok(k1.encryptionKey.equals(k2.encryptionKey));
  assert.equal((fs.statSync(path.join(dir, 'keys', 'encryption.key')).mode & 0o777), 0o600);
  assert.throws(() => loadKeys({ algorithm: 'ES256', dataDir: dir, jwtPrivateKey: generateSigningKeyPem('RS256') }), /needs ec/);
  const inline = loadKeys({ algorithm: 'EdDSA', dataDir: dir, jwtPrivateKey: generateSigningKeyPem('EdDSA').replace(/\n/g, '\\n'), encryptionKey: randomBytes(32).toString('base64') });
  assert.equal(inline.algorithm, 'EdDSA');
});

test('seeds are idempotent; a SEEDS_FILE replaces them and bad entries abort', async () => {
  await migrate(db);
  await applySeeds(db, defaultSeeds('/api/v2/auth'));
  const count = async (t: string) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0].n;
  const before = [await count('levels'), await count('permissions'), await count('restrictions')];
  await applySeeds(db, defaultSeeds('/api/v2/auth'));
  assert.deepEqual([await count('levels'), await count('permissions'), await count('restrictions')], before);
  const disabled = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM restrictions WHERE state = 'disabled'");
  assert.ok(disabled[0].n >= 6);
  const [maint] = await db.query<{ code: number }>("SELECT code FROM restrictions WHERE category = 'maintenance' AND scope = 'all'");
  assert.equal(maint.code, 471);
  assert.ok((await db.query("SELECT 1 FROM permissions WHERE role = 'member' AND path = 'api/v2/auth/resource' AND action = 'ACCEPT'")).length === 1);

  const file = path.join(tmp, 'seeds.yml');
  fs.writeFileSync(file, 'levels:\n  - {key: email, value: verified, description: e}\npermissions:\n  - {role: quant, verb: get, path: /api/v2/x, action: accept}\nrestrictions:\n  - {category: blacklist, scope: ip, value: 203.0.113.9}\n');
  await applySeeds(db, readSeedsFile(file));
  const [p] = await db.query<{ verb: string; path: string; action: string }>("SELECT verb, path, action FROM permissions WHERE role = 'quant'");
  assert.deepEqual(p, { verb: 'GET', path: 'api/v2/x', action: 'ACCEPT' });
  const [r] = await db.query<{ code: number; state: string }>("SELECT code, state FROM restrictions WHERE value = '203.0.113.9'");
  assert.deepEqual(r, { code: 401, state: 'enabled' });
  fs.writeFileSync(file, 'rules:\n  pass: [/api/v2/x/public]\n  block: [api/v2/x/management]\n');
  assert.deepEqual(readSeedsFile(file).rules, { pass: ['api/v2/x/public'], block: ['api/v2/x/management'] });
  fs.writeFileSync(file, 'rules:\n  pass: [1, ""]\n');
  assert.throws(() => readSeedsFile(file), /rules.pass: must be a list of path prefixes/);
  fs.writeFileSync(file, 'permissions:\n  - {role: x, verb: FETCH, path: a, action: maybe}\n');
  assert.throws(() => readSeedsFile(file), /verb must be one of.*\n.*action must be ACCEPT, DROP or AUDIT/);
});
