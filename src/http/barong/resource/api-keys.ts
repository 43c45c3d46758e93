import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { AppError } from '../../../errors/app-error.js';
import { requestContext } from '../../request-context.js';
import { apiKeyEntity } from '../entities.js';
import { pageParams, setPageHeaders } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';
import { LimitFields, limitParams, orderFields, orderParams, splitScope } from './key-params.js';

const PREFIX = 'resource.apikey';
const totp = P.str({ 'x-nonblank': true, 'x-missing': 'resource.api_key.missing_totp', description: 'code from the authenticator app' });
const ORDER_KEYS = { ordering: 'resource.api_key.invalid_ordering', attribute: 'resource.api_key.invalid_attribute' };
const List = P.obj(orderFields(ORDER_KEYS));
const Create = P.obj({ algorithm: P.str({ 'x-nonblank': true, description: 'HS256, HS384 or HS512' }), scope: P.opt(P.str({ 'x-nonblank': true, description: 'comma-separated scopes' })), totp_code: totp, ...LimitFields });
const Update = P.obj({ kid: P.str(), scope: P.opt(P.str({ description: 'comma-separated scopes (absent: unchanged)' })), state: P.opt(P.str({ 'x-nonblank': true })), totp_code: totp, ...LimitFields });
const Delete = P.obj({ kid: P.str(), totp_code: totp });

/** The caller's own HMAC API keys (BARONG.md §7.9 with Warden fix #5). */
export async function resourceApiKeyRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const holderOf = (req: Parameters<typeof callerOf>[0]) => {
    const u = callerOf(req).user;
    return { type: 'User' as const, id: u.id, state: u.state };
  };
  const ctx = (req: Parameters<typeof callerOf>[0]) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

  app.get('/api_keys', { schema: { tags, security, summary: 'The caller\'s API keys, without secrets (paginated)', querystring: List } }, async (req, reply) => {
    const p = parseParams(List, mergedParams(req), PREFIX);
    const order = orderParams(p, ORDER_KEYS);
    const { page, limit } = pageParams(p);
    const result = await c.keyManagement.page(holderOf(req), { ...order, page, limit });
    setPageHeaders(reply, result.total, page, limit);
    return result.rows.map((k) => apiKeyEntity(k));
  });

  app.post('/api_keys', { schema: { tags, security, summary: 'Create a key (TOTP code required); the secret is shown only here', body: Create } }, async (req, reply) => {
    const p = parseParams(Create, mergedParams(req), PREFIX);
    const user = callerOf(req).user;
    const key = await c.keyManagement.create(user, holderOf(req), { algorithm: p.algorithm, scope: splitScope(p.scope), ...limitParams(p) }, p.totp_code, 'api_key', ctx(req));
    return reply.status(201).send(apiKeyEntity(key, key.secret));
  });

  app.patch('/api_keys/:kid', { schema: { tags, security, summary: 'Change a key\'s state, scope or limits (TOTP code required)', body: Update } }, async (req) => {
    const p = parseParams(Update, mergedParams(req), PREFIX);
    const updated = await c.keyManagement.update(callerOf(req).user, holderOf(req), p.kid, { scope: splitScope(p.scope), state: p.state, ...limitParams(p) }, p.totp_code, 'api_key', ctx(req));
    if (!updated) throw new AppError('record.not_found');
    return apiKeyEntity(updated);
  });

  app.delete('/api_keys/:kid', { schema: { tags, security, summary: 'Delete a key (TOTP code required)', querystring: Delete } }, async (req, reply) => {
    const p = parseParams(Delete, mergedParams(req), PREFIX);
    if (!(await c.keyManagement.remove(callerOf(req).user, holderOf(req), p.kid, p.totp_code, 'api_key', ctx(req)))) throw new AppError('record.not_found');
    return reply.status(204).send();
  });
}
