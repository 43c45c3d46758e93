import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { Client, STRONG_PASSWORD, activeUser, uniqueEmail } from '../helpers/client.js';
import { tokenFrom } from '../helpers/smtp.js';
import { usersRepo } from '../../src/db/repositories/users.js';
import { connect } from 'amqplib';
import { AmqpEventPublisher } from '../../src/infra/amqp/amqp-publisher.js';
import { freePort } from '../helpers/net.js';
import { AMQP_URL, skipWithoutBroker, startConsumer, uniquePrefix, verifyWithJwks, type Consumer } from './rabbitmq-support.js';

/**
 * The event API against the real RabbitMQ: a consumer bound to both exchanges checks every
 * message with nothing but the JWKS document, and the payloads of the account lifecycle.
 */
const prefix = uniquePrefix('events');
let t: TestApp;
let consumer: Consumer;

before(async () => {
  if (skipWithoutBroker) return;
  consumer = await startConsumer(prefix);
  t = await startTestApp({ AMQP_URL: AMQP_URL!, EVENT_EXCHANGE_PREFIX: prefix });
});
after(async () => {
  if (skipWithoutBroker) return;
  await t.close();
  await consumer.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('a consumer verifies every message with the JWKS key; payloads of sign-up, confirmation, login, reset, change, labels', { skip: skipWithoutBroker, timeout: 60_000 }, async () => {
  const email = uniqueEmail('amqp');
  const client = await activeUser(t, email); // sign-up, confirmation
  assert.equal((await new Client(t).login(email)).status, 200);
  assert.equal((await new Client(t).post('/identity/users/password/generate_code', { email })).status, 201);
  const resetMail = await t.smtp.waitFor(email, /^Reset your password/);
  const reset = await new Client(t).post('/identity/users/password/confirm_code', { reset_password_token: tokenFrom(resetMail), password: 'Lurbanq4-Wz', confirm_password: 'Lurbanq4-Wz' });
  assert.equal(reset.status, 201, JSON.stringify(reset.body));
  const relogged = new Client(t);
  assert.equal((await relogged.login(email, 'Lurbanq4-Wz')).status, 200);
  assert.equal((await relogged.send('PUT', '/resource/users/password', { old_password: 'Lurbanq4-Wz', new_password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD })).status, 201);
  // A label set and changed (what an admin or the KYC flow does), through the label service.
  const user = (await usersRepo.byEmail(t.c.db, email))!;
  await t.c.db.tx(async (q) => { await t.c.identity.labels.setPrivate(q, user, 'phone', 'verified'); });
  t.c.identity.events.committed();
  const withPhone = (await usersRepo.byEmail(t.c.db, email))!;
  await t.c.db.tx(async (q) => { await t.c.identity.labels.setPrivate(q, withPhone, 'phone', 'rejected'); });
  t.c.identity.events.committed();
  assert.ok(client);

  const rows = await t.c.db.query<{ id: number; jti: string; name: string }>(
    `SELECT id, jti, name FROM outbox WHERE coalesce(payload->'record'->'user'->>'uid', payload->'record'->>'uid') = $1 ORDER BY id`, [user.uid]);
  await consumer.waitUntil('every event of the user', (r) => rows.every((row) => r.some((d) => d.messageId === row.jti)));
  const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();

  const mine = consumer.received.filter((d) => rows.some((r) => r.jti === d.messageId));
  assert.equal(mine.length, rows.length, 'each event once');
  assert.deepEqual(mine.map((d) => d.messageId), rows.map((r) => r.jti), 'in commit order');
  const events: Record<string, any[]> = {};
  for (const d of mine) {
    const claims = verifyWithJwks(d.body, jwks);
    assert.deepEqual(Object.keys(claims), ['iss', 'jti', 'iat', 'exp', 'event']);
    assert.equal(claims.iss, 'barong');
    assert.match(claims.jti, UUID);
    assert.equal(claims.jti, d.messageId);
    assert.equal(claims.exp - claims.iat, 3600);
    assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 60);
    assert.equal(claims.event.name, `${d.exchange.slice(prefix.length + 1)}.${d.routingKey}`);
    assert.ok(d.exchange === `${prefix}.model` || d.exchange === `${prefix}.system`);
    assert.equal(d.contentType, 'application/json');
    assert.equal(d.deliveryMode, 2, 'persistent');
    (events[claims.event.name] ??= []).push(claims.event);
  }

  // §13.2: the user form U in full (username and referral_uid null when unset); model.user.* records drop the nulls
  const U = (u: any, compact = false) => {
    const keys = ['created_at', 'email', 'level', 'otp', 'referral_uid', 'role', 'state', 'uid', 'updated_at', 'username'];
    assert.deepEqual(Object.keys(u).sort(), compact ? keys.filter((k) => k !== 'referral_uid' && k !== 'username') : keys, compact ? 'nulls removed' : 'every key');
    if (!compact) assert.deepEqual([u.username, u.referral_uid], [null, null]);
    assert.equal(u.uid, user.uid);
    assert.equal(u.email, email);
    assert.match(u.created_at, ISO);
  };
  const [created] = events['model.user.created'];
  U(created.record, true);
  assert.deepEqual([created.record.role, created.record.level, created.record.otp, created.record.state], ['member', 0, false, 'pending']);
  assert.equal(created.changes, undefined);

  const [confirmation] = events['system.user.email.confirmation.token'];
  U(confirmation.record.user);
  assert.equal(confirmation.record.domain, t.c.config.appDomain);
  assert.equal(t.c.identity.tokens.verify(confirmation.record.token, 'confirmation').uid, user.uid);

  const [emailLabel] = events['model.label.created'];
  assert.deepEqual([emailLabel.record.key, emailLabel.record.value], ['email', 'verified']);
  U(emailLabel.record.user);
  const activated = events['model.user.updated'][0];
  assert.deepEqual(activated.changes, { state: 'pending', level: 0 });
  assert.deepEqual([activated.record.state, activated.record.level], ['active', 1]);
  U(events['system.user.email.confirmed'][0].record.user);

  const logins = events['system.session.create'];
  assert.equal(logins.length, 2);
  for (const l of logins) {
    U(l.record.user);
    assert.equal(l.record.user_agent, new Client(t).ua);
    assert.match(l.record.user_ip, /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  }
  const [resetToken] = events['system.user.password.reset.token'];
  assert.equal(t.c.identity.tokens.verify(resetToken.record.token, 'reset').uid, user.uid);
  U(events['system.user.password.reset'][0].record.user);
  assert.equal(events['system.user.password.reset'][0].record.domain, t.c.config.appDomain);
  U(events['system.user.password.change'][0].record.user);

  const phone = events['model.label.created'].find((e) => e.record.key === 'phone');
  assert.equal(phone.record.value, 'verified');
  const [phoneChanged] = events['model.label.updated'];
  assert.deepEqual([phoneChanged.record.key, phoneChanged.record.value, phoneChanged.changes], ['phone', 'rejected', { value: 'verified' }]);
  U(phoneChanged.record.user);

  // Delivery can beat the relay's commit of published_at by a moment.
  const unpublished = async () => (await t.c.db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
  for (let i = 0; i < 100 && (await unpublished()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await unpublished(), 0, 'every row marked published');
});

test('the publisher reports an unreachable broker and a refused exchange, then recovers', { skip: skipWithoutBroker, timeout: 60_000 }, async () => {
  const quiet = { info: () => undefined, warn: () => undefined };
  const closed = await freePort();
  const nowhere = new AmqpEventPublisher(`amqp://guest:s3cret-pw@127.0.0.1:${closed}`, { logger: quiet, connectTimeoutMs: 2000 });
  assert.equal(await nowhere.ping(), false);
  const lost = await nowhere.publish([{ exchange: `${prefix}.x`, routingKey: 'a', body: '{}', messageId: 'm1' }]);
  assert.equal(lost.confirmed, 0);
  assert.ok(lost.error && !lost.error.message.includes('s3cret-pw'), lost.error?.message);
  await nowhere.close();

  // Someone declared the exchange with another type: the broker refuses it; once fixed, publishing works again.
  const exchange = `${prefix}.clash`;
  const admin = await connect(AMQP_URL!);
  const ch = await admin.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: false, autoDelete: false });
  const pub = new AmqpEventPublisher(AMQP_URL!, { logger: quiet });
  const refused = await pub.publish([{ exchange, routingKey: 'a', body: '{}', messageId: 'm2' }]);
  assert.equal(refused.confirmed, 0);
  assert.match(refused.error!.message, /PRECONDITION_FAILED|inequivalent/);
  await ch.deleteExchange(exchange);
  const ok = await pub.publish([{ exchange, routingKey: 'a', body: '{}', messageId: 'm3' }, { exchange, routingKey: 'b', body: '{}', messageId: 'm4' }]);
  assert.deepEqual(ok, { confirmed: 2 });
  await ch.deleteExchange(exchange);
  await pub.close();
  await admin.close();
});
