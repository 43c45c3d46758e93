import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import type { Db } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/pg.js';
import { openTestDb } from '../helpers/test-db.js';

/** Prepared statements on real PostgreSQL (PGlite has no pool and is not affected). */
describe('PostgreSQL statements', { skip: !process.env.DATABASE_URL && 'DATABASE_URL is not set' }, () => {
  let url: string;
  let cleanup: () => Promise<void>;
  const opened: Db[] = [];
  /** One connection, so pg_prepared_statements shows what this pool prepared. */
  const open = async (prepare?: boolean) => { const db = await openPostgres(url, { max: 1, prepare }); opened.push(db); return db; };
  const prepared = async (db: Db) => (await db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name'));

  before(async () => { ({ url, cleanup } = await openTestDb({ migrated: false }) as { url: string; cleanup: () => Promise<void> }); });
  after(async () => { for (const db of opened) await db.close(); await cleanup(); });

  it('prepares a parameterised statement once and runs it again by name', async () => {
    const db = await open();
    assert.deepEqual(await db.query('SELECT $1::int + 1 AS n', [1]), [{ n: 2 }]);
    assert.deepEqual(await db.query('SELECT $1::int + 1 AS n', [41]), [{ n: 42 }]);
    assert.deepEqual(await prepared(db), [{ name: 'warden_0', statement: 'SELECT $1::int + 1 AS n' }]);
    assert.equal(db.queryCount, 3);
  });

  it('runs statements without parameters, several in one text, unprepared', async () => {
    const db = await open();
    await db.query('CREATE TABLE multi_a (a int); CREATE TABLE multi_b (b int)');
    assert.deepEqual(await db.query('SELECT count(*)::int AS n FROM multi_a'), [{ n: 0 }]);
    assert.deepEqual(await prepared(db), []);
  });

  it('answers with the new columns after a migration changed a prepared SELECT *, and stops preparing that text', async () => {
    const db = await open();
    await db.query('CREATE TABLE widened (id int PRIMARY KEY, a text)');
    await db.query('INSERT INTO widened VALUES ($1, $2)', [1, 'x']);
    const sql = 'SELECT * FROM widened WHERE id = $1';
    assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x' }]);
    // Another instance migrates while this one keeps its prepared plan.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query("ALTER TABLE widened ADD COLUMN b text NOT NULL DEFAULT 'new'");
    await other.end();
    assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x', b: 'new' }]);
    assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x', b: 'new' }]);
    // A write that was prepared is not applied twice by the retry.
    const insert = 'INSERT INTO widened (id, a) VALUES ($1, $2) RETURNING *';
    await db.query(insert, [2, 'y']);
    const again = new pg.Client({ connectionString: url });
    await again.connect();
    await again.query('ALTER TABLE widened ADD COLUMN c int NOT NULL DEFAULT 3');
    await again.end();
    assert.deepEqual(await db.query(insert, [3, 'z']), [{ id: 3, a: 'z', b: 'new', c: 3 }]);
    assert.deepEqual(await db.query('SELECT count(*)::int AS n FROM widened WHERE id = $1', [3]), [{ n: 1 }]);
  });

  it('prepares nothing with prepare: false (for PgBouncer in transaction mode)', async () => {
    const db = await open(false);
    await db.query('SELECT $1::int AS n', [1]);
    await db.query('SELECT $1::int AS n', [2]);
    assert.deepEqual(await prepared(db), []);
  });

  it('keeps transactions unprepared and intact', async () => {
    const db = await open();
    await db.query('CREATE TABLE tx_rows (id int)');
    await assert.rejects(db.tx(async (q) => { await q.query('INSERT INTO tx_rows VALUES ($1)', [1]); throw new Error('undo'); }), /undo/);
    await db.tx(async (q) => { await q.query('INSERT INTO tx_rows VALUES ($1)', [2]); });
    assert.deepEqual(await db.query('SELECT id FROM tx_rows ORDER BY id'), [{ id: 2 }]);
    assert.deepEqual(await prepared(db), []);
  });
});
