import { createHmac, randomInt } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.js';
import { emailCodesRepo, type EmailCodeRecord } from '../../db/repositories/email-codes.js';
import { AppError } from '../../errors/app-error.js';
import { safeEqual } from '../../lib/timing-safe.js';

/** What a code confirms. Codes of one purpose never work for another. */
export type CodePurpose = 'tfa' | 'sign_up' | 'recovery' | 'email_change' | 'password_change';

export interface EmailCodeDeps {
  db: Db;
  /** Secret the codes are HMAC'd with (derived from ENCRYPTION_KEY). */
  key: Buffer;
  lifetimeSeconds: number;
  maxAttempts: number;
  now: () => number;
}

type Failure = 'email_code.invalid' | 'email_code.expired' | 'email_code.attempts_exceeded';

/**
 * 6-digit codes sent by mail: valid `lifetimeSeconds` (10 minutes by default), `maxAttempts`
 * wrong tries (5), single use, the latest one per purpose and address only. Stored as an HMAC.
 */
export class EmailCodes {
  constructor(private readonly d: EmailCodeDeps) {}

  /** How long a code lives, in whole minutes, as the mails say it. */
  get validMinutes(): number {
    return Math.max(1, Math.round(this.d.lifetimeSeconds / 60));
  }

  private hash(purpose: CodePurpose, email: string, code: string): string {
    return createHmac('sha256', this.d.key).update(`${purpose}\u0000${email.trim().toLowerCase()}\u0000${code}`).digest('hex');
  }

  /** A fresh code for (purpose, address) inside the caller's transaction; returns it for the mail. */
  async issue(q: Queryable, purpose: CodePurpose, email: string, userId: number | null, newValue: string | null = null): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await emailCodesRepo.replace(q, {
      purpose, email, userId, codeHash: this.hash(purpose, email, code), newValue, expiresAt: new Date(this.d.now() + this.d.lifetimeSeconds * 1000),
    });
    return code;
  }

  /**
   * Uses up the code when it is right. A wrong code counts an attempt (committed even though
   * the call fails); once the attempts are spent the code is dead and a new one must be sent.
   */
  async consume(purpose: CodePurpose, email: string, code: string): Promise<EmailCodeRecord> {
    const cleaned = code.replace(/\s+/g, '');
    const out = await this.d.db.tx(async (q): Promise<EmailCodeRecord | Failure> => {
      const row = await emailCodesRepo.lockLive(q, purpose, email);
      if (!row) return 'email_code.invalid';
      if (row.expiresAt.getTime() <= this.d.now()) return 'email_code.expired';
      if (row.attempts >= this.d.maxAttempts) return 'email_code.attempts_exceeded';
      if (!safeEqual(row.codeHash, this.hash(purpose, email, cleaned))) {
        const attempts = await emailCodesRepo.countAttempt(q, row.id);
        return attempts >= this.d.maxAttempts ? 'email_code.attempts_exceeded' : 'email_code.invalid';
      }
      if (!(await emailCodesRepo.markUsed(q, row.id, new Date(this.d.now())))) return 'email_code.invalid';
      return row;
    });
    if (typeof out === 'string') throw new AppError(out);
    return out;
  }
}
