import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const CreateStorage = P.obj({
  title: P.str({ 'x-nonblank': true, description: 'one of DATA_STORAGE_TITLES' }),
  data: P.str({ 'x-nonblank': true, description: 'JSON string, at most 5120 characters' }),
});

/** The caller's data storage records (BARONG.md §7.11); read back through users/me. */
export async function resourceDataStorageRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  app.post('/data_storage', {
    schema: { tags: ['resource'], security: [{ bearer: [] }, { session: [] }], summary: 'Store a JSON record under a configured title (sets <title>=recorded)', body: CreateStorage },
  }, async (req, reply) => {
    const p = parseParams(CreateStorage, mergedParams(req), 'resource.datastorage');
    await c.kycProfiles.dataStorage.create(callerOf(req).user, p.title, p.data);
    return reply.status(201).send();
  });
}
