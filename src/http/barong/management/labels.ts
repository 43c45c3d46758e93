import type { Container } from '../../../container.js';
import type { ManagementServices } from '../../../domain/management/wiring.js';
import { decryptor } from '../common.js';
import { labelEntity, profileEntity, userEntity } from '../entities.js';
import { iso } from '../entities.js';
import { P } from '../params.js';
import { adminLabelView } from '../admin/users-entities.js';
import { mparams } from './params.js';
import type { ManagementRouter } from './router.js';
import { EXTENDED, PAGE, RANGE, pageOf, paged } from './users.js';

const nb = { 'x-nonblank': true } as const;
const UidBody = P.obj({ user_uid: P.str(nb) });
const CreateBody = P.obj({ user_uid: P.str(nb), key: P.str(nb), value: P.str(nb), description: P.opt(P.str()) });
const PutBody = P.obj({ user_uid: P.str(nb), key: P.str(nb), value: P.str(nb), description: P.opt(P.str()), replace: P.opt(P.bool()), scope: P.opt(P.str(nb)) });
const DeleteBody = P.obj({ user_uid: P.str(nb), key: P.str(nb) });
const FilterBody = P.obj({ key: P.str(nb), value: P.opt(P.str(nb)), scope: P.opt(P.str(nb)), ...EXTENDED, ...RANGE, ...PAGE });

export function labelRoutes(r: ManagementRouter, c: Container, m: ManagementServices): void {
  const decrypt = decryptor(c);

  r.post('/labels/list', 'read_labels', 'Every label of a user (both scopes)', async (data, reply) => {
    const p = mparams(UidBody, data);
    return reply.status(201).send((await m.labels.list(p.user_uid)).map(adminLabelView));
  });

  r.post('/labels', 'write_labels', 'Create a private label', async (data, reply) => {
    const p = mparams(CreateBody, data);
    return reply.status(201).send(labelEntity(await m.labels.create(p.user_uid, p)));
  });

  r.put('/labels', 'write_labels', 'Update a private label; replace (default true): create it when missing', async (data, reply) => {
    const p = mparams(PutBody, data);
    return reply.status(200).send(labelEntity(await m.labels.put(p.user_uid, p, p.replace ?? true)));
  });

  r.post('/labels/delete', 'write_labels', 'Delete a private label', async (data, reply) => {
    const p = mparams(DeleteBody, data);
    await m.labels.remove(p.user_uid, p.key);
    return reply.status(204).send();
  });

  r.post('/labels/filter/users', 'read_users', 'Users holding a label (key, value, scope, label time range; paginated)', async (data, reply) => {
    const p = mparams(FilterBody, data);
    const { page, limit } = pageOf(p);
    const out = await m.users.withLabel({ key: p.key, value: p.value, scope: p.scope, range: p.range === 'updated' ? 'updated' : 'created', from: p.from, to: p.to }, p.extended ?? false, page, limit);
    return paged(reply, out.total, page, limit).send(out.rows.map((row) => {
      const user = userEntity(row.user, row.referralUid);
      // Barong renders this list's profiles masked (UserWithProfile with the masked entities).
      return row.profiles ? { ...user, profiles: row.profiles.map((pr) => profileEntity(pr, decrypt, true)), created_at: iso(row.user.createdAt), updated_at: iso(row.user.updatedAt) } : user;
    }));
  });
}
