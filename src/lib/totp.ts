import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1, the parameters every authenticator app
 * and Barong (through Vault) use: 6 digits, 30-second steps, ±1 step of clock skew.
 */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD = 30;
export const TOTP_WINDOW = 1;

/** RFC 4226 §5.3: dynamic truncation of HMAC-SHA1(key, counter), `digits` decimal digits. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new Error('hotp: counter must be a non-negative integer');
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step (T) of a moment given in milliseconds. */
export function timeStep(timeMs: number, period = TOTP_PERIOD): number {
  return Math.floor(timeMs / 1000 / period);
}

export function totp(key: Uint8Array, timeMs: number, digits = TOTP_DIGITS, period = TOTP_PERIOD): string {
  return hotp(key, timeStep(timeMs, period), digits);
}

/**
 * The time steps within ±`window` of `timeMs` at which `code` is the right one, oldest first.
 * Every candidate is computed and compared in constant time, so the answer's timing does not
 * tell which step (if any) matched.
 */
export function matchingSteps(key: Uint8Array, code: string, timeMs: number, window = TOTP_WINDOW, digits = TOTP_DIGITS, period = TOTP_PERIOD): number[] {
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return [];
  const given = Buffer.from(code);
  const now = timeStep(timeMs, period);
  const found: number[] = [];
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(hotp(key, step, digits)), given)) found.push(step);
  }
  return found;
}
