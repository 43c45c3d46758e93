import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { ModelError } from '../../../errors/app-error.js';
import { iso } from '../entities.js';
import { callerOf, requireCaller } from './auth.js';
import { readUpload, registerUploads, TooManyFilesError, withStorage } from './kyc-uploads.js';

/** Where the door serves a user's image (relative to the server root). */
const urls = (id: number) => ({ small_url: `/partner/${id}/profile_image`, big_url: `/partner/${id}/profile_image/big` });

/**
 * The caller's profile image (the Nebeus door serves it at /partner/{id}/profile_image[/big]).
 * Upload: multipart `upload` (JPEG, PNG, GIF or WebP, checked by content, up to
 * UPLOAD_SIZE_MAX_RANGE MB); it is rendered to 64×64 and 150×150 PNG at once.
 */
export async function resourceProfileImageRoutes(app: FastifyInstance, { c }: { c: Container }) {
  await registerUploads(app, { maxBytes: c.config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024, maxFiles: 1 });
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const avatars = c.nebeus.avatars;

  app.post('/profile_image', {
    schema: { tags, security, summary: 'Upload the caller\'s profile image (multipart `upload`); served resized by the Nebeus door', consumes: ['multipart/form-data'] },
  }, async (req, reply) => {
    const user = callerOf(req).user;
    let read;
    try {
      read = await readUpload(req, reply);
    } catch (err) {
      if (err instanceof TooManyFilesError) throw new ModelError(['upload.too_many_files']);
      throw err;
    }
    const file = read.files[0];
    if (!file) throw new ModelError(['upload.blank']);
    if (file.truncated) throw new ModelError(['upload.too_large']);
    return withStorage(reply, req, async () => {
      const saved = await avatars.upload(user, file.data);
      return reply.status(201).send({ partner_id: user.id, ...urls(user.id), updated_at: iso(saved.updatedAt) });
    });
  });

  app.delete('/profile_image', {
    schema: { tags, security, summary: 'Remove the caller\'s profile image (the placeholder is served again)' },
  }, async (req, reply) => withStorage(reply, req, async () => {
    await avatars.remove(callerOf(req).user);
    return reply.status(204).send();
  }));
}
