import { createHmac } from 'node:crypto';
import type { Db } from '../../db/db.js';
import type { DocumentRow } from '../../db/repositories/documents.js';
import { kycEventsRepo } from '../../db/repositories/kyc-events.js';
import type { FileStorage } from '../../infra/storage/port.js';
import { safeEqual } from '../../lib/timing-safe.js';
import type { User } from '../users/user.js';
import { CONTENT_TYPES, extensionOf, type FileKind } from './documents-files.js';
import type { Pii } from './pii.js';
import type { KycaidApi } from './provider-kycaid-api.js';
import {
  CallbackPayloadError, eventIdFrom, headerOf, parseJsonObject,
  type AddressBatch, type CallbackHeaders, type CallbackOutcome, type DocumentBatch, type KycProvider, type ReviewKey, type Verdict,
} from './provider.js';

export const KYCAID_SIGNATURE_HEADER = 'x-data-integrity';

/** base64 HMAC-SHA512(secret, base64(raw body)): the X-Data-Integrity value KYCAID sends. */
export function kycaidSignature(secret: string, raw: Buffer | string): string {
  return createHmac('sha512', secret).update(Buffer.from(raw).toString('base64')).digest('base64');
}

/** Files a batch needs before it goes to KYCAID (§17.4): passport = front + selfie. */
const BATCH_SIZES: Readonly<Record<string, number>> = { Passport: 2, 'Driver license': 3, 'Identity card': 3 };
const KYCAID_TYPES: Readonly<Record<string, string>> = { Passport: 'PASSPORT', 'Driver license': 'DRIVERS_LICENSE', 'Identity card': 'ID_CARD' };

export interface KycaidDeps {
  api: KycaidApi;
  db: Db;
  pii: Pii;
  storage: FileStorage;
  secret: string;
  formId?: string;
  callbackUrl?: string;
}

/**
 * The KYCAID flow of BARONG.md §17: an applicant made from the user's newest profile, the
 * batch's files uploaded, DOCUMENT+FACIAL (or ADDRESS) verification requested; on the
 * callback the verification is fetched again from KYCAID and only that answer counts.
 */
export class KycaidProvider implements KycProvider {
  readonly name = 'kycaid' as const;

  constructor(private readonly d: KycaidDeps) {}

  documentNeedsReview(docType: string, batchSize: number): boolean {
    return BATCH_SIZES[docType] !== undefined && batchSize === BATCH_SIZES[docType];
  }

  async submitDocuments(batch: DocumentBatch): Promise<void> {
    const applicantId = await this.applicantFor(batch.user);
    const first = batch.documents[0];
    const slots = assignSides(batch.documents, BATCH_SIZES[first.doc_type ?? ''] === 3);
    const fileId = async (doc: DocumentRow | undefined) => (doc ? this.upload(doc) : undefined);
    await this.d.api.createDocument({
      applicant_id: applicantId, type: KYCAID_TYPES[first.doc_type ?? ''] ?? 'PASSPORT',
      document_number: this.d.pii.decryptField(first.doc_number_encrypted), expiry_date: first.doc_expire,
      front_side_id: await fileId(slots.front), back_side_id: await fileId(slots.back),
    });
    if (slots.selfie) await this.d.api.createDocument({ applicant_id: applicantId, type: 'SELFIE_IMAGE', front_side_id: await fileId(slots.selfie) });
    await this.d.api.createVerification({ applicant_id: applicantId, types: ['DOCUMENT', 'FACIAL'], form_id: this.d.formId, callback_url: this.d.callbackUrl });
  }

  async submitAddress(batch: AddressBatch): Promise<void> {
    const applicantId = await this.applicantFor(batch.user);
    const a = batch.address;
    await this.d.api.createAddress({ applicant_id: applicantId, type: 'REGISTERED', country: a.country, city: a.city, postal_code: a.postcode, full_address: a.address });
    for (const doc of batch.documents) {
      await this.d.api.createDocument({ applicant_id: applicantId, type: 'ADDRESS_DOCUMENT', front_side_id: await this.upload(doc) });
    }
    await this.d.api.createVerification({ applicant_id: applicantId, types: ['ADDRESS'], form_id: this.d.formId, callback_url: this.d.callbackUrl });
  }

  verifySignature(raw: Buffer, headers: CallbackHeaders): boolean {
    const given = headerOf(headers, KYCAID_SIGNATURE_HEADER);
    if (!this.d.secret || typeof given !== 'string') return false;
    return safeEqual(kycaidSignature(this.d.secret, raw), given.trim());
  }

  eventIdOf(raw: Buffer): string {
    return eventIdFrom(parseJsonObject(raw).request_id);
  }

  async interpret(raw: Buffer): Promise<CallbackOutcome> {
    const body = parseJsonObject(raw);
    const eventId = eventIdFrom(body.request_id);
    if (body.type !== 'VERIFICATION_COMPLETED') return { kind: 'ignore', eventId, reason: `type ${String(body.type)}` };
    if (typeof body.verification_id !== 'string' || body.verification_id === '') throw new CallbackPayloadError('verification_id missing');
    // The body only says "look again": the verdict is what KYCAID answers now.
    const v = await this.d.api.getVerification(body.verification_id);
    if (typeof body.applicant_id === 'string' && body.applicant_id !== v.applicant_id) throw new CallbackPayloadError('applicant does not match the verification');
    if (v.status !== 'completed') return { kind: 'ignore', eventId, reason: `status ${v.status}` };
    const checks = v.verifications ?? {};
    const verified = (name: string) => checks[name]?.verified === true;
    const verdicts: Partial<Record<ReviewKey, Verdict>> = {};
    if ('document' in checks) verdicts.document = verified('document') && verified('facial') ? 'verified' : 'rejected';
    if ('address' in checks) verdicts.address = verified('address') ? 'verified' : 'rejected';
    if ('profile' in checks) verdicts.profile = verified('profile') ? 'verified' : 'rejected';
    return { kind: 'apply', eventId, subject: { applicantId: v.applicant_id }, verdicts };
  }

  /** The applicant id of the user's newest profile, created at KYCAID when it has none yet. */
  private async applicantFor(user: User): Promise<string> {
    const profile = await kycEventsRepo.latestProfile(this.d.db, user.id);
    if (!profile) throw new Error('KYCAID needs a profile before documents');
    if (profile.applicant_id) return profile.applicant_id;
    const pii = this.d.pii;
    const applicantId = await this.d.api.createApplicant({
      type: 'PERSON', first_name: pii.decryptField(profile.first_name_encrypted), last_name: pii.decryptField(profile.last_name_encrypted),
      dob: pii.decryptField(profile.dob_encrypted), residence_country: profile.country, email: user.email,
    });
    await kycEventsRepo.setApplicantId(this.d.db, profile.id, applicantId);
    return applicantId;
  }

  private async upload(doc: DocumentRow): Promise<string> {
    const key = doc.upload ?? '';
    const data = await this.d.storage.get(key);
    if (!data) throw new Error(`stored file of document ${doc.id} is missing`);
    const ext = extensionOf(key) as FileKind;
    return this.d.api.uploadFile(data, key.split('/').pop() ?? 'file', CONTENT_TYPES[ext] ?? 'application/octet-stream');
  }
}

/** Front, back and selfie by `doc_category`; files without one fill the free slots in order. */
export function assignSides(docs: readonly DocumentRow[], hasBack: boolean): { front?: DocumentRow; back?: DocumentRow; selfie?: DocumentRow } {
  const out: { front?: DocumentRow; back?: DocumentRow; selfie?: DocumentRow } = {};
  const rest: DocumentRow[] = [];
  for (const d of docs) {
    const slot = d.doc_category === 'front_side' ? 'front' : d.doc_category === 'back_side' ? 'back' : d.doc_category === 'selfie' ? 'selfie' : null;
    if (slot && !out[slot]) out[slot] = d;
    else rest.push(d);
  }
  for (const slot of (hasBack ? ['front', 'back', 'selfie'] : ['front', 'selfie']) as ('front' | 'back' | 'selfie')[]) {
    if (!out[slot] && rest.length) out[slot] = rest.shift();
  }
  return out;
}
