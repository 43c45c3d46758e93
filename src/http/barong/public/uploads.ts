import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { AppError } from '../../../errors/app-error.js';
import { CONTENT_TYPES, extensionOf, type FileKind } from '../../../domain/kyc/documents-files.js';
import { withStorage } from '../resource/kyc-uploads.js';

/**
 * `GET /public/uploads/<expiry>/<mac>/<storage key>`: the only way a stored KYC file leaves
 * Warden. The mac signs key and expiry (UPLOAD_URL_EXPIRE_TIME); entities hand out fresh URLs. No session is needed — the URL itself is the short-lived capability, as an S3
 * presigned URL would be — and nothing is cached along the way.
 */
export async function publicUploadRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const { urls, storage } = c.kycDocuments;
  app.get<{ Params: { '*': string } }>('/uploads/*', {
    schema: { tags: ['public'], summary: 'A stored document file, through a signed URL from a document entity (403 when invalid or expired)' },
  }, async (req, reply) => {
    const checked = urls.check(req.params['*']);
    if (!checked.ok) throw new AppError(checked.reason === 'expired' ? 'public.upload.expired_url' : 'public.upload.invalid_url');
    return withStorage(reply, req, async () => {
      const data = await storage.get(checked.key);
      if (!data) throw new AppError('record.not_found');
      const kind = extensionOf(checked.key) as FileKind;
      return reply
        .header('content-type', CONTENT_TYPES[kind] ?? 'application/octet-stream')
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        // Content that is no image or PDF is never shown inline, whatever the URL's extension.
        .header('content-disposition', kind in CONTENT_TYPES && kind !== 'bin' ? `inline; filename="document.${kind}"` : 'attachment; filename="document.bin"')
        .header('content-security-policy', "default-src 'none'; img-src 'self'; object-src 'self'; sandbox")
        .send(data);
    });
  });
}
