import type { DocumentRow } from '../../db/repositories/documents.js';
import type { SignedUploadUrls } from '../../infra/storage/signed-url.js';
import type { Pii } from './pii.js';

/** A document as the front doors render it: the number opened, the file as a fresh signed URL. */
export interface DocumentView {
  id: number;
  uploadUrl: string | null;
  docType: string | null;
  docNumber: string | null;
  docExpire: string | null;
  docCategory: string | null;
  identificator: string | null;
  metadata: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function documentViews(rows: readonly DocumentRow[], d: { pii: Pii; urls: SignedUploadUrls }): DocumentView[] {
  return rows.map((r) => ({
    id: r.id,
    uploadUrl: r.upload ? d.urls.url(r.upload) : null,
    docType: r.doc_type,
    docNumber: d.pii.decryptField(r.doc_number_encrypted),
    docExpire: r.doc_expire,
    docCategory: r.doc_category,
    identificator: r.identificator,
    metadata: r.metadata,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}
