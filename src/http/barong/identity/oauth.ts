import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { STATE_LIFETIME, type FlowOutcome } from '../../../domain/oauth/oauth-service.js';
import { requestContext } from '../../request-context.js';
import { sendOpenedSession } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';

/** The browser-binding cookie of the OAuth flows: the state is only accepted from the browser that started it. */
export const FLOW_COOKIE = '_warden_oauth';

const Redeem = P.obj({
  token: P.str({ 'x-nonblank': true, description: 'the `token` of the callback\'s redirect to OAUTH_RESULT_URL' }),
  otp_code: P.opt(P.str({ description: 'required when the user has 2FA (`result=otp_required`)' })),
});
const Auth0 = P.obj({
  id_token: P.str({ 'x-nonblank': true, description: 'ID token issued by the AUTH0_DOMAIN tenant to AUTH0_CLIENT_ID' }),
  otp_code: P.opt(P.str({ description: 'required when the user has 2FA' })),
});
const ProviderParam = { type: 'object', properties: { provider: { type: 'string' } } };

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Social login (README "Social login"): `GET oauth/<provider>` sends the browser to the provider,
 * the callback comes back and redirects to OAUTH_RESULT_URL with the outcome and a sign-in token,
 * which the frontend redeems with `POST sessions/oauth` (answered like password login, with the
 * csrf_token; the 2FA code goes there too). Also Barong's `POST sessions/auth0`.
 */
export async function identityOAuthRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const ctx = (req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);
  const tags = ['identity'];
  const secure = c.config.APP_URL.startsWith('https://');
  // Sign in with Apple posts back cross-site (form_post): the binding cookie must travel with
  // that POST, which SameSite=Lax forbids; it carries only a random value, so None is harmless.
  const flowCookie = {
    path: `${c.config.API_PREFIX}/identity`, httpOnly: true, secure, sameSite: secure ? 'none' as const : 'lax' as const, maxAge: STATE_LIFETIME,
  };

  const answer = (reply: FastifyReply, out: FlowOutcome) => {
    if (out.binding) reply.setCookie(FLOW_COOKIE, out.binding, flowCookie);
    return reply.header('cache-control', 'no-store').redirect(out.redirect, 303);
  };

  app.get('/oauth', { schema: { tags, summary: 'Configured social login providers with their sign-in links' } }, async () => c.oauth.list());

  app.get('/oauth/:provider', {
    schema: { tags, summary: 'Redirect to the provider (303); `link` = a connect link token from resource/oauth', params: ProviderParam, querystring: P.obj({ link: P.opt(P.str()) }) },
  }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const out = await c.oauth.start((req.params as { provider: string }).provider, { linkToken: str(q.link), binding: req.cookies?.[FLOW_COOKIE] });
    return answer(reply, out);
  });

  const callback = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = mergedParams(req);
    const out = await c.oauth.callback((req.params as { provider: string }).provider,
      { code: str(p.code), state: str(p.state), error: str(p.error), iss: str(p.iss) }, req.cookies?.[FLOW_COOKIE], ctx(req));
    return answer(reply, out);
  };
  const callbackSchema = { tags, summary: 'Provider redirect back (POST for response_mode=form_post); 303 to OAUTH_RESULT_URL', params: ProviderParam };
  app.get('/oauth/:provider/callback', { schema: callbackSchema }, callback);
  app.post('/oauth/:provider/callback', { schema: callbackSchema }, callback);

  app.post('/sessions/oauth', { schema: { tags, summary: 'Open the session of a social sign-in (its token, and the 2FA code when on)', body: Redeem } }, async (req, reply) => {
    const p = parseParams(Redeem, mergedParams(req), 'identity.session');
    const opened = await c.oauth.redeem({ token: p.token, otpCode: p.otp_code, binding: req.cookies?.[FLOW_COOKIE] }, ctx(req));
    return sendOpenedSession(c, reply, opened, 200);
  });

  app.post('/sessions/auth0', { schema: { tags, summary: 'Log in with an Auth0 ID token (state and 2FA checked as for password login)', body: Auth0 } }, async (req, reply) => {
    const p = parseParams(Auth0, mergedParams(req), 'identity.session');
    return sendOpenedSession(c, reply, await c.auth0.login({ idToken: p.id_token, otpCode: p.otp_code }, ctx(req)), 201);
  });
}
