import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import type { Caller } from '../../../domain/authz/caller.js';
import { requestContext } from '../../request-context.js';
import { sessionCookie } from '../common.js';
import { canonicalPath } from '../../../lib/path.js';
import { auditableParams } from '../../request-body.js';

declare module 'fastify' {
  interface FastifyRequest { caller?: Caller }
}

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Resolves the caller before any parameter is looked at (BARONG.md §7.1). With `auditBody` (the
 * admin API) the permission check's admin activity also carries the body's parameters.
 */
export function requireCaller(app: FastifyInstance, c: Container, opts: { auditBody?: boolean } = {}): void {
  app.addHook('preHandler', async (req) => {
    const ctx = requestContext(req, c.config.CLIENT_IP_HEADER);
    const query = (req.query ?? {}) as Record<string, unknown>;
    req.caller = await c.callers.resolve({
      method: req.method, path: canonicalPath(req.url.split('?')[0]) ?? '', query: opts.auditBody ? { ...query, ...auditableParams(req.body) } : query,
      authorization: header(req, 'authorization'), sessionId: sessionCookie(c, req), csrfToken: header(req, 'x-csrf-token'),
      ip: ctx.ip, userAgent: ctx.userAgent,
      apiKey: { kid: header(req, 'x-auth-apikey'), nonce: header(req, 'x-auth-nonce'), signature: header(req, 'x-auth-signature') },
    });
  });
}

export function callerOf(req: FastifyRequest): Caller {
  if (!req.caller) throw new Error('route registered without requireCaller');
  return req.caller;
}
