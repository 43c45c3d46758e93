import type { IncomingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { GatewayFacts } from '../../domain/authz/gateway.js';
import { readCookie } from '../../lib/cookie.js';
import { canonicalPath } from '../../lib/path.js';
import { auditableParams, bodyParams } from '../request-body.js';

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * The facts of a gateway check from the raw request (BARONG.md §11.1): the original path after
 * the prefix (null when it cannot be made canonical), the session cookie, the CSRF and API-key
 * headers, and the original method. A gateway that calls the check with a method of its own
 * names the original in a header: X-Original-Method (the nginx setup) or X-Forwarded-Method
 * (Traefik's forwardAuth, which also calls one fixed address and names the original URI in
 * X-Forwarded-Uri). Those are taken only from a trusted peer (TRUST_PROXY): from anyone else, a
 * POST that says it is a GET would skip the CSRF check and the write permissions.
 * Shared by the Fastify route and the fast path, so both decide on exactly the same input.
 */
export function gatewayFacts(url: string, method: string, headers: IncomingHttpHeaders, ip: string, authzPrefix: string, cookieName: string, peerTrusted: () => boolean = () => true): GatewayFacts | null {
  let original = url.slice(authzPrefix.length);
  // Traefik's forwardAuth calls one fixed address and names the original URI in a header.
  if (original === '' || original === '/' || original[0] === '?') {
    const forwarded = one(headers['x-forwarded-uri']);
    if (forwarded === undefined || !forwarded.startsWith('/') || !peerTrusted()) return null; // the prefix alone names no request
    original = forwarded;
  }
  const q = original.indexOf('?');
  const path = canonicalPath(q === -1 ? original : original.slice(0, q));
  if (path === null) return null;
  return {
    method: originalMethod(headers, peerTrusted) ?? method,
    path,
    query: q === -1 ? {} : { ...parseQuery(original.slice(q + 1)) },
    ip,
    userAgent: one(headers['user-agent']) ?? '',
    sessionId: readCookie(one(headers.cookie), cookieName),
    csrfToken: one(headers['x-csrf-token']),
    apiKey: { kid: one(headers['x-auth-apikey']), nonce: one(headers['x-auth-nonce']), signature: one(headers['x-auth-signature']) },
  };
}

/** The method a trusted gateway names; the peer is only looked at when a header is there (most checks carry none). */
function originalMethod(headers: IncomingHttpHeaders, peerTrusted: () => boolean): string | undefined {
  const named = one(headers['x-original-method']) ?? one(headers['x-forwarded-method']);
  return named !== undefined && peerTrusted() ? named : undefined;
}

export const INVALID_PATH_BODY = '{"errors":["authz.invalid_path"]}';
export const denialBody = (key: string) => `{"errors":[${JSON.stringify(key)}]}`;

/**
 * The forwarded body's parameters (JSON object or urlencoded form) under the query's: the check
 * is Barong's Rails controller, whose params let the query win (BARONG.md §11.1, §11.6 "all
 * request params"). Other or unparseable bodies add nothing: a body never fails the check.
 */
export function withBodyParams(query: Record<string, unknown>, contentType: string | undefined, text: string | null): Record<string, unknown> {
  if (!text) return query;
  return { ...auditableParams(bodyParams(contentType, text)), ...query };
}
