import type { Container } from '../../../container.js';
import type { AccountWithOwner } from '../../../domain/management/service-accounts.js';
import type { ManagementServices } from '../../../domain/management/wiring.js';
import { iso, userEntity } from '../entities.js';
import { P } from '../params.js';
import { exactlyOne, mparams } from './params.js';
import type { ManagementRouter } from './router.js';
import { PAGE, pageOf, paged } from './users.js';

const nb = { 'x-nonblank': true } as const;
const GetBody = P.obj({ uid: P.opt(P.str(nb)), email: P.opt(P.str(nb)) });
const ListBody = P.obj({ owner_uid: P.opt(P.str(nb)), owner_email: P.opt(P.str(nb)), ...PAGE });
const CreateBody = P.obj({
  service_account_role: P.str(nb), owner_uid: P.opt(P.str(nb)), service_account_uid: P.opt(P.str(nb)), service_account_email: P.opt(P.str(nb)),
  service_account_state: P.opt(P.str(nb)), service_account_level: P.opt(P.int()),
});
const UpdateBody = P.obj({ uid: P.str(nb), owner_uid: P.opt(P.str(nb)) });
const UidBody = P.obj({ uid: P.str(nb) });

/** The ServiceAccounts entity (BARONG.md §4), keys in Barong's order. */
export function serviceAccountEntity({ account: a, owner }: AccountWithOwner) {
  return {
    email: a.email, uid: a.uid, role: a.role, level: a.level, state: a.state,
    user: owner ? userEntity(owner.user, owner.referralUid) : null, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt),
  };
}

export function serviceAccountRoutes(r: ManagementRouter, _c: Container, m: ManagementServices): void {
  r.post('/service_accounts/get', 'read_service_accounts', 'A service account by exactly one of uid, email', async (data, reply) => {
    exactlyOne(data, ['uid', 'email']);
    return reply.status(200).send(serviceAccountEntity(await m.serviceAccounts.get(mparams(GetBody, data))));
  });

  r.post('/service_accounts/list', 'read_service_accounts', 'Service accounts, all or one owner\'s (paginated)', async (data, reply) => {
    const p = mparams(ListBody, data);
    const { page, limit } = pageOf(p);
    const out = await m.serviceAccounts.list(p, page, limit);
    return paged(reply, out.total, page, limit).send(out.items.map(serviceAccountEntity));
  });

  r.post('/service_accounts/create', 'write_service_accounts', 'Create a service account, with or without an owner', async (data, reply) => {
    return reply.status(201).send(serviceAccountEntity(await m.serviceAccounts.create(mparams(CreateBody, data))));
  });

  r.post('/service_accounts/update', 'write_service_accounts', 'Give a service account an owner', async (data, reply) => {
    const p = mparams(UpdateBody, data);
    return reply.status(201).send(serviceAccountEntity(await m.serviceAccounts.update(p.uid, p.owner_uid)));
  });

  r.post('/service_accounts/delete', 'write_service_accounts', 'Disable a service account (its active keys become inactive)', async (data, reply) => {
    const p = mparams(UidBody, data);
    return reply.status(200).send(serviceAccountEntity(await m.serviceAccounts.disable(p.uid)));
  });
}
