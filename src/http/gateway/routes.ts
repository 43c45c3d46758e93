import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { clientIp } from '../request-context.js';
import { compileTrust } from './fast-path.js';
import { readBodyText } from '../request-body.js';
import { denialBody, gatewayFacts, INVALID_PATH_BODY, withBodyParams } from './facts.js';

/**
 * `ANY ${AUTHZ_PREFIX}/<original path>`: the check an API gateway (nginx auth_request, Envoy
 * ext_authz, Traefik forwardAuth) calls for every request. 200 with `Authorization: Bearer <JWT>`
 * (or without it for pass routes), or Barong's `authz.*` error. A forwarded body only adds its
 * parameters to the admin activity the check may write (facts.ts).
 * A listening server answers these requests on the fast path (fast-path.ts) before Fastify
 * sees them; this route serves `inject()` and documents the endpoint in the OpenAPI document.
 */
export async function gatewayRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const trusted = compileTrust(c.config.trustProxy);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => { void readBodyText(payload).then((text) => done(null, text)); });
  const check = async (req: FastifyRequest, reply: FastifyReply) => {
    const facts = gatewayFacts(req.url, req.method, req.headers, clientIp(req, c.config.CLIENT_IP_HEADER), c.config.AUTHZ_PREFIX, c.config.SESSION_COOKIE_NAME,
      () => trusted(req.socket.remoteAddress ?? '', 0));
    if (facts === null) return reply.status(400).type('application/json; charset=utf-8').send(INVALID_PATH_BODY);
    const text = typeof req.body === 'string' ? req.body : null;
    const result = await c.gateway.check(text === null ? facts : { ...facts, query: withBodyParams(facts.query, req.headers['content-type'], text) });
    if (!result.allow) return reply.status(result.status).type('application/json; charset=utf-8').send(denialBody(result.key));
    if (result.authorization) reply.header('authorization', result.authorization);
    return reply.status(200).send();
  };
  app.all('/*', { schema: { tags: ['gateway'], summary: 'Authorize the original request (path after the prefix) and mint a JWT for downstream services' } }, check);
  // The prefix itself: Traefik's forwardAuth address, the original URI in X-Forwarded-Uri.
  app.all('/', { schema: { tags: ['gateway'], summary: 'Authorize the request named by X-Forwarded-Uri and X-Forwarded-Method (Traefik forwardAuth)' } }, check);
}
