import type { TestApp } from './test-app.js';
import { tokenFrom } from './smtp.js';

export const UA = 'Mozilla/5.0 (X11; Linux x86_64) WardenTest/1.0';
export const STRONG_PASSWORD = 'Tecohvi0-Xq';

export interface Res { status: number; body: any; headers: Record<string, string | string[] | number | undefined> }

let seq = 0;
/** A unique email per call, so tests in one file never collide. */
export function uniqueEmail(tag = 'user'): string {
  seq += 1;
  return `${tag}${process.pid}x${seq}${Date.now() % 100000}@example.com`;
}

/**
 * A browser-like client on app.inject: keeps the session cookie and csrf token it was given,
 * sends a fixed User-Agent and, optionally, an X-Forwarded-For client address.
 */
export class Client {
  cookie?: string;
  csrf?: string;
  ip?: string;
  ua = UA;

  constructor(private readonly t: TestApp) {}

  async call(method: string, path: string, opts: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string>; form?: boolean } = {}): Promise<Res> {
    const headers: Record<string, string> = { 'user-agent': this.ua, ...opts.headers };
    if (this.cookie) headers.cookie = `${this.t.c.config.SESSION_COOKIE_NAME}=${this.cookie}`;
    if (this.ip) headers['x-forwarded-for'] = this.ip;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      if (opts.form) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        payload = new URLSearchParams(opts.body as Record<string, string>).toString();
      } else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(opts.body);
      }
    }
    const res = await this.t.app.inject({ method: method as 'GET', url: this.t.prefix + path, headers, payload, query: opts.query });
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    for (const sc of setCookie) {
      const m = new RegExp(`^${this.t.c.config.SESSION_COOKIE_NAME}=([^;]*)`).exec(sc);
      if (m) this.cookie = m[1] || undefined;
    }
    let body: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body !== '') body = JSON.parse(res.body);
    if (body && typeof body === 'object' && 'csrf_token' in body) this.csrf = (body as { csrf_token: string }).csrf_token;
    return { status: res.statusCode, body, headers: res.headers };
  }

  get(path: string, query?: Record<string, string>) { return this.call('GET', path, { query }); }
  post(path: string, body?: unknown) { return this.call('POST', path, { body }); }
  put(path: string, body?: unknown) { return this.call('PUT', path, { body }); }
  del(path: string, body?: unknown) { return this.call('DELETE', path, { body }); }
  /** State-changing call with the session's csrf token. */
  send(method: 'POST' | 'PUT' | 'DELETE' | 'PATCH', path: string, body?: unknown) {
    return this.call(method, path, { body, headers: this.csrf ? { 'x-csrf-token': this.csrf } : {} });
  }

  signup(email: string, password = STRONG_PASSWORD, extra: Record<string, unknown> = {}) {
    return this.post('/identity/users', { email, password, ...extra });
  }
  login(email: string, password = STRONG_PASSWORD, extra: Record<string, unknown> = {}) {
    return this.post('/identity/sessions', { email, password, ...extra });
  }
}

/** Signs up, reads the confirmation mail from the SMTP server, confirms; returns the logged-in client. */
export async function activeUser(t: TestApp, email = uniqueEmail(), password = STRONG_PASSWORD): Promise<Client> {
  const client = new Client(t);
  const signup = await client.signup(email, password);
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const mail = await t.smtp.waitFor(email, /Confirm/i);
  const confirmed = await client.post('/identity/users/email/confirm_code', { token: tokenFrom(mail) });
  if (confirmed.status !== 201) throw new Error(`confirm failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return client;
}
