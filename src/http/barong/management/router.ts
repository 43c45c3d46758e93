import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { AppError } from '../../../errors/app-error.js';
import { verifyEnvelope } from '../../../domain/management/envelope.js';
import { ManagementError } from '../../../domain/management/errors.js';

type Verb = 'POST' | 'PUT';
export type ManagementHandler = (data: Record<string, unknown>, reply: FastifyReply, req: FastifyRequest) => Promise<unknown>;
interface Endpoint { scope: string; summary: string; run: ManagementHandler }

// `application/json`, optionally with parameters: Barong refused `; charset=utf-8`, Warden accepts it (§20.2a #16).
const JSON_TYPE = /^application\/json\s*(;.*)?$/i;

/** Endpoints by path then verb; one Fastify route per path answers every verb (405 comes from §9.1, not from routing). */
export class ManagementRouter {
  readonly paths = new Map<string, Partial<Record<Verb, Endpoint>>>();
  post(path: string, scope: string, summary: string, run: ManagementHandler) { this.add('POST', path, { scope, summary, run }); }
  put(path: string, scope: string, summary: string, run: ManagementHandler) { this.add('PUT', path, { scope, summary, run }); }
  private add(verb: Verb, path: string, e: Endpoint) { this.paths.set(path, { ...this.paths.get(path), [verb]: e }); }
}

function fail(status: number, message: string): never { throw new ManagementError(status, message); }

/** BARONG.md §9.1 steps 1–4 on the raw request, then 5–7 against the endpoint's scope. */
function envelope(c: Container, req: FastifyRequest, endpoints: Partial<Record<Verb, Endpoint>>): { e: Endpoint; data: Record<string, unknown> } {
  const e = req.method === 'POST' || req.method === 'PUT' ? endpoints[req.method] : undefined;
  if (!e) fail(405, 'Only POST and PUT verbs are allowed.');
  if (req.url.includes('?') && Object.keys(req.query as object).length > 0) fail(400, 'Query parameters are not allowed.');
  if (!JSON_TYPE.test(String(req.headers['content-type'] ?? ''))) fail(400, 'Only JSON body is accepted.');
  let body: unknown;
  try { body = JSON.parse(typeof req.body === 'string' ? req.body : ''); } catch { fail(400, "Couldn't parse JWT."); }
  return { e, data: verifyEnvelope(body, e.scope, c.management.settings, Math.floor(c.management.now() / 1000)) };
}

/** `{"error": ...}` for everything under /management; never the `{"errors": [...]}` of the other groups. */
function managementErrorHandler(error: FastifyError | AppError | ManagementError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ManagementError) return reply.status(error.status).type('application/json').send({ [error.field]: error.body });
  if (error instanceof AppError) return reply.status(error.status).type('application/json').send({ error: error.keys.length === 1 ? error.keys[0] : error.keys });
  const status = (error as FastifyError).statusCode;
  if (status === 413) return reply.status(413).type('application/json').send({ error: 'Request body is too large.' });
  if (status && status >= 400 && status < 500) return reply.status(400).type('application/json').send({ error: "Couldn't parse JWT." });
  req.log.error({ err: error }, 'unhandled error');
  return reply.status(500).type('application/json').send({ error: 'Internal Server Error' });
}

/** Mounts a router's endpoints on a plugin that reads every body as raw text (the JWS is parsed by the envelope). */
export function mountManagement(app: FastifyInstance, c: Container, router: ManagementRouter, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));
  app.setErrorHandler(managementErrorHandler);
  for (const [path, endpoints] of router.paths) {
    const first = endpoints.POST ?? endpoints.PUT!;
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: path, bodyLimit,
      schema: { tags: ['management'], summary: `${first.summary} (scope ${first.scope}; ${Object.keys(endpoints).join('/')} only; body: multi-signature JWS)` },
      handler: async (req, reply) => {
        const { e, data } = envelope(c, req, endpoints);
        return e.run(data, reply, req);
      },
    });
  }
}
