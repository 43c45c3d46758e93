import assert from 'node:assert/strict';
import { usersRepo } from '../../../src/db/repositories/users.js';
import { createActiveUser } from '../../../src/domain/identity/admin-bootstrap.js';
import type { User } from '../../../src/domain/users/user.js';
import { STRONG_PASSWORD, UA, uniqueEmail, type Res } from '../../helpers/client.js';
import type { TestApp } from '../../helpers/test-app.js';

export const ROLES = ['superadmin', 'admin', 'technical', 'accountant', 'compliance', 'support', 'member'] as const;

/** UserWithKYC keys (BARONG.md §4, §8.7). */
export const KYC_KEYS = ['email', 'uid', 'role', 'level', 'otp', 'state', 'referral_uid', 'data', 'username', 'profiles', 'labels', 'phones', 'documents', 'data_storages', 'comments', 'created_at', 'updated_at'];
/** [User] row keys of the admin lists. */
export const USER_KEYS = ['email', 'username', 'uid', 'role', 'level', 'otp', 'state', 'referral_uid', 'data'];

/** An active, email-verified user (level 1) with the given role, created without HTTP. */
export async function makeUser(t: TestApp, role = 'member', email = uniqueEmail(role)): Promise<User> {
  const u = await createActiveUser(t.c.identity, { email, password: STRONG_PASSWORD, role });
  assert.ok(u);
  return u;
}

/** Calls with a gateway-style Bearer JWT of `user` (what the admin API sees behind the gateway). */
export class Caller {
  constructor(private readonly t: TestApp, readonly user: User) {}

  get jwt(): string {
    const u = this.user;
    return this.t.c.identity.tokens.sign('session', { uid: u.uid, email: u.email, role: u.role, level: u.level, state: u.state }).token;
  }

  async call(method: string, path: string, opts: { query?: Record<string, string>; body?: unknown; form?: boolean } = {}): Promise<Res> {
    const headers: Record<string, string> = { 'user-agent': UA, authorization: `Bearer ${this.jwt}` };
    let payload: string | undefined;
    if (opts.body !== undefined && opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(opts.body as Record<string, string>).toString();
    } else if (opts.body !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(opts.body); }
    const res = await this.t.app.inject({ method: method as 'GET', url: `${this.t.prefix}/admin${path}`, headers, payload, query: opts.query });
    const body = String(res.headers['content-type'] ?? '').includes('json') && res.body !== '' ? JSON.parse(res.body) : res.body;
    return { status: res.statusCode, body, headers: res.headers };
  }

  get(path: string, query?: Record<string, string>) { return this.call('GET', path, { query }); }
  post(path: string, body?: unknown) { return this.call('POST', path, { body }); }
  put(path: string, body?: unknown) { return this.call('PUT', path, { body }); }
  del(path: string, query?: Record<string, string>) { return this.call('DELETE', path, { query }); }
}

export async function caller(t: TestApp, role: string): Promise<Caller> {
  return new Caller(t, await makeUser(t, role));
}

/** `[status, body]` for one-line assertions. */
export const answer = (r: Res) => [r.status, r.body];
export const errors = (status: number, ...keys: string[]) => [status, { errors: keys }];

export async function userRow(t: TestApp, uid: string): Promise<{ id: number; state: string; role: string; otp: boolean; level: number; email: string }> {
  const [r] = await t.c.db.query<{ id: string; state: string; role: string; otp: boolean; level: number; email: string }>(
    'SELECT id, state, role, otp, level, email FROM users WHERE uid = $1', [uid]);
  return { ...r, id: Number(r.id) };
}

/** Admin activities written by `admin` since `afterId`: [topic, action, target_uid, data]. */
export async function adminActivities(t: TestApp, admin: User, afterId = 0): Promise<[string, string, string | null, any][]> {
  const rows = await t.c.db.query<{ topic: string; action: string; target_uid: string | null; data: string | null }>(
    "SELECT topic, action, target_uid, data FROM activities WHERE category = 'admin' AND user_id = $1 AND id > $2 ORDER BY id", [admin.id, afterId]);
  return rows.map((r) => [r.topic, r.action, r.target_uid, r.data === null ? null : JSON.parse(r.data)]);
}

export async function lastActivityId(t: TestApp): Promise<number> {
  const [r] = await t.c.db.query<{ id: string | null }>('SELECT max(id) AS id FROM activities');
  return Number(r.id ?? 0);
}

export async function privateLabels(t: TestApp, userId: number): Promise<Record<string, string>> {
  const rows = await t.c.db.query<{ key: string; value: string }>("SELECT key, value FROM labels WHERE user_id = $1 AND scope = 'private' ORDER BY id", [userId]);
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/** Sets a private label through the label service (state and level recomputed), as KYC steps do. */
export async function setPrivateLabel(t: TestApp, user: User, key: string, value: string): Promise<void> {
  await t.c.db.tx(async (q) => { await t.c.identity.labels.setPrivate(q, (await usersRepo.lockById(q, user.id))!, key, value); });
  t.c.identity.events.committed();
}

export async function eventsSince(t: TestApp, afterId: number): Promise<[string, any, any][]> {
  const rows = await t.c.db.query<{ name: string; payload: { record: unknown; changes?: unknown } }>('SELECT name, payload FROM outbox WHERE id > $1 ORDER BY id', [afterId]);
  return rows.map((r) => [r.name, r.payload.record, r.payload.changes]);
}

export async function lastEventId(t: TestApp): Promise<number> {
  const [r] = await t.c.db.query<{ id: string | null }>('SELECT max(id) AS id FROM outbox');
  return Number(r.id ?? 0);
}
