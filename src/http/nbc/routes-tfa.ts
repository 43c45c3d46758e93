import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { parseBody } from './body.js';
import { ctxOf, routes } from './http-kit.js';
import * as S from './schemas.js';

/** NBC gate `/tfa/*`: resetting a lost second factor by email. */
export async function nbcTfaResetRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = routes(app);

  r.post('/tfa/reset', {
    schema: { summary: 'Start a 2FA reset with email and password: a confirmation link is mailed', body: S.EmailPassword, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await c.tokenAuth.tfaReset.start(parseBody(S.EmailPassword, req.body), ctxOf(c, req));
    return reply.status(204).send();
  });

  r.post('/tfa/otp/reset/:id', {
    schema: {
      summary: 'Complete the 2FA reset (the id of the mailed link): 2FA off, every session ended, API-key creation held 24 h',
      params: Type.Object({ id: Type.String() }), response: { 204: Type.Null() },
    },
  }, async (req, reply) => {
    await c.tokenAuth.tfaReset.complete((req.params as { id: string }).id, ctxOf(c, req));
    return reply.status(204).send();
  });
}
