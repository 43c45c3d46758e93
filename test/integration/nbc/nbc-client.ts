import assert from 'node:assert/strict';
import type { TestApp } from '../../helpers/test-app.js';
import { STRONG_PASSWORD, UA, uniqueEmail, type Res } from '../../helpers/client.js';
import type { ReceivedMail } from '../../helpers/smtp.js';

export const PASSWORD = STRONG_PASSWORD;

/**
 * A client of the NBC gate door on app.inject: JSON bodies at the root paths, the access token
 * it was given sent as `Authorization: Bearer` (or bare), the refresh cookie kept like a browser.
 */
export class NbcClient {
  accessToken?: string;
  refreshCookie?: string;
  ua = UA;

  constructor(private readonly t: TestApp) {}

  async call(method: string, url: string, o: { body?: unknown; raw?: string; token?: string | null; bare?: boolean; headers?: Record<string, string>; cookie?: boolean } = {}): Promise<Res> {
    const headers: Record<string, string> = { 'user-agent': this.ua, ...o.headers };
    const token = o.token === undefined ? this.accessToken : o.token;
    if (token) headers.authorization = o.bare ? token : `Bearer ${token}`;
    if (o.cookie !== false && this.refreshCookie) headers.cookie = `${this.t.c.config.NBC_REFRESH_COOKIE_NAME}=${this.refreshCookie}`;
    let payload: string | undefined = o.raw;
    if (o.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(o.body);
    } else if (o.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await this.t.app.inject({ method: method as 'GET', url, headers, payload });
    for (const sc of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const m = new RegExp(`^${this.t.c.config.NBC_REFRESH_COOKIE_NAME}=([^;]*)`).exec(sc);
      if (m) this.refreshCookie = m[1] || undefined;
    }
    let body: unknown = res.body;
    if (String(res.headers['content-type'] ?? '').includes('json') && res.body !== '') body = JSON.parse(res.body);
    return { status: res.statusCode, body, headers: res.headers };
  }

  get(url: string, o: Parameters<NbcClient['call']>[2] = {}) { return this.call('GET', url, o); }
  post(url: string, body?: unknown, o: Parameters<NbcClient['call']>[2] = {}) { return this.call('POST', url, { ...o, body }); }
  put(url: string, body?: unknown, o: Parameters<NbcClient['call']>[2] = {}) { return this.call('PUT', url, { ...o, body }); }
  del(url: string, body?: unknown, o: Parameters<NbcClient['call']>[2] = {}) { return this.call('DELETE', url, { ...o, body }); }

  /** POST /auth/sign-in; keeps the access token on success. */
  async signIn(email: string, password = PASSWORD, otp?: string): Promise<Res> {
    const r = await this.post('/auth/sign-in', otp === undefined ? { email, password } : { email, password, otp });
    if (r.status === 200) this.accessToken = r.body as string;
    return r;
  }
}

/** The error body of the door: `{statusCode, message, errors:[{code, field}]}` → [status, [[code, field]…]]. */
export function problems(r: Res): [number, [string, string | null][]] {
  assert.equal(r.body.statusCode, r.status, JSON.stringify(r.body));
  assert.equal(typeof r.body.message, 'string');
  return [r.status, r.body.errors.map((e: { code: string; field: string | null }) => [e.code, e.field])];
}

/** Runs `action`, then waits for the mail it caused (one received after the action started). */
export async function mailAfter(t: TestApp, to: string, subject: RegExp, action: () => Promise<unknown>, timeoutMs = 5000): Promise<ReceivedMail> {
  const from = t.smtp.received.length;
  await action();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = t.smtp.received.slice(from).find((m) => m.rcptTo.includes(to) && subject.test(m.subject));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${subject}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The 6-digit code of a code mail (it stands on a line of its own). */
export function codeOf(mail: ReceivedMail): string {
  const m = /^(\d{6})\r?$/m.exec(mail.text);
  assert.ok(m, `no code in mail: ${mail.text}`);
  return m[1];
}

/** Claims of a JWT, unverified (the tests check what the server put in). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** A user made through the door's sign-up (email code → registration token → password), signed in. */
export async function nbcUser(t: TestApp, email = uniqueEmail('nbc'), password = PASSWORD): Promise<{ email: string; client: NbcClient; userId: number }> {
  const client = new NbcClient(t);
  const mail = await mailAfter(t, email, /sign-up code/i, async () => assert.equal((await client.post('/auth/sign-up/email/get-code', { email })).status, 204));
  const checked = await client.post('/auth/sign-up/email/check-code', { email, code: codeOf(mail) });
  assert.equal(checked.status, 200, JSON.stringify(checked.body));
  const set = await client.post('/auth/sign-up/pss/set', { password }, { token: checked.body.registrationToken });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  client.accessToken = set.body as string;
  const [{ id }] = await t.c.db.query<{ id: number }>('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
  return { email, client, userId: Number(id) };
}

export async function activities(t: TestApp, userId: number, since = 0): Promise<string[]> {
  const rows = await t.c.db.query<{ topic: string; action: string; result: string }>(
    'SELECT topic, action, result FROM activities WHERE user_id = $1 AND id > $2 ORDER BY id', [userId, since]);
  return rows.map((r) => `${r.topic}/${r.action}/${r.result}`);
}

export async function lastActivityId(t: TestApp, userId: number): Promise<number> {
  const [r] = await t.c.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM activities WHERE user_id = $1', [userId]);
  return Number(r.id);
}

/**
 * Switches an active user to email codes as his second factor, as a client of this door does
 * (sign in, mail a code, `PUT /api/tfa/type`); returns how to get a fresh sign-in code by mail.
 */
export async function useEmailCodes(t: TestApp, email: string, password = PASSWORD): Promise<{ mailedCode: () => Promise<string> }> {
  const c = new NbcClient(t);
  assert.equal((await c.signIn(email, password)).status, 200);
  const on = await mailAfter(t, email, /sign-in code/, async () => assert.equal((await c.post('/auth/tfa/otp/email')).status, 204));
  assert.deepEqual((await c.put('/api/tfa/type', { type: 'email', otp: codeOf(on) })).body, { tfa: true, type: 'email' });
  const mailedCode = async () => codeOf(await mailAfter(t, email, /sign-in code/,
    async () => assert.equal((await new NbcClient(t).post('/auth/tfa/otp/email', { email, password })).status, 204)));
  return { mailedCode };
}
