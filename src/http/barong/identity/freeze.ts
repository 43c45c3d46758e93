import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { escapeHtml as e } from '../../../infra/mail/templates.js';
import { requestContext } from '../../request-context.js';
import { mergedParams, P, parseParams } from '../params.js';

const TokenParam = P.obj({ token: P.str({ 'x-nonblank': true }) });

/** The pages are self-contained: no scripts, no outside resources, nothing that could leak the token. */
function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply.status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
    .send(`<!doctype html>\n<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(title)}</title></head>\n<body style="font-family:sans-serif;max-width:36em;margin:2em auto">\n<h1>${e(title)}</h1>\n${body}\n</body></html>\n`);
}

const wantsHtml = (req: FastifyRequest) =>
  String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/**
 * The freeze link of new-login mails (`<API_PREFIX>/identity/users/freeze?token=…`).
 * GET only shows a confirmation page with a button: mail scanners and link previews fetch
 * links, and must not freeze accounts. POST (the button, or an API client with `token`) freezes:
 * 201, an HTML page for the form, an empty body for API clients. A used token → 422
 * `identity.user.utilized_token`; a bad or expired one → 422 `jwt.decode_and_verify.<word>`.
 */
export async function freezeRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const tags = ['identity'];
  const appName = c.config.APP_NAME;

  app.get('/users/freeze', { schema: { tags, summary: 'Confirmation page of the freeze link (changes nothing)', querystring: TokenParam } }, async (req, reply) => {
    const p = parseParams(TokenParam, mergedParams(req), 'identity.user');
    c.freezes.check(p.token);
    return page(reply, 200, `Freeze your ${appName} account?`,
      `<p>Freezing ends every session, turns off your API keys and locks the account until support unlocks it.</p>\n` +
      `<form method="post" action=""><input type="hidden" name="token" value="${e(p.token)}">` +
      `<button type="submit">Freeze my account</button></form>`);
  });

  app.post('/users/freeze', { schema: { tags, summary: 'Freeze the account of the token: end sessions, turn off API keys, lock', body: TokenParam } }, async (req, reply) => {
    const p = parseParams(TokenParam, mergedParams(req), 'identity.user');
    await c.freezes.freeze(p.token, requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip));
    if (!wantsHtml(req)) return reply.status(201).send();
    return page(reply, 201, `Your ${appName} account is frozen`,
      `<p>Every session was ended, your API keys were turned off and the account is locked.</p>\n` +
      `<p>To get it back, write to support from your account's email address (we sent you a mail you can answer). ` +
      `Once support has checked it is you, they unlock the account; then reset your password and create new API keys.</p>`);
  });
}
