import path from 'node:path';
import type { Db } from '../../db/db.js';
import { LocalFileStorage } from '../../infra/storage/local.js';
import type { FileStorage } from '../../infra/storage/port.js';
import { S3FileStorage, type S3Options } from '../../infra/storage/s3.js';
import { SignedUploadUrls } from '../../infra/storage/signed-url.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import { AddressService } from './addresses-service.js';
import type { DocumentSettings, KycLogger } from './documents-deps.js';
import { KycReview } from './documents-review.js';
import { DocumentService } from './documents-service.js';
import { piiFor } from './pii.js';
import type { User } from '../users/user.js';
import { BackgroundJobs, LocalKycProvider, type KycProvider, type Verdict } from './provider.js';
import { KycCallbacks } from './provider-callbacks.js';
import { GenericKycProvider } from './provider-generic.js';
import { KycaidProvider } from './provider-kycaid.js';
import { HttpKycaidApi, type KycaidApi } from './provider-kycaid-api.js';

export interface KycDocumentsOptions {
  db: Db;
  events: EventLog;
  labels: LabelService;
  encryptionKey: Buffer;
  log: KycLogger;
  now: () => number;
  dataDir: string;
  /** Where the signed file route is mounted (`${API_PREFIX}/public/uploads`). */
  uploadsPath: string;
  urlLifetime: number;
  settings: DocumentSettings;
  s3?: S3Options;
  provider: { name: 'local' | 'generic' | 'kycaid'; secret?: string; kycaid?: { url: string; token: string; formId?: string; callbackUrl?: string } };
  /** The profile service's review (submitted → verified/rejected), for profile verdicts of callbacks. */
  reviewProfile?: (user: User, verdict: Verdict) => Promise<unknown>;
  /** Tests: a storage twin, or a KYCAID client of their own. */
  storage?: FileStorage;
  kycaidApi?: KycaidApi;
}

/** The document, address, review and callback services with their storage and provider. */
export interface KycDocuments {
  storage: FileStorage;
  urls: SignedUploadUrls;
  provider: KycProvider;
  jobs: BackgroundJobs;
  documents: DocumentService;
  addresses: AddressService;
  review: KycReview;
  callbacks: KycCallbacks;
  close(): Promise<void>;
}

export function buildKycDocuments(o: KycDocumentsOptions): KycDocuments {
  const pii = piiFor(o.encryptionKey);
  const storage = o.storage ?? (o.s3 ? new S3FileStorage(o.s3) : new LocalFileStorage(path.join(o.dataDir, 'uploads')));
  const urls = new SignedUploadUrls(o.encryptionKey, o.urlLifetime, o.uploadsPath, o.now);
  const jobs = new BackgroundJobs((name, err) => o.log.warn({ job: name, err: (err as Error)?.message }, 'KYC background job failed'));
  const secret = o.provider.secret ?? '';
  let provider: KycProvider;
  if (o.provider.name === 'generic') provider = new GenericKycProvider(secret);
  else if (o.provider.name === 'kycaid') {
    const k = o.provider.kycaid!;
    const api = o.kycaidApi ?? new HttpKycaidApi(k.url, k.token);
    provider = new KycaidProvider({ api, db: o.db, pii, storage, secret, formId: k.formId, callbackUrl: k.callbackUrl });
  } else provider = new LocalKycProvider();
  const deps = { db: o.db, labels: o.labels, events: o.events, pii, storage, urls, provider, jobs, log: o.log, now: o.now, settings: o.settings };
  const review = new KycReview(deps);
  return {
    storage, urls, provider, jobs, review,
    documents: new DocumentService(deps, review),
    addresses: new AddressService(deps, review),
    callbacks: new KycCallbacks(deps, review, o.reviewProfile),
    async close() {
      await jobs.drain();
      if (storage instanceof S3FileStorage) storage.close();
    },
  };
}
