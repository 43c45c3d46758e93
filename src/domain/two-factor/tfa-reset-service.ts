import { randomBytes } from 'node:crypto';
import { accountDetailsRepo } from '../../db/repositories/account-details.js';
import { tfaResetsRepo } from '../../db/repositories/tfa-resets.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import { sha256Hex } from '../../lib/timing-safe.js';
import type { RequestContext } from '../activities/activity-log.js';
import { CODE_MAIL_EVENTS, userForm, withinMailLimits } from '../email-codes/code-mail.js';
import type { TokenAuthDeps } from '../token-auth/deps.js';
import type { ApiKeyHold } from './api-key-hold.js';
import type { TotpPort } from './tfa-settings.js';
import { tfaTypeOf } from './tfa-type.js';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Lost second factor: `start` with email and password mails a link; following it (`complete`)
 * turns 2FA off (authenticator and email codes), ends every session and device of the user and
 * holds API-key creation for a while (ApiKeyHold). Activities and events for both steps.
 */
export class TfaResetService {
  constructor(
    private readonly d: TokenAuthDeps, private readonly totp: TotpPort, private readonly hold: ApiKeyHold,
    private readonly linkLifetimeSeconds: number,
  ) {}

  async start(input: { email: string; password: string }, ctx: RequestContext): Promise<void> {
    const { db, events, activities, limiter, settings } = this.d.identity;
    const { user } = await this.d.credentials.check(input.email, input.password, ctx);
    if ((await tfaTypeOf(db, user)) === 'none') throw new AppError('tfa.not_enabled');
    await withinMailLimits(limiter, settings.rates, 'tfa-reset-mail', user.email, ctx.ip);
    const token = randomBytes(32).toString('base64url');
    await db.tx(async (q) => {
      await tfaResetsRepo.insert(q, { userId: user.id, tokenHash: sha256Hex(token), expiresAt: new Date(this.d.now() + this.linkLifetimeSeconds * 1000) });
      await activities.record(q, ctx, { userId: user.id, topic: 'otp', action: 'request 2FA reset', result: 'succeed' });
      await events.emit(q, CODE_MAIL_EVENTS.tfaResetRequested, { user: await userForm(q, user), token, domain: settings.domain });
    });
    events.committed();
  }

  async complete(token: string, ctx: RequestContext): Promise<void> {
    const { db, events, activities, sessions } = this.d.identity;
    if (!TOKEN_SHAPE.test(token)) throw new AppError('tfa.reset_invalid');
    const hash = sha256Hex(token);
    const pending = await db.tx((q) => tfaResetsRepo.lockByTokenHash(q, hash));
    if (!pending || pending.completedAt || pending.expiresAt.getTime() <= this.d.now()) throw new AppError('tfa.reset_invalid');
    const found = await usersRepo.byId(db, pending.userId);
    if (!found) throw new AppError('tfa.reset_invalid');
    // The authenticator goes first (its own transaction, idempotent): should anything below
    // fail, the link still works and can be followed again.
    const user = await this.totp.disableByAdmin(found);
    const done = await db.tx(async (q) => {
      const row = await tfaResetsRepo.lockByTokenHash(q, hash);
      if (!row || !(await tfaResetsRepo.complete(q, row.id, new Date(this.d.now())))) return false;
      await accountDetailsRepo.upsert(q, user.id, { tfaType: 'none' });
      const held = await this.hold.place(q, (await usersRepo.lockById(q, user.id))!);
      await this.d.refresh.revokeAllFor(q, user.id, 'tfa_reset');
      await activities.record(q, ctx, { userId: user.id, topic: 'otp', action: '2FA reset', result: 'succeed' });
      await events.emit(q, CODE_MAIL_EVENTS.tfaReset, { user: await userForm(q, held), domain: this.d.identity.settings.domain });
      return true;
    });
    if (!done) throw new AppError('tfa.reset_invalid');
    events.committed();
    await sessions.destroyAllFor(user.uid);
  }
}
