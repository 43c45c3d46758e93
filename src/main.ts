import cluster from 'node:cluster';
import pino from 'pino';
import { superviseWorkers } from './cluster.js';
import { ConfigError, loadConfig, type Config } from './config/load.js';
import { buildContainer } from './container.js';
import { buildApp, loggerOptions } from './app.js';
import { waitForServices } from './wait-for-services.js';

/** Loads config, wires, listens; SIGTERM/SIGINT drain in-flight requests, flush the outbox, exit 0. */
export async function serve(env: Record<string, string | undefined> = process.env): Promise<void> {
  const config = configOrExit(env);
  const logger = pino(loggerOptions(config.LOG_LEVEL) as pino.LoggerOptions);
  if (config.WORKERS > 1 && cluster.isPrimary) return superviseWorkers(config, logger);
  // A signal before the server is built (while waiting for services, say) ends the process as
  // soon as that step allows; after, it drains (below).
  let signalled: string | null = null;
  let shutdown: ((signal: string) => Promise<void>) | null = null;
  const onSignal = (signal: string) => { signalled ??= signal; if (shutdown) void shutdown(signal); };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  if (!(await waitForServices(config, logger, () => signalled !== null))) {
    logger.info({ signal: signalled }, 'stopped while waiting for the database / Redis');
    process.exit(0);
  }
  const container = await buildContainer(config, logger);
  const app = await buildApp(container, { logger: loggerOptions(config.LOG_LEVEL) });
  let closing = false;
  shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => { logger.error('shutdown timed out'); process.exit(1); }, 15_000);
    force.unref();
    // close() waits for every open connection, and a connection busy at that moment stays open
    // after its answer (keep-alive): close each one as soon as it is idle, or the drain would
    // wait for the client (or the force timer) instead of ending with the last answer.
    const reap = setInterval(() => app.server.closeIdleConnections(), 20);
    reap.unref();
    try {
      await app.close(); // stops accepting; waits for open connections
      // A handler whose client hung up has no connection left but may still be running.
      if (!(await app.inFlight.idle(10_000))) logger.warn({ requests: app.inFlight.count }, 'shutdown: requests still running after 10 s');
      await container.close(); // flushes the mail outbox, closes pools
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  if (signalled) return shutdown(signalled);
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url: `http://${config.HOST}:${(app.server.address() as { port: number }).port}${config.API_PREFIX}/identity/ping`, database: config.DATABASE_URL ? 'postgres' : 'pglite', kv: config.REDIS_URL ? 'redis' : 'memory' }, 'warden is ready');
}

export function configOrExit(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`warden: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
