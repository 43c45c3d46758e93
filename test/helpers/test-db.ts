import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/pg.js';
import { migrate } from '../../src/db/migrate.js';

const MIGRATIONS = new URL('../../migrations/', import.meta.url);

/**
 * A dump of a fresh, fully migrated PGlite database, shared by every test process of this
 * checkout (named by a hash of the migrations and the PGlite version, written atomically).
 * Starting from it skips initdb and the migrations: several seconds per test app.
 */
async function migratedTemplate(): Promise<string> {
  const h = createHash('sha256');
  for (const f of fs.readdirSync(MIGRATIONS).sort()) h.update(f).update(fs.readFileSync(new URL(f, MIGRATIONS)));
  h.update(JSON.parse(fs.readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')).version);
  const file = path.join(os.tmpdir(), `warden-pglite-template-${h.digest('hex').slice(0, 16)}.tar`);
  if (fs.existsSync(file)) return file;
  const db = await openPglite();
  try {
    await migrate(db);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await db.dump(tmp);
    fs.renameSync(tmp, file);
  } finally {
    await db.close();
  }
  return file;
}

/**
 * A database of its own for one test file: a fresh PostgreSQL database (dropped afterwards)
 * when DATABASE_URL is set, otherwise in-memory PGlite. Never a shared mutable database.
 */
export async function openTestDb(opts: { migrated?: boolean; fromTemplate?: boolean } = {}): Promise<{ db: Db; url?: string; cleanup: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    if (opts.fromTemplate) {
      // Already migrated: the container's migrate() finds nothing to do (same checksums).
      const db = await openPglite(undefined, { template: await migratedTemplate() });
      return { db, cleanup: () => db.close().catch(() => undefined) };
    }
    const db = await openPglite();
    if (opts.migrated !== false) await migrate(db);
    return { db, cleanup: () => db.close().catch(() => undefined) };
  }
  const name = `warden_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try { await c.query(sql); } finally { await c.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await openPostgres(u.toString(), { max: 4 });
  if (opts.migrated !== false) await migrate(db);
  return {
    db, url: u.toString(),
    cleanup: async () => { await db.close().catch(() => undefined); await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); },
  };
}
