import { checkPassword, type PasswordPolicy } from '../../lib/password/policy.js';

// Local part: letters, digits and Barong's specials, single dots between runs; domain: alnum/hyphen
// labels ending in an alphabetic TLD (BARONG.md §2.1).
const LOCAL = "[A-Za-z0-9\\-+_!\"'#$%^&*{}/=?`|~]+";
const EMAIL = new RegExp(`^(?=.{1,64}@)${LOCAL}(\\.${LOCAL})*@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{1,63}$`);
const USERNAME = /^[a-zA-Z0-9]+$/;

export function normalizeEmail(email: string): string {
  return email.trim();
}

export function emailErrors(email: string): string[] {
  const e = email.trim();
  if (e === '') return ['email.blank'];
  return EMAIL.test(e) && e.length <= 255 ? [] : ['email.invalid'];
}

/** Username is optional; when present it is lower-cased, 4..12 alphanumerics. */
export function usernameErrors(username: string): string[] {
  const errors: string[] = [];
  if (username.length < 4) errors.push('username.too_short');
  if (username.length > 12) errors.push('username.too_long');
  if (!USERNAME.test(username)) errors.push('username.invalid');
  return errors;
}

/** User `data` must be a JSON document of at most 1024 characters. */
export function dataErrors(data: string): string[] {
  const errors: string[] = [];
  try { JSON.parse(data); } catch { errors.push('data.invalid_format'); }
  if (data.length > 1024) errors.push('data.too_long');
  return errors;
}

/**
 * Barong's bcrypt reads at most 72 bytes, so a longer password was refused (`password.too_long`,
 * §2.1). argon2id has no such limit, but the rule stays: clients built against Barong expect it,
 * and it bounds the input every login hashes.
 */
export const PASSWORD_MAX_BYTES = 72;

export function passwordErrors(password: string, policy: PasswordPolicy): string[] {
  const errors = Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES ? ['password.too_long'] : [];
  const err = checkPassword(password, policy);
  if (err) errors.push(err);
  return errors;
}
