import type { Page } from './types.js';

/** A refused call: the HTTP status and the API's error keys (`{"errors": [...]}`). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly keys: string[]) {
    super(keys.join(', ') || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/**
 * 401 keys that mean the session is gone (expired, signed out elsewhere, CSRF token lost): the
 * console goes back to sign-in. Other 401s (`admin.ability.not_permitted`, a role rule's
 * `authz.invalid_permission`) are refusals shown where they happen.
 */
const SESSION_LOST = new Set([
  'authz.invalid_session', 'authz.client_session_mismatch', 'authz.missing_csrf_token', 'authz.csrf_token_mismatch',
  'authz.user_not_active', 'jwt.decode_and_verify',
]);

export function isSessionLoss(status: number, keys: readonly string[]): boolean {
  return status === 401 && (keys.length === 0 || keys.some((k) => SESSION_LOST.has(k)));
}

export type QueryValue = string | number | boolean | null | undefined;

/** A query string from form values: blanks mean "any" and are left out. */
export function toQuery(params: Record<string, QueryValue> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    const s = String(v).trim();
    if (s !== '') q.set(k, s);
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** The error keys of a refused response body, whatever the dialect. */
export function errorKeys(status: number, body: unknown): string[] {
  if (body && typeof body === 'object') {
    const b = body as { errors?: unknown; error?: unknown };
    if (Array.isArray(b.errors)) return b.errors.map(String);
    if (typeof b.error === 'string') return [b.error === 'Route is not found' ? 'route.not_found' : b.error];
  }
  return [`http.${status}`];
}

const int = (v: string | null, fallback: number) => {
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
};

export interface ApiClientOptions {
  /** Mount point of the Barong groups, e.g. `/api/v2/auth`. */
  prefix: string;
  /** The session's CSRF token (sent as X-CSRF-Token on writes). */
  csrf: () => string | null;
  /** Called once per refused call whose keys say the session is gone. */
  onSessionLost?: (keys: string[]) => void;
  fetch?: typeof fetch;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/**
 * The console's only way to the server: same-origin fetch with the session cookie, the CSRF
 * header on state-changing verbs, JSON bodies, Barong error keys and pagination headers.
 */
export class ApiClient {
  private readonly doFetch: typeof fetch;

  constructor(private readonly opts: ApiClientOptions) {
    this.doFetch = opts.fetch ?? ((input, init) => fetch(input, init));
  }

  get prefix(): string { return this.opts.prefix; }

  async get<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    return (await this.request<T>('GET', path + toQuery(query))).body;
  }

  /** A paginated list: the rows and the Total / Page / Per-Page headers. */
  async page<T>(path: string, query: Record<string, QueryValue> = {}): Promise<Page<T>> {
    const { body, headers } = await this.request<T[]>('GET', path + toQuery(query));
    const items = Array.isArray(body) ? body : [];
    return {
      items,
      total: int(headers.get('total'), items.length),
      page: int(headers.get('page'), Number(query.page ?? 1)),
      perPage: int(headers.get('per-page'), Number(query.limit ?? 100)),
    };
  }

  /** A write: JSON body (or query parameters for DELETE), with the CSRF token. */
  async send<T = unknown>(method: Exclude<Method, 'GET'>, path: string, params: Record<string, QueryValue> = {}, opts: { sessionless?: boolean } = {}): Promise<T> {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const url = method === 'DELETE' ? path + toQuery(clean) : path;
    const body = method === 'DELETE' ? undefined : JSON.stringify(clean);
    return (await this.request<T>(method, url, body, opts.sessionless)).body;
  }

  private async request<T>(method: Method, pathAndQuery: string, body?: string, sessionless = false): Promise<{ body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const csrf = this.opts.csrf();
    if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
    let res: Response;
    try {
      res = await this.doFetch(this.opts.prefix + pathAndQuery, { method, headers, body, credentials: 'same-origin' });
    } catch {
      throw new ApiError(0, ['network.unreachable']);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
      try { parsed = JSON.parse(text); } catch { parsed = text; }
    }
    if (!res.ok) {
      const keys = errorKeys(res.status, parsed);
      if (!sessionless && isSessionLoss(res.status, keys)) this.opts.onSessionLost?.(keys);
      throw new ApiError(res.status, keys);
    }
    return { body: (text === '' ? undefined : parsed) as T, headers: res.headers };
  }
}
