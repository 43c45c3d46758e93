import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Db, Queryable } from './db.js';
import type { Request, Response } from './pglite-worker.js';

class PgliteError extends Error {
  constructor(message: string, readonly code?: string, readonly constraint?: string) { super(message); }
}

/**
 * Built: dist/db/pglite-worker.js. From source (tests, `tsx`): the .ts file, loaded through
 * tsx's API inside the worker (Node 20 does not apply --import loader hooks to workers).
 */
function newWorker(dir: string | undefined, template: string | undefined): Worker {
  const js = new URL('./pglite-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(js))) return new Worker(js, { workerData: { dir, template } });
  const ts = JSON.stringify(new URL('./pglite-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then((api) => { api.register(); return import(${ts}); })`;
  return new Worker(boot, { eval: true, workerData: { dir, template } });
}

/**
 * Embedded PostgreSQL (PGlite, WASM) in a worker thread; `dir` undefined = in memory (tests).
 * PGlite has one connection, so statements are serialised here: a transaction holds the
 * connection from BEGIN to COMMIT/ROLLBACK and other statements wait for it.
 */
export async function openPglite(dir?: string, opts: { template?: string } = {}): Promise<Db & { dump(file: string): Promise<void> }> {
  const worker = newWorker(dir, opts.template);
  worker.unref();
  const pending = new Map<number, { resolve: (r: unknown[]) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  worker.on('message', (res: Response) => {
    const p = pending.get(res.id);
    if (!p) return;
    pending.delete(res.id);
    if (res.ok) p.resolve(res.rows ?? []);
    else p.reject(new PgliteError(res.error.message, res.error.code, res.error.constraint));
  });
  let exited: Error | null = null;
  const failAll = (err: Error) => { exited = err; for (const p of pending.values()) p.reject(err); pending.clear(); };
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('the embedded database is closed')));
  const send = (op: Request['op'], sql?: string, params?: readonly unknown[], file?: string): Promise<unknown[]> =>
    new Promise((resolve, reject) => {
      if (exited) return reject(exited);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a statement is in flight
      worker.postMessage({ id, op, sql, params: params ? [...params] : undefined, file } satisfies Request);
    }).finally(() => { if (pending.size === 0) worker.unref(); }) as Promise<unknown[]>;

  let count = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const run = async <T>(sql: string, params: readonly unknown[] = []) => { count++; return (await send('query', sql, params)) as T[]; };
  // Outside a transaction a parameterised statement runs named, parsed once (pglite-worker.ts).
  // Inside one it stays unnamed: a stale prepared plan there would abort the transaction.
  const runPrepared = async <T>(sql: string, params: readonly unknown[] = []) => {
    if (params.length === 0) return run<T>(sql, params);
    count++;
    return (await send('prepared', sql, params)) as T[];
  };
  let closing: Promise<void> | undefined;
  await serial(() => run('SELECT 1'));
  return {
    kind: 'pglite',
    get queryCount() { return count; },
    query: <T>(sql: string, params?: readonly unknown[]) => serial(() => runPrepared<T>(sql, params)),
    tx: <T>(fn: (q: Queryable) => Promise<T>) => serial(async () => {
      await run('BEGIN');
      try {
        const result = await fn({ query: run });
        await run('COMMIT');
        return result;
      } catch (err) {
        await run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }),
    /** Writes the whole database as a tar file that `template` can start from. */
    dump: (file: string) => serial(async () => { await send('dump', undefined, undefined, file); }),
    close: () => (closing ??= (async () => {
      await chain;
      await send('close').catch(() => undefined);
      await worker.terminate();
    })()),
  };
}
