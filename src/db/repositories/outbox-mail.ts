import type { Queryable } from '../db.js';

/** A pending mail row claimed by a drain, with its recipient's current email, data and phrase. */
export interface ClaimedMailRow {
  id: number; name: string; payload: unknown; mail_attempts: number; user_email: string | null; user_data: string | null; user_anti_phishing: string | null;
  /** `record.recipient`: an address the mail goes to instead of the user's (token sign-in mails, domain/email-codes/code-mail.ts). */
  recipient: string | null;
}

/**
 * The mail side of the outbox (mail_status, mail_attempts, mail_next_at, mail_error). Every
 * update is guarded by `mail_status = 'pending'`: a row already finished elsewhere is left as is.
 */
export const outboxMailRepo = {
  /**
   * Claims up to `limit` due rows in one statement (SKIP LOCKED: concurrent drains take
   * different rows), pushes their lease to `leaseUntil` and fetches each recipient.
   */
  claimDue(q: Queryable, now: string, limit: number, leaseUntil: string): Promise<ClaimedMailRow[]> {
    return q.query<ClaimedMailRow>(
      `WITH due AS (
         SELECT o.id, u.email AS user_email, u.data AS user_data, u.anti_phishing_encrypted AS user_anti_phishing
           FROM outbox o LEFT JOIN users u ON u.uid = o.payload->'record'->'user'->>'uid'
          WHERE o.mail_status = 'pending' AND o.mail_next_at <= $1::timestamptz
          ORDER BY o.id LIMIT $2
          FOR UPDATE OF o SKIP LOCKED)
       UPDATE outbox o SET mail_next_at = $3::timestamptz
         FROM due WHERE o.id = due.id
       RETURNING o.id, o.name, o.payload, o.mail_attempts, due.user_email, due.user_data, due.user_anti_phishing,
         o.payload->'record'->>'recipient' AS recipient`,
      [now, limit, leaseUntil],
    );
  },

  /** Marks a batch sent in one statement. */
  async markSent(q: Queryable, sent: readonly { id: number; attempts: number }[]): Promise<void> {
    if (sent.length === 0) return;
    await q.query(
      `UPDATE outbox o SET mail_status = 'sent', mail_attempts = s.attempts, mail_error = NULL
         FROM unnest($1::bigint[], $2::int[]) AS s(id, attempts)
        WHERE o.id = s.id AND o.mail_status = 'pending'`,
      [sent.map((x) => x.id), sent.map((x) => x.attempts)],
    );
  },

  /** Moves the lease on if the row is still ours (same lease); false when another drain took it. */
  async renewLease(q: Queryable, id: number, lease: string, leaseUntil: string): Promise<boolean> {
    const renewed = await q.query(
      `UPDATE outbox SET mail_next_at = $3::timestamptz
        WHERE id = $1 AND mail_status = 'pending' AND mail_next_at = $2::timestamptz RETURNING id`,
      [id, lease, leaseUntil],
    );
    return renewed.length > 0;
  },

  /** A final outcome other than sent: 'failed' (given up) or 'skipped' (the mail map sends nothing). */
  async finish(q: Queryable, id: number, status: 'failed' | 'skipped', attempts: number, reason: string): Promise<void> {
    await q.query(
      `UPDATE outbox SET mail_status = $4, mail_attempts = $2, mail_error = $3 WHERE id = $1 AND mail_status = 'pending'`,
      [id, attempts, reason, status],
    );
  },

  /** A failed attempt to be tried again at `nextAt`. */
  async retryAt(q: Queryable, id: number, attempts: number, nextAt: string, reason: string): Promise<void> {
    await q.query(
      `UPDATE outbox SET mail_attempts = $2, mail_next_at = $3::timestamptz, mail_error = $4
        WHERE id = $1 AND mail_status = 'pending'`,
      [id, attempts, nextAt, reason],
    );
  },
};
