import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod, RouteShorthandOptions } from 'fastify';
import type { Container } from '../../container.js';
import type { IssuedTokens } from '../../domain/token-auth/deps.js';
import type { TokenCaller } from '../../domain/token-auth/token-sessions.js';
import { requestContext } from '../request-context.js';
import { ErrorBody } from './schemas.js';

declare module 'fastify' {
  interface FastifyRequest { tokenCaller?: TokenCaller }
}

export const TAG = 'nbc';
export const security = [{ bearer: [] }];

const header = (req: FastifyRequest, name: string): string | undefined => {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
};

/** `Authorization: Bearer <t>` or a bare `Authorization: <t>`, both accepted. */
export function authorizationToken(req: FastifyRequest): string | undefined {
  const raw = header(req, 'authorization');
  if (!raw) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(raw);
  return m ? m[1] : raw;
}

/** The refresh token: the body's `refreshToken`, else the X-Refresh-Token header, else the cookie. */
export function refreshTokenOf(c: Container, req: FastifyRequest, fromBody?: string): string | undefined {
  return fromBody || header(req, 'x-refresh-token') || req.cookies?.[c.config.NBC_REFRESH_COOKIE_NAME] || undefined;
}

export const ctxOf = (c: Container, req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

/** A preHandler that admits only a valid access token of a live session (sets req.tokenCaller). */
export function tokenGuard(c: Container) {
  return async (req: FastifyRequest) => {
    req.tokenCaller = await c.tokenAuth.sessions.authenticate(authorizationToken(req));
  };
}

export function callerOf(req: FastifyRequest): TokenCaller {
  if (!req.tokenCaller) throw new Error('route registered without tokenGuard');
  return req.tokenCaller;
}

/**
 * Sends freshly issued tokens: the access token as the JSON string body, the refresh token in
 * an HttpOnly, SameSite=Strict cookie (Secure unless NBC_COOKIE_SECURE=false) and in
 * X-Refresh-Token for clients without cookies. Never cached.
 */
export function sendTokens(c: Container, reply: FastifyReply, tokens: IssuedTokens) {
  reply.setCookie(c.config.NBC_REFRESH_COOKIE_NAME, tokens.refreshToken, {
    path: '/', httpOnly: true, sameSite: 'strict', secure: c.config.NBC_COOKIE_SECURE, maxAge: c.tokenAuth.refreshTokenLifetime,
  });
  return reply.status(200).type('application/json; charset=utf-8').header('cache-control', 'no-store')
    .header('x-refresh-token', tokens.refreshToken).send(JSON.stringify(tokens.accessToken));
}

export function clearRefreshCookie(c: Container, reply: FastifyReply): void {
  reply.clearCookie(c.config.NBC_REFRESH_COOKIE_NAME, { path: '/', httpOnly: true, sameSite: 'strict', secure: c.config.NBC_COOKIE_SECURE });
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Registers a route at its path and at the same path with a doubled leading slash (the NBC
 * gate contract shows `POST //auth/sign-in`); only the first appears in the OpenAPI document.
 * Every route gets the door's tag and error responses documented.
 */
export function routes(app: FastifyInstance) {
  const add = (method: Method, path: string, opts: RouteShorthandOptions, handler: RouteHandlerMethod) => {
    const schema = { tags: [TAG], ...opts.schema, response: { ...(opts.schema?.response as object | undefined), '4xx': ErrorBody, '5xx': ErrorBody } };
    app.route({ method, url: path, ...opts, schema, handler });
    app.route({ method, url: `/${path}`, ...opts, schema: { ...schema, hide: true }, handler });
  };
  return {
    get: (path: string, opts: RouteShorthandOptions, h: RouteHandlerMethod) => add('GET', path, opts, h),
    post: (path: string, opts: RouteShorthandOptions, h: RouteHandlerMethod) => add('POST', path, opts, h),
    put: (path: string, opts: RouteShorthandOptions, h: RouteHandlerMethod) => add('PUT', path, opts, h),
    delete: (path: string, opts: RouteShorthandOptions, h: RouteHandlerMethod) => add('DELETE', path, opts, h),
  };
}
