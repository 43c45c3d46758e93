import { randomBytes } from 'node:crypto';
import { base32Encode } from '../../lib/base32.js';
import { sha256Hex } from '../../lib/timing-safe.js';

export const RECOVERY_CODE_COUNT = 10;

/**
 * Recovery codes (beyond Barong): 80 random bits each, shown as `abcd-efgh-ijkl-mnop`
 * (base32, so no 0/1/8/9 and never mistaken for a 6-digit TOTP code). Stored as SHA-256: with
 * 80 bits of entropy a fast hash is enough, nobody can enumerate the code space.
 */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const raw = base32Encode(randomBytes(10), { padding: false }).toLowerCase();
    return raw.match(/.{4}/g)!.join('-');
  });
}

/** The canonical form of what a user typed (any case, dashes and spaces optional), or null. */
export function normalizeRecoveryCode(input: string): string | null {
  const s = input.replace(/[\s-]+/g, '').toUpperCase();
  return /^[A-Z2-7]{16}$/.test(s) ? s : null;
}

export function hashRecoveryCode(code: string): string {
  const n = normalizeRecoveryCode(code);
  if (n === null) throw new Error('not a recovery code');
  return sha256Hex(`warden-recovery:${n}`);
}
