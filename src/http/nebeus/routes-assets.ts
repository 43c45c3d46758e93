import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import type { AvatarSize } from '../../domain/avatars/avatar-service.js';
import { TAG } from './schemas.js';

const notFound = (reply: FastifyReply) => reply.status(404).type('application/json').send({ error: 'Not found' });

/** 304 when the client already has this version. */
function fresh(req: FastifyRequest, etag: string): boolean {
  const h = req.headers['if-none-match'];
  return typeof h === 'string' && h.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}`);
}

/** Profile images (64×64, 150×150, PNG) and country flags (SVG), public and cacheable. */
export async function nebeusAssetRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const tags = [TAG];
  const image = (size: AvatarSize) => async (req: FastifyRequest, reply: FastifyReply) => {
    const img = await c.nebeus.avatars.image((req.params as { uid: string }).uid, size);
    if (!img) return notFound(reply);
    // The URL stays while the image changes: caches revalidate after a few minutes (ETag).
    reply.header('etag', img.etag).header('cache-control', `public, max-age=${img.placeholder ? 60 : 300}`).header('x-content-type-options', 'nosniff');
    if (fresh(req, img.etag)) return reply.status(304).send();
    return reply.type(img.contentType).send(img.body);
  };
  const uid = Type.Object({ uid: Type.String({ description: 'the user\'s numeric id (his partner_id)' }) });
  app.get('/partner/:uid/profile_image', { schema: { tags, summary: 'Profile image, 64×64 PNG (a placeholder when there is none)', params: uid } }, image('small'));
  app.get('/partner/:uid/profile_image/big', { schema: { tags, summary: 'Profile image, 150×150 PNG (a placeholder when there is none)', params: uid } }, image('big'));

  app.get('/assets/svg/:file', {
    schema: { tags, summary: 'Country flag `i_country-{code}.svg` (ISO alpha-2, either case) of an active country', params: Type.Object({ file: Type.String() }) },
  }, async (req, reply) => {
    const m = /^i_country-([A-Za-z]{2})\.svg$/.exec((req.params as { file: string }).file);
    const svg = m ? await c.nebeus.countries.flag(m[1]) : null;
    if (!svg) return notFound(reply);
    const etag = `"${createHash('sha256').update(svg).digest('base64url').slice(0, 22)}"`;
    reply.header('etag', etag).header('cache-control', 'public, max-age=86400').header('x-content-type-options', 'nosniff')
      // An SVG opened directly is a document: it may style itself, nothing more.
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (fresh(req, etag)) return reply.status(304).send();
    return reply.type('image/svg+xml; charset=utf-8').send(svg);
  });
}
