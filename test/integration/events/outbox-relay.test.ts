import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, activeUser, uniqueEmail } from '../../helpers/client.js';
import { MemoryEventPublisher } from '../../../src/infra/amqp/memory-publisher.js';
import { OutboxRelay, relayBackoffMs } from '../../../src/domain/events/outbox-relay.js';
import { OutboxPruner } from '../../../src/domain/events/outbox-pruner.js';
import { replayEvents } from '../../../src/domain/events/replay.js';
import { verifyEventMessage } from '../../../src/domain/events/event-signer.js';
import { outboxRepo } from '../../../src/db/repositories/outbox.js';
import type { OutgoingEvent } from '../../../src/infra/amqp/port.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
let t: TestApp;
let broker: MemoryEventPublisher;

before(async () => {
  broker = new MemoryEventPublisher();
  t = await startTestApp({ EVENT_EXCHANGE_PREFIX: 'test.events' }, { eventPublisher: broker });
});
after(async () => { await t.close(); });

interface Row { id: number; jti: string; name: string; published_at: Date | null; uid: string | null }

async function rows(): Promise<Row[]> {
  return t.c.db.query<Row>(
    `SELECT id, jti, name, published_at, coalesce(payload->'record'->'user'->>'uid', payload->'record'->>'uid') AS uid FROM outbox ORDER BY id`);
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const allPublished = async () => (await rows()).every((r) => r.published_at !== null);

/** First arrival of each jti, in arrival order. */
function firstArrivals(messages: readonly OutgoingEvent[]): string[] {
  const seen = new Set<string>();
  return messages.filter((m) => (seen.has(m.messageId) ? false : (seen.add(m.messageId), true))).map((m) => m.messageId);
}

describe('outbox relay with the in-memory broker', () => {
  test('every event goes out once, in id order, signed, to <prefix>.<segment> with the rest as routing key', async () => {
    const email = uniqueEmail('relay');
    await activeUser(t, email);
    assert.equal((await new Client(t).login(email)).status, 200);
    await until('all published', allPublished);
    const all = await rows();
    assert.ok(all.length >= 5, `${all.length} events`);
    assert.deepEqual(broker.messages.map((m) => m.messageId), all.map((r) => r.jti), 'one message per row, in id order');
    for (const [i, m] of broker.messages.entries()) {
      assert.deepEqual(JSON.parse(m.body.toString()).signatures[0].header, { kid: 'barong' }, 'the name Barong consumers look the key up by');
      const claims = verifyEventMessage(m.body, { kid: 'barong', keys: t.c.keys.verificationKeys });
      assert.equal(claims.jti, all[i].jti);
      assert.equal(claims.iss, 'barong');
      assert.equal(claims.exp - claims.iat, 3600);
      assert.equal(claims.event.name, all[i].name);
      assert.equal(`${m.exchange.slice('test.events.'.length)}.${m.routingKey}`, all[i].name);
    }
    const names = all.map((r) => r.name);
    for (const n of ['model.user.created', 'system.user.email.confirmation.token', 'model.label.created', 'model.user.updated', 'system.user.email.confirmed', 'system.session.create']) {
      assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
    }
  });

  test('broker down: requests succeed, events wait, retries back off (no busy loop), then all go out in order', async () => {
    broker.down = true;
    const before = { calls: broker.publishCalls + broker.pings };
    const start = (await rows()).length;
    const clients = await Promise.all([1, 2, 3, 4, 5, 6].map(async (i) => {
      const c = new Client(t);
      const r = await c.signup(uniqueEmail(`down${i}`));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return c;
    }));
    assert.equal(clients.length, 6);
    await new Promise((r) => setTimeout(r, 1500));
    const pending = (await rows()).filter((r) => r.published_at === null);
    assert.equal(pending.length, (await rows()).length - start, 'nothing published while down');
    assert.ok(pending.length >= 12);
    const attempts = broker.publishCalls + broker.pings - before.calls;
    assert.ok(attempts <= 8, `${attempts} broker attempts in 1.5 s of outage with 6 kicks`);
    broker.down = false;
    const upAt = Date.now();
    await until('backlog published', allPublished, 15_000);
    const all = await rows();
    assert.deepEqual(firstArrivals(broker.messages), all.map((r) => r.jti));
    assert.ok(Date.now() - upAt < 10_000);
  });

  test('connection lost mid-batch: the confirmed prefix is kept, the rest goes again with the same jti, order intact', async () => {
    const sent = broker.messages.length;
    broker.confirmOnly = 1;
    const c = new Client(t);
    assert.equal((await c.signup(uniqueEmail('cut'))).status, 201);
    await until('all published', allPublished, 15_000);
    const fresh = broker.messages.slice(sent);
    const jtis = fresh.map((m) => m.messageId);
    assert.equal(new Set(jtis).size, jtis.length - 1, 'exactly one copy: the unconfirmed message that still reached the broker');
    const all = await rows();
    assert.deepEqual(firstArrivals(broker.messages), all.map((r) => r.jti));
    const [failed] = await t.c.db.query<{ publish_attempts: number }>('SELECT publish_attempts FROM outbox WHERE jti = $1', [fresh[1].messageId]);
    assert.equal(Number(failed.publish_attempts), 2);
  });

  test('two relays on one outbox: each event is published once, per-user order kept', async (ctx) => {
    await t.c.eventApi.relay!.stop(); // the app's own relay steps aside; two fresh ones take over
    const a = new MemoryEventPublisher();
    const b = new MemoryEventPublisher();
    const mk = (p: MemoryEventPublisher) => new OutboxRelay({ db: t.c.db, publisher: p, signer: t.c.eventApi.signer, exchangePrefix: 'test.events', logger: silent, batchSize: 3 });
    const [ra, rb] = [mk(a), mk(b)];
    const arrivals: string[] = [];
    a.onMessage((m) => arrivals.push(m.messageId));
    b.onMessage((m) => arrivals.push(m.messageId));
    let busy = 0;
    let done = false;
    const drain = async (r: OutboxRelay) => {
      while (!done) {
        const res = await r.drainOnce();
        if (res.busy) busy++;
        if (!res.more) await new Promise((w) => setTimeout(w, 2));
      }
    };
    const runners = [drain(ra), drain(rb)];
    const clients = [1, 2, 3, 4, 5].map(() => new Client(t));
    const statuses = await Promise.all(clients.map(async (c, i) => (await c.signup(uniqueEmail(`two${i}`))).status));
    assert.deepEqual(statuses, [201, 201, 201, 201, 201]);
    await until('drained', allPublished);
    done = true;
    await Promise.all(runners);
    const all = await rows();
    const byJti = new Map(all.map((r) => [r.jti, r]));
    assert.equal(new Set(arrivals).size, arrivals.length, 'no event published twice');
    assert.ok(arrivals.length >= 10, `${arrivals.length} events`);
    const byUser = new Map<string, number[]>();
    for (const jti of arrivals) {
      const row = byJti.get(jti)!;
      byUser.set(row.uid ?? '-', [...(byUser.get(row.uid ?? '-') ?? []), row.id]);
    }
    for (const list of byUser.values()) assert.deepEqual(list, [...list].sort((x, y) => x - y), 'per-user arrival order = commit order');
    ctx.diagnostic(`relay A published ${a.messages.length}, relay B ${b.messages.length}, lock busy ${busy} times`);
  });

  test('replay: published events of a time range go out again, in order, with their jti', async () => {
    const all = await rows();
    const from = new Date(Date.now() - 3600_000);
    const replayed = new MemoryEventPublisher();
    const r = await replayEvents({ db: t.c.db, publisher: replayed, signer: t.c.eventApi.signer, exchangePrefix: 'test.events', from, batchSize: 4 });
    assert.equal(r.count, all.length);
    assert.deepEqual(replayed.messages.map((m) => m.messageId), all.map((x) => x.jti));
    assert.equal(r.firstId, all[0].id);
    const none = await replayEvents({ db: t.c.db, publisher: replayed, signer: t.c.eventApi.signer, exchangePrefix: 'test.events', from: new Date(Date.now() + 60_000) });
    assert.equal(none.count, 0);
  });

  test('pruning: published rows past retention go; unpublished or mail-pending rows stay', async () => {
    await t.c.db.query("UPDATE outbox SET mail_status = 'sent' WHERE mail_status = 'pending'");
    const all = await rows();
    const [old1, old2, old3] = all;
    await t.c.db.query("UPDATE outbox SET published_at = now() - interval '10 days', created_at = now() - interval '10 days' WHERE id IN ($1, $2, $3)", [old1.id, old2.id, old3.id]);
    await t.c.db.query("UPDATE outbox SET mail_status = 'pending' WHERE id = $1", [old2.id]);
    await t.c.db.query('UPDATE outbox SET published_at = NULL WHERE id = $1', [old3.id]);
    const pruner = new OutboxPruner(t.c.db, { retentionHours: 24, withBroker: true, logger: silent });
    assert.equal(await pruner.pruneOnce(), 1);
    const left = new Set((await rows()).map((r) => r.id));
    assert.deepEqual([left.has(old1.id), left.has(old2.id), left.has(old3.id)], [false, true, true]);
    // Without a broker nothing waits to be published: age alone (and mail) decide.
    const noBroker = new OutboxPruner(t.c.db, { retentionHours: 24, withBroker: false, logger: silent });
    assert.equal(await noBroker.pruneOnce(), 1);
    assert.equal((await rows()).length, all.length - 2);
  });
});

test('per-user commit order: a second transaction emitting for the same user waits for the first to commit', async () => {
  const [u] = await t.c.db.query<{ uid: string }>('SELECT uid FROM users ORDER BY id LIMIT 1');
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let firstId = 0;
  const first = t.c.db.tx(async (q) => {
    firstId = await outboxRepo.insert(q, 'model.user.updated', { record: { uid: u.uid }, name: 'model.user.updated' }, false, u.uid);
    await held;
  });
  await new Promise((r) => setTimeout(r, 50));
  let secondId = 0;
  const second = t.c.db.tx(async (q) => {
    secondId = await outboxRepo.insert(q, 'system.session.create', { record: { user: { uid: u.uid } }, name: 'system.session.create' }, false, u.uid);
  });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(secondId, 0, 'the second insert waits');
  release();
  await Promise.all([first, second]);
  assert.ok(secondId > firstId, `${secondId} > ${firstId}`);
});

test('backoff: exponential from the minimum, capped, with jitter in [base/2, base]', () => {
  assert.equal(relayBackoffMs(1, 250, 30_000, () => 1), 250);
  assert.equal(relayBackoffMs(1, 250, 30_000, () => 0), 125);
  assert.equal(relayBackoffMs(4, 250, 30_000, () => 1), 2000);
  assert.equal(relayBackoffMs(30, 250, 30_000, () => 1), 30_000);
  assert.equal(relayBackoffMs(30, 250, 30_000, () => 0), 15_000);
});
