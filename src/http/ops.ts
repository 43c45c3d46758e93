import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Container } from '../container.js';

/** Health and Prometheus metrics (CONTRACT.md "health"). */
export async function opsRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'warden_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'warden_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/health/live', { schema: { tags: ['ops'], summary: 'The process is up' } }, async () => ({ status: 'ok' }));
  app.get('/health/ready', { schema: { tags: ['ops'], summary: 'Database and key-value store are reachable' } }, async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    try { await c.db.query('SELECT 1'); checks.database = 'ok'; } catch { checks.database = 'down'; }
    checks.kv = (await c.kv.ping()) ? 'ok' : 'down';
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks });
  });
  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_req, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()));
}
// Not encapsulated (what fastify-plugin does): the onResponse hook above must see every route
// of the app, not only the ops routes registered inside this plugin.
(opsRoutes as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
