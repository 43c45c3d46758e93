import fs from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

/** Migrations live at the package root (`migrations/NNNN_name.sql`) for src/ and dist/ alike. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));
const LOCK_KEY = 7_240_001; // any constant; only Warden uses it

export interface Migration { version: string; name: string; sql: string; checksum: string }

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs.readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(dir + file, 'utf8');
      return { version: file.slice(0, 4), name: file.slice(5, -4), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Forward-only: applies each pending migration in its own transaction under a transaction-
 * scoped advisory lock, so concurrent boots apply each migration exactly once. An applied
 * migration whose file changed afterwards stops the boot (edit history, never rewrite it).
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<string[]> {
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog.
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await q.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  const applied: string[] = [];
  for (const m of migrations) {
    await db.tx(async (q) => {
      await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const [row] = await q.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = $1', [m.version]);
      if (row) {
        if (row.checksum !== m.checksum) throw new Error(`migration ${m.version}_${m.name} was changed after it was applied (checksum mismatch)`);
        return;
      }
      for (const statement of splitStatements(m.sql)) await q.query(statement);
      await q.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [m.version, m.name, m.checksum]);
      applied.push(`${m.version}_${m.name}`);
    });
  }
  return applied;
}

/** Splits a script on semicolons at line ends (our migrations use no procedural bodies). */
function splitStatements(sql: string): string[] {
  return sql.replace(/--[^\n]*/g, '').split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);
}
