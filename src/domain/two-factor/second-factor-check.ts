import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { EmailCodes } from '../email-codes/email-codes.js';
import type { SecondFactor } from '../identity/deps.js';
import type { User } from '../users/user.js';
import type { TfaType } from './tfa-type.js';

/**
 * Checks the second factor of a user's type: a TOTP (or, when allowed, a recovery) code for
 * `google`, the latest mailed code for `email`. 'missing' / 'invalid' are for the caller to
 * word; an expired or exhausted mailed code is thrown as such (the client must ask again).
 */
export async function checkSecondFactor(
  d: { secondFactor: SecondFactor; codes: EmailCodes }, user: User, type: TfaType, otp: string | undefined,
  opts: { allowRecoveryCode?: boolean; ctx?: RequestContext } = {},
): Promise<'ok' | 'missing' | 'invalid'> {
  if (type === 'none') return 'ok';
  if (otp === undefined || otp.trim() === '') return 'missing';
  if (type === 'google') return (await d.secondFactor.verify(user, otp, opts)) ? 'ok' : 'invalid';
  try {
    await d.codes.consume('tfa', user.email, otp);
    return 'ok';
  } catch (err) {
    if (err instanceof AppError && err.keys[0] === 'email_code.invalid') return 'invalid';
    throw err;
  }
}
