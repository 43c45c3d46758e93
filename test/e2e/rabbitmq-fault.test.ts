import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { Client, uniqueEmail } from '../helpers/client.js';
import { relayConnectionName } from '../../src/domain/events/event-api-wiring.js';
import { BrokerProxy, closeConnectionsNamed, skipWithoutBroker, startConsumer, uniquePrefix, waitForConnectionNamed, type Consumer, type Delivery } from './rabbitmq-support.js';

/**
 * RabbitMQ faults during a burst of sign-ups (each followed by a login): first the broker
 * becomes unreachable for a while (a proxy drops every connection and refuses new ones), then
 * the broker itself closes the relay's connection (rabbitmqctl close_connection). No request
 * may fail; every event must arrive, once after de-duplication on jti, in commit order per user.
 */
const prefix = uniquePrefix('fault');
let t: TestApp;
let consumer: Consumer;
let proxy: BrokerProxy;

before(async () => {
  if (skipWithoutBroker) return;
  consumer = await startConsumer(prefix);
  proxy = await BrokerProxy.start();
  t = await startTestApp({ AMQP_URL: proxy.url, EVENT_EXCHANGE_PREFIX: prefix });
});
after(async () => {
  if (skipWithoutBroker) return;
  await t.close();
  await proxy.close();
  await consumer.close();
});

interface Row { id: number; jti: string; uid: string; created_at: Date }

/** Runs `count` sign-up + login flows, `parallel` at a time; calls `at(i)` before flow i starts. Returns the statuses. */
async function burst(tag: string, count: number, parallel: number, at: (i: number) => Promise<void> | void): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await at(i);
      const email = uniqueEmail(`${tag}${i}x`);
      const c = new Client(t);
      statuses.push((await c.signup(email)).status);
      statuses.push((await c.login(email)).status);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return statuses;
}

function check(rows: Row[], received: Delivery[]) {
  const byJti = new Map(rows.map((r) => [r.jti, r]));
  const mine = received.filter((d) => d.messageId && byJti.has(d.messageId));
  const first = new Map<string, Delivery>();
  for (const d of mine) if (!first.has(d.messageId!)) first.set(d.messageId!, d);
  const perUser = new Map<string, number[]>();
  for (const jti of first.keys()) {
    const r = byJti.get(jti)!;
    perUser.set(r.uid, [...(perUser.get(r.uid) ?? []), r.id]);
  }
  return { mine, first, perUser, duplicates: mine.length - first.size };
}

test('broker down, then a server-side connection close, during bursts: no failed request, every event once per jti, in order per user',
  { skip: skipWithoutBroker, timeout: 180_000 }, async (ctx) => {
    // Phase 1: the broker is unreachable for 2.5 s from the 10th flow on.
    let downAt = 0;
    let upAt = 0;
    let restored: Promise<void> = Promise.resolve();
    const phase1 = await burst('down', 40, 6, (i) => {
      if (i === 10) {
        proxy.down();
        downAt = Date.now();
        restored = new Promise((r) => setTimeout(() => { proxy.up(); upAt = Date.now(); r(); }, 2500));
      }
    });
    await restored;
    // The relay reconnects when its backoff runs out (up to seconds after the broker is back);
    // phase 2 starts once it has, so that the close below lands in the middle of its flows.
    await waitForConnectionNamed(relayConnectionName(prefix));
    // Phase 2: RabbitMQ closes the relay's connection while flows go on.
    let closedAt = 0;
    let closing: Promise<number> = Promise.resolve(0);
    const phase2 = await burst('close', 30, 6, (i) => {
      if (i === 8) { closedAt = Date.now(); closing = closeConnectionsNamed(relayConnectionName(prefix)); }
    });
    const closedConnections = await closing;

    assert.ok(phase1.length === 80 && phase1.every((s) => s === 201 || s === 200), `phase 1 statuses ${[...new Set(phase1)]}`);
    assert.ok(phase2.length === 60 && phase2.every((s) => s === 201 || s === 200), `phase 2 statuses ${[...new Set(phase2)]}`);
    assert.ok(closedConnections >= 1, 'rabbitmqctl found the relay connection');

    const rows = (await t.c.db.query<Row>(
      `SELECT id, jti, coalesce(payload->'record'->'user'->>'uid', payload->'record'->>'uid') AS uid, created_at FROM outbox ORDER BY id`))
      .map((r) => ({ ...r, id: Number(r.id), created_at: new Date(r.created_at) }));
    await consumer.waitUntil('every event', (received) => check(rows, received).first.size === rows.length, 60_000);
    const { mine, first, perUser, duplicates } = check(rows, consumer.received);

    assert.equal(first.size, rows.length, 'every event delivered');
    for (const [uid, ids] of perUser) assert.deepEqual(ids, [...ids].sort((a, b) => a - b), `events of ${uid} in commit order`);
    assert.equal(perUser.size, 70);
    for (const ids of perUser.values()) assert.equal(ids.length, 3, 'user.created, confirmation token, session.create');
    // Delivery can beat the relay's commit of published_at by a moment.
    const unpublished = async () => (await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
    for (let i = 0; i < 100 && (await unpublished()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await unpublished(), 0, 'every row marked published');

    // Delays: events written while the broker was away, from the moment it was back.
    const waited = rows.filter((r) => r.created_at.getTime() < upAt && first.get(r.jti)!.at >= upAt);
    const maxAfterRestart = Math.max(0, ...waited.map((r) => first.get(r.jti)!.at - upAt));
    const afterClose = rows.filter((r) => r.created_at.getTime() >= closedAt - 1000).map((r) => first.get(r.jti)!.at - r.created_at.getTime());
    ctx.diagnostic(`events produced ${rows.length}, delivered ${mine.length} (distinct ${first.size}), duplicates ${duplicates}`);
    ctx.diagnostic(`outage ${upAt - downAt} ms: ${waited.length} events waited; max delay after the broker came back ${maxAfterRestart} ms`);
    ctx.diagnostic(`server-side close: ${closedConnections} relay connection(s) closed; max end-to-end delay of events around it ${Math.max(0, ...afterClose)} ms`);
    ctx.diagnostic(`relay: ${t.c.eventApi.relay!.stats.published} confirmed, ${t.c.eventApi.relay!.stats.failures} failed attempts`);
    assert.ok(waited.length > 0, 'some events did wait for the broker');
    assert.ok(maxAfterRestart < 10_000, `backlog out within 10 s of the restart (${maxAfterRestart} ms)`);
    assert.ok(duplicates <= 2 * 100, 'copies only from batches cut in flight');
  });
