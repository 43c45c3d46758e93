import type { Queryable } from '../../db/db.js';
import { documentsRepo, type DocumentRow, type NewDocument } from '../../db/repositories/documents.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { randomHex } from '../../lib/random.js';
import { isoSeconds, userEventForm } from '../events/event-log.js';
import type { User } from '../users/user.js';
import type { KycDocumentDeps } from './documents-deps.js';
import { CONTENT_TYPES, checkFile, type FileKind, type IncomingFile } from './documents-files.js';
import { ADDRESS_DOC_TYPE, documentFieldErrors, maskDocNumber, today } from './documents-rules.js';
import { documentViews, type DocumentView } from './documents-view.js';
import type { KycReview } from './documents-review.js';

export interface DocumentUpload {
  docType: string;
  docNumber: string;
  /** Already coerced to `YYYY-MM-DD` by the front door; null when not given. */
  docExpire: string | null;
  docCategory: string | null;
  identificator: string | null;
  metadata: string | null;
  files: IncomingFile[];
  /** `upload` was sent as a plain value instead of files (Barong: `upload.blank`). */
  uploadNotFiles: boolean;
}

/** A checked file with the id and storage key of the document row it becomes. */
export interface StagedFile { id: number; key: string; data: Buffer; kind: FileKind }

/** The model errors of a set of files: the first failing file's, as Barong reports the first failing row. */
export function filesErrors(files: readonly IncomingFile[], uploadNotFiles: boolean, d: KycDocumentDeps): { errors: string[]; kinds: FileKind[] } {
  if (uploadNotFiles || files.length === 0) return { errors: ['upload.blank'], kinds: [] };
  const kinds: FileKind[] = [];
  for (const f of files) {
    const checked = checkFile(f, d.settings.limits);
    if (checked.errors.length) return { errors: checked.errors, kinds: [] };
    kinds.push(checked.kind!);
  }
  return { errors: [], kinds };
}

/** Writes the files under fresh document ids; the rows are inserted afterwards. */
export async function stageFiles(d: KycDocumentDeps, files: readonly IncomingFile[], kinds: readonly FileKind[]): Promise<StagedFile[]> {
  const staged: StagedFile[] = [];
  try {
    for (let i = 0; i < files.length; i += 1) {
      const id = await documentsRepo.nextId(d.db);
      const key = `document/upload/${id}/${randomHex(32)}.${kinds[i]}`;
      await d.storage.put(key, files[i].data, CONTENT_TYPES[kinds[i]]);
      staged.push({ id, key, data: files[i].data, kind: kinds[i] });
    }
    return staged;
  } catch (err) {
    await unstage(d, staged);
    throw err;
  }
}

/** Removes files whose rows were never committed (best effort: an orphan file is harmless). */
export async function unstage(d: KycDocumentDeps, staged: readonly StagedFile[]): Promise<void> {
  await Promise.allSettled(staged.map((s) => d.storage.delete(s.key)));
}

/** Inserts a document row and emits `model.document.created` (number masked: the outbox is plain text). */
export async function insertDocument(q: Queryable, d: KycDocumentDeps, user: User, id: number, doc: NewDocument): Promise<DocumentRow> {
  const row = await documentsRepo.insert(q, id, doc);
  const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
  await d.events.emit(q, 'model.document.created', {
    user: userEventForm(user, refUid), upload: encodeURI(`/uploads/${row.upload}`), doc_type: row.doc_type,
    doc_number: maskDocNumber(d.pii.decryptField(row.doc_number_encrypted)), doc_expire: row.doc_expire, metadata: row.metadata,
    created_at: isoSeconds(row.created_at), updated_at: isoSeconds(row.updated_at),
  });
  return row;
}

/** Identity documents of the caller (BARONG.md §7.5, §17.4). */
export class DocumentService {
  constructor(private readonly d: KycDocumentDeps, private readonly review: KycReview) {}

  async list(user: User): Promise<DocumentView[]> {
    return documentViews(await documentsRepo.forUser(this.d.db, user.id), this.d);
  }

  /**
   * Checks everything before keeping anything (Barong kept the files before the first bad one),
   * stores the files, then inserts one row per file and sets `document=pending` in one
   * transaction. The provider gets the batch after the commit.
   */
  async upload(user: User, input: DocumentUpload): Promise<DocumentRow[]> {
    const { d } = this;
    if (d.settings.requireExpire) {
      if (input.docExpire === null) throw new AppError('resource.documents.invalid_format');
      if (input.docExpire < today(d.now())) throw new AppError('resource.documents.already_expired');
    }
    this.checkLimit(await documentsRepo.countForUser(d.db, user.id), input.files.length);
    const fields = { docType: input.docType, docNumber: input.docNumber, metadata: input.metadata };
    const fieldErrors = documentFieldErrors(fields, d.settings.documentTypes);
    const files = filesErrors(input.files, input.uploadNotFiles, d);
    if (fieldErrors.length || files.errors.length) {
      // Barong's order of validations: doc_type, upload, then the others.
      const [docType, rest] = [fieldErrors.filter((e) => e.startsWith('doc_type.')), fieldErrors.filter((e) => !e.startsWith('doc_type.'))];
      throw new ModelError([...docType, ...files.errors, ...rest]);
    }
    const identificator = input.identificator ?? randomHex(32);
    const staged = await stageFiles(d, input.files, files.kinds);
    let result: { rows: DocumentRow[]; user: User; review: boolean };
    try {
      result = await d.db.tx(async (q) => {
        let locked = (await usersRepo.lockById(q, user.id))!;
        this.checkLimit(await documentsRepo.countForUser(q, user.id), staged.length);
        const rows: DocumentRow[] = [];
        let review = false;
        for (const s of staged) {
          rows.push(await insertDocument(q, d, locked, s.id, {
            userId: user.id, upload: s.key, docType: input.docType, docExpire: input.docExpire,
            docNumberEncrypted: d.pii.encryptField(input.docNumber), docNumberIndex: d.pii.blindIndex(input.docNumber),
            docCategory: input.docCategory, identificator, metadata: input.metadata,
          }));
          if (input.docType === ADDRESS_DOC_TYPE) continue; // address proofs have their own step (§17.5)
          const batchSize = (await documentsRepo.inBatch(q, user.id, identificator)).length;
          if (d.provider.documentNeedsReview(input.docType, batchSize)) review = true;
        }
        if (review) locked = await this.review.apply(q, locked, 'document', 'pending');
        return { rows, user: locked, review };
      });
    } catch (err) {
      await unstage(d, staged);
      throw err;
    }
    d.events.committed();
    if (result.review && d.provider.name !== 'local') this.submit(result.user, identificator);
    return result.rows;
  }

  /** Barong's two checks (§7.5 step 2): `limit_reached` only when already over the limit (`unless count <= limit`). */
  private checkLimit(existing: number, adding: number): void {
    const limit = this.d.settings.docNumLimit;
    if (existing > limit) throw new AppError('resource.documents.limit_reached');
    if (existing + adding > limit) throw new AppError('resource.documents.limit_will_be_reached');
  }

  /** An upload with more files than one request may carry: refused with the key the count checks give. */
  async refuseTooManyFiles(user: User): Promise<never> {
    this.checkLimit(await documentsRepo.countForUser(this.d.db, user.id), Infinity);
    throw new AppError('resource.documents.limit_will_be_reached');
  }

  private submit(user: User, identificator: string): void {
    this.d.jobs.run('kyc.documents', async () => {
      try {
        const documents = await documentsRepo.inBatch(this.d.db, user.id, identificator);
        await this.d.provider.submitDocuments({ user, identificator, documents });
      } catch (err) {
        this.d.log.warn({ err: (err as Error).message, uid: user.uid, provider: this.d.provider.name }, 'documents not accepted by the KYC provider: marked rejected');
        await this.review.setVerdict(user.id, 'document', 'rejected');
      }
    });
  }
}
