import { usersRepo } from '../../../src/db/repositories/users.js';
import { base32Decode } from '../../../src/lib/base32.js';
import { totp } from '../../../src/lib/totp.js';
import type { TestApp } from '../../helpers/test-app.js';
import { activeUser, UA, uniqueEmail, type Client } from '../../helpers/client.js';

export interface TwoFactorUser { client: Client; email: string; uid: string; id: number; secret: Buffer; code(): string }

/**
 * An active, signed-in user with 2FA on (through the OTP service). Codes are single-use per
 * time step, so `code()` moves the test clock to the next step before computing one.
 */
export async function twoFactorUser(t: TestApp, opts: { otp?: boolean } = {}): Promise<TwoFactorUser> {
  const email = uniqueEmail('keys');
  const client = await activeUser(t, email);
  const user = (await usersRepo.byEmail(t.c.db, email))!;
  const ctx = { ip: '127.0.0.1', userAgent: UA };
  let secret = Buffer.alloc(0);
  if (opts.otp !== false) {
    const qr = await t.c.otp.generateQrCode(user, ctx);
    secret = base32Decode(new URL(qr.url).searchParams.get('secret')!);
    await t.c.otp.enable(user, totp(secret, t.clock.now()), ctx, client.cookie);
  }
  return {
    client, email, uid: user.uid, id: user.id, secret,
    code() { t.clock.advance(30); return totp(secret, t.clock.now()); },
  };
}
