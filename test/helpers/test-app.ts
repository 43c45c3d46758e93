import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/load.js';
import { buildContainer, type Container, type ContainerOverrides } from '../../src/container.js';
import { buildApp } from '../../src/app.js';
import { MemoryKeyValueStore } from '../../src/infra/kv/memory.js';
import { RedisKeyValueStore } from '../../src/infra/kv/redis.js';
import type { KeyValueStore } from '../../src/infra/kv/port.js';
import { openTestDb } from './test-db.js';
import { startSmtpServer, type SmtpCapture } from './smtp.js';

/** A clock tests move by hand: session idleness, token expiry and rate windows become deterministic. */
export class TestClock {
  private offset = 0;
  now = () => Date.now() + this.offset;
  advance(seconds: number) { this.offset += seconds * 1000; }
}

export interface TestApp {
  app: FastifyInstance;
  c: Container;
  smtp: SmtpCapture;
  clock: TestClock;
  prefix: string;
  close(): Promise<void>;
}

/** Tests run with generous limits; the rate-limit tests set their own. */
const TEST_ENV: Record<string, string> = {
  LOG_LEVEL: 'silent',
  ARGON2_MEMORY_KIB: '8192', ARGON2_TIME_COST: '1',
  RATE_LIMIT_LOGIN_IP: '10000/60', RATE_LIMIT_LOGIN_ACCOUNT: '10000/60', RATE_LIMIT_RESET_IP: '10000/60',
  RATE_LIMIT_RESET_ACCOUNT: '10000/60', RATE_LIMIT_SIGNUP_IP: '10000/60', RATE_LIMIT_OTP_USER: '10000/60',
};

/**
 * The whole server on a database of its own, the key-value store (Redis with a private prefix
 * when REDIS_URL is set), and a real SMTP server in process that receives every mail.
 */
export async function startTestApp(env: Record<string, string> = {}, overrides: Omit<ContainerOverrides, 'db' | 'kv' | 'now'> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-test-'));
  const { db, cleanup } = await openTestDb({ migrated: false, fromTemplate: true });
  const smtp = await startSmtpServer();
  const clock = new TestClock();
  const kv: KeyValueStore = process.env.REDIS_URL
    ? await RedisKeyValueStore.connect(process.env.REDIS_URL, `warden-test:${randomBytes(6).toString('hex')}:`)
    : new MemoryKeyValueStore(clock.now);
  const config = loadConfig({ ...TEST_ENV, DATA_DIR: dataDir, SMTP_URL: smtp.url, ...env });
  const c = await buildContainer(config, pino({ level: 'silent' }), { db, kv, now: clock.now, ...overrides });
  const app = await buildApp(c, { logger: false });
  await app.ready();
  return {
    app, c, smtp, clock, prefix: config.API_PREFIX,
    async close() {
      await app.close();
      await c.close();
      await smtp.close();
      await cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
