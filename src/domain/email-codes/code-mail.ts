import type { Queryable } from '../../db/db.js';
import { AppError } from '../../errors/app-error.js';
import type { RateLimiter, Rule } from '../auth/rate-limiter.js';
import { usersRepo } from '../../db/repositories/users.js';
import { userEventForm, type EventLog } from '../events/event-log.js';
import type { User } from '../users/user.js';
import type { CodePurpose } from './email-codes.js';

/**
 * Outbox events that carry a mail of token sign-in, sign-up and 2FA reset (templates in
 * infra/mail/templates-nbc.ts). `record.recipient`, when present, is the address the mail goes
 * to instead of the user's current one (a new email being confirmed, the old one told of a
 * change, an address that has no account yet). Codes travel in the event like Barong's tokens do.
 */
export const CODE_MAIL_EVENTS = {
  registrationCode: 'system.registration.email.code',
  registrationTaken: 'system.registration.email.taken',
  emailChanged: 'system.user.email.changed',
  tfaResetRequested: 'system.user.tfa.reset.requested',
  tfaReset: 'system.user.tfa.reset',
} as const;

/** The mail event of each kind of code a user gets (one template, one subject each). */
export const USER_CODE_EVENTS: Readonly<Record<Exclude<CodePurpose, 'sign_up'>, string>> = {
  tfa: 'system.user.tfa.code',
  recovery: 'system.user.password.recovery.code',
  password_change: 'system.user.password.change.code',
  email_change: 'system.user.email.change.code',
};

export async function userForm(q: Queryable, user: User): Promise<Record<string, unknown>> {
  const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
  return userEventForm(user, refUid);
}

/** The mail with a code for a user (to `recipient` instead of his address when given). */
export async function emitUserCode(
  events: EventLog, q: Queryable, user: User,
  m: { purpose: Exclude<CodePurpose, 'sign_up'>; code: string; validMinutes: number; domain: string; recipient?: string },
): Promise<void> {
  const record: Record<string, unknown> = { user: await userForm(q, user), purpose: m.purpose, code: m.code, valid_minutes: m.validMinutes, domain: m.domain };
  if (m.recipient) record.recipient = m.recipient;
  await events.emit(q, USER_CODE_EVENTS[m.purpose], record);
}

/**
 * The limits of every mail a client can trigger (codes, links): per client IP and per address,
 * with the rules of Barong's reset/confirmation mails (RATE_LIMIT_RESET_IP / _ACCOUNT).
 */
export async function withinMailLimits(
  limiter: RateLimiter, rates: { resetIp: Rule; resetAccount: Rule }, bucket: string, email: string, ip: string,
): Promise<void> {
  const withinIp = await limiter.hit('mail-ip', ip, rates.resetIp);
  const withinAccount = await limiter.hit(bucket, email.trim().toLowerCase(), rates.resetAccount);
  if (!withinIp || !withinAccount) throw new AppError('email_code.too_many_requests');
}
