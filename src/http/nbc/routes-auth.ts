import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { checkCaptcha } from '../barong/common.js';
import { parseBody } from './body.js';
import { authorizationToken, callerOf, clearRefreshCookie, ctxOf, refreshTokenOf, routes, security, sendTokens, tokenGuard } from './http-kit.js';
import * as S from './schemas.js';

/** The sign-in body with `"otp": null` taken as no code (the seed makes it optional, clients send null). */
function withoutNullOtp(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || (body as { otp?: unknown }).otp !== null) return body;
  const { otp: _none, ...rest } = body as Record<string, unknown>;
  return rest;
}

/** NBC gate `/auth/*`: sign-in, second factor, tokens, log-out and password recovery. */
export async function nbcAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = routes(app);
  const guard = tokenGuard(c);
  const auth = c.tokenAuth;

  r.post('/auth/sign-in', {
    schema: {
      summary: 'Sign in: 200 with the access token as a JSON string; the refresh token as a cookie and X-Refresh-Token',
      description: 'Unknown email → 404; wrong password, missing or wrong second factor → 400. `otp` is the authenticator (or recovery) code for type `google`, '
        + 'the mailed code for type `email`; "" and null count as no code. Captcha (`session_create`) as on the Barong door.',
      body: S.SignIn, response: { 200: S.TokenString },
    },
  }, async (req, reply) => {
    const p = parseBody(S.SignIn, withoutNullOtp(req.body));
    const ctx = ctxOf(c, req);
    await checkCaptcha(c, 'session_create', p.captcha_response, ctx.ip);
    return sendTokens(c, reply, await auth.signIn.signIn({ email: p.email, password: p.password, otp: p.otp || undefined }, ctx));
  });

  r.post('/auth/sign-in/psw/check', {
    schema: { summary: 'Check email and password: which second factor sign-in needs', body: S.EmailPassword, response: { 200: S.TfaView } },
  }, async (req) => {
    const p = parseBody(S.EmailPassword, req.body);
    return auth.signIn.passwordCheck(p, ctxOf(c, req));
  });

  r.post('/auth/tfa/otp/email', {
    schema: {
      summary: 'Mail a 6-digit code (valid 10 minutes, 5 tries, single use): with {email, password} before sign-in, or with an access token',
      body: Type.Object({ email: Type.Optional(Type.String()), password: Type.Optional(Type.String()) }), response: { 204: Type.Null() },
    },
  }, async (req, reply) => {
    const token = authorizationToken(req);
    if (token) {
      const caller = await auth.sessions.authenticate(token);
      await auth.signIn.mailCode(caller.user, ctxOf(c, req));
    } else {
      await auth.signIn.sendCodeBeforeSignIn(parseBody(S.EmailPassword, req.body), ctxOf(c, req));
    }
    return reply.status(204).send();
  });

  const qrcode = { schema: { summary: 'A new authenticator secret: PNG QR code as a data URL and the otpauth URL (confirm with POST /api/tfa/otp)', security, response: { 200: S.QrCode } }, preHandler: guard };
  const qrHandler = async (req: Parameters<typeof guard>[0]) => auth.tfa.qrCode(callerOf(req).user, ctxOf(c, req));
  r.post('/auth/qrcode', qrcode, qrHandler);
  r.get('/auth/qrcode', qrcode, qrHandler);

  const checkSchema = {
    summary: 'The claims of a valid access token (Authorization, or {token}); 401 when invalid, expired or logged out',
    security, response: { 200: Type.Object({}, { additionalProperties: true }) },
  };
  const checkHandler = async (req: Parameters<typeof guard>[0], reply: Parameters<typeof sendTokens>[1]) => {
    const fromBody = req.method === 'POST' ? parseBody(S.TokenCheckBody, req.body).token : undefined;
    const caller = await auth.sessions.authenticate(authorizationToken(req) ?? fromBody);
    return reply.header('cache-control', 'no-store').send(caller.claims);
  };
  r.get('/auth/token/check', { schema: checkSchema }, checkHandler);
  r.post('/auth/token/check', { schema: { ...checkSchema, body: S.TokenCheckBody } }, checkHandler);

  r.post('/auth/token/refresh', {
    schema: {
      summary: 'A new access token for the refresh token (cookie, X-Refresh-Token or {refreshToken}); the refresh token is rotated',
      description: 'Each refresh token works once. Presenting a used one again revokes its whole session (reuse detection).',
      body: S.RefreshBody, response: { 200: S.TokenString },
    },
  }, async (req, reply) => {
    const p = parseBody(S.RefreshBody, req.body);
    return sendTokens(c, reply, await auth.sessions.refresh(refreshTokenOf(c, req, p.refreshToken), ctxOf(c, req)));
  });

  r.post('/auth/log-out', {
    schema: { summary: 'End this session: its refresh tokens and access tokens stop working', security, body: S.RefreshBody, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    const p = parseBody(S.RefreshBody, req.body);
    await auth.sessions.logOut({ accessToken: authorizationToken(req), refreshToken: refreshTokenOf(c, req, p.refreshToken) }, ctxOf(c, req));
    clearRefreshCookie(c, reply);
    return reply.status(204).send();
  });

  r.post('/auth/recovery/psw', {
    schema: {
      summary: 'Mail a password recovery code; 204 whether or not the email has an account (captcha `password_reset`)',
      body: S.RecoveryRequest, response: { 204: Type.Null() },
    },
  }, async (req, reply) => {
    const p = parseBody(S.RecoveryRequest, req.body);
    const ctx = ctxOf(c, req);
    await checkCaptcha(c, 'password_reset', p.captcha_response, ctx.ip);
    await auth.recovery.request(p.email, ctx);
    return reply.status(204).send();
  });

  r.post('/auth/recovery/psw/otp/check', {
    schema: { summary: 'Set a new password with the mailed code; every session of the account ends', body: S.RecoveryCheck, response: { 204: Type.Null() } },
  }, async (req, reply) => {
    await auth.recovery.confirm(parseBody(S.RecoveryCheck, req.body), ctxOf(c, req));
    return reply.status(204).send();
  });
}
