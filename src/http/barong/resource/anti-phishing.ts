import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { requestContext } from '../../request-context.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const SetPhrase = P.obj({
  phrase: P.str({ 'x-nonblank': true, description: '4–32 letters, digits, spaces or _.,!?@#%*+=:-' }),
  password: P.str({ 'x-nonblank': true }),
  otp_code: P.opt(P.str({ description: 'required when 2FA is on' })),
});
const RemovePhrase = P.obj({ password: P.str({ 'x-nonblank': true }), otp_code: P.opt(P.str()) });

/** The caller's anti-phishing code, shown in every mail sent to him. The phrase itself is never returned. */
export async function resourceAntiPhishingRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const ctx = (req: Parameters<typeof requestContext>[0]) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

  app.get('/users/anti_phishing', { schema: { tags, security, summary: 'Whether the caller has an anti-phishing code' } }, async (req) =>
    ({ enabled: await c.antiPhishing.enabled(callerOf(req).user) }));

  app.put('/users/anti_phishing', { schema: { tags, security, summary: 'Set the anti-phishing code shown in every mail (password, and OTP when 2FA is on)', body: SetPhrase } }, async (req) => {
    const p = parseParams(SetPhrase, mergedParams(req), 'resource.user');
    await c.antiPhishing.set(callerOf(req).user, { phrase: p.phrase, password: p.password, otpCode: p.otp_code }, ctx(req));
    return { enabled: true };
  });

  app.delete('/users/anti_phishing', { schema: { tags, security, summary: 'Remove the anti-phishing code (password, and OTP when 2FA is on)', body: RemovePhrase } }, async (req) => {
    const p = parseParams(RemovePhrase, mergedParams(req), 'resource.user');
    await c.antiPhishing.set(callerOf(req).user, { phrase: null, password: p.password, otpCode: p.otp_code }, ctx(req));
    return { enabled: false };
  });
}
