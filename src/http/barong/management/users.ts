import type { FastifyReply } from 'fastify';
import type { Container } from '../../../container.js';
import { userFilter } from '../../../domain/admin/users-admin-filters.js';
import { ManagementError } from '../../../domain/management/errors.js';
import type { ManagementServices } from '../../../domain/management/wiring.js';
import { decryptor, setPageHeaders } from '../common.js';
import { P } from '../params.js';
import { adminUserRowEntity, userWithKyc } from '../admin/users-entities.js';
import { atLeastOne, exactlyOne, mparams } from './params.js';
import type { ManagementRouter } from './router.js';

const nb = { 'x-nonblank': true } as const;
const GetBody = P.obj({ uid: P.opt(P.str(nb)), email: P.opt(P.str(nb)), phone_num: P.opt(P.str(nb)) });
export const PAGE = { page: P.opt(P.int()), limit: P.opt(P.int()) };
export const RANGE = { range: P.opt(P.str()), from: P.opt(P.int()), to: P.opt(P.int()) };
export const EXTENDED = { extended: P.opt(P.bool({ 'x-invalid': 'Non boolean extended value' })) };
const ListBody = P.obj({
  ...EXTENDED, ...RANGE, ...PAGE,
  uid: P.opt(P.str()), email: P.opt(P.str()), role: P.opt(P.str()), level: P.opt(P.int()), state: P.opt(P.str()), country: P.opt(P.str()),
});
const CreateBody = P.obj({ email: P.str(nb), password: P.str(nb), referral_uid: P.opt(P.str(nb)) });
const UpdateBody = P.obj({ uid: P.str(nb), role: P.opt(P.str(nb)), data: P.opt(P.str(nb)) });

/** Page and limit (Grape's `values`), then range (Barong's message, sic). */
export function pageOf(p: { page?: number; limit?: number; range?: string }): { page: number; limit: number } {
  const errors: string[] = [];
  const page = p.page ?? 1;
  const limit = p.limit ?? 100;
  if (page < 1) errors.push('page does not have a valid value');
  if (limit < 1 || limit > 1000) errors.push('limit does not have a valid value');
  if (p.range !== undefined && p.range !== 'created' && p.range !== 'updated') errors.push('range Non positive page');
  if (errors.length) throw new ManagementError(422, errors.join(', '));
  return { page, limit };
}

export function paged(reply: FastifyReply, total: number, page: number, limit: number) {
  setPageHeaders(reply, total, page, limit);
  return reply.status(200);
}

export function userRoutes(r: ManagementRouter, c: Container, m: ManagementServices): void {
  const decrypt = decryptor(c);
  const withProfiles = async (u: Parameters<typeof m.users.row>[0]) => adminUserRowEntity(await m.users.row(u), decrypt);

  r.post('/users/get', 'read_users', 'A user with KYC data, by exactly one of uid, email, phone_num', async (data, reply) => {
    exactlyOne(data, ['uid', 'email', 'phone_num']);
    const p = mparams(GetBody, data);
    return reply.status(201).send(userWithKyc(await m.users.find(p), decrypt));
  });

  r.post('/users/list', 'read_users', 'Users (paginated); extended: with unmasked profiles', async (data, reply) => {
    const p = mparams(ListBody, data);
    const { page, limit } = pageOf(p);
    const out = await m.users.list(userFilter(p, (v) => c.kycProfiles.pii.blindIndex(v)), p.extended ?? false, page, limit);
    return paged(reply, out.total, page, limit).send(out.rows.map((row) => adminUserRowEntity(row, decrypt)));
  });

  r.post('/users', 'write_users', 'Create a pending member (no mail, no session)', async (data, reply) => {
    const p = mparams(CreateBody, data);
    return reply.status(201).send(await withProfiles(await m.users.create(p)));
  });

  r.post('/users/update', 'write_users', 'Set the role and/or data of a user', async (data, reply) => {
    const p = mparams(UpdateBody, data);
    atLeastOne(data, ['role', 'data']);
    return reply.status(201).send(await withProfiles(await m.users.update(p.uid, p)));
  });
}
