import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { jsonWithDecimals } from '../../lib/decimal.js';
import { dashboardEntity } from './dashboard-view.js';
import { SESSION_EXPIRED } from './messages.js';
import { failure, readCall } from './rpc.js';
import { ctxOf, sessionIdOf } from './session.js';
import * as S from './schemas.js';

/** The active countries and the signed-in partner's dashboard (seed 000). */
export async function nebeusPartnerRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const tags = [S.TAG];

  app.post('/get_countries/1.0/json', {
    schema: { tags, summary: 'The active countries: a bare array of {id, name, code, phone_code}', body: S.rpcBody(S.Empty) },
  }, async (req, reply) => {
    readCall(req.body);
    const list = await c.nebeus.countries.list();
    return reply.header('cache-control', 'public, max-age=300')
      .send(list.map((x) => ({ id: x.id, name: x.name, code: x.code, phone_code: x.phoneCode })));
  });

  app.post('/partner/dashboard', {
    schema: {
      tags, summary: 'The signed-in partner\'s dashboard (a bare object); without a valid session an envelope with status "error"',
      description: 'Session: cookie `session_id` (or the Barong session cookie), or header `X-Openerp-Session-Id`.', body: S.rpcBody(S.Empty),
    },
  }, async (req, reply) => {
    const { id } = readCall(req.body);
    const user = await c.nebeus.auth.sessionUser(sessionIdOf(c, req), ctxOf(c, req));
    if (!user) return reply.send(failure(id, SESSION_EXPIRED));
    const view = await c.nebeus.dashboard.view(user);
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-store').send(jsonWithDecimals(dashboardEntity(view)));
  });
}
