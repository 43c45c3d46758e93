import { kycEventsRepo } from '../../db/repositories/kyc-events.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { User } from '../users/user.js';
import type { KycDocumentDeps } from './documents-deps.js';
import type { KycReview } from './documents-review.js';
import {
  CallbackPayloadError, ProviderUnavailableError, REVIEW_KEYS,
  type CallbackHeaders, type CallbackOutcome, type ReviewKey, type Verdict,
} from './provider.js';

export type CallbackResult =
  | { status: 'applied'; eventId: string; applied: Partial<Record<ReviewKey, Verdict>> }
  | { status: 'ignored'; eventId: string; reason: string }
  | { status: 'replayed'; eventId: string };

/**
 * `POST /public/kyc` (BARONG.md §6, §17.6 with Warden fix #20). In order: the signature over the
 * raw bytes (nothing is parsed before it holds), the event id (a seen one is answered without
 * any other work), the provider's reading of the event (KYCAID: a fresh fetch), then one
 * transaction that records the event id and sets the labels — so an event applies at most once
 * even when two deliveries race.
 */
export class KycCallbacks {
  constructor(
    private readonly d: KycDocumentDeps,
    private readonly review: KycReview,
    /**
     * Moves the user's submitted profile to the verdict (the profile service, which also keeps the
     * `profile` label in step). Without it the `profile` label alone is set.
     */
    private readonly reviewProfile?: (user: User, verdict: Verdict) => Promise<unknown>,
  ) {}

  /** The `local` provider takes no callbacks (Barong answers 422). */
  get enabled(): boolean {
    return this.d.provider.name !== 'local';
  }

  async receive(raw: Buffer, headers: CallbackHeaders): Promise<CallbackResult> {
    const p = this.d.provider;
    if (!this.enabled || !p.verifySignature(raw, headers)) throw new AppError('public.kyc.invalid_signature');
    const eventId = this.payload(() => p.eventIdOf(raw));
    if (await kycEventsRepo.find(this.d.db, p.name, eventId)) return { status: 'replayed', eventId };
    let outcome: CallbackOutcome;
    try {
      outcome = await p.interpret(raw, headers);
    } catch (err) {
      if (err instanceof CallbackPayloadError) throw new AppError('public.kyc.invalid_payload', { cause: err });
      // Network trouble or a refusal: answer 502 so the provider delivers the event again later.
      this.d.log.warn({ err: (err as Error).message, provider: p.name }, 'KYC provider could not confirm a callback');
      throw new AppError('public.kyc.provider_unavailable', { cause: err instanceof ProviderUnavailableError ? err : undefined });
    }
    let profileVerdict: { user: User; verdict: Verdict } | null = null;
    const result = await this.d.db.tx(async (q): Promise<CallbackResult> => {
      if (!(await kycEventsRepo.claim(q, p.name, outcome.eventId, null))) return { status: 'replayed', eventId: outcome.eventId };
      if (outcome.kind === 'ignore') {
        await kycEventsRepo.setResult(q, p.name, outcome.eventId, null, { ignored: outcome.reason });
        return { status: 'ignored', eventId: outcome.eventId, reason: outcome.reason };
      }
      const subject = outcome.subject;
      const userId = 'uid' in subject ? (await usersRepo.byUid(q, subject.uid))?.id ?? null : await kycEventsRepo.userIdByApplicant(q, subject.applicantId);
      // Unknown subject: nothing is recorded (the transaction rolls back), so a later retry can still apply.
      if (userId === null) throw new AppError('record.not_found');
      let user = (await usersRepo.lockById(q, userId))!;
      const applied: Partial<Record<ReviewKey, Verdict>> = {};
      for (const key of REVIEW_KEYS) {
        const verdict = outcome.verdicts[key];
        if (!verdict) continue;
        if (key === 'profile' && this.reviewProfile) {
          profileVerdict = { user, verdict }; // after the commit, through the profile service
          continue;
        }
        // Only a step the user went through gets a verdict (§17.6: keys that exist as labels).
        if (!(await this.review.hasSubmitted(q, user, key))) continue;
        user = await this.review.apply(q, user, key, verdict);
        applied[key] = verdict;
      }
      await kycEventsRepo.setResult(q, p.name, outcome.eventId, user.id, profileVerdict ? { applied, profile_review: profileVerdict.verdict } : { applied });
      return { status: 'applied', eventId: outcome.eventId, applied };
    });
    this.d.events.committed();
    const pv = profileVerdict as { user: User; verdict: Verdict } | null;
    if (pv && this.reviewProfile) {
      // Its own transaction: the profile service owns profile rows. The event is already recorded,
      // so a failure here is logged for an admin rather than retried by the provider.
      try {
        await this.reviewProfile(pv.user, pv.verdict);
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, uid: pv.user.uid }, 'profile verdict from the KYC provider not applied');
      }
    }
    return result;
  }

  private payload<T>(read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof CallbackPayloadError) throw new AppError('public.kyc.invalid_payload', { cause: err });
      throw err;
    }
  }
}
