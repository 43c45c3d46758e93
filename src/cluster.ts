import cluster, { type Worker } from 'node:cluster';
import type pino from 'pino';
import type { Config } from './config/load.js';
import { loadKeys } from './infra/keys/keystore.js';

/**
 * WORKERS > 1: this process only supervises. It makes sure the keys exist first (a generated
 * key written by two workers at once would leave them signing with different keys), then forks
 * the workers, which share the listening port (node:cluster hands out connections), restarts
 * one that dies (at most once a second), and on SIGTERM/SIGINT passes the signal on and exits
 * when all have drained.
 */
export function superviseWorkers(config: Config, logger: pino.Logger): void {
  loadKeys({ jwtPrivateKey: config.JWT_PRIVATE_KEY, encryptionKey: config.ENCRYPTION_KEY, algorithm: config.JWT_ALGORITHM, dataDir: config.dataDir, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS });
  let stopping = false;
  let lastRestart = 0;
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < config.WORKERS; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    const wait = Math.max(0, lastRestart + 1000 - Date.now());
    lastRestart = Date.now() + wait;
    setTimeout(fork, wait);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: config.WORKERS }, 'stopping workers');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    setTimeout(() => { logger.error('workers did not stop in time'); process.exit(1); }, 20_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ workers: config.WORKERS }, 'supervising workers');
}
