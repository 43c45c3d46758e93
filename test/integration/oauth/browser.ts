import type { TestApp } from '../../helpers/test-app.js';
import { Client, UA } from '../../helpers/client.js';

export const WARDEN = 'http://localhost:3000';

export interface Hop { status: number; location: string | null; body: string }

/**
 * A browser for the redirect dance: URLs on WARDEN (APP_URL, the default callback base) go to
 * the app through inject, others over the network (the test provider). Cookies are kept per host
 * (paths ignored: every cookie here is scoped to a path the flow stays under).
 */
export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();
  ua = UA;

  constructor(private readonly t: TestApp) {}

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /** A Barong client that carries this browser's Warden session. */
  client(): Client {
    const c = new Client(this.t);
    c.ua = this.ua;
    c.cookie = this.cookie('localhost:3000', this.t.c.config.SESSION_COOKIE_NAME);
    return c;
  }

  async open(url: string, opts: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}): Promise<Hop> {
    const u = new URL(url);
    const headers: Record<string, string> = { 'user-agent': this.ua };
    const cookies = [...(this.jar.get(u.host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookies) headers.cookie = cookies;
    const payload = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
    if (payload) headers['content-type'] = 'application/x-www-form-urlencoded';
    let status: number; let location: string | null; let setCookies: string[]; let body: string;
    if (u.origin === WARDEN) {
      const res = await this.t.app.inject({ method: opts.method ?? 'GET', url: u.pathname + u.search, headers, payload });
      status = res.statusCode;
      location = (res.headers.location as string | undefined) ?? null;
      setCookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      body = res.body;
    } else {
      const res = await fetch(url, { method: opts.method ?? 'GET', headers, body: payload, redirect: 'manual' });
      status = res.status;
      location = res.headers.get('location');
      setCookies = res.headers.getSetCookie();
      body = await res.text();
    }
    this.store(u.host, setCookies);
    return { status, location: location === null ? null : new URL(location, url).toString(), body };
  }

  /** Follows redirects from `url` until one points at a URL `stop` accepts, which is returned unopened. */
  async followUntil(url: string, stop: (url: string) => boolean, max = 15): Promise<string> {
    let current = url;
    for (let i = 0; i < max; i++) {
      if (stop(current)) return current;
      const hop = await this.open(current);
      if (!hop.location) throw new Error(`no redirect from ${current}: ${hop.status} ${hop.body.slice(0, 300)}`);
      current = hop.location;
    }
    throw new Error('too many redirects');
  }

  private store(host: string, setCookies: string[]) {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const sc of setCookies) {
      const [pair, ...attrs] = sc.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }
}

/** The query of Warden's result redirect (OAUTH_RESULT_URL). */
export function resultOf(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}
