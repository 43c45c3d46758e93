import assert from 'node:assert/strict';
import type { TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, UA, activeUser, uniqueEmail } from '../../helpers/client.js';
import { createActiveUser } from '../../../src/domain/identity/admin-bootstrap.js';

export interface Res { status: number; body: any; text: string; headers: Record<string, string | string[] | number | undefined> }

/**
 * A Nebeus client on app.inject: POSTs JSON (the JSON-RPC envelope by default, or the bare
 * params), keeps the `session_id` cookie it is given, sends a fixed User-Agent.
 */
export class NebeusClient {
  session?: string;
  ua = UA;

  constructor(private readonly t: TestApp) {}

  async raw(method: 'GET' | 'POST', url: string, opts: { payload?: string; headers?: Record<string, string> } = {}): Promise<Res> {
    const headers: Record<string, string> = { 'user-agent': this.ua, ...opts.headers };
    if (this.session && !headers.cookie) headers.cookie = `session_id=${this.session}`;
    const res = await this.t.app.inject({ method, url, headers, payload: opts.payload });
    for (const sc of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const m = /^session_id=([^;]*)/.exec(sc);
      if (m) this.session = m[1] || undefined;
    }
    let body: unknown = res.body;
    if (String(res.headers['content-type'] ?? '').includes('json') && res.body !== '') body = JSON.parse(res.body);
    return { status: res.statusCode, body, text: res.body, headers: res.headers };
  }

  /** `form: 'bare'` sends the params object itself; otherwise the envelope with `id`. */
  call(path: string, params: Record<string, unknown> = {}, opts: { form?: 'envelope' | 'bare'; id?: unknown; headers?: Record<string, string> } = {}): Promise<Res> {
    const body = opts.form === 'bare' ? params : { jsonrpc: '2.0', method: 'call', params, id: opts.id === undefined ? null : opts.id };
    return this.raw('POST', path, { payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...opts.headers } });
  }

  signin(login: string, password = STRONG_PASSWORD, extra: Record<string, unknown> = {}, opts: { form?: 'envelope' | 'bare'; id?: unknown } = {}) {
    return this.call('/signin/1.0/json', { login, password, ...extra }, opts);
  }
}

/** An active user (signed up and confirmed on the Barong door), with his numeric id. */
export async function activePartner(t: TestApp, email = uniqueEmail('neb')): Promise<{ email: string; barong: Client; id: number; uid: string }> {
  const barong = await activeUser(t, email);
  const [row] = await t.c.db.query<{ id: number; uid: string }>('SELECT id, uid FROM users WHERE lower(email) = lower($1)', [email]);
  return { email, barong, id: Number(row.id), uid: row.uid };
}

/** A signed-in Barong client with the given admin role. */
export async function adminClient(t: TestApp, role = 'superadmin'): Promise<Client> {
  const email = uniqueEmail(role);
  const created = await createActiveUser(t.c.identity, { email, password: STRONG_PASSWORD, role });
  assert.ok(created, 'admin created');
  const client = new Client(t);
  const r = await client.login(email);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return client;
}

/** The seed's sign-in result keys, in the seed's order, and no others. */
export const SIGNIN_KEYS = ['company_id', 'db', 'session_id', 'uid', 'name', 'surname', 'user_context', 'username'];

/** Asserts a value has exactly these keys. */
export function assertKeys(value: unknown, keys: string[], what = 'object'): void {
  assert.ok(value && typeof value === 'object' && !Array.isArray(value), `${what} is an object: ${JSON.stringify(value)}`);
  assert.deepEqual(Object.keys(value as object).sort(), [...keys].sort(), `${what} keys`);
}

export async function countryId(t: TestApp, code: string): Promise<number> {
  const [r] = await t.c.db.query<{ id: number }>('SELECT id FROM countries WHERE code = $1', [code]);
  return Number(r.id);
}
