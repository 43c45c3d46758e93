/** What repositories need: run a parameterised statement and get rows back. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Number of statements run since start (tests assert "no query on the hot path"). */
  readonly queryCount: number;
  close(): Promise<void>;
}

/** Unique-violation SQLSTATE; repositories translate it into `<field>.taken`. */
export const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== UNIQUE_VIOLATION) return false;
  return constraint === undefined || e.constraint === constraint || (e.message ?? '').includes(constraint);
}
