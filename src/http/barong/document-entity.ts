import type { DocumentView } from '../../domain/kyc/documents-view.js';
import { maskDocNumber } from '../../domain/kyc/documents-rules.js';
import { iso } from './entities.js';

/**
 * Barong's Document entity (BARONG.md §4): `upload` is an object `{"url": …}`, here always a
 * short-lived signed URL. The user view masks the number; admin/management views do not.
 */
export function documentEntity(d: DocumentView, masked: boolean) {
  return {
    upload: { url: d.uploadUrl }, doc_type: d.docType, doc_number: masked ? maskDocNumber(d.docNumber) : d.docNumber,
    doc_expire: d.docExpire, doc_category: d.docCategory, identificator: d.identificator, metadata: d.metadata,
    created_at: iso(d.createdAt), updated_at: iso(d.updatedAt),
  };
}

/** `GET /resource/documents` renders only these keys (Barong's `only:` filter). */
export function documentListEntity(d: DocumentView) {
  return { upload: { url: d.uploadUrl }, doc_type: d.docType, doc_number: maskDocNumber(d.docNumber), doc_expire: d.docExpire };
}
