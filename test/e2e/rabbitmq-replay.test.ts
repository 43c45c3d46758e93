import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { buildContainer } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory.js';
import { openTestDb } from '../helpers/test-db.js';
import { STRONG_PASSWORD, UA, uniqueEmail } from '../helpers/client.js';
import { AMQP_URL, skipWithoutBroker, startConsumer, uniquePrefix, type Consumer } from './rabbitmq-support.js';

/** `warden events replay`: a consumer that lost its data gets a time range again, same jti, same order. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const prefix = uniquePrefix('replay');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-replay-'));
const env: Record<string, string> = { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', EVENT_EXCHANGE_PREFIX: prefix };
let consumer: Consumer;
let dropDb: (() => Promise<void>) | undefined;

before(async () => {
  if (skipWithoutBroker) return;
  env.AMQP_URL = AMQP_URL!;
  if (process.env.DATABASE_URL) {
    const tdb = await openTestDb({ migrated: false });
    await tdb.db.close();
    env.DATABASE_URL = tdb.url!;
    dropDb = tdb.cleanup;
  }
  consumer = await startConsumer(prefix);
});
after(async () => {
  if (skipWithoutBroker) return;
  await consumer.close();
  await dropDb?.();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const warden = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: ROOT, env: { ...env }, encoding: 'utf8', timeout: 120_000 });

test('events replay --from re-publishes the published events of the range, in order, with their jti', { skip: skipWithoutBroker, timeout: 180_000 }, async () => {
  const startedAt = new Date(Date.now() - 1000);
  // A server on this data directory (or database) publishes the events of three sign-ups, then stops.
  const c = await buildContainer(loadConfig({ ...env, ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1' }), pino({ level: 'silent' }), { kv: new MemoryKeyValueStore() });
  const app = await buildApp(c, { logger: false });
  for (let i = 0; i < 3; i++) {
    const r = await app.inject({ method: 'POST', url: `${c.config.API_PREFIX}/identity/users`, headers: { 'user-agent': UA, 'content-type': 'application/json' }, payload: JSON.stringify({ email: uniqueEmail(`replay${i}x`), password: STRONG_PASSWORD }) });
    assert.equal(r.statusCode, 201);
  }
  const rows = await c.db.query<{ jti: string }>('SELECT jti FROM outbox ORDER BY id');
  await consumer.waitUntil('the live events', (r) => r.length >= rows.length);
  await app.close();
  await c.close();
  const live = consumer.received.splice(0).map((d) => d.messageId);
  assert.deepEqual(live, rows.map((r) => r.jti));

  const r = warden('events', 'replay', '--from', startedAt.toISOString());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^replayed ${rows.length} events \\(outbox ids \\d+\\.\\.\\d+\\) written from `, 'm'));
  await consumer.waitUntil('the replayed events', (rec) => rec.length >= rows.length);
  assert.deepEqual(consumer.received.map((d) => d.messageId), rows.map((x) => x.jti), 'same jti, same order');

  assert.equal(warden('events', 'replay', '--from', 'yesterday-ish').status, 2);
  assert.equal(warden('events', 'replay').status, 2, 'usage without --from');
  const noBroker = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'events', 'replay', '--from', '1h'], { cwd: ROOT, env: { ...env, AMQP_URL: '' }, encoding: 'utf8', timeout: 60_000 });
  assert.equal(noBroker.status, 2);
  assert.match(noBroker.stdout, /AMQP_URL is not set/);
});
