import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { userFilter, userFilterErrors, userOrder, userOrderErrors } from '../../../domain/admin/users-admin-filters.js';
import type { UserChange } from '../../../domain/admin/users-admin.js';
import { decryptor, setPageHeaders } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard } from './guard.js';
import { adminUserRowEntity, userWithKyc } from './users-entities.js';
import { actorOf, exactlyOneOf, filterInput, PAGE_PROPS, pageErrors, parseChecked, REASON_PROPS, USER_FILTER_PROPS } from './users-params.js';

const extended = P.opt(P.bool({ 'x-invalid': 'admin.user.non_boolean_extended', description: 'true: UserWithProfile rows (pending documents: UserWithKYC)' }));
const ListQuery = P.obj({
  ...USER_FILTER_PROPS, ...PAGE_PROPS, extended,
  ordering: P.opt(P.str({ description: 'asc (default) or desc' })),
  order_by: P.opt(P.str({ description: 'a users column (default id)' })),
});
const PendingQuery = P.obj({ ...USER_FILTER_PROPS, ...PAGE_PROPS, extended });
const UidPath = P.obj({ uid: P.str() });
const UpdateBody = P.obj({
  uid: P.str({ 'x-nonblank': true }), state: P.opt(P.str({ 'x-nonblank': true })), otp: P.opt(P.bool({ description: 'false only: turns 2FA off' })), ...REASON_PROPS,
});
const PutBody = P.obj({
  uid: P.str({ 'x-nonblank': true }), state: P.opt(P.str({ 'x-nonblank': true })), otp: P.opt(P.bool({ description: 'false only: turns 2FA off' })),
  email: P.opt(P.str({ 'x-nonblank': true, description: 'superadmins only' })), ...REASON_PROPS,
});
const RoleBody = P.obj({ uid: P.str({ 'x-nonblank': true }), role: P.str({ 'x-nonblank': true }), ...REASON_PROPS });
const DataStorageQuery = P.obj({ uid: P.str({ 'x-nonblank': true }), title: P.str({ 'x-nonblank': true }), ...REASON_PROPS });

const PREFIX = 'admin.user';

/** Users (BARONG.md §8.7): lists, the KYC detail, state / 2FA / email / role, data storage. */
export async function adminUserRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const svc = c.adminUsers.users;
  const decrypt = decryptor(c);
  const blindIndex = (v: string) => c.kycProfiles.pii.blindIndex(v);

  app.get('/users', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Users matching the filters (paginated); extended: with profiles', querystring: ListQuery },
  }, async (req, reply) => {
    const p = parseChecked(ListQuery, filterInput(req), PREFIX, (v) => [...userFilterErrors(v), ...pageErrors(v), ...userOrderErrors(v)]);
    const page = p.page ?? 1;
    const limit = p.limit ?? 100;
    const out = await svc.list(userFilter(p, blindIndex), userOrder(p), p.extended ?? false, page, limit);
    setPageHeaders(reply, out.total, page, limit);
    return out.rows.map((r) => adminUserRowEntity(r, decrypt));
  });

  app.get('/users/documents/pending', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Users whose document label is pending or replaced, oldest first (paginated)', querystring: PendingQuery },
  }, async (req, reply) => {
    const p = parseChecked(PendingQuery, filterInput(req), PREFIX, (v) => [...userFilterErrors(v), ...pageErrors(v)]);
    const page = p.page ?? 1;
    const limit = p.limit ?? 100;
    const out = await svc.pendingDocuments(userFilter(p, blindIndex), p.extended ?? false, page, limit);
    setPageHeaders(reply, out.total, page, limit);
    return out.kyc ? out.kyc.map((k) => userWithKyc(k, decrypt)) : out.rows.map((r) => adminUserRowEntity(r, decrypt));
  });

  app.get('/users/:uid', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'A user with profiles, labels, phones, documents, data storages and comments (unmasked)', params: UidPath },
  }, async (req) => userWithKyc(await svc.detail(parseParams(UidPath, mergedParams(req), PREFIX).uid), decrypt));

  const update = (schema: typeof UpdateBody | typeof PutBody, names: readonly string[], oneOfKey: string) => async (req: FastifyRequest) => {
    const input = mergedParams(req);
    const p = parseChecked(schema, input, PREFIX, () => [], exactlyOneOf(input, names, oneOfKey)) as { uid: string; state?: string; otp?: boolean; email?: string };
    const change: UserChange = p.state !== undefined ? { state: p.state } : p.otp !== undefined ? { otp: p.otp } : { email: p.email! };
    await svc.update(actorOf(req, c), p.uid, change);
  };
  const updateOne = update(UpdateBody, ['state', 'otp'], 'admin.user.one_of_state_otp');
  const updateAny = update(PutBody, ['state', 'otp', 'email'], 'admin.user.one_of_state_otp_email');

  app.post('/users/update', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Change the state, or turn 2FA off (exactly one of state / otp)', body: UpdateBody },
  }, async (req, reply) => { await updateOne(req); return reply.status(200).send(); });

  app.put('/users', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Change the state, turn 2FA off, or (superadmins) the email: exactly one of them', body: PutBody },
  }, async (req, reply) => { await updateAny(req); return reply.status(200).send(); });

  app.post('/users/role', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Change the role (only a superadmin makes or changes a superadmin)', body: RoleBody },
  }, async (req, reply) => {
    const p = parseParams(RoleBody, mergedParams(req), PREFIX);
    await svc.setRole(actorOf(req, c), p.uid, p.role);
    return reply.status(200).send();
  });

  app.delete('/users/data_storage', {
    config: { ability: ['destroy', 'User'] },
    schema: { tags, security, summary: 'Delete a data-storage record and its title label; answers UserWithKYC', querystring: DataStorageQuery },
  }, async (req) => {
    const p = parseParams(DataStorageQuery, mergedParams(req), PREFIX);
    return userWithKyc(await svc.deleteDataStorage(actorOf(req, c), p.uid, p.title), decrypt);
  });
}
