import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { AppError } from '../../errors/app-error.js';
import { REGISTRATION_TOKEN_PREFIX } from '../../domain/registration/registration-service.js';
import { checkCaptcha } from '../barong/common.js';
import { parseBody } from './body.js';
import { authorizationToken, callerOf, ctxOf, routes, security, sendTokens, tokenGuard } from './http-kit.js';
import * as S from './schemas.js';

/** The registration token: Authorization (Bearer or bare), X-Registration-Token, or the body. */
function registrationTokenOf(req: FastifyRequest, fromBody?: string): string | undefined {
  const auth = authorizationToken(req);
  if (auth?.startsWith(REGISTRATION_TOKEN_PREFIX)) return auth;
  const h = req.headers['x-registration-token'];
  return (Array.isArray(h) ? h[0] : h) || fromBody || undefined;
}

/** NBC gate `/auth/sign-up/*`: email code → registration token → password → user → owner. */
export async function nbcSignUpRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = routes(app);
  const guard = tokenGuard(c);
  const reg = c.tokenAuth.registration;

  r.post('/auth/sign-up/email/get-code', {
    schema: {
      summary: 'Step 1: mail a sign-up code (204 always; an existing account gets a notice instead; captcha `user_create`)',
      body: S.SignUpGetCode, response: { 204: Type.Null() },
    },
  }, async (req, reply) => {
    const p = parseBody(S.SignUpGetCode, req.body);
    const ctx = ctxOf(c, req);
    // The later steps need this step's mailed code, so the captcha guards the whole sign-up here.
    await checkCaptcha(c, 'user_create', p.captcha_response, ctx.ip);
    await reg.requestCode(p.email, ctx);
    return reply.status(204).send();
  });

  r.post('/auth/sign-up/email/check-code', {
    schema: { summary: 'Step 2: the mailed code for a registration token', body: S.SignUpCheckCode, response: { 200: S.RegistrationToken } },
    config: { nbcCodeField: 'code' },
  }, async (req, reply) => {
    const out = await reg.confirmCode(parseBody(S.SignUpCheckCode, req.body));
    return reply.header('cache-control', 'no-store').send(out);
  });

  r.post('/auth/sign-up/pss/set', {
    schema: {
      summary: 'Step 3: the password (registration token as Authorization): creates the user, signs him in like /auth/sign-in',
      security, body: S.SignUpPassword, response: { 200: S.TokenString },
    },
  }, async (req, reply) => {
    const p = parseBody(S.SignUpPassword, req.body);
    const token = registrationTokenOf(req, p.registrationToken);
    if (!token) throw new AppError('registration.token_invalid');
    return sendTokens(c, reply, await reg.setPassword(token, p.password, ctxOf(c, req)));
  });

  r.post('/auth/sign-up/user/update', {
    schema: { summary: 'Step 4: personal details (access token)', security, body: S.SignUpUser, response: { 200: S.Steps } },
    preHandler: guard,
  }, async (req) => reg.updateUser(callerOf(req).user, parseBody(S.SignUpUser, req.body), ctxOf(c, req)));

  r.post('/auth/sign-up/owner/update', {
    schema: { summary: 'Step 5: the business the user registers for (access token; after step 4)', security, body: S.SignUpOwner, response: { 200: S.Steps } },
    preHandler: guard,
  }, async (req) => reg.updateOwner(callerOf(req).user, parseBody(S.SignUpOwner, req.body), ctxOf(c, req)));

  const check = async (req: FastifyRequest) => {
    const token = authorizationToken(req);
    const registration = registrationTokenOf(req);
    if (registration) return reg.stepsOfRegistration(registration);
    return reg.stepsOf((await c.tokenAuth.sessions.authenticate(token)).user);
  };
  const checkOpts = { schema: { summary: 'Which sign-up steps are done (access token or registration token)', security, response: { 200: S.Steps } } };
  r.get('/auth/sign-up/check', checkOpts, check);
  r.post('/auth/sign-up/check', checkOpts, check);
}
