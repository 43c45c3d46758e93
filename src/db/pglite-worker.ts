import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import { PGlite, parse as pgParse, protocol } from '@electric-sql/pglite';
import { isStalePlan, StatementNames } from './statement-names.js';

/**
 * PGlite runs PostgreSQL compiled to WASM, synchronously on whichever thread calls it. Running
 * it here keeps the HTTP event loop free while queries execute (see pglite.ts).
 */
/** `prepared`: a parameterised statement outside a transaction, run as a named statement. */
export interface Request { id: number; op: 'query' | 'prepared' | 'close' | 'dump'; sql?: string; params?: unknown[]; file?: string }
export type Response = { id: number; ok: true; rows?: unknown[] } | { id: number; ok: false; error: { message: string; code?: string; constraint?: string } };

const dir = workerData?.dir as string | undefined;
const template = workerData?.template as string | undefined;
if (dir) {
  // PGlite creates its files 0666 (Emscripten's default): emails and password hashes sit in its
  // WAL. Only the server's user may enter the directory, whatever the files' own modes.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}
// A template (a dump of an initialised, migrated database) skips initdb: tests start in a
// fraction of the time.
const pg = template ? new PGlite({ dataDir: dir, loadDataDir: new Blob([fs.readFileSync(template)]) }) : new PGlite(dir);
const port = parentPort!;

const names = new StatementNames();
/** Parameter type oids of each statement prepared so far, by name. */
const paramTypes = new Map<string, number[]>();

/**
 * PGlite's query() parses and plans its text on every call; for the login's user lookup that is
 * two thirds of the 0.8 ms it costs in WASM. A named statement is parsed and described once,
 * then only bound and executed: the same protocol steps query() takes, with a name.
 */
async function runNamed(name: string, sql: string, params: unknown[]): Promise<unknown[]> {
  const wire = protocol.serialize;
  const step = { syncToFs: false };
  const messages = [];
  try {
    let types = paramTypes.get(name);
    if (!types) {
      await pg.execProtocolStream(wire.parse({ name, text: sql }), step);
      types = pgParse.parseDescribeStatementResults(await pg.execProtocolStream(wire.describe({ type: 'S', name }), step));
      paramTypes.set(name, types);
    }
    const values = params.map((v, i) => (v === null || v === undefined ? null : (pg.serializers[types[i]!] ?? String)(v)));
    messages.push(...await pg.execProtocolStream(wire.bind({ statement: name, values }), step));
    messages.push(...await pg.execProtocolStream(wire.describe({ type: 'P' }), step));
    messages.push(...await pg.execProtocolStream(wire.execute({}), step));
  } finally {
    // After an error the backend skips everything up to a Sync; it also ends the statement.
    messages.push(...await pg.execProtocolStream(wire.sync(), { syncToFs: true }));
  }
  return pgParse.parseResults(messages, pg.parsers)[0]?.rows ?? [];
}

async function prepared(sql: string, params: unknown[]): Promise<unknown[]> {
  const name = names.nameFor(sql);
  if (!name) return (await pg.query(sql, params)).rows;
  try {
    return await pg.runExclusive(() => runNamed(name, sql, params));
  } catch (err) {
    // Same rule as the pg pool (statement-names.ts): a stale SELECT * plan runs again unnamed.
    if (!isStalePlan(err)) throw err;
    names.forget(sql);
    return (await pg.query(sql, params)).rows;
  }
}

port.on('message', async (req: Request) => {
  try {
    if (req.op === 'query') {
      const result = await pg.query(req.sql!, req.params ?? []);
      port.postMessage({ id: req.id, ok: true, rows: result.rows } satisfies Response);
    } else if (req.op === 'prepared') {
      port.postMessage({ id: req.id, ok: true, rows: await prepared(req.sql!, req.params ?? []) } satisfies Response);
    } else if (req.op === 'dump') {
      const blob = await pg.dumpDataDir('none');
      fs.writeFileSync(req.file!, Buffer.from(await blob.arrayBuffer()));
      port.postMessage({ id: req.id, ok: true } satisfies Response);
    } else {
      await pg.close();
      port.postMessage({ id: req.id, ok: true } satisfies Response);
      port.close();
    }
  } catch (err) {
    const e = err as { message?: string; code?: string; constraint?: string };
    port.postMessage({ id: req.id, ok: false, error: { message: e.message ?? String(err), code: e.code, constraint: e.constraint } } satisfies Response);
  }
});
