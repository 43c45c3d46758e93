import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { decryptor, setPageHeaders } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard } from './guard.js';
import { adminUserRowEntity } from './users-entities.js';
import { actorOf, PAGE_PROPS, pageErrors, parseChecked, REASON_PROPS } from './users-params.js';

const nonblank = (description?: string) => P.str({ 'x-nonblank': true, description });
const optNonblank = (description?: string) => P.opt(P.str({ 'x-nonblank': true, description }));

const LabelsQuery = P.obj({ key: P.str(), value: P.str(), ...PAGE_PROPS });
const CreateBody = P.obj({
  uid: nonblank(), key: nonblank('[a-z0-9_-], 3..255'), value: nonblank('[a-z0-9_-], 3..255'),
  description: optNonblank('up to 255 characters'), scope: optNonblank('public (default) or private'), ...REASON_PROPS,
});
const ReplaceBody = P.obj({
  uid: nonblank(), key: nonblank(), scope: nonblank(), value: nonblank(), description: optNonblank('omitted: cleared'),
  replace: P.opt(P.bool({ 'x-invalid': 'admin.user.non_boolean_replace', description: 'true (default): create the label when missing' })), ...REASON_PROPS,
});
const PutBody = P.obj({ uid: nonblank(), key: nonblank(), scope: nonblank(), value: nonblank(), description: P.opt(P.str({ description: 'omitted: kept' })), ...REASON_PROPS });
const DeleteQuery = P.obj({ uid: nonblank(), key: nonblank(), scope: nonblank(), ...REASON_PROPS });

const PREFIX = 'admin.user';

/** Labels of users (BARONG.md §8.7): who holds a label, label counts, and label writes of any scope. */
export async function adminUserLabelRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const svc = c.adminUsers.labels;
  const actor = (req: FastifyRequest) => actorOf(req, c);

  /**
   * Warden fix #6: each key is a JSON array, so clients parse it with JSON, written with Ruby's
   * `", "` between the two strings so that it is also the very key Barong sends
   * (`["email", "verified"]`, BARONG.md §8.7) for every label key and value Barong allows.
   */
  app.get('/users/labels/list', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'How many users hold each private label: {"[\\"key\\", \\"value\\"]": count}' },
  }, async () => Object.fromEntries((await c.adminUsers.users.privateLabelCounts()).map((r) => [`[${JSON.stringify(r.key)}, ${JSON.stringify(r.value)}]`, r.n])));

  app.get('/users/labels', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Users holding a label with this key and value, any scope (paginated)', querystring: LabelsQuery },
  }, async (req, reply) => {
    const p = parseChecked(LabelsQuery, mergedParams(req), PREFIX, pageErrors);
    const page = p.page ?? 1;
    const limit = p.limit ?? 100;
    const out = await c.adminUsers.users.withLabel(p.key, p.value, page, limit);
    setPageHeaders(reply, out.total, page, limit);
    return out.rows.map((r) => adminUserRowEntity(r, decryptor(c)));
  });

  app.post('/users/labels', {
    config: { ability: ['create', 'Label'] },
    schema: { tags, security, summary: 'Add a label (public by default) to a user', body: CreateBody },
  }, async (req, reply) => {
    const p = parseParams(CreateBody, mergedParams(req), PREFIX);
    await svc.create(actor(req), p.uid, { key: p.key, value: p.value, scope: p.scope ?? 'public', description: p.description ?? null });
    return reply.status(200).send();
  });

  app.post('/users/labels/update', {
    config: { ability: ['update', 'Label'] },
    schema: { tags, security, summary: 'Set a label\'s value and description; creates it when missing unless replace=false', body: ReplaceBody },
  }, async (req, reply) => {
    const p = parseParams(ReplaceBody, mergedParams(req), PREFIX);
    await svc.replace(actor(req), p.uid, { key: p.key, value: p.value, scope: p.scope, description: p.description ?? null }, p.replace ?? true);
    return reply.status(200).send();
  });

  app.put('/users/labels', {
    config: { ability: ['update', 'Label'] },
    schema: { tags, security, summary: 'Change an existing label\'s value (and description when given)', body: PutBody },
  }, async (req, reply) => {
    const p = parseParams(PutBody, mergedParams(req), PREFIX);
    await svc.update(actor(req), p.uid, { key: p.key, value: p.value, scope: p.scope, description: p.description });
    return reply.status(200).send();
  });

  app.delete('/users/labels', {
    config: { ability: ['destroy', 'Label'] },
    schema: { tags, security, summary: 'Delete a user\'s label', querystring: DeleteQuery },
  }, async (req, reply) => {
    const p = parseParams(DeleteQuery, mergedParams(req), PREFIX);
    await svc.remove(actor(req), p.uid, p.key, p.scope);
    return reply.status(200).send();
  });
}
