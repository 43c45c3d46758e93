import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { GatewayFacts } from '../../domain/authz/gateway.js';
import { readCookie } from '../../lib/cookie.js';
import { canonicalPath } from '../../lib/path.js';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The facts of a gateway check from the raw request (BARONG.md §11.1): the original path after
 * the prefix (null when it cannot be made canonical), the X-Original-Method nginx may send, the
 * session cookie, the CSRF and API-key headers. Shared by the Fastify route and the fast path,
 * so both decide on exactly the same input.
 */
export function gatewayFacts(url: string, method: string, headers: IncomingHttpHeaders, ip: string, authzPrefix: string, cookieName: string): GatewayFacts | null {
  const q = url.indexOf('?');
  const path = canonicalPath(url.slice(authzPrefix.length, q === -1 ? undefined : q));
  if (path === null) return null;
  return {
    method: one(headers['x-original-method']) ?? method,
    path,
    query: q === -1 ? {} : { ...parseQuery(url.slice(q + 1)) },
    ip,
    userAgent: one(headers['user-agent']) ?? '',
    sessionId: readCookie(one(headers.cookie), cookieName),
    csrfToken: one(headers['x-csrf-token']),
    apiKey: { kid: one(headers['x-auth-apikey']), nonce: one(headers['x-auth-nonce']), signature: one(headers['x-auth-signature']) },
  };
}

export const INVALID_PATH_BODY = '{"errors":["authz.invalid_path"]}';
export const denialBody = (key: string) => `{"errors":[${JSON.stringify(key)}]}`;
