import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { cookieOptions } from '../barong/common.js';
import { requestContext } from '../request-context.js';

/** The Nebeus door's cookie; it carries the same Warden session id as the Barong cookie. */
export const SESSION_COOKIE = 'session_id';
export const SESSION_HEADER = 'x-openerp-session-id';

export const ctxOf = (c: Container, req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

/** The header wins, then this door's cookie, then the Barong cookie (a user signed in there is signed in here). */
export function sessionIdOf(c: Container, req: FastifyRequest): string | undefined {
  const h = req.headers[SESSION_HEADER];
  const header = (Array.isArray(h) ? h[0] : h)?.trim();
  return header || req.cookies?.[SESSION_COOKIE] || req.cookies?.[c.config.SESSION_COOKIE_NAME] || undefined;
}

/**
 * Both cookies get the session: the browser is then signed in on both doors. HttpOnly and
 * SameSite=Lax (a cross-site POST carries neither, which is this door's CSRF protection).
 */
export function setSessionCookies(c: Container, reply: FastifyReply, sessionId: string): void {
  const opts = cookieOptions(c);
  reply.setCookie(SESSION_COOKIE, sessionId, opts).setCookie(c.config.SESSION_COOKIE_NAME, sessionId, opts);
}

export function clearSessionCookies(c: Container, reply: FastifyReply): void {
  const { maxAge: _unused, ...opts } = cookieOptions(c);
  reply.clearCookie(SESSION_COOKIE, opts).clearCookie(c.config.SESSION_COOKIE_NAME, opts);
}
