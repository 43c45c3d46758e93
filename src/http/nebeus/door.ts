import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { nebeusAssetRoutes } from './routes-assets.js';
import { nebeusAuthRoutes } from './routes-auth.js';
import { nebeusPartnerRoutes } from './routes-partner.js';
import { parseJsonBody, protocolErrorBody, RPC, RpcProtocolError } from './rpc.js';

/**
 * The Nebeus front door at the root (seed 000): JSON-RPC `POST` endpoints, profile images and
 * flags. Its body parsing and error rendering are scoped to this plugin, so the other doors keep
 * their own dialects. Every body is read as JSON whatever its content type (`curl -d` sends a
 * form type); a failure the door did not expect is a JSON-RPC internal error, never a stack.
 */
export async function nebeusDoor(app: FastifyInstance, { c }: { c: Container }) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    try { done(null, parseJsonBody(String(body))); } catch (err) { done(err as Error, undefined); }
  });
  app.setErrorHandler(nebeusErrorHandler);
  await app.register(nebeusAuthRoutes, { c });
  await app.register(nebeusPartnerRoutes, { c });
  await app.register(nebeusAssetRoutes, { c });
}

export function nebeusErrorHandler(error: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  let err: RpcProtocolError;
  if (error instanceof RpcProtocolError) err = error;
  else {
    const status = (error as FastifyError).statusCode;
    if (status === 413) err = new RpcProtocolError(RPC.invalidRequest, 'Request too large', 413);
    else if (status && status >= 400 && status < 500) err = new RpcProtocolError(RPC.invalidRequest, 'Invalid Request', 400);
    else {
      req.log.error({ err: error }, 'unhandled error');
      err = new RpcProtocolError(RPC.internal, 'Internal error', 500);
    }
  }
  return reply.status(err.status).type('application/json').header('cache-control', 'no-store').send(protocolErrorBody(err));
}
