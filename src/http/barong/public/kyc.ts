import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';

/**
 * `POST /public/kyc`, the KYC provider callback (BARONG.md §6, §17.6, Warden fix #20). The
 * body is kept as raw bytes — this plugin replaces every content-type parser in its own scope —
 * because the signature covers exactly those bytes; nothing is parsed before it is checked.
 */
export async function publicKycRoutes(app: FastifyInstance, { c }: { c: Container }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 256 * 1024 }, (_req, body, done) => done(null, body));
  const callbacks = c.kycDocuments.callbacks;

  app.post('/kyc', {
    schema: {
      tags: ['public'],
      summary: 'KYC provider callback: HMAC-signed over the raw body (X-KYC-Signature for KYC_PROVIDER=generic, X-Data-Integrity for kycaid); idempotent on the event id; 422 when KYC_PROVIDER=local',
    },
  }, async (req, reply) => {
    if (!callbacks.enabled) return reply.status(422).send();
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const result = await callbacks.receive(raw, req.headers);
    req.log.info({ provider: c.config.KYC_PROVIDER, status: result.status }, 'KYC callback');
    return reply.status(200).send();
  });
}
