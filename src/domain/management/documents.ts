import type { Db } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { DocumentService } from '../kyc/documents-service.js';
import { ManagementError, fullMessage, notFound } from './errors.js';

export interface ManagementDocument {
  uid: string; doc_type: string; doc_number: string; filename: string; file_ext: string; upload: string;
  /** `YYYY-MM-DD`, already parsed. */
  doc_expire: string | null; metadata?: string;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The document service's own refusals, as the full messages Barong's model gave. */
const MESSAGES: Record<string, string> = {
  'resource.documents.invalid_format': 'Doc expire is invalid',
  'resource.documents.already_expired': 'Doc expire is invalid',
  'resource.documents.limit_reached': 'Documents limit reached',
  'resource.documents.limit_will_be_reached': 'Documents limit will be reached',
};

/** Rails' Array#to_sentence. */
export function toSentence(words: readonly string[]): string {
  if (words.length <= 2) return words.join(' and ');
  return `${words.slice(0, -1).join(', ')}, and ${words[words.length - 1]}`;
}

/**
 * documents (BARONG.md §9.2): a file given as strict base64, run through the same KYC document
 * step as a user's upload. An unknown uid is 404 (Warden fix #12: Barong answered 500).
 */
export class ManagementDocuments {
  constructor(private readonly d: { db: Db; documents: DocumentService }) {}

  async upload(doc: ManagementDocument): Promise<void> {
    const user = await usersRepo.byUid(this.d.db, doc.uid);
    if (!user) throw notFound();
    if (!STRICT_BASE64.test(doc.upload)) throw new ManagementError(422, 'upload is invalid');
    try {
      await this.d.documents.upload(user, {
        docType: doc.doc_type, docNumber: doc.doc_number, docExpire: doc.doc_expire, docCategory: null, identificator: null,
        metadata: doc.metadata ?? null, uploadNotFiles: false,
        files: [{ filename: `${doc.filename}${doc.file_ext}`, data: Buffer.from(doc.upload, 'base64'), truncated: false }],
      });
    } catch (e) {
      if (e instanceof AppError) throw new ManagementError(422, toSentence(e.keys.map((k) => MESSAGES[k] ?? fullMessage(k))));
      throw e;
    }
  }
}
