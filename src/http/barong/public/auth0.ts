import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';

/** `GET public/configs/auth0` (BARONG.md §6, §17.8): what a frontend needs to start Auth0's login; unset values omitted. */
export async function publicAuth0Routes(app: FastifyInstance, { c }: { c: Container }) {
  app.get('/configs/auth0', { schema: { tags: ['public'], summary: 'Auth0 domain and client id (AUTH0_DOMAIN, AUTH0_CLIENT_ID)' } }, async () => {
    const out: Record<string, string> = {};
    if (c.config.AUTH0_DOMAIN !== undefined) out.auth0_domain = c.config.AUTH0_DOMAIN;
    if (c.config.AUTH0_CLIENT_ID !== undefined) out.auth0_client_id = c.config.AUTH0_CLIENT_ID;
    return out;
  });
}
