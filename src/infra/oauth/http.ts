/**
 * What the OAuth module asks of the network: JSON documents (discovery, JWKS, user info) and
 * form posts (the token endpoint). A port so that tests point it at a provider they run.
 */
export interface OAuthHttp {
  getJson(url: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  postForm(url: string, form: Record<string, string>, headers?: Record<string, string>): Promise<HttpAnswer>;
}

/** `body` is the parsed JSON, or null when the answer was not JSON. */
export interface HttpAnswer { status: number; body: unknown }

/** The provider could not be reached (network error, timeout, oversized or redirected answer). */
export class OAuthHttpError extends Error {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'OAuthHttpError';
  }
}

const MAX_BYTES = 1024 * 1024;

/**
 * `fetch` with a timeout, no redirects (a provider endpoint that redirects is misconfigured, and
 * following would let a document send us elsewhere) and a size cap. Errors never carry the
 * request body: it holds the client secret and the authorization code.
 */
export class FetchOAuthHttp implements OAuthHttp {
  constructor(private readonly timeoutMs = 10_000, private readonly fetchImpl: typeof fetch = fetch) {}

  getJson(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.send(url, { method: 'GET', headers: { accept: 'application/json', ...headers } });
  }

  postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.send(url, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(url: string, init: RequestInit): Promise<HttpAnswer> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new OAuthHttpError(`${init.method} ${originOf(url)} failed: ${(err as Error).name}`, { cause: err });
    }
    if (res.status >= 300 && res.status < 400) throw new OAuthHttpError(`${init.method} ${originOf(url)} answered a redirect`);
    const text = await readCapped(res, url);
    let body: unknown = null;
    try { body = text === '' ? null : JSON.parse(text); } catch { body = null; }
    return { status: res.status, body };
  }
}

async function readCapped(res: Response, url: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_BYTES) throw new OAuthHttpError(`${originOf(url)} answered more than ${MAX_BYTES} bytes`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > MAX_BYTES) throw new OAuthHttpError(`${originOf(url)} answered more than ${MAX_BYTES} bytes`);
  return buf.toString('utf8');
}

/** Only the origin goes into messages: query strings may carry tokens. */
function originOf(url: string): string {
  try { return new URL(url).origin; } catch { return '<bad url>'; }
}

type Handler = (req: { method: 'GET' | 'POST'; url: URL; headers: Record<string, string>; form?: Record<string, string> }) => HttpAnswer | Promise<HttpAnswer>;

/**
 * The in-memory twin: answers from handlers registered per URL (origin + path). Unknown URLs
 * throw like an unreachable host. Counts calls so caching can be asserted.
 */
export class MemoryOAuthHttp implements OAuthHttp {
  private readonly routes = new Map<string, Handler>();
  readonly calls: string[] = [];

  on(url: string, handler: Handler | HttpAnswer): this {
    const u = new URL(url);
    this.routes.set(u.origin + u.pathname, typeof handler === 'function' ? handler : () => handler);
    return this;
  }

  async getJson(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.dispatch('GET', url, headers);
  }

  async postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    return this.dispatch('POST', url, headers, form);
  }

  private async dispatch(method: 'GET' | 'POST', url: string, headers: Record<string, string>, form?: Record<string, string>): Promise<HttpAnswer> {
    const u = new URL(url);
    this.calls.push(`${method} ${u.origin}${u.pathname}`);
    const handler = this.routes.get(u.origin + u.pathname);
    if (!handler) throw new OAuthHttpError(`${method} ${u.origin} failed: unreachable`);
    return handler({ method, url: u, headers, form });
  }
}
