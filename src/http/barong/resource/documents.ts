import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { ValidationError } from '../../../errors/app-error.js';
import { DOC_CATEGORIES, parseDate } from '../../../domain/kyc/documents-rules.js';
import { documentListEntity } from '../document-entity.js';
import { isBlank, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';
import { readUpload, registerUploads, TooManyFilesError, withStorage } from './kyc-uploads.js';

const UploadDocument = P.obj({
  doc_type: P.str({ 'x-nonblank': true, description: 'one of DOCUMENT_TYPES' }),
  doc_number: P.str({ 'x-nonblank': true }),
  upload: P.any({ description: 'one or more files as upload[] (JPEG, PNG or PDF)' }),
  doc_expire: P.opt(P.str({ description: 'YYYY-MM-DD' })),
  doc_category: P.opt(P.str({ description: 'front_side, back_side or selfie' })),
  identificator: P.opt(P.str({ description: 'batch id shared by files uploaded together (default: a new one)' })),
  metadata: P.opt(P.str({ description: 'JSON string' })),
});

const orNull = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v);

/** The caller's identity documents (BARONG.md §7.5). */
export async function resourceDocumentRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const k = c.kycDocuments;
  await registerUploads(app, { maxBytes: c.config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024, maxFiles: c.config.DOC_NUM_LIMIT });
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/documents', { schema: { tags, security, summary: 'The caller\'s documents (number masked, file as a short-lived signed URL)' } }, async (req) =>
    (await k.documents.list(callerOf(req).user)).map(documentListEntity));

  app.post('/documents', {
    schema: { tags, security, summary: 'Upload identity documents (multipart, one row per file); sets document=pending', consumes: ['multipart/form-data'] },
  }, async (req, reply) => {
    const user = callerOf(req).user;
    let read;
    try {
      read = await readUpload(req, reply);
    } catch (err) {
      if (err instanceof TooManyFilesError) return k.documents.refuseTooManyFiles(user);
      throw err;
    }
    const errors: string[] = [];
    let p: ReturnType<typeof parseParams<typeof UploadDocument>> | undefined;
    try {
      p = parseParams(UploadDocument, read.params, 'resource.document');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors.push(...err.keys);
    }
    const expireText = read.params.doc_expire;
    const docExpire = typeof expireText === 'string' && !isBlank(expireText) ? parseDate(expireText) : null;
    if (typeof expireText === 'string' && !isBlank(expireText) && docExpire === null) errors.push('resource.documents.expire_not_a_date');
    const category = read.params.doc_category;
    if (category !== undefined && !(DOC_CATEGORIES as readonly unknown[]).includes(category)) errors.push('resource.documents.doc_category');
    if (errors.length || !p) throw new ValidationError(errors);
    const input = p;
    return withStorage(reply, req, async () => {
      await k.documents.upload(user, {
        docType: input.doc_type, docNumber: input.doc_number, docExpire, docCategory: orNull(input.doc_category),
        identificator: orNull(input.identificator), metadata: orNull(input.metadata), files: read.files, uploadNotFiles: read.uploadNotFiles,
      });
      return reply.status(201).send();
    });
  });
}
