import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { checkCaptcha } from '../barong/common.js';
import { BAD_CREDENTIALS, businessMessage, fieldErrors } from './messages.js';
import { envelope, failure, readCall, success } from './rpc.js';
import { clearSessionCookies, ctxOf, sessionIdOf, setSessionCookies } from './session.js';
import { TAG } from './schemas.js';
import * as S from './schemas.js';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** Sign-in, log-out, password reset and sign-up of the Nebeus door (seed 000). */
export async function nebeusAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const auth = c.nebeus.auth;

  app.post('/signin/1.0/json', {
    schema: {
      tags: [TAG], summary: 'Sign in: [envelope] with the session; a bare envelope with status "error" otherwise',
      description: '`login` (email), `password`, and `otp` for users with two-factor authentication. The session is set as the `session_id` '
        + 'cookie (and the Barong session cookie) and is valid on both doors.',
      body: S.rpcBody(S.SignIn),
    },
  }, async (req, reply) => {
    const { id, params } = readCall(req.body);
    const login = typeof params.login === 'string' ? params.login : '';
    const password = typeof params.password === 'string' ? params.password : '';
    if (login.trim() === '' || password === '') return reply.send(failure(id, BAD_CREDENTIALS));
    const ctx = ctxOf(c, req);
    try {
      await checkCaptcha(c, 'session_create', params.captcha_response, ctx.ip);
      const { sessionId, info } = await auth.signIn({ login, password, otp: text(params.otp) }, ctx);
      setSessionCookies(c, reply, sessionId);
      return reply.header('cache-control', 'no-store').send([envelope(id, {
        company_id: c.nebeus.session.companyId, db: c.nebeus.session.db, session_id: sessionId, uid: info.id,
        name: info.name, surname: info.surname, user_context: { lang: info.lang, tz: info.tz, uid: info.id }, username: info.username,
      })]);
    } catch (err) {
      const message = businessMessage(err);
      if (message === null) throw err;
      return reply.send(failure(id, message));
    }
  });

  app.post('/logout/1.0/json', {
    schema: { tags: [TAG], summary: 'Sign out (idempotent): [envelope] with status "success"', body: S.rpcBody(S.Empty) },
  }, async (req, reply) => {
    const { id } = readCall(req.body);
    await auth.signOut(sessionIdOf(c, req), ctxOf(c, req));
    clearSessionCookies(c, reply);
    return reply.send([success(id)]);
  });

  app.post('/reset_password/1.0/json', {
    schema: {
      tags: [TAG], summary: 'Mail a password reset link: [envelope] with status "success" for every well-formed login (no enumeration)',
      body: S.rpcBody(S.LoginOnly),
    },
  }, async (req, reply) => {
    const { id, params } = readCall(req.body);
    const login = typeof params.login === 'string' ? params.login : '';
    const ctx = ctxOf(c, req);
    try {
      await checkCaptcha(c, 'password_reset', params.captcha_response, ctx.ip);
      await auth.resetPassword(login, ctx);
      return reply.send([success(id)]);
    } catch (err) {
      if (err instanceof ModelError) return reply.send([failure(id, login.trim() === '' ? 'Login is required' : 'Login must be a valid email')]);
      const message = businessMessage(err);
      if (message === null) throw err;
      return reply.send([failure(id, message)]);
    }
  });

  app.post('/signup/1.0/json', {
    schema: {
      tags: [TAG], summary: 'Sign up (pending until the mailed link is followed; not signed in): [envelope] with status "success" or field errors',
      body: S.rpcBody(S.SignUp),
    },
  }, async (req, reply) => {
    const { id, params } = readCall(req.body);
    const ctx = ctxOf(c, req);
    try {
      await checkCaptcha(c, 'user_create', params.captcha_response, ctx.ip);
      await auth.signUp(params, ctx);
      return reply.send([success(id)]);
    } catch (err) {
      if (err instanceof ModelError) return reply.send([envelope(id, { status: 'error', errors: fieldErrors(err.keys) })]);
      const message = businessMessage(err);
      if (message === null) throw err;
      // The seed's signup failure names fields: a refused captcha is one, `captcha_response`.
      if (err instanceof AppError && err.keys[0].includes('captcha')) {
        return reply.send([envelope(id, { status: 'error', errors: { captcha_response: { field: 'captcha_response', message } } })]);
      }
      return reply.send([failure(id, message)]);
    }
  });
}
