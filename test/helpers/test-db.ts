import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../../src/db/db.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/pg.js';
import { migrate } from '../../src/db/migrate.js';

/**
 * A database of its own for one test file: a fresh PostgreSQL database (dropped afterwards)
 * when DATABASE_URL is set, otherwise in-memory PGlite. Never a shared mutable database.
 */
export async function openTestDb(opts: { migrated?: boolean } = {}): Promise<{ db: Db; url?: string; cleanup: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
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
