import pgModule from 'pg';
import type { Db, Queryable } from './db.js';

const { Pool, types } = pgModule;
// BIGINT ids fit in a JS number for any realistic table; return numbers, not strings.
types.setTypeParser(20, (v) => Number(v));

export async function openPostgres(url: string, opts: { max?: number; onIdleError?: (err: Error) => void } = {}): Promise<Db> {
  const pool = new Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client whose backend dies (server restart, failover, pg_terminate_backend, DROP
  // DATABASE … FORCE) makes the pool emit 'error'; without a listener that is an uncaught
  // exception that kills the process. pg-pool has already discarded the client, and the next
  // query opens a fresh connection, so there is nothing to do but tell the operator.
  pool.on('error', (err) => opts.onIdleError?.(err));
  // Fail fast at boot with a clear message when the server is unreachable.
  const probe = await pool.connect();
  probe.release();
  let count = 0;
  return {
    kind: 'pg',
    get queryCount() { return count; },
    query: async <T>(sql: string, params: readonly unknown[] = []) => { count++; return (await pool.query(sql, params as unknown[])).rows as T[]; },
    tx: async <T>(fn: (q: Queryable) => Promise<T>) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = { query: async <R>(sql: string, params: readonly unknown[] = []) => { count++; return (await client.query(sql, params as unknown[])).rows as R[]; } };
        const result = await fn(q);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
