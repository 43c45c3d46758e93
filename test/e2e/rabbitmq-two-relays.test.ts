import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load.js';
import { buildContainer, type Container } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import { openPostgres } from '../../src/db/pg.js';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory.js';
import { openTestDb } from '../helpers/test-db.js';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp.js';
import { STRONG_PASSWORD, UA, uniqueEmail } from '../helpers/client.js';
import { AMQP_URL, skipWithoutBroker, startConsumer, uniquePrefix, type Consumer } from './rabbitmq-support.js';

/**
 * Two Warden containers (each with its own HTTP app, database pool and relay connection) on one
 * outbox: sign-ups land on both, both relays run, and every event reaches RabbitMQ exactly once,
 * in commit order per user.
 */
const prefix = uniquePrefix('two');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-two-relays-'));
let consumer: Consumer;
let smtp: SmtpCapture;
let cleanup: () => Promise<void>;
const instances: Array<{ c: Container; app: FastifyInstance }> = [];

before(async () => {
  if (skipWithoutBroker) return;
  consumer = await startConsumer(prefix);
  smtp = await startSmtpServer();
  const tdb = await openTestDb({ migrated: false });
  cleanup = tdb.cleanup;
  const config = loadConfig({
    LOG_LEVEL: 'silent', DATA_DIR: dataDir, SMTP_URL: smtp.url, AMQP_URL: AMQP_URL!, EVENT_EXCHANGE_PREFIX: prefix,
    ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1', RATE_LIMIT_SIGNUP_IP: '10000/60', RATE_LIMIT_LOGIN_IP: '10000/60',
  });
  for (let i = 0; i < 2; i++) {
    // On PostgreSQL each instance has its own pool (real lock contention); PGlite has one connection to share.
    const db = i === 0 ? tdb.db : tdb.url ? await openPostgres(tdb.url, { max: 4 }) : { ...tdb.db, close: async () => undefined };
    const c = await buildContainer(config, pino({ level: 'silent' }), { db, kv: new MemoryKeyValueStore() });
    const app = await buildApp(c, { logger: false });
    await app.ready();
    instances.push({ c, app });
  }
});
after(async () => {
  if (skipWithoutBroker) return;
  // The second instance first: on PGlite it borrows the first one's database (its close is a no-op).
  for (const { c, app } of [...instances].reverse()) {
    await app.close();
    await c.close();
  }
  await cleanup();
  await smtp.close();
  await consumer.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('two instances draining one outbox publish each event once, in order per user', { skip: skipWithoutBroker, timeout: 120_000 }, async (ctx) => {
  const flows = Array.from({ length: 30 }, (_, i) => i);
  const statuses = await Promise.all(flows.map(async (i) => {
    const { app, c } = instances[i % 2];
    const email = uniqueEmail(`two${i}x`);
    const headers = { 'user-agent': UA, 'content-type': 'application/json' };
    const url = `${c.config.API_PREFIX}/identity`;
    const s = await app.inject({ method: 'POST', url: `${url}/users`, headers, payload: JSON.stringify({ email, password: STRONG_PASSWORD }) });
    // Log in on the other instance: the user's events come from both.
    const other = instances[(i + 1) % 2];
    const l = await other.app.inject({ method: 'POST', url: `${url}/sessions`, headers, payload: JSON.stringify({ email, password: STRONG_PASSWORD }) });
    return [s.statusCode, l.statusCode];
  }));
  assert.deepEqual(new Set(statuses.flat()), new Set([201, 200]));

  const db = instances[0].c.db;
  const rows = (await db.query<{ id: number; jti: string; uid: string }>(
    `SELECT id, jti, coalesce(payload->'record'->'user'->>'uid', payload->'record'->>'uid') AS uid FROM outbox ORDER BY id`))
    .map((r) => ({ ...r, id: Number(r.id) }));
  const byJti = new Map(rows.map((r) => [r.jti, r]));
  await consumer.waitUntil('every event', (received) => new Set(received.map((d) => d.messageId)).size >= rows.length, 60_000);
  await new Promise((r) => setTimeout(r, 500)); // a late copy would show up here

  const mine = consumer.received.filter((d) => byJti.has(d.messageId!));
  assert.equal(mine.length, rows.length, 'each event exactly once');
  assert.equal(new Set(mine.map((d) => d.messageId)).size, rows.length);
  const perUser = new Map<string, number[]>();
  for (const d of mine) {
    const r = byJti.get(d.messageId!)!;
    perUser.set(r.uid, [...(perUser.get(r.uid) ?? []), r.id]);
  }
  assert.equal(perUser.size, 30);
  for (const ids of perUser.values()) assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  const [a, b] = instances.map(({ c }) => c.eventApi.relay!.stats);
  // The counters move when a batch commits, which can trail the delivery by a moment.
  for (let i = 0; i < 100 && a.published + b.published < rows.length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(a.published + b.published, rows.length, 'the relays together confirmed each row once');
  ctx.diagnostic(`events ${rows.length}; relay 1 published ${a.published} (lock elsewhere ${a.busy}×), relay 2 published ${b.published} (lock elsewhere ${b.busy}×)`);
});
