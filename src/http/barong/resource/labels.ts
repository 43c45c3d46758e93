import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { ValidationError } from '../../../errors/app-error.js';
import { labelEntity } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const ListQuery = P.obj({ ordering: P.opt(P.str({ description: 'asc (default) or desc' })) });
const KeyPath = P.obj({ key: P.str() });
const CreateLabel = P.obj({ key: P.str({ 'x-nonblank': true }), value: P.str({ 'x-nonblank': true }) });
const UpdateLabel = P.obj({ key: P.str(), value: P.str({ 'x-nonblank': true }) });

/** The caller's labels (BARONG.md §7.3): reads all, writes public ones. */
export async function resourceLabelRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/labels', { schema: { tags, security, summary: 'All the caller\'s labels (public and private) by creation time', querystring: ListQuery } }, async (req) => {
    const p = parseParams(ListQuery, mergedParams(req), 'resource.label');
    // Barong's value check without a message answers the literal key `value` (§1.2 quirk).
    if (p.ordering !== undefined && p.ordering !== 'asc' && p.ordering !== 'desc') throw new ValidationError(['value']);
    return (await c.kycProfiles.publicLabels.list(callerOf(req).user, (p.ordering ?? 'asc') as 'asc' | 'desc')).map(labelEntity);
  });

  app.get('/labels/:key', { schema: { tags, security, summary: 'The caller\'s first label with this key (any scope)', params: KeyPath } }, async (req) => {
    const p = parseParams(KeyPath, mergedParams(req), 'resource.label');
    return labelEntity(await c.kycProfiles.publicLabels.get(callerOf(req).user, p.key));
  });

  app.post('/labels', { schema: { tags, security, summary: 'Create a public label', body: CreateLabel } }, async (req, reply) => {
    const p = parseParams(CreateLabel, mergedParams(req), 'resource.label');
    return reply.status(201).send(labelEntity(await c.kycProfiles.publicLabels.create(callerOf(req).user, p.key, p.value)));
  });

  app.patch('/labels/:key', { schema: { tags, security, summary: 'Change the value of a public label', body: UpdateLabel } }, async (req) => {
    const p = parseParams(UpdateLabel, mergedParams(req), 'resource.label');
    return labelEntity(await c.kycProfiles.publicLabels.update(callerOf(req).user, p.key, p.value));
  });

  app.delete('/labels/:key', { schema: { tags, security, summary: 'Delete a public label', params: KeyPath } }, async (req, reply) => {
    const p = parseParams(KeyPath, mergedParams(req), 'resource.label');
    await c.kycProfiles.publicLabels.remove(callerOf(req).user, p.key);
    return reply.status(204).send();
  });
}
