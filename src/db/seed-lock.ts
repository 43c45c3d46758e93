import type { Queryable } from './db.js';

/** Advisory lock key of seeding; the migrations and the outbox relay use keys of their own. */
const SEED_LOCK_KEY = 7240002;

/**
 * Holds seeding to one instance at a time until the transaction ends: instances booting
 * together would otherwise both see a seed row missing and both insert it.
 */
export async function lockForSeeding(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
}
