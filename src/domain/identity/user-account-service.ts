import { AppError, ModelError } from '../../errors/app-error.js';
import { activitiesRepo, type ActivityRow } from '../../db/repositories/activities.js';
import { usersRepo } from '../../db/repositories/users.js';
import type { RequestContext } from '../activities/activity-log.js';
import { userEventForm, userModelRecord } from '../events/event-log.js';
import type { User } from '../users/user.js';
import { dataErrors, passwordErrors } from '../users/user-rules.js';
import type { IdentityDeps } from './deps.js';
import { loadUserView, type UserView } from './user-view.js';

export const ACTIVITY_TOPICS = ['all', 'session', 'otp', 'password', 'account', 'api_keys', 'service_accounts'] as const;

/** The signed-in user's own account (BARONG.md §7.2). */
export class UserAccountService {
  constructor(private readonly d: IdentityDeps) {}

  view(user: User): Promise<UserView> {
    return loadUserView(this.d.db, user);
  }

  async updateData(user: User, data: string): Promise<UserView> {
    const errors = dataErrors(data);
    if (errors.length) throw new ModelError(errors);
    if (data === user.data) return this.view(user);
    const updated = await this.d.db.tx(async (q) => {
      const u = await usersRepo.update(q, user.id, { data });
      const refUid = u.referralId ? await usersRepo.uidById(q, u.referralId) : null;
      await this.d.events.emit(q, 'model.user.updated', userModelRecord(u, refUid), { data: user.data });
      return u;
    });
    this.d.events.committed();
    return this.view(updated);
  }

  /**
   * Self-deletion: the account stays (audit), labelled `delete=by_user`, and can no longer log in.
   * Its sessions are kept, as for a ban (BARONG.md §10.4): the state refuses them everywhere
   * (`authz.user_not_active`), which tells the client why, where a dropped session would not.
   */
  async deleteSelf(user: User, input: { password: string; otpCode?: string }): Promise<void> {
    const passwordOk = await this.passwordChecksOut(user, input.password);
    if (passwordOk === null) throw new AppError('resource.user.too_many_requests');
    if (!passwordOk) throw new AppError('resource.user.invalid_password');
    if (user.otp) {
      if (input.otpCode === undefined) throw new AppError('resource.user.missing_otp_code');
      if (!(await this.d.secondFactor.verify(user, input.otpCode))) throw new AppError('resource.user.invalid_otp');
    }
    await this.d.db.tx(async (q) => {
      const locked = (await usersRepo.lockById(q, user.id))!;
      const updated = await this.d.labels.setPrivate(q, locked, 'delete', 'by_user');
      const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
      await this.d.events.emit(q, 'system.user.account.deleted', { user: userEventForm(updated, refUid) });
    });
    this.d.events.committed();
  }

  async changePassword(user: User, input: { oldPassword: string; newPassword: string; confirmPassword: string }, ctx: RequestContext): Promise<void> {
    const failed = async (reason: string, error: AppError): Promise<never> => {
      await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'password', action: 'password change', result: 'failed', reason });
      throw error;
    };
    if (input.newPassword !== input.confirmPassword) await failed("New passwords don't match", new AppError('resource.password.doesnt_match'));
    const oldOk = await this.passwordChecksOut(user, input.oldPassword);
    if (oldOk === null) throw new AppError('resource.password.too_many_requests');
    if (!oldOk) await failed('Previous password is not correct', new AppError('resource.password.prev_pass_not_correct'));
    if (input.oldPassword === input.newPassword) await failed('New password cant be the same, as old one', new AppError('resource.password.no_change_provided'));
    const policy = passwordErrors(input.newPassword, this.d.settings.passwordPolicy);
    if (policy.length) await failed(policy.join(', '), new ModelError(policy));
    const digest = await this.d.hasher.hash(input.newPassword);
    await this.d.db.tx(async (q) => {
      const updated = await usersRepo.update(q, user.id, { passwordDigest: digest });
      await this.d.activities.record(q, ctx, { userId: user.id, topic: 'password', action: 'password change', result: 'succeed' });
      const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
      await this.d.events.emit(q, 'system.user.password.change', { user: userEventForm(updated, refUid), domain: this.d.settings.domain });
    });
    this.d.events.committed();
  }

  async activity(user: User, f: { topic: string; timeFrom?: number; timeTo?: number; result?: string; page: number; limit: number }): Promise<{ total: number; rows: ActivityRow[] }> {
    if (!(ACTIVITY_TOPICS as readonly string[]).includes(f.topic)) throw new AppError('resource.user.wrong_topic');
    const filter = { userId: user.id, topic: f.topic === 'all' ? undefined : f.topic, timeFrom: f.timeFrom, timeTo: f.timeTo, result: f.result };
    const page = await activitiesRepo.page(this.d.db, filter, f.page, f.limit);
    if (page.total === 0) throw new AppError('resource.user.no_activity');
    return page;
  }

  /**
   * The password check of a signed-in user's sensitive action: a wrong one is a failed login of
   * the account (the login doors' bucket and rule), so a session buys no more guesses than the
   * login gives. Null when that budget is spent: the password is not even looked at.
   */
  private async passwordChecksOut(user: User, password: string): Promise<boolean | null> {
    const { limiter, settings } = this.d;
    const account = user.email.trim().toLowerCase();
    if (await limiter.exhausted('login-fail', account, settings.rates.loginAccount)) return null;
    if (await this.d.hasher.verify(user.passwordDigest, password)) return true;
    await limiter.hit('login-fail', account, settings.rates.loginAccount);
    return false;
  }
}
