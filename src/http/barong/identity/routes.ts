import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { registerGeetest } from '../../../infra/captcha/captcha.js';
import { requestContext } from '../../request-context.js';
import { AppError } from '../../../errors/app-error.js';
import { mergedParams, P, parseParams } from '../params.js';
import { checkCaptcha, registerGeneralRoutes, sendOpenedSession, sessionCookie } from '../common.js';

const Signup = P.obj({
  email: P.str({ 'x-nonblank': true }), password: P.str({ 'x-nonblank': true }), username: P.opt(P.str()),
  refid: P.opt(P.str()), data: P.opt(P.str()), captcha_response: P.opt(P.any()),
});
const Login = P.obj({ email: P.str(), password: P.str(), otp_code: P.opt(P.str()), captcha_response: P.opt(P.any()) });
const EmailOnly = P.obj({ email: P.str({ 'x-nonblank': true }), captcha_response: P.opt(P.any()) });
const TokenOnly = P.obj({ token: P.str({ 'x-nonblank': true }) });
const ResetConfirm = P.obj({
  reset_password_token: P.str({ 'x-nonblank': true, 'x-missing': 'identity.user.missing_pass_token' }),
  password: P.str({ 'x-nonblank': true }), confirm_password: P.str({ 'x-nonblank': true }),
});
const Whitelink = P.obj({ whitelink_token: P.str({ 'x-nonblank': true }) });

/** Barong identity API (BARONG.md §5): no authentication; sessions are opened here. */
export async function identityRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const ctx = (req: Parameters<typeof requestContext>[0]) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);
  const tags = ['identity'];

  registerGeneralRoutes(app, c, 'identity');

  app.post('/users', { schema: { tags, summary: 'Sign up', body: Signup } }, async (req, reply) => {
    const p = parseParams(Signup, mergedParams(req), 'identity.user');
    await checkCaptcha(c, 'user_create', p.captcha_response, ctx(req).ip);
    const opened = await c.accounts.signup({ email: p.email, password: p.password, username: p.username, refid: p.refid, data: p.data }, ctx(req));
    return sendOpenedSession(c, reply, opened, 201);
  });

  app.post('/users/access', { schema: { tags, summary: 'Whitelist the caller\'s IP with a whitelink token (single use)', body: Whitelink } }, async (req, reply) => {
    const p = parseParams(Whitelink, mergedParams(req), 'identity.user');
    await c.whitelinks.consume(p.whitelink_token, ctx(req).ip);
    return reply.status(201).send();
  });

  app.get('/users/register_geetest', { schema: { tags, summary: 'Geetest challenge; the JSON string "" when geetest is not set up or does not answer' } }, async (_req, reply) => {
    const challenge = await registerGeetest({ siteKey: c.config.CAPTCHA_SITE_KEY, secret: c.config.CAPTCHA_SECRET, verifyUrl: c.config.CAPTCHA_VERIFY_URL });
    // Barong renders its failure as JSON too: the two bytes `""`, not an empty body.
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(challenge));
  });

  app.post('/users/email/generate_code', { schema: { tags, summary: 'Resend the confirmation mail', body: EmailOnly } }, async (req, reply) => {
    const p = parseParams(EmailOnly, mergedParams(req), 'identity.user');
    await checkCaptcha(c, 'email_confirmation', p.captcha_response, ctx(req).ip);
    await c.accounts.resendConfirmation(p.email, ctx(req));
    return reply.status(201).send();
  });

  app.post('/users/email/confirm_code', { schema: { tags, summary: 'Confirm the email with the mailed token', body: TokenOnly } }, async (req, reply) => {
    const p = parseParams(TokenOnly, mergedParams(req), 'identity.user');
    return sendOpenedSession(c, reply, await c.accounts.confirmEmail(p.token, ctx(req)), 201);
  });

  app.post('/users/password/generate_code', { schema: { tags, summary: 'Mail a password reset link', body: EmailOnly } }, async (req, reply) => {
    const p = parseParams(EmailOnly, mergedParams(req), 'identity.user');
    await checkCaptcha(c, 'password_reset', p.captcha_response, ctx(req).ip);
    await c.resets.request(p.email, ctx(req));
    return reply.status(201).send();
  });

  app.post('/users/password/confirm_code', { schema: { tags, summary: 'Set a new password with the mailed token', body: ResetConfirm } }, async (req, reply) => {
    const p = parseParams(ResetConfirm, mergedParams(req), 'identity.user');
    await c.resets.confirm({ token: p.reset_password_token, password: p.password, confirmPassword: p.confirm_password }, ctx(req));
    return reply.status(201).send();
  });

  app.post('/sessions', { schema: { tags, summary: 'Log in (cookie session)', body: Login } }, async (req, reply) => {
    const p = parseParams(Login, mergedParams(req), 'identity.session');
    if (p.captcha_response !== undefined && typeof p.captcha_response !== 'string' && (typeof p.captcha_response !== 'object' || Array.isArray(p.captcha_response))) {
      throw new AppError('identity.session.invalid_captcha_format');
    }
    await checkCaptcha(c, 'session_create', p.captcha_response, ctx(req).ip);
    const opened = await c.logins.login({ email: p.email, password: p.password, otpCode: p.otp_code }, ctx(req));
    return sendOpenedSession(c, reply, opened, 200);
  });

  app.delete('/sessions', { schema: { tags, summary: 'Log out' } }, async (req, reply) => {
    await c.logins.logout(sessionCookie(c, req), ctx(req));
    reply.clearCookie(c.config.SESSION_COOKIE_NAME, { path: '/' });
    return reply.status(200).send();
  });
}
