import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { requestContext } from '../../request-context.js';
import { callerOf, requireCaller } from './auth.js';

const ProviderParam = { type: 'object', properties: { provider: { type: 'string' } } };
const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

/**
 * The caller's linked social logins (README "Social login"): the list with connect links, a fresh
 * connect link, and unlinking (refused when it would leave no way to sign in).
 */
export async function resourceOAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/oauth', { schema: { tags, security, summary: 'Configured providers: connected or not, linked email, and a connect link (single use, 10 minutes)' } }, async (req) =>
    (await c.oauth.linksOf(callerOf(req).user)).map((l) => ({ ...l, created_at: iso(l.created_at) })));

  app.post('/oauth/:provider', { schema: { tags, security, summary: 'A fresh connect link for the provider: open it in the browser', params: ProviderParam } }, async (req, reply) =>
    reply.status(201).send({ auth_link: c.oauth.connectLinkFor(callerOf(req).user, (req.params as { provider: string }).provider) }));

  app.delete('/oauth/:provider', { schema: { tags, security, summary: 'Unlink the provider (422 resource.oauth.last_login_method when it is the only way to sign in)', params: ProviderParam } }, async (req, reply) => {
    await c.oauth.unlink(callerOf(req).user, (req.params as { provider: string }).provider, requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip));
    return reply.status(204).send();
  });
}
