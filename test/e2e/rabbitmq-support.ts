import net from 'node:net';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes, createPublicKey, verify as cryptoVerify, type JsonWebKey } from 'node:crypto';
import { connect, type Channel, type ChannelModel } from 'amqplib';

/** Helpers of the RabbitMQ e2e tests (they run when AMQP_URL is set). */
export const AMQP_URL = process.env.AMQP_URL;
export const skipWithoutBroker = AMQP_URL ? false : 'AMQP_URL is not set (RabbitMQ e2e)';

/** A prefix of exchanges no other test uses. */
export const uniquePrefix = (tag: string) => `test.${tag}.${randomBytes(4).toString('hex')}`;

/** Every routing key of the event catalogue (BARONG.md §13.2) plus Warden's own, per exchange segment. */
export const CATALOGUE: Record<'model' | 'system', string[]> = {
  model: ['user.created', 'user.updated', 'label.created', 'label.updated', 'profile.created', 'profile.updated', 'document.created',
    'data_storage.created', 'data_storage.updated'],
  system: ['user.email.confirmation.token', 'user.email.confirmed', 'user.password.reset.token', 'user.password.reset', 'user.password.change',
    'user.account.deleted', 'user.account.frozen', 'session.create', 'document.verified', 'document.rejected'],
};

export interface Delivery {
  exchange: string; routingKey: string; body: string; messageId?: string; contentType?: string; deliveryMode?: number; at: number;
}

export interface Consumer {
  received: Delivery[];
  waitUntil(what: string, check: (received: Delivery[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A consumer with its own exclusive queue bound to `<prefix>.model` and `<prefix>.system` with
 * every catalogue routing key, acking each message after recording it.
 */
export async function startConsumer(prefix: string): Promise<Consumer> {
  const conn: ChannelModel = await connect(AMQP_URL!, { clientProperties: { connection_name: `warden-test-consumer ${prefix}` } });
  conn.on('error', () => undefined);
  const ch: Channel = await conn.createChannel();
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  for (const [segment, keys] of Object.entries(CATALOGUE)) {
    const exchange = `${prefix}.${segment}`;
    await ch.assertExchange(exchange, 'direct', { durable: true });
    for (const key of keys) await ch.bindQueue(queue, exchange, key);
  }
  const received: Delivery[] = [];
  await ch.consume(queue, (msg) => {
    if (!msg) return;
    received.push({
      exchange: msg.fields.exchange, routingKey: msg.fields.routingKey, body: msg.content.toString('utf8'),
      messageId: msg.properties.messageId, contentType: msg.properties.contentType, deliveryMode: msg.properties.deliveryMode, at: Date.now(),
    });
    ch.ack(msg);
  });
  return {
    received,
    async waitUntil(what, check, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (!check(received)) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what} (${received.length} messages received)`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      for (const segment of Object.keys(CATALOGUE)) await ch.deleteExchange(`${prefix}.${segment}`).catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}

/**
 * Verifies a message as a Barong consumer would, with the JWKS document only (node:crypto, none of
 * Warden's code): the header kid must be the signer name "barong", and a JWKS key must have signed
 * it. Returns the claims.
 */
export function verifyWithJwks(body: string, jwks: { keys: Array<JsonWebKey & { kid?: string; alg?: string }> }): Record<string, any> {
  const env = JSON.parse(body) as { payload: string; signatures: Array<{ protected: string; header: { kid: string }; signature: string }> };
  if (Object.keys(env).join() !== 'payload,signatures' || env.signatures.length !== 1) throw new Error('not a general JSON JWS with one signature');
  const [sig] = env.signatures;
  if (JSON.stringify(sig.header) !== '{"kid":"barong"}') throw new Error(`header ${JSON.stringify(sig.header)} is not {"kid":"barong"}`);
  const header = JSON.parse(Buffer.from(sig.protected, 'base64url').toString('utf8'));
  const data = Buffer.from(`${sig.protected}.${env.payload}`);
  const signature = Buffer.from(sig.signature, 'base64url');
  const signedBy = (jwk: JsonWebKey) => {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    return header.alg === 'EdDSA' ? cryptoVerify(null, data, key, signature)
      : header.alg === 'ES256' ? cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)
        : cryptoVerify('sha256', data, key, signature);
  };
  if (!jwks.keys.some((jwk) => jwk.alg === header.alg && signedBy(jwk))) throw new Error('no JWKS key signed it');
  return JSON.parse(Buffer.from(env.payload, 'base64url').toString('utf8'));
}

/**
 * A TCP proxy in front of RabbitMQ the tests can cut: `down()` drops every open connection and
 * refuses new ones (as a stopped broker would), `up()` lets them through again.
 */
export class BrokerProxy {
  private readonly sockets = new Set<net.Socket>();
  private isDown = false;
  private constructor(private readonly server: net.Server, readonly port: number) {}

  static async start(): Promise<BrokerProxy> {
    const target = new URL(AMQP_URL!);
    let proxy!: BrokerProxy;
    const server = net.createServer((client) => {
      if (proxy.isDown) { client.destroy(); return; }
      const upstream = net.connect(Number(target.port || 5672), target.hostname);
      for (const s of [client, upstream]) { proxy.sockets.add(s); s.on('close', () => proxy.sockets.delete(s)); s.on('error', () => undefined); }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxy = new BrokerProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  /** AMQP_URL with the proxy's address. */
  get url(): string {
    const u = new URL(AMQP_URL!);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  down(): void {
    this.isDown = true;
    for (const s of this.sockets) s.destroy();
  }

  up(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.down();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

const run = promisify(execFile);

/** Broker-side ids (pids) of the connections whose client name contains `name` (rabbitmqctl). */
async function connectionsNamed(name: string): Promise<string[]> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q'], { timeout: 30_000 });
  return stdout.split('\n').filter((l) => l.includes(`"connection_name","${name}`) || (l.includes('connection_name') && l.includes(name))).map((l) => l.split('\t')[0]!);
}

/** Closes, from the broker's side, every connection whose client name contains `name` (rabbitmqctl). Returns how many. */
export async function closeConnectionsNamed(name: string, reason = 'e2e fault test'): Promise<number> {
  const pids = await connectionsNamed(name);
  for (const pid of pids) await run('rabbitmqctl', ['close_connection', pid, reason], { timeout: 30_000 });
  return pids.length;
}

/**
 * Waits until a connection named `name` is open: after an outage the relay reconnects only when
 * its backoff has run out, which may be seconds after the broker is back.
 */
export async function waitForConnectionNamed(name: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await connectionsNamed(name)).length === 0) {
    if (Date.now() > until) throw new Error(`no broker connection named ${name} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
