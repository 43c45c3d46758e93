import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { pageParams, setPageHeaders } from '../common.js';
import { apiKeyEntity } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { orderFields, orderParams } from '../resource/key-params.js';
import { adminGuard } from './guard.js';

const ORDER_KEYS = { ordering: 'api_keys.ordering.invalid_ordering', attribute: 'api_keys.ordering.invalid_attribute' };
// Declared with their value keys, so a bad ordering is reported with the uid and page errors (§1.2).
const KeysQuery = P.obj({ uid: P.str({ 'x-nonblank': true, description: 'the key holder\'s uid' }), ...orderFields(ORDER_KEYS) });

/** A user's API keys for admins (BARONG.md §8.3): never the secrets. */
export async function adminApiKeyRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/api_keys', {
    config: { ability: ['read', 'APIKey'] },
    schema: { tags, security, summary: 'API keys held by a user (paginated)', querystring: KeysQuery },
  }, async (req, reply) => {
    const p = parseParams(KeysQuery, mergedParams(req), 'admin.apikey');
    const order = orderParams(p, ORDER_KEYS);
    const { page, limit } = pageParams(p);
    const result = await c.adminConsole.accounts.apiKeysOf(p.uid, { ...order, page, limit });
    setPageHeaders(reply, result.total, page, limit);
    return result.rows.map((k) => apiKeyEntity(k));
  });
}
