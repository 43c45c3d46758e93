import { accountDetailsRepo } from '../../db/repositories/account-details.js';
import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import type { OtpService } from '../otp/otp-service.js';
import type { TokenAuthDeps } from '../token-auth/deps.js';
import type { User } from '../users/user.js';
import { checkSecondFactor } from './second-factor-check.js';
import { tfaTypeOf, tfaView, type TfaType } from './tfa-type.js';

export type TotpPort = Pick<OtpService, 'generateQrCode' | 'enable' | 'disable' | 'disableByAdmin'>;

/**
 * A signed-in user's second factor: the type (`email` codes or none; `google` follows the
 * authenticator, which is enabled and disabled with a code of it) and TOTP enrolment, on the
 * same TOTP service as the Barong door.
 */
export class TfaSettings {
  constructor(private readonly d: TokenAuthDeps, private readonly totp: TotpPort) {}

  async get(user: User) {
    return tfaView(await tfaTypeOf(this.d.identity.db, user));
  }

  /**
   * Switches between `email` and `none`. Either way the change needs a code mailed to the user
   * (`POST /auth/tfa/otp/email`): turning it off must not be possible with a stolen token alone,
   * and turning it on proves the mails arrive. `google` is reached by enabling the authenticator.
   */
  async setType(user: User, wanted: TfaType, otp: string | undefined, ctx: RequestContext) {
    const { db, activities } = this.d.identity;
    const current = await tfaTypeOf(db, user);
    if (wanted === current) return tfaView(current);
    if (wanted === 'google') throw new AppError('tfa.google_not_enabled');
    if (current === 'google') throw new AppError('tfa.google_enabled');
    const check = await checkSecondFactor({ secondFactor: this.d.identity.secondFactor, codes: this.d.codes }, user, 'email', otp);
    if (check !== 'ok') {
      await activities.record(db, ctx, { userId: user.id, topic: 'otp', action: 'set 2FA type', result: 'failed', reason: 'OTP code is invalid' });
      throw new AppError(check === 'missing' ? 'auth.otp_required' : 'auth.invalid_otp');
    }
    await db.tx(async (q) => {
      await accountDetailsRepo.upsert(q, user.id, { tfaType: wanted });
      await activities.record(q, ctx, { userId: user.id, topic: 'otp', action: `set 2FA type ${wanted}`, result: 'succeed' });
    });
    return tfaView(wanted);
  }

  /** `/auth/qrcode`: a new pending TOTP secret as a PNG data URL and its otpauth URL. */
  async qrCode(user: User, ctx: RequestContext): Promise<{ qr: string; url: string }> {
    const { barcode, url } = await this.totp.generateQrCode(user, ctx);
    return { qr: `data:image/png;base64,${barcode}`, url };
  }

  /** Turns the authenticator on; the user's other devices are signed out, as Barong does. */
  async enableTotp(user: User, code: string, ctx: RequestContext, sid: string): Promise<{ recoveryCodes: string[] }> {
    const out = await this.totp.enable(user, code, ctx);
    await this.d.identity.db.tx((q) => this.d.refresh.revokeAllFor(q, user.id, 'tfa_enabled', sid));
    return out;
  }

  disableTotp(user: User, code: string, ctx: RequestContext): Promise<void> {
    return this.totp.disable(user, code, ctx);
  }
}
