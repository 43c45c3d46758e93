import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { openPostgres } from '../../src/db/pg.js';
import { openPglite } from '../../src/db/pglite.js';
import { openTestDb } from '../helpers/test-db.js';

/**
 * Parameterised statements outside transactions run as named statements, on both databases:
 * PGlite always, PostgreSQL when DATABASE_URL is set (one connection per pool here, so
 * pg_prepared_statements shows what that pool prepared).
 */
const kinds: [string, (prepare?: boolean) => Promise<Db>][] = [['PGlite', () => openPglite()]];
let pgUrl: string | undefined;
let pgCleanup: (() => Promise<void>) | undefined;
if (process.env.DATABASE_URL) kinds.push(['PostgreSQL', (prepare) => openPostgres(pgUrl!, { max: 1, prepare })]);

before(async () => {
  if (process.env.DATABASE_URL) ({ url: pgUrl, cleanup: pgCleanup } = await openTestDb({ migrated: false }));
});
after(async () => { await pgCleanup?.(); });

for (const [kind, openDb] of kinds) {
  describe(`prepared statements: ${kind}`, () => {
    const opened: Db[] = [];
    let shared: Db | undefined;
    // One database per kind (PGlite takes seconds to start); each test uses tables of its own.
    const open = async (prepare?: boolean) => {
      if (prepare === undefined && shared) return shared;
      const db = await openDb(prepare);
      opened.push(db);
      if (prepare === undefined) shared = db;
      return db;
    };
    /** Names of the prepared statements whose text is one of `texts`. */
    const prepared = async (db: Db, ...texts: string[]) => (await db.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements ORDER BY name'))
      .filter((p) => texts.includes(p.statement)).map((p) => p.statement);
    after(async () => { for (const db of opened) await db.close(); });

    it('prepares a parameterised statement once and runs it again by name, with typed parameters and results', async () => {
      const db = await open();
      const before = db.queryCount;
      assert.deepEqual(await db.query('SELECT $1::int + 1 AS n', [1]), [{ n: 2 }]);
      assert.deepEqual(await prepared(db, 'SELECT $1::int + 1 AS n'), [], 'a first run is not prepared');
      assert.deepEqual(await db.query('SELECT $1::int + 1 AS n', [41]), [{ n: 42 }]);
      assert.deepEqual(await db.query('SELECT $1::int + 1 AS n', [42]), [{ n: 43 }]);
      assert.deepEqual(await prepared(db, 'SELECT $1::int + 1 AS n'), ['SELECT $1::int + 1 AS n']);
      const at = new Date('2026-12-06T10:00:00.000Z');
      for (let run = 0; run < 2; run++) {
        const [row] = await db.query<{ t: Date; j: unknown; b: boolean; n: null }>('SELECT $1::timestamptz AS t, $2::jsonb AS j, $3::boolean AS b, $4::text AS n', [at, JSON.stringify({ a: [1] }), true, null]);
        assert.deepEqual(row, { t: at, j: { a: [1] }, b: true, n: null });
      }
      assert.equal(db.queryCount - before, 7);
    });

    it('runs statements without parameters unprepared; errors keep their code and leave the session usable', async () => {
      const db = await open();
      await db.query('CREATE TABLE multi_a (a int PRIMARY KEY)');
      if (kind === 'PostgreSQL') await db.query('CREATE TABLE multi_b (b int); CREATE TABLE multi_c (c int)'); // several in one text
      assert.deepEqual(await db.query('SELECT count(*)::int AS n FROM multi_a'), [{ n: 0 }]);
      assert.deepEqual(await prepared(db, 'SELECT count(*)::int AS n FROM multi_a'), []);
      await db.query('INSERT INTO multi_a VALUES ($1)', [1]);
      await assert.rejects(db.query('INSERT INTO multi_a VALUES ($1)', [1]), (e: { code?: string }) => e.code === '23505');
      await assert.rejects(db.query('SELECT nope FROM multi_a WHERE a = $1', [1]), (e: { code?: string }) => e.code === '42703');
      assert.deepEqual(await db.query('SELECT a FROM multi_a WHERE a = $1', [1]), [{ a: 1 }]);
    });

    it('answers with the new columns after a migration changed a prepared SELECT *, and a write is not applied twice', async () => {
      const db = await open();
      await db.query('CREATE TABLE widened (id int PRIMARY KEY, a text)');
      await db.query('INSERT INTO widened VALUES ($1, $2)', [1, 'x']);
      const sql = 'SELECT * FROM widened WHERE id = $1';
      assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x' }]);
      assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x' }]); // named from its second run
      await db.query("ALTER TABLE widened ADD COLUMN b text NOT NULL DEFAULT 'new'"); // another instance migrates
      assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x', b: 'new' }]);
      assert.deepEqual(await db.query(sql, [1]), [{ id: 1, a: 'x', b: 'new' }]);
      const insert = 'INSERT INTO widened (id, a) VALUES ($1, $2) RETURNING *';
      await db.query(insert, [2, 'y']);
      await db.query(insert, [4, 'w']);
      await db.query('ALTER TABLE widened ADD COLUMN c int NOT NULL DEFAULT 3');
      assert.deepEqual(await db.query(insert, [3, 'z']), [{ id: 3, a: 'z', b: 'new', c: 3 }]);
      assert.deepEqual(await db.query('SELECT count(*)::int AS n FROM widened WHERE id = $1', [3]), [{ n: 1 }]);
    });

    it('keeps transactions unprepared and intact', async () => {
      const db = await open();
      await db.query('CREATE TABLE tx_rows (id int)');
      await assert.rejects(db.tx(async (q) => { await q.query('INSERT INTO tx_rows VALUES ($1)', [1]); throw new Error('undo'); }), /undo/);
      await db.tx(async (q) => { await q.query('INSERT INTO tx_rows VALUES ($1)', [2]); await q.query('INSERT INTO tx_rows VALUES ($1)', [3]); });
      assert.deepEqual(await db.query('SELECT id FROM tx_rows ORDER BY id'), [{ id: 2 }, { id: 3 }]);
      assert.deepEqual(await prepared(db, 'INSERT INTO tx_rows VALUES ($1)'), []);
    });

    if (kind === 'PostgreSQL') {
      it('prepares nothing with prepare: false (for PgBouncer in transaction mode)', async () => {
        const db = await open(false);
        for (let n = 0; n < 3; n++) await db.query('SELECT $1::int AS n', [n]);
        assert.deepEqual(await prepared(db, 'SELECT $1::int AS n'), []);
      });
    }
  });
}
