/**
 * Names for the statement texts Warden runs through a pg pool, so each connection parses and
 * plans a text once and afterwards only binds and executes it. A login's three statements cost
 * PostgreSQL about half as much this way (bench/login.mjs: 1.85 → 1.0 ms of backend CPU).
 *
 * A text is named the second time it is run, so texts built at run time for one use (an admin
 * filter, a page number written into the SQL) stay unnamed; at most `max` texts are named, so
 * neither this map nor a backend's plan cache (prepared statements live per connection) grows
 * without bound.
 */
export class StatementNames {
  private readonly names = new Map<string, string | null>();
  /** Texts run once so far; emptied when full (a text then waits one more run for its name). */
  private readonly seenOnce = new Set<string>();
  private issued = 0;

  constructor(private readonly max = 256, private readonly seenMax = 4096) {}

  /** The name to run `sql` under, or undefined to run it unnamed. */
  nameFor(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined) return known ?? undefined;
    if (!this.seenOnce.has(sql)) {
      if (this.seenOnce.size >= this.seenMax) this.seenOnce.clear();
      this.seenOnce.add(sql);
      return undefined;
    }
    this.seenOnce.delete(sql);
    const name = this.issued < this.max ? `warden_${this.issued++}` : null;
    this.names.set(sql, name);
    return name ?? undefined;
  }

  /** Runs `sql` unnamed from now on (its prepared form went stale, see isStalePlan). */
  forget(sql: string): void {
    this.names.set(sql, null);
  }
}

/**
 * PostgreSQL refuses to run a prepared statement whose result columns changed since it was
 * prepared ("cached plan must not change result type", SQLSTATE 0A000): `SELECT *` after a
 * migration added a column, during a rolling upgrade. It raises this before executing
 * anything, so running the same text again unnamed is safe, even for a write.
 */
export function isStalePlan(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '0A000' && /cached plan must not change result type/.test(e.message ?? '');
}
