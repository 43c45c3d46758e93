import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { TestApp } from './test-app.js';
import type { Client } from './client.js';

/**
 * TOTP for tests, written independently of src/lib (RFC 6238: HMAC-SHA1, 6 digits, 30 s), so the
 * server's implementation is checked against a second one.
 */
export function totpCode(base32Secret: string, timeMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32Secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** The `secret` parameter of an `otpauth://` URL (as returned by generate_qrcode). */
export function secretFromUrl(url: string): string {
  const secret = new URLSearchParams(url.split('?')[1] ?? '').get('secret');
  assert.ok(secret, `no secret in ${url}`);
  return secret;
}

export interface EnabledOtp {
  secret: string;
  recoveryCodes: string[];
  /** The code of the current time step (+ `offsetSteps` steps) of the test clock. */
  code(offsetSteps?: number): string;
  /** Moves the test clock on by one step (30 s) and returns that step's code. */
  freshCode(): string;
}

/**
 * Turns 2FA on for the client's user (generate_qrcode, then enable with a code computed from
 * the secret in the URL). A code is accepted once per user and time step, so afterwards the
 * test clock is moved on by one step: the first `code()` is usable right away; for a second code
 * in the same test, call `freshCode()` (or `t.clock.advance(30)` then `code()`).
 */
export async function enableOtp(t: TestApp, client: Client): Promise<EnabledOtp> {
  const qr = await client.send('POST', '/resource/otp/generate_qrcode');
  assert.equal(qr.status, 201, JSON.stringify(qr.body));
  const secret = secretFromUrl(qr.body.data.url);
  const enabled = await client.send('POST', '/resource/otp/enable', { code: totpCode(secret, t.clock.now()) });
  assert.equal(enabled.status, 201, JSON.stringify(enabled.body));
  t.clock.advance(30);
  const code = (offsetSteps = 0) => totpCode(secret, t.clock.now() + offsetSteps * 30_000);
  return {
    secret, recoveryCodes: enabled.body.recovery_codes as string[], code,
    freshCode: () => { t.clock.advance(30); return code(); },
  };
}
