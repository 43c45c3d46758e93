import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { commentErrors } from '../../../domain/admin/comments.js';
import { decryptor, setPageHeaders } from '../common.js';
import { mergedParams, P } from '../params.js';
import { adminGuard } from './guard.js';
import { commentEntity, userWithKyc } from './users-entities.js';
import { actorOf, PAGE_PROPS, pageErrors, parseChecked, REASON_PROPS } from './users-params.js';

const ListQuery = P.obj({ uid: P.str({ 'x-nonblank': true }), ...PAGE_PROPS });
const CreateBody = P.obj({
  uid: P.str({ 'x-nonblank': true }), title: P.str({ 'x-nonblank': true, description: 'up to 64 characters' }),
  data: P.str({ 'x-nonblank': true, description: 'up to 65535 characters' }), ...REASON_PROPS,
});
const UpdateBody = P.obj({ id: P.int(), title: P.opt(P.str({ 'x-nonblank': true })), data: P.opt(P.str({ 'x-nonblank': true })), ...REASON_PROPS });
const IdQuery = P.obj({ id: P.int(), ...REASON_PROPS });

const PREFIX = 'admin.user';

/**
 * Admins' comments on a user (BARONG.md §8.7). Barong checks no ability here (quirk #9); Warden
 * (fix #9) guards them with the models of Barong's abilities file (§16.3), as its own
 * recommendation says: reading needs read User, writing update User (a comment is part of the
 * user's record). Writes answer the commented user's UserWithKYC.
 */
export async function adminCommentRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const svc = c.adminUsers.comments;
  const decrypt = decryptor(c);

  app.get('/users/comments', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Comments on a user, oldest first (paginated)', querystring: ListQuery },
  }, async (req, reply) => {
    const p = parseChecked(ListQuery, mergedParams(req), PREFIX, pageErrors);
    const page = p.page ?? 1;
    const limit = p.limit ?? 100;
    const out = await svc.list(p.uid, page, limit);
    setPageHeaders(reply, out.total, page, limit);
    return out.rows.map(commentEntity);
  });

  app.post('/users/comments', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Comment on a user; answers his UserWithKYC', body: CreateBody },
  }, async (req, reply) => {
    const p = parseChecked(CreateBody, mergedParams(req), PREFIX, commentErrors);
    return reply.status(201).send(userWithKyc(await svc.create(actorOf(req, c), p.uid, { title: p.title, data: p.data }), decrypt));
  });

  app.put('/users/comments', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Edit a comment (title and/or data); answers the user\'s UserWithKYC', body: UpdateBody },
  }, async (req) => {
    const p = parseChecked(UpdateBody, mergedParams(req), PREFIX, commentErrors);
    return userWithKyc(await svc.update(actorOf(req, c), p.id, { title: p.title, data: p.data }), decrypt);
  });

  app.delete('/users/comments', {
    config: { ability: ['update', 'User'] },
    schema: { tags, security, summary: 'Delete a comment; answers the user\'s UserWithKYC', querystring: IdQuery },
  }, async (req) => {
    const p = parseChecked(IdQuery, mergedParams(req), PREFIX, () => []);
    return userWithKyc(await svc.remove(actorOf(req, c), p.id), decrypt);
  });
}
