import type { FastifyInstance } from 'fastify';
import { bodyParams, hasBody, paramsBodyKind, readBodyText } from './request-body.js';

/**
 * Barong (Grape) reads the parameters of a GET from a JSON or form body as well as from the query
 * (BARONG.md §1.1), and some clients send them that way (`requests.get(url, json=…)`). Fastify
 * parses no GET body, so this hook does, for the Barong API only, and lays the body's parameters
 * over the query's as Rack does. A body that does not parse is refused like any other (400).
 */
export function acceptGetBodies(app: FastifyInstance, apiPrefix: string): void {
  const prefix = `${apiPrefix}/`;
  app.addHook('preValidation', async (req, reply) => {
    if (req.method !== 'GET' || !req.url.startsWith(prefix) || !hasBody(req.raw)) return;
    const contentType = req.headers['content-type'];
    if (paramsBodyKind(contentType) === null) return;
    const text = await readBodyText(req.raw);
    if (text === null) return reply.status(413).type('application/json').send({ errors: ['server.request.invalid_body'] });
    if (text.trim() === '') return;
    const body = bodyParams(contentType, text);
    if (!body) return reply.status(400).type('application/json').send({ errors: ['server.request.invalid_body'] });
    req.query = { ...(req.query as Record<string, unknown>), ...body };
  });
}
