import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { AppError } from '../../../errors/app-error.js';
import { requestContext } from '../../request-context.js';
import { apiKeyEntity, serviceAccountRecord } from '../entities.js';
import { pageParams, setPageHeaders } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';
import { LimitFields, limitParams, orderFields, orderParams, splitScope } from './key-params.js';

const PREFIX = 'resource.serviceaccount';
const totp = P.str({ 'x-nonblank': true, 'x-missing': 'resource.service_accounts.missing_totp', description: 'the owner\'s code from the authenticator app' });
const saUid = P.str({ 'x-invalid': 'resource.service_account.non_string_service_account_uid', description: 'uid of one of the caller\'s service accounts' });
const CreateAccount = P.obj({ role: P.opt(P.str({ 'x-nonblank': true, description: 'one of SERVICE_ACCOUNT_ROLES (default service_account)' })), totp_code: totp });
const DeleteAccount = P.obj({ uid: P.str(), totp_code: totp });
const ORDER_KEYS = { ordering: 'resource.service_accounts.invalid_ordering', attribute: 'resource.service_accounts.invalid_attribute' };
const ListKeys = P.obj({ service_account_uid: saUid, ...orderFields(ORDER_KEYS) });
const CreateKey = P.obj({ service_account_uid: saUid, algorithm: P.str({ 'x-nonblank': true }), scope: P.opt(P.str({ 'x-nonblank': true })), totp_code: totp, ...LimitFields });
const UpdateKey = P.obj({ service_account_uid: saUid, kid: P.str(), scope: P.opt(P.str()), state: P.opt(P.str({ 'x-nonblank': true })), totp_code: totp, ...LimitFields });
const DeleteKey = P.obj({ service_account_uid: saUid, kid: P.str(), totp_code: totp });

/**
 * Service accounts owned by the caller and their API keys (BARONG.md §7.10, §16.4). Beyond
 * Barong, the owner creates and deletes the accounts himself (TOTP code required).
 */
export async function resourceServiceAccountRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const ctx = (req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

  app.get('/service_accounts', { schema: { tags, security, summary: 'The caller\'s service accounts' } }, async (req) =>
    (await c.serviceAccounts.list(callerOf(req).user)).map(serviceAccountRecord));

  app.post('/service_accounts', { schema: { tags, security, summary: 'Create a service account (TOTP code required)', body: CreateAccount } }, async (req, reply) => {
    const p = parseParams(CreateAccount, mergedParams(req), PREFIX);
    const sa = await c.serviceAccounts.create(callerOf(req).user, { role: p.role }, p.totp_code, ctx(req));
    return reply.status(201).send(serviceAccountRecord(sa));
  });

  app.get('/service_accounts/api_keys', { schema: { tags, security, summary: 'A service account\'s API keys (paginated)', querystring: ListKeys } }, async (req, reply) => {
    const p = parseParams(ListKeys, mergedParams(req), PREFIX);
    const order = orderParams(p, ORDER_KEYS);
    const { page, limit } = pageParams(p);
    const sa = await c.serviceAccounts.find(callerOf(req).user, p.service_account_uid);
    const result = await c.keyManagement.page(c.serviceAccounts.asHolder(sa), { ...order, page, limit });
    setPageHeaders(reply, result.total, page, limit);
    return result.rows.map((k) => apiKeyEntity(k));
  });

  app.post('/service_accounts/api_keys', { schema: { tags, security, summary: 'Create a key for a service account (owner\'s TOTP code)', body: CreateKey } }, async (req, reply) => {
    const p = parseParams(CreateKey, mergedParams(req), PREFIX);
    const owner = callerOf(req).user;
    const sa = await c.serviceAccounts.find(owner, p.service_account_uid);
    const key = await c.keyManagement.create(owner, c.serviceAccounts.asHolder(sa), { algorithm: p.algorithm, scope: splitScope(p.scope), ...limitParams(p) }, p.totp_code, 'service_accounts', ctx(req));
    return reply.status(201).send(apiKeyEntity(key, key.secret));
  });

  app.put('/service_accounts/api_keys/:kid', { schema: { tags, security, summary: 'Change a service account key (owner\'s TOTP code)', body: UpdateKey } }, async (req) => {
    const p = parseParams(UpdateKey, mergedParams(req), PREFIX);
    const owner = callerOf(req).user;
    const sa = await c.serviceAccounts.find(owner, p.service_account_uid);
    const updated = await c.keyManagement.update(owner, c.serviceAccounts.asHolder(sa), p.kid, { scope: splitScope(p.scope), state: p.state, ...limitParams(p) }, p.totp_code, 'service_accounts', ctx(req));
    if (!updated) throw new AppError('record.not_found');
    return apiKeyEntity(updated);
  });

  app.delete('/service_accounts/api_keys/:kid', { schema: { tags, security, summary: 'Delete a service account key (owner\'s TOTP code)', querystring: DeleteKey } }, async (req, reply) => {
    const p = parseParams(DeleteKey, mergedParams(req), PREFIX);
    const owner = callerOf(req).user;
    const sa = await c.serviceAccounts.find(owner, p.service_account_uid);
    if (!(await c.keyManagement.remove(owner, c.serviceAccounts.asHolder(sa), p.kid, p.totp_code, 'service_accounts', ctx(req)))) throw new AppError('record.not_found');
    return reply.status(204).send();
  });

  app.delete('/service_accounts/:uid', { schema: { tags, security, summary: 'Delete a service account and its keys (TOTP code required)', querystring: DeleteAccount } }, async (req, reply) => {
    const p = parseParams(DeleteAccount, mergedParams(req), PREFIX);
    await c.serviceAccounts.remove(callerOf(req).user, p.uid, p.totp_code, ctx(req));
    return reply.status(204).send();
  });
}
