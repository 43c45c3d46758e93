import http from 'node:http';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config/load.js';

type State = 'ok' | 'down';
export interface ServiceStates { database?: State; kv?: State }

const PROBE_TIMEOUT_MS = 5000;

async function databaseAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => { /* reported by the awaited call */ });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(url: string): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: PROBE_TIMEOUT_MS, commandTimeout: PROBE_TIMEOUT_MS });
  redis.on('error', () => { /* reported by the awaited call */ });
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    redis.disconnect();
  }
}

/** Probes the configured PostgreSQL and Redis once; messages never carry the URLs (they hold passwords). */
export async function probeServices(config: Pick<Config, 'DATABASE_URL' | 'REDIS_URL'>): Promise<{ states: ServiceStates; problems: Record<string, string> }> {
  const [db, kv] = await Promise.all([
    config.DATABASE_URL ? databaseAnswers(config.DATABASE_URL) : null,
    config.REDIS_URL ? redisAnswers(config.REDIS_URL) : null,
  ]);
  const states: ServiceStates = {};
  const problems: Record<string, string> = {};
  if (config.DATABASE_URL) { states.database = db === null ? 'ok' : 'down'; if (db !== null) problems.database = db; }
  if (config.REDIS_URL) { states.kv = kv === null ? 'ok' : 'down'; if (kv !== null) problems.kv = kv; }
  return { states, problems };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' }).end(JSON.stringify(body));
};

/**
 * Until PostgreSQL and Redis answer, the process is up but not ready (CONTRACT.md health): it
 * listens on its port with `/health/live` 200, `/health/ready` 503 naming what is down, and 503
 * for everything else, and probes again with a growing pause (1 s → 10 s). An orchestrator then
 * sees a live, unready instance instead of a crash loop, and Warden starts as soon as the
 * services do. Resolves false when `stopped()` says a signal came while waiting.
 */
export async function waitForServices(config: Config, logger: Logger, stopped: () => boolean): Promise<boolean> {
  if (!config.DATABASE_URL && !config.REDIS_URL) return true;
  let probe = await probeServices(config);
  if (Object.keys(probe.problems).length === 0) return true;
  let states = probe.states;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health/live') return json(res, 200, { status: 'ok' });
    if (path === '/health/ready') return json(res, 503, { status: 'unavailable', checks: states });
    return json(res, 503, { errors: ['server.unavailable'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  try {
    for (let attempt = 1; ; attempt++) {
      logger.warn({ checks: states, problems: probe.problems, attempt }, 'waiting for the database / Redis; /health/ready answers 503 meanwhile');
      const pause = Math.min(1000 * 2 ** (attempt - 1), 10_000);
      for (const end = Date.now() + pause; Date.now() < end;) {
        if (stopped()) return false;
        await new Promise((r) => setTimeout(r, 100));
      }
      probe = await probeServices(config);
      states = probe.states;
      if (Object.keys(probe.problems).length === 0) return !stopped();
    }
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
