import type { Db } from '../../db/db.js';
import { activitiesRepo, type NewActivity } from '../../db/repositories/activities.js';

interface Logger { warn(obj: object, msg: string): void }

export interface AdminAuditEntry {
  userId: number; ip: string; country: string | null; userAgent: string; method: string; path: string;
  topic: string | null; result: 'succeed' | 'denied'; params: Record<string, unknown>;
}

const ACTIONS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'update', GET: 'read', DELETE: 'delete' };

/** Parameter names whose values never reach the audit log (the row keeps the name). */
const SECRET = /pass|secret|otp_code|totp|token|code$/i;
/** Personal data sealed at rest (BARONG.md §2.12), and profile metadata: not copied into the log either. */
const SEALED = new Set(['first_name', 'last_name', 'dob', 'address', 'metadata', 'phone_number', 'doc_number']);

/** The params as the log keeps them: secrets replaced, undefined dropped. */
export function redactParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out[k] = SECRET.test(k) || SEALED.has(k) ? '[redacted]' : v;
  }
  return out;
}

/**
 * Entries per INSERT (one unnest statement: the size costs no extra parsing). At 500 a flood of
 * 20,000 denials/s outran the writer and 2 % of the entries were dropped (bench/gateway.mjs).
 */
const BATCH = 2000;

/**
 * Admin activities of the gateway (BARONG.md §11.6, §18.2), written off the request path by one
 * writer draining a bounded queue in multi-row inserts: a flood of denied requests costs at most
 * `capacity` entries of memory and one insert at a time. Entries are dropped (and counted) only
 * when the database falls that far behind.
 */
export class AdminAudit {
  private readonly queue: AdminAuditEntry[] = [];
  private writing: Promise<void> | null = null;
  private dropped = 0;
  private lastWarn = 0;

  constructor(private readonly db: Db, private readonly logger: Logger, private readonly capacity = 50_000) {}

  record(e: AdminAuditEntry): void {
    if (this.queue.length >= this.capacity) {
      this.dropped++;
      if (Date.now() - this.lastWarn > 10_000) {
        this.lastWarn = Date.now();
        this.logger.warn({ dropped: this.dropped }, 'admin activity queue full: entries dropped');
      }
      return;
    }
    this.queue.push(e);
    this.writing ??= this.drain().finally(() => { this.writing = null; });
  }

  /** Resolves when everything queued so far is written (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  get droppedCount(): number { return this.dropped; }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, BATCH);
      try {
        await activitiesRepo.insertMany(this.db, batch.map(toActivity));
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, lost: batch.length }, 'admin activities not written');
      }
    }
  }
}

/**
 * One row per checked request (§11.6): `params` are the request's parameters (query and body),
 * kept with `path`.
 */
export function toActivity(e: AdminAuditEntry): NewActivity {
  const uid = typeof e.params.uid === 'string' ? e.params.uid : typeof e.params.user_uid === 'string' ? e.params.user_uid : null;
  return {
    userId: e.userId, category: 'admin', targetUid: uid, userIp: e.ip, userIpCountry: e.country, userAgent: e.userAgent,
    topic: e.topic ?? /(?:^|\/)admin\/([^/]+)/.exec(e.path)?.[1] ?? 'general',
    action: ACTIONS[e.method.toUpperCase()] ?? 'system', result: e.result, data: JSON.stringify({ ...redactParams(e.params), path: e.path }),
  };
}
