import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.js';

/**
 * Renders every failure under the Barong prefixes as `{"errors": [...]}`. Client mistakes that
 * Fastify itself detects (malformed JSON, wrong content type, oversized body) become 4xx with a
 * Barong-style key; anything unexpected is logged with its cause and answered 500
 * `server.internal_error` without details.
 */
export function barongErrorHandler(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    return reply.status(error.status).type('application/json').send({ errors: error.keys });
  }
  const status = (error as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    const key = status === 413 ? 'server.request.too_large'
      : status === 415 ? 'server.request.unsupported_media_type'
      : status === 429 ? 'server.request.too_many_requests'
      : 'server.request.invalid_body';
    return reply.status(status === 415 || status === 413 || status === 429 ? status : 400).type('application/json').send({ errors: [key] });
  }
  req.log.error({ err: error }, 'unhandled error');
  return reply.status(500).type('application/json').send({ errors: ['server.internal_error'] });
}

export function installNotFound(app: FastifyInstance) {
  app.setNotFoundHandler((_req, reply) => reply.status(404).type('application/json').send({ error: 'Route is not found' }));
}
