import type { Db } from '../../db/db.js';
import type { FileStorage } from '../../infra/storage/port.js';
import type { SignedUploadUrls } from '../../infra/storage/signed-url.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { UploadLimits } from './documents-files.js';
import type { Pii } from './pii.js';
import type { BackgroundJobs, KycProvider } from './provider.js';

export interface KycLogger {
  warn(obj: object, msg: string): void;
}

export interface DocumentSettings {
  /** Accepted `doc_type` values (Barong's `document_types`). */
  documentTypes: readonly string[];
  /** `doc_expire` required and not past for identity documents (never for address proofs). */
  requireExpire: boolean;
  /** Most documents one user may hold (Barong's `doc_num_limit`). */
  docNumLimit: number;
  limits: UploadLimits;
}

/** What the document, address, review and callback services share. */
export interface KycDocumentDeps {
  db: Db;
  labels: LabelService;
  events: EventLog;
  pii: Pii;
  storage: FileStorage;
  urls: SignedUploadUrls;
  provider: KycProvider;
  jobs: BackgroundJobs;
  log: KycLogger;
  now: () => number;
  settings: DocumentSettings;
}
