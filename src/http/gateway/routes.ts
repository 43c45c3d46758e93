import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { clientIp } from '../request-context.js';
import { canonicalPath } from '../../lib/path.js';

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * `ANY ${AUTHZ_PREFIX}/<original path>`: the check an API gateway (nginx auth_request, Envoy
 * ext_authz, Traefik forwardAuth) calls for every request. 200 with `Authorization: Bearer <JWT>`
 * (or without it for pass routes), or Barong's `authz.*` error. Bodies are never read.
 */
export async function gatewayRoutes(app: FastifyInstance, { c }: { c: Container }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
  app.all('/*', { schema: { tags: ['gateway'], summary: 'Authorize the original request (path after the prefix) and mint a JWT for downstream services' } }, async (req, reply) => {
    // The raw path after the prefix (query excluded), in the form the upstream routes on.
    const raw = req.url.slice(c.config.AUTHZ_PREFIX.length).split('?')[0];
    const path = canonicalPath(raw);
    if (path === null) return reply.status(400).type('application/json').send({ errors: ['authz.invalid_path'] });
    const result = await c.gateway.check({
      method: header(req, 'x-original-method') ?? req.method,
      path,
      query: (req.query ?? {}) as Record<string, unknown>,
      ip: clientIp(req, c.config.CLIENT_IP_HEADER),
      userAgent: header(req, 'user-agent') ?? '',
      sessionId: req.cookies?.[c.config.SESSION_COOKIE_NAME],
      csrfToken: header(req, 'x-csrf-token'),
      apiKey: { kid: header(req, 'x-auth-apikey'), nonce: header(req, 'x-auth-nonce'), signature: header(req, 'x-auth-signature') },
    });
    if (!result.allow) return reply.status(result.status).type('application/json').send({ errors: [result.key] });
    if (result.authorization) reply.header('authorization', result.authorization);
    return reply.status(200).send();
  });
}
