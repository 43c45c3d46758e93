import pgModule from 'pg';
import type { Db, Queryable } from './db.js';
import { isStalePlan, StatementNames } from './statement-names.js';

const { Pool, types } = pgModule;
// BIGINT ids fit in a JS number for any realistic table; return numbers, not strings.
types.setTypeParser(20, (v) => Number(v));

export interface PostgresOptions {
  max?: number;
  onIdleError?: (err: Error) => void;
  /**
   * Prepare statements run outside a transaction (default true). Off behind a pooler that
   * does not keep prepared statements across transactions (PgBouncer before 1.21 in
   * transaction mode).
   */
  prepare?: boolean;
}

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
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
  const names = opts.prepare === false ? null : new StatementNames();
  const run = async (sql: string, params: readonly unknown[]) => {
    // Only parameterised statements: a text without parameters may hold several statements
    // (migrations), which only the simple protocol runs, and is not worth preparing anyway.
    const name = params.length > 0 ? names?.nameFor(sql) : undefined;
    if (!name) return pool.query(sql, params as unknown[]);
    try {
      return await pool.query({ name, text: sql, values: params as unknown[] });
    } catch (err) {
      if (!isStalePlan(err)) throw err;
      names!.forget(sql);
      return pool.query(sql, params as unknown[]);
    }
  };
  return {
    kind: 'pg',
    get queryCount() { return count; },
    query: async <T>(sql: string, params: readonly unknown[] = []) => { count++; return (await run(sql, params)).rows as T[]; },
    // Unnamed inside a transaction: a stale prepared plan there would abort the transaction,
    // and could not be retried the way run() retries it.
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
