import type { FastifyInstance } from 'fastify';
import { hasBody, readBodyText } from './gateway/facts.js';
import { parseRackQuery } from './rack-params.js';

const BODY_LIMIT = 1024 * 1024;

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
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    const json = type === 'application/json';
    if (!json && type !== 'application/x-www-form-urlencoded') return;
    const text = await readBodyText(req.raw, BODY_LIMIT);
    if (text === null) return reply.status(413).type('application/json').send({ errors: ['server.request.invalid_body'] });
    if (text.trim() === '') return;
    let body: unknown;
    try { body = json ? JSON.parse(text) : parseRackQuery(text); } catch { body = undefined; }
    if (!body || typeof body !== 'object' || Array.isArray(body)) return reply.status(400).type('application/json').send({ errors: ['server.request.invalid_body'] });
    req.query = { ...(req.query as Record<string, unknown>), ...(body as Record<string, unknown>) };
  });
}
