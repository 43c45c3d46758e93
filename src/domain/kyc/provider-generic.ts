import { createHmac } from 'node:crypto';
import { safeEqual } from '../../lib/timing-safe.js';
import {
  CallbackPayloadError, REVIEW_KEYS, eventIdFrom, headerOf, parseJsonObject,
  type CallbackHeaders, type CallbackOutcome, type KycProvider, type ReviewKey, type Verdict,
} from './provider.js';

export const GENERIC_SIGNATURE_HEADER = 'x-kyc-signature';

/** Hex HMAC-SHA256 of the raw body with the shared secret (what a sender puts in X-KYC-Signature). */
export function genericSignature(secret: string, raw: Buffer | string): string {
  return createHmac('sha256', secret).update(raw).digest('hex');
}

/**
 * A provider-agnostic webhook: a provider (or a relay in front of one) posts
 *   {"event_id": "…", "uid": "ID…" | "applicant_id": "…",
 *    "verifications": {"document": "verified", "address": "rejected", "profile": true}}
 * with `X-KYC-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>` (the `sha256=` prefix is
 * optional). Verdict values: "verified"/"approved"/true or "rejected"/"declined"/false, or an
 * object with a boolean `verified`. Documents are reviewed outside Warden, so nothing is sent.
 */
export class GenericKycProvider implements KycProvider {
  readonly name = 'generic' as const;

  constructor(private readonly secret: string) {}

  documentNeedsReview(): boolean { return true; }
  async submitDocuments(): Promise<void> {}
  async submitAddress(): Promise<void> {}

  verifySignature(raw: Buffer, headers: CallbackHeaders): boolean {
    const given = headerOf(headers, GENERIC_SIGNATURE_HEADER);
    if (!this.secret || typeof given !== 'string') return false;
    const hex = given.trim().replace(/^sha256=/i, '').toLowerCase();
    return safeEqual(genericSignature(this.secret, raw), hex);
  }

  eventIdOf(raw: Buffer): string {
    return eventIdFrom(parseJsonObject(raw).event_id);
  }

  async interpret(raw: Buffer): Promise<CallbackOutcome> {
    const body = parseJsonObject(raw);
    const eventId = eventIdFrom(body.event_id);
    const subject = typeof body.uid === 'string' && body.uid !== '' ? { uid: body.uid }
      : typeof body.applicant_id === 'string' && body.applicant_id !== '' ? { applicantId: body.applicant_id }
        : null;
    if (!subject) throw new CallbackPayloadError('uid or applicant_id required');
    const v = body.verifications;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new CallbackPayloadError('verifications must be an object');
    const verdicts: Partial<Record<ReviewKey, Verdict>> = {};
    for (const key of REVIEW_KEYS) {
      if (!(key in v)) continue;
      verdicts[key] = verdictOf((v as Record<string, unknown>)[key]);
    }
    if (Object.keys(verdicts).length === 0) return { kind: 'ignore', eventId, reason: 'no known verification' };
    return { kind: 'apply', eventId, subject, verdicts };
  }
}

function verdictOf(v: unknown): Verdict {
  const raw = v && typeof v === 'object' && 'verified' in v ? (v as { verified: unknown }).verified : v;
  if (raw === true || raw === 'verified' || raw === 'approved') return 'verified';
  if (raw === false || raw === 'rejected' || raw === 'declined') return 'rejected';
  throw new CallbackPayloadError('a verdict must be verified or rejected');
}
