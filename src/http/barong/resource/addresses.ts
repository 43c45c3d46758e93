import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { AppError } from '../../../errors/app-error.js';
import { P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';
import { readUpload, registerUploads, TooManyFilesError, withStorage } from './kyc-uploads.js';

/** Barong's declaration order (app/api/v2/resource/addresses.rb): `upload` before `city` and `postcode`. */
const UploadAddress = P.obj({
  country: P.str({ 'x-nonblank': true }),
  address: P.str({ 'x-nonblank': true }),
  upload: P.any({ description: 'one or more files as upload[] (JPEG, PNG or PDF)' }),
  city: P.str({ description: 'may be blank' }),
  postcode: P.str({ description: 'may be blank' }),
});

/** Proof of residence (BARONG.md §7.6). */
export async function resourceAddressRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const k = c.kycDocuments;
  await registerUploads(app, { maxBytes: c.config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024, maxFiles: c.config.DOC_NUM_LIMIT });
  requireCaller(app, c);

  app.post('/addresses', {
    schema: {
      tags: ['resource'], security: [{ bearer: [] }, { session: [] }], consumes: ['multipart/form-data'],
      summary: 'Upload a proof of residence (multipart) with the claimed address; sets address=pending',
    },
  }, async (req, reply) => {
    const user = callerOf(req).user;
    let read;
    try {
      read = await readUpload(req, reply);
    } catch (err) {
      // Barong sets no count limit here; Warden still bounds one request.
      if (err instanceof TooManyFilesError) throw new AppError(['server.request.too_large'], { status: 413 });
      throw err;
    }
    const p = parseParams(UploadAddress, read.params, 'resource.address');
    return withStorage(reply, req, async () => {
      await k.addresses.upload(user, { country: p.country, address: p.address, city: p.city, postcode: p.postcode, files: read.files, uploadNotFiles: read.uploadNotFiles });
      return reply.status(201).send();
    });
  });
}
