import type { DocumentRow } from '../../db/repositories/documents.js';
import type { User } from '../users/user.js';

/**
 * The KYC provider port (BARONG.md §17.4–§17.6). Three implementations:
 * - `local` (default): admins review documents by hand; the callback endpoint is closed (422).
 * - `generic`: any provider or relay that posts a signed verdict (provider-generic.ts).
 * - `kycaid`: the KYCAID flow — applicant, files, verification, re-fetch on callback
 *   (provider-kycaid.ts).
 */
export type ReviewKey = 'document' | 'address' | 'profile';
export type Verdict = 'verified' | 'rejected';
export const REVIEW_KEYS: readonly ReviewKey[] = ['document', 'address', 'profile'];

export type CallbackHeaders = Record<string, string | string[] | undefined>;

export type CallbackOutcome =
  | { kind: 'apply'; eventId: string; subject: { uid: string } | { applicantId: string }; verdicts: Partial<Record<ReviewKey, Verdict>> }
  | { kind: 'ignore'; eventId: string; reason: string };

export interface DocumentBatch {
  user: User;
  identificator: string;
  documents: DocumentRow[];
}

export interface AddressBatch extends DocumentBatch {
  address: { country: string; city: string | null; postcode: string | null; address: string };
}

export interface KycProvider {
  readonly name: 'local' | 'generic' | 'kycaid';
  /**
   * Whether a document of this type, its batch now holding `batchSize` files, sets the user's
   * `document` label to pending (and, after commit, is handed to `submitDocuments`).
   */
  documentNeedsReview(docType: string, batchSize: number): boolean;
  /** After commit: send a complete batch to the provider. A throw marks the label rejected. */
  submitDocuments(batch: DocumentBatch): Promise<void>;
  submitAddress(batch: AddressBatch): Promise<void>;
  /** Checks the callback's signature over the raw body (constant time). */
  verifySignature(raw: Buffer, headers: CallbackHeaders): boolean;
  /** The event id is readable before any remote call, so replays stop early. */
  eventIdOf(raw: Buffer): string;
  /** Reads a signed callback; may re-fetch the verification from the provider. */
  interpret(raw: Buffer, headers: CallbackHeaders): Promise<CallbackOutcome>;
}

/** The signed callback body is not one this provider understands. */
export class CallbackPayloadError extends Error {
  constructor(message: string) { super(message); this.name = 'CallbackPayloadError'; }
}

/** The provider could not be asked (network, 5xx): the caller should retry later. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) { super(message, options); this.name = 'ProviderUnavailableError'; }
}

export function headerOf(headers: CallbackHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try { body = JSON.parse(raw.toString('utf8')); } catch { throw new CallbackPayloadError('body is not JSON'); }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CallbackPayloadError('body is not a JSON object');
  return body as Record<string, unknown>;
}

export function eventIdFrom(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw new CallbackPayloadError('event id missing');
  const id = String(value).trim();
  if (id === '' || id.length > 255) throw new CallbackPayloadError('event id missing or too long');
  return id;
}

/** Manual review by admins: every identity document asks for review; nothing leaves Warden. */
export class LocalKycProvider implements KycProvider {
  readonly name = 'local' as const;
  documentNeedsReview(): boolean { return true; }
  async submitDocuments(): Promise<void> {}
  async submitAddress(): Promise<void> {}
  verifySignature(): boolean { return false; }
  eventIdOf(): string { throw new CallbackPayloadError('the local provider takes no callbacks'); }
  async interpret(): Promise<CallbackOutcome> { throw new CallbackPayloadError('the local provider takes no callbacks'); }
}

/**
 * Provider calls that run after the response (Barong used a job queue). Failures are reported
 * to `onError`; `drain` waits for what is in flight (tests, shutdown).
 */
export class BackgroundJobs {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (name: string, err: unknown) => void) {}

  run(name: string, job: () => Promise<void>): void {
    const p = job().catch((err) => this.onError(name, err)).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
