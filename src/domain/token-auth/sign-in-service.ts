import { AppError } from '../../errors/app-error.js';
import type { RequestContext } from '../activities/activity-log.js';
import { emitUserCode, userForm, withinMailLimits } from '../email-codes/code-mail.js';
import { checkSecondFactor } from '../two-factor/second-factor-check.js';
import { tfaTypeOf, tfaView } from '../two-factor/tfa-type.js';
import type { User } from '../users/user.js';
import type { IssuedTokens, TokenAuthDeps } from './deps.js';
import type { TokenSessions } from './token-sessions.js';

export interface SignInInput { email: string; password: string; otp?: string }

/**
 * Token sign-in (NBC gate `POST /auth/sign-in`): the password as the Barong login checks it,
 * then the second factor of the user's type, then a device session (refresh-token family) and
 * an access token. A successful sign-in leaves the same activity and `system.session.create`
 * event (new-login mail) as a Barong login.
 */
export class SignInService {
  constructor(private readonly d: TokenAuthDeps, private readonly sessions: TokenSessions) {}

  /** `POST /auth/sign-in/psw/check`: which second factor the client must ask for. */
  async passwordCheck(input: { email: string; password: string }, ctx: RequestContext) {
    const checked = await this.d.credentials.check(input.email, input.password, ctx);
    return tfaView(await tfaTypeOf(this.d.identity.db, checked.user));
  }

  /** `POST /auth/tfa/otp/email` before sign-in: the password proves who asks for the mail. */
  async sendCodeBeforeSignIn(input: { email: string; password: string }, ctx: RequestContext): Promise<void> {
    const checked = await this.d.credentials.check(input.email, input.password, ctx);
    if ((await tfaTypeOf(this.d.identity.db, checked.user)) !== 'email') throw new AppError('tfa.type_not_email');
    await this.mailCode(checked.user, ctx);
  }

  /** A sign-in code by mail for a signed-in user (to change his second factor). */
  async mailCode(user: User, ctx: RequestContext): Promise<void> {
    const { db, limiter, settings, events } = this.d.identity;
    await withinMailLimits(limiter, settings.rates, 'tfa-mail', user.email, ctx.ip);
    await db.tx(async (q) => {
      const code = await this.d.codes.issue(q, 'tfa', user.email, user.id);
      await emitUserCode(events, q, user, { purpose: 'tfa', code, validMinutes: this.d.codes.validMinutes, domain: settings.domain });
    });
    events.committed();
  }

  async signIn(input: SignInInput, ctx: RequestContext): Promise<IssuedTokens> {
    const { db, events, activities } = this.d.identity;
    const checked = await this.d.credentials.check(input.email, input.password, ctx);
    const user = checked.user;
    const type = await tfaTypeOf(db, user);
    const second = await checkSecondFactor({ secondFactor: this.d.identity.secondFactor, codes: this.d.codes }, user, type, input.otp, { allowRecoveryCode: true, ctx });
    if (second === 'missing') throw new AppError('auth.otp_required');
    if (second === 'invalid') {
      await this.d.credentials.secondFactorFailed(checked, ctx, 'OTP code is invalid');
      throw new AppError('auth.invalid_otp');
    }
    await this.d.credentials.succeeded(checked);
    const opened = await db.tx(async (q) => {
      await activities.record(q, ctx, { userId: user.id, topic: 'session', action: type === 'none' ? 'login' : 'login::2fa', result: 'succeed' });
      await events.emit(q, 'system.session.create', { user: await userForm(q, user), user_ip: ctx.ip, user_agent: ctx.userAgent });
      return this.sessions.open(q, user, ctx);
    });
    events.committed();
    return this.sessions.issue(user, opened);
  }
}
