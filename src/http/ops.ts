import type { FastifyInstance } from 'fastify';
import type { Container } from '../container.js';
import type { HttpMetrics } from './metrics.js';

/** Health and Prometheus metrics (CONTRACT.md "health"). */
export async function opsRoutes(app: FastifyInstance, { c, metrics }: { c: Container; metrics: HttpMetrics }) {
  const registry = metrics.registry;
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.get('/health/live', { schema: { tags: ['ops'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { tags: ['ops'], summary: 'Database, key-value store and (when configured) the event broker are reachable' } }, async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    try { await c.db.query('SELECT 1'); checks.database = 'ok'; } catch { checks.database = 'down'; }
    checks.kv = (await c.kv.ping()) ? 'ok' : 'down';
    // Only when AMQP_URL is set. A down broker makes the instance unready too (CONTRACT.md):
    // requests would still succeed, but an operator must learn that events are piling up.
    const broker = await c.eventApi.brokerReachable().catch(() => false);
    if (broker !== null) checks.broker = broker ? 'ok' : 'down';
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()));
}
// Not encapsulated (what fastify-plugin does): the onResponse hook above must see every route
// of the app, not only the ops routes registered inside this plugin.
(opsRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
