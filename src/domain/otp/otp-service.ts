import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Db, Queryable } from '../../db/db.js';
import { apiKeysRepo } from '../../db/repositories/api-keys.js';
import { otpRecoveryCodesRepo, otpSecretsRepo } from '../../db/repositories/otp.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { Encryptor } from '../../lib/aead.js';
import { base32Decode, base32Encode } from '../../lib/base32.js';
import { safeEqual } from '../../lib/timing-safe.js';
import { matchingSteps } from '../../lib/totp.js';
import type { ActivityLog, RequestContext } from '../activities/activity-log.js';
import type { RateLimiter, Rule } from '../auth/rate-limiter.js';
import { userModelRecord, type EventLog } from '../events/event-log.js';
import type { SecondFactor, SecondFactorOptions } from '../identity/deps.js';
import type { LabelService } from '../labels/label-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { User } from '../users/user.js';
import { otpauthUrl } from './otpauth.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';

/**
 * Runs inside the transaction that turns a user's 2FA off; returns the kids of API keys it
 * deactivated so their cache entries are dropped after commit. The service-account module
 * registers one for the keys of the user's service accounts (BARONG.md §16.4).
 */
export type OtpDisabledHook = (user: User, q: Queryable) => Promise<readonly string[] | void>;

export interface OtpServiceDeps {
  db: Db;
  encryptor: Encryptor;
  labels: LabelService;
  events: EventLog;
  activities: ActivityLog;
  sessions: SessionService;
  limiter: RateLimiter;
  /** The API-key verification cache (ApiKeyService). */
  apiKeyCache: { invalidate(kid?: string): void };
  /** TOTP issuer shown by authenticator apps (APP_NAME). */
  issuer: string;
  /** Code attempts per user between two correct codes. */
  attempts: Rule;
  now: () => number;
  onDisabled?: readonly OtpDisabledHook[];
}

type Attempt = 'totp' | 'recovery' | 'invalid' | 'locked';

const ACTION = {
  qr: 'request QR code for 2FA', enable: 'enable 2FA', disable: 'disable 2FA', verify: 'verify 2FA code',
  recoveryCodes: 'regenerate recovery codes', useRecoveryCode: 'use recovery code',
} as const;
type Action = (typeof ACTION)[keyof typeof ACTION];

const REASON = {
  enabled: '2FA has been enabled for this account',
  notEnabled: '2FA has not been enabled for this account',
  invalid: 'OTP code is invalid',
  locked: 'Too many invalid OTP codes',
};

/** A refusal decided inside a transaction; its activity is written after the rollback. */
class Refusal {
  constructor(readonly action: Action, readonly reason: string, readonly error: AppError) {}
}

const SECRET_BYTES = 20;
/** Rate-limiter bucket of code attempts, per user uid. */
export const OTP_ATTEMPTS_BUCKET = 'otp-attempts';

/**
 * TOTP two-factor authentication (BARONG.md §7.8, §14): secrets made here (20 random bytes,
 * sealed at rest), RFC 6238 codes accepted once per user and time step, and single-use recovery
 * codes (beyond Barong). Every code check counts against a per-user attempt budget that a
 * correct code refills; with the budget spent no code is even looked at and the endpoint
 * answers its usual invalid-code error (no new error key; a guesser learns nothing).
 */
export class OtpService implements SecondFactor {
  constructor(private readonly d: OtpServiceDeps) {}

  /** POST resource/otp/generate_qrcode: a new pending secret, replacing an unconfirmed one. */
  async generateQrCode(user: User, ctx: RequestContext): Promise<{ barcode: string; url: string }> {
    const secret = base32Encode(randomBytes(SECRET_BYTES), { padding: false });
    const sealed = this.d.encryptor.encrypt(secret);
    await this.inTx(async (q) => {
      const u = await this.lock(q, user);
      if (u.otp) return new Refusal(ACTION.qr, REASON.enabled, new AppError('resource.otp.already_enabled'));
      await otpSecretsRepo.put(q, u.id, sealed);
      await this.d.activities.record(q, ctx, { userId: u.id, topic: 'otp', action: ACTION.qr, result: 'succeed' });
    }, user, ctx);
    const url = otpauthUrl(this.d.issuer, user.email, secret);
    const png = await QRCode.toBuffer(url, { type: 'png', width: 300, errorCorrectionLevel: 'M' });
    return { barcode: png.toString('base64'), url };
  }

  /**
   * POST resource/otp/enable: confirms the pending secret with a code, turns 2FA on, labels the
   * user `otp=enabled`, returns fresh recovery codes (shown once) and ends every other session.
   */
  async enable(user: User, code: string, ctx: RequestContext, keepSessionId?: string): Promise<{ recoveryCodes: string[] }> {
    const recoveryCodes = newRecoveryCodes();
    await this.inTx(async (q) => {
      const u = await this.lock(q, user);
      if (u.otp) return new Refusal(ACTION.enable, REASON.enabled, new AppError('resource.otp.already_enabled'));
      const refused = this.refusalOf(await this.attempt(q, u, code, false), ACTION.enable, new AppError('resource.otp.invalid'));
      if (refused) return refused;
      const updated = await this.setOtpFlag(q, u, true);
      await this.d.labels.setPrivate(q, updated, 'otp', 'enabled');
      await otpRecoveryCodesRepo.replace(q, u.id, recoveryCodes.map(hashRecoveryCode));
      await this.d.activities.record(q, ctx, { userId: u.id, topic: 'otp', action: ACTION.enable, result: 'succeed' });
    }, user, ctx);
    this.d.events.committed();
    await this.d.sessions.destroyAllFor(user.uid, keepSessionId);
    return { recoveryCodes };
  }

  /** POST resource/otp/verify. With 2FA off: 422 not_enabled (Warden fix #4 of §20.2a). */
  async verifyCode(user: User, code: string, ctx: RequestContext): Promise<void> {
    if (!user.otp) return this.refuse(user, ctx, new Refusal(ACTION.verify, REASON.notEnabled, new AppError('resource.otp.not_enabled', { status: 422 })));
    const refused = this.refusalOf(await this.attempt(this.d.db, user, code, false), ACTION.verify, new AppError('resource.otp.invalid'));
    if (refused) await this.refuse(user, ctx, refused);
  }

  /** POST resource/otp/disable: 2FA off, secret and recovery codes gone, API keys inactive. */
  async disable(user: User, code: string, ctx: RequestContext): Promise<void> {
    const kids = await this.inTx(async (q) => {
      const u = await this.lock(q, user);
      if (!u.otp) return new Refusal(ACTION.disable, REASON.notEnabled, new AppError('resource.otp.not_enabled'));
      const refused = this.refusalOf(await this.attempt(q, u, code, false), ACTION.disable, new AppError('resource.otp.invalid'));
      if (refused) return refused;
      const { kids } = await this.turnOff(q, u);
      await this.d.activities.record(q, ctx, { userId: u.id, topic: 'otp', action: ACTION.disable, result: 'succeed' });
      return kids;
    }, user, ctx);
    this.afterTurnOff(kids);
  }

  /**
   * For the admin API (BARONG.md §8.7: admins may disable, never enable, 2FA): the same effects
   * as the user's own disable, without a code. A user whose 2FA is already off is returned as is.
   */
  async disableByAdmin(user: User): Promise<User> {
    const out = await this.d.db.tx(async (q) => {
      const u = await this.lock(q, user);
      if (!u.otp) return { user: u, kids: [] as string[] };
      return this.turnOff(q, u);
    });
    this.afterTurnOff(out.kids);
    return out.user;
  }

  /** POST resource/otp/recovery_codes: a TOTP code in, ten new recovery codes out (the old ones die). */
  async regenerateRecoveryCodes(user: User, code: string, ctx: RequestContext): Promise<string[]> {
    const recoveryCodes = newRecoveryCodes();
    await this.inTx(async (q) => {
      const u = await this.lock(q, user);
      if (!u.otp) return new Refusal(ACTION.recoveryCodes, REASON.notEnabled, new AppError('resource.otp.not_enabled'));
      const refused = this.refusalOf(await this.attempt(q, u, code, false), ACTION.recoveryCodes, new AppError('resource.otp.invalid'));
      if (refused) return refused;
      await otpRecoveryCodesRepo.replace(q, u.id, recoveryCodes.map(hashRecoveryCode));
      await this.d.activities.record(q, ctx, { userId: u.id, topic: 'otp', action: ACTION.recoveryCodes, result: 'succeed' });
    }, user, ctx);
    return recoveryCodes;
  }

  /**
   * The SecondFactor port (login, self-deletion, API-key management): true for a right TOTP
   * code of a user with 2FA on, or — with `allowRecoveryCode` (login) — an unused recovery code,
   * which is consumed.
   */
  async verify(user: User, code: string, opts: SecondFactorOptions = {}): Promise<boolean> {
    if (!user.otp) return false;
    const result = await this.attempt(this.d.db, user, code, opts.allowRecoveryCode === true);
    if (result === 'recovery' && opts.ctx) {
      await this.d.activities.record(this.d.db, opts.ctx, { userId: user.id, topic: 'otp', action: ACTION.useRecoveryCode, result: 'succeed' });
    }
    return result === 'totp' || result === 'recovery';
  }

  /** Counts the attempt, then checks the code: TOTP first, then (when allowed) a recovery code. */
  private async attempt(q: Queryable, user: User, code: string, allowRecovery: boolean): Promise<Attempt> {
    if (!(await this.d.limiter.hit(OTP_ATTEMPTS_BUCKET, user.uid, this.d.attempts))) return 'locked';
    const cleaned = code.replace(/\s+/g, '');
    let result: Attempt = 'invalid';
    if (await this.matchTotp(q, user.id, cleaned)) result = 'totp';
    else if (allowRecovery && (await this.consumeRecoveryCode(q, user.id, cleaned))) result = 'recovery';
    if (result !== 'invalid') await this.d.limiter.reset(OTP_ATTEMPTS_BUCKET, user.uid);
    return result;
  }

  /** A code of a step later than the last accepted one, within ±1 step; the step is then used up. */
  private async matchTotp(q: Queryable, userId: number, code: string): Promise<boolean> {
    if (!/^\d{6}$/.test(code)) return false;
    const row = await otpSecretsRepo.forUser(q, userId);
    if (!row) return false;
    let key: Buffer;
    try {
      key = base32Decode(this.d.encryptor.decrypt(row.secretEncrypted));
    } catch (err) {
      // A secret that does not open (tampered, or sealed with a key this instance lacks) is
      // Barong's "TOTP backend failure" (§1.4), not a wrong code.
      throw new AppError('totp.error', { cause: new Error('TOTP secret could not be decrypted', { cause: err }) });
    }
    for (const step of matchingSteps(key, code, this.d.now())) {
      if (row.lastUsedStep !== null && step <= row.lastUsedStep) continue;
      if (await otpSecretsRepo.useStep(q, userId, step)) return true;
    }
    return false;
  }

  private async consumeRecoveryCode(q: Queryable, userId: number, code: string): Promise<boolean> {
    if (normalizeRecoveryCode(code) === null) return false;
    const hash = hashRecoveryCode(code);
    let match: number | null = null;
    // Every stored hash is compared, in constant time, whatever matches first.
    for (const row of await otpRecoveryCodesRepo.unused(q, userId)) if (safeEqual(row.codeHash, hash)) match = row.id;
    return match !== null && otpRecoveryCodesRepo.consume(q, match, new Date(this.d.now()));
  }

  private async turnOff(q: Queryable, u: User): Promise<{ user: User; kids: string[] }> {
    const updated = await this.d.labels.removePrivate(q, await this.setOtpFlag(q, u, false), 'otp');
    await otpSecretsRepo.remove(q, u.id);
    await otpRecoveryCodesRepo.remove(q, u.id);
    const kids = await apiKeysRepo.setStateForHolder(q, 'User', u.id, 'active', 'inactive');
    for (const hook of this.d.onDisabled ?? []) kids.push(...((await hook(updated, q)) ?? []));
    return { user: updated, kids };
  }

  private afterTurnOff(kids: readonly string[]): void {
    this.d.events.committed();
    for (const kid of kids) this.d.apiKeyCache.invalidate(kid);
  }

  private async setOtpFlag(q: Queryable, u: User, otp: boolean): Promise<User> {
    const updated = await usersRepo.update(q, u.id, { otp });
    const refUid = updated.referralId ? await usersRepo.uidById(q, updated.referralId) : null;
    await this.d.events.emit(q, 'model.user.updated', userModelRecord(updated, refUid), { otp: u.otp });
    return updated;
  }

  private async lock(q: Queryable, user: User): Promise<User> {
    const u = await usersRepo.lockById(q, user.id);
    if (!u) throw new AppError('record.not_found');
    return u;
  }

  private refusalOf(result: Attempt, action: Action, invalid: AppError): Refusal | null {
    if (result === 'totp' || result === 'recovery') return null;
    return new Refusal(action, result === 'locked' ? REASON.locked : REASON.invalid, invalid);
  }

  /** Runs `fn` in a transaction; a Refusal it returns rolls nothing back but is recorded and thrown. */
  private async inTx<T>(fn: (q: Queryable) => Promise<T | Refusal>, user: User, ctx: RequestContext): Promise<T> {
    const out = await this.d.db.tx(fn);
    if (out instanceof Refusal) return this.refuse(user, ctx, out);
    return out;
  }

  private async refuse(user: User, ctx: RequestContext, r: Refusal): Promise<never> {
    await this.d.activities.record(this.d.db, ctx, { userId: user.id, topic: 'otp', action: r.action, result: 'failed', reason: r.reason });
    throw r.error;
  }
}
