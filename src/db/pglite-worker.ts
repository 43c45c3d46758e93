import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

/**
 * PGlite runs PostgreSQL compiled to WASM, synchronously on whichever thread calls it. Running
 * it here keeps the HTTP event loop free while queries execute (see pglite.ts).
 */
export interface Request { id: number; op: 'query' | 'close' | 'dump'; sql?: string; params?: unknown[]; file?: string }
export type Response = { id: number; ok: true; rows?: unknown[] } | { id: number; ok: false; error: { message: string; code?: string; constraint?: string } };

const dir = workerData?.dir as string | undefined;
const template = workerData?.template as string | undefined;
if (dir) fs.mkdirSync(dir, { recursive: true });
// A template (a dump of an initialised, migrated database) skips initdb: tests start in a
// fraction of the time.
const pg = template ? new PGlite({ dataDir: dir, loadDataDir: new Blob([fs.readFileSync(template)]) }) : new PGlite(dir);
const port = parentPort!;

port.on('message', async (req: Request) => {
  try {
    if (req.op === 'query') {
      const result = await pg.query(req.sql!, req.params ?? []);
      port.postMessage({ id: req.id, ok: true, rows: result.rows } satisfies Response);
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
