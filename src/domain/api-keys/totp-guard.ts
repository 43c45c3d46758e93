import { AppError } from '../../errors/app-error.js';
import type { SecondFactor } from '../identity/deps.js';
import type { User } from '../users/user.js';

/** Which endpoint group is asking: Barong names the same checks differently per group (§7.9, §7.10). */
export type TotpFamily = 'api_key' | 'service_accounts';

const KEYS = {
  api_key: { off: 'resource.api_key.2fa_disabled', missing: 'resource.api_key.missing_totp', invalid: 'resource.api_key.invalid_totp' },
  service_accounts: { off: 'resource.service_accounts.2fa_disabled', missing: 'resource.service_accounts.missing_totp', invalid: 'resource.service_accounts.invalid_totp' },
} as const;

/**
 * Barong's `otp_protected`: 2FA off → 400, blank code → 422 missing, wrong (or replayed) code
 * → 422 invalid. Every change to keys or service accounts goes through it.
 */
export async function requireTotp(second: SecondFactor, user: User, code: string, family: TotpFamily): Promise<void> {
  const k = KEYS[family];
  if (!user.otp) throw new AppError(k.off);
  if (code.trim() === '') throw new AppError(k.missing);
  if (!(await second.verify(user, code))) throw new AppError(k.invalid);
}
