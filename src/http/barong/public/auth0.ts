import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';

/** `GET public/configs/auth0` (BARONG.md §6, §17.8): what a frontend needs to start Auth0's login; unset values are Barong's default, an empty string. */
export async function publicAuth0Routes(app: FastifyInstance, { c }: { c: Container }) {
  app.get('/configs/auth0', { schema: { tags: ['public'], summary: 'Auth0 domain and client id (AUTH0_DOMAIN, AUTH0_CLIENT_ID)' } }, async () =>
    ({ auth0_domain: c.config.AUTH0_DOMAIN ?? '', auth0_client_id: c.config.AUTH0_CLIENT_ID ?? '' }));
}
