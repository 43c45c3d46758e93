import path from 'node:path';
import type { Config } from './config/load.js';
import { openPglite } from './db/pglite.js';
import { openPostgres } from './db/pg.js';
import { migrate } from './db/migrate.js';
import { loadKeys } from './infra/keys/keystore.js';
import { AmqpEventPublisher } from './infra/amqp/amqp-publisher.js';
import { EventSigner } from './domain/events/event-signer.js';
import { replayEvents } from './domain/events/replay.js';

/** `2024-05-01T10:00:00Z`, a date, unix seconds, or an age such as `90m`, `6h`, `2d` (that long ago). */
export function parseTime(text: string, now = Date.now()): Date | null {
  const t = text.trim();
  const age = /^(\d+)\s*(s|m|h|d)$/.exec(t);
  if (age) return new Date(now - Number(age[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[age[2] as 's']! * 1000);
  if (/^\d{9,11}$/.test(t)) return new Date(Number(t) * 1000);
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `warden events replay --from <time> [--to <time>]`: exit code 0 when every event of the range went out. */
export async function replayCommand(config: Config, fromText: string, toText: string | undefined, out: (line: string) => void): Promise<number> {
  const from = parseTime(fromText);
  const to = toText === undefined ? null : parseTime(toText);
  if (!from || (toText !== undefined && !to)) { out(`warden: cannot read the time "${!from ? fromText : toText}"`); return 2; }
  if (!config.AMQP_URL) { out('warden: AMQP_URL is not set: there is no broker to replay to'); return 2; }
  const db = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL, { prepare: config.DATABASE_PREPARED_STATEMENTS }) : await openPglite(path.join(config.dataDir, 'pg'));
  const logger = { info: () => undefined, warn: (o: object, m: string) => out(`warden: ${m} ${JSON.stringify(o)}`) };
  const publisher = new AmqpEventPublisher(config.AMQP_URL, { logger, connectionName: `warden-replay ${process.pid}` });
  try {
    await migrate(db);
    const keys = loadKeys({ jwtPrivateKey: config.JWT_PRIVATE_KEY, encryptionKey: config.ENCRYPTION_KEY, algorithm: config.JWT_ALGORITHM, dataDir: config.dataDir, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS });
    const signer = new EventSigner(keys, { issuer: config.EVENT_ISSUER, lifetimeSeconds: config.EVENT_EXPIRE_TIME });
    const r = await replayEvents({ db, publisher, signer, exchangePrefix: config.EVENT_EXCHANGE_PREFIX, from, to });
    out(r.count === 0
      ? `no published events written between ${from.toISOString()} and ${to ? to.toISOString() : 'now'}`
      : `replayed ${r.count} events (outbox ids ${r.firstId}..${r.lastId}) written from ${from.toISOString()}${to ? ` to ${to.toISOString()}` : ''}`);
    return 0;
  } catch (err) {
    out(`warden: ${(err as Error).message}`);
    return 1;
  } finally {
    await publisher.close();
    await db.close();
  }
}
