import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { metricsBound } from '../../../domain/admin/metrics.js';
import { ValidationError } from '../../../errors/app-error.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard, adminOf } from './guard.js';

const MetricsQuery = P.obj({
  created_from: P.opt(P.str({ description: 'unix seconds, YYYY-MM-DD (UTC) or ISO 8601 time; inclusive' })),
  created_to: P.opt(P.str({ description: 'unix seconds, YYYY-MM-DD (the whole day, UTC) or ISO 8601 time; inclusive' })),
});

/** Abilities, levels and metrics (BARONG.md §8.1). */
export async function adminGeneralRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/abilities', { config: { ability: 'none' }, schema: { tags, security, summary: 'What the caller\'s role may read or manage ({} for roles without admin abilities)' } },
    async (req) => c.abilities.mapFor(adminOf(req).role));

  app.get('/levels', { config: { ability: ['read', 'Level'] }, schema: { tags, security, summary: 'All levels, id order' } },
    async () => (await c.adminConsole.levels()).map((l) => ({ id: l.id, key: l.key, value: l.value })));

  app.get('/metrics', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Sign-ups and logins per UTC day in the period, and documents pending review', querystring: MetricsQuery },
  }, async (req) => {
    const p = parseParams(MetricsQuery, mergedParams(req), 'admin.metric');
    const bound = (v: string | undefined, end: 'from' | 'to') => (v === undefined || v.trim() === '' ? undefined : metricsBound(v, end));
    const from = bound(p.created_from, 'from');
    const to = bound(p.created_to, 'to');
    const errors = [...(from === null ? ['admin.metric.invalid_created_from'] : []), ...(to === null ? ['admin.metric.invalid_created_to'] : [])];
    if (errors.length) throw new ValidationError(errors);
    return c.adminConsole.metrics.report({ from: from ?? undefined, to: to ?? undefined });
  });
}
