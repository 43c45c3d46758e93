import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import type { Country } from '../../db/repositories/countries.js';
import { parseBody } from './body.js';
import { callerOf, ctxOf, routes, security, tokenGuard } from './http-kit.js';
import * as S from './schemas.js';

const country = (x: Country) => ({ id: x.id, code: x.code, name: x.name, phoneCode: x.phoneCode, sepa: x.sepa });

/** NBC gate `/api/*` parts on Warden's core: 2FA settings, personal changes, time zone, countries. */
export async function nbcApiRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const r = routes(app);
  const preHandler = tokenGuard(c);
  const auth = c.tokenAuth;
  const user = (req: FastifyRequest) => callerOf(req).user;

  r.get('/api/tfa/type', { schema: { summary: 'The second factor of sign-in', security, response: { 200: S.TfaView } }, preHandler },
    async (req) => auth.tfa.get(user(req)));
  const setType = async (req: FastifyRequest) => {
    const p = parseBody(S.TfaTypeBody, req.body);
    return auth.tfa.setType(user(req), p.type, p.otp, ctxOf(c, req));
  };
  const typeOpts = { schema: { summary: 'Switch between email codes and none (with a mailed code); google follows the authenticator', security, body: S.TfaTypeBody, response: { 200: S.TfaView } }, preHandler };
  r.put('/api/tfa/type', typeOpts, setType);
  r.post('/api/tfa/type', typeOpts, setType);

  r.get('/api/tfa/otp', { schema: { summary: 'Whether the authenticator is enabled', security, response: { 200: Type.Object({ enabled: Type.Boolean() }) } }, preHandler },
    async (req) => ({ enabled: user(req).otp }));
  r.post('/api/tfa/otp', {
    schema: {
      summary: 'Enable the authenticator with a code of the secret from /auth/qrcode; other devices are signed out; returns single-use recovery codes',
      security, body: S.TotpCode, response: { 200: Type.Object({ recoveryCodes: Type.Array(Type.String()) }) },
    },
    preHandler,
  }, async (req) => {
    const caller = callerOf(req);
    return auth.tfa.enableTotp(caller.user, parseBody(S.TotpCode, req.body).code, ctxOf(c, req), caller.sid);
  });
  r.delete('/api/tfa/otp', { schema: { summary: 'Disable the authenticator with a code of it', security, body: S.TotpCode, response: { 204: Type.Null() } }, preHandler },
    async (req, reply) => {
      await auth.tfa.disableTotp(user(req), parseBody(S.TotpCode, req.body).code, ctxOf(c, req));
      return reply.status(204).send();
    });

  r.post('/api/personal/email/otp', { schema: { summary: 'Mail a code to the new email address; the current password (and second factor) are asked again', security, body: S.EmailChangeRequest, response: { 204: Type.Null() } }, preHandler },
    async (req, reply) => {
      await auth.personal.requestEmailChange(user(req), parseBody(S.EmailChangeRequest, req.body), ctxOf(c, req));
      return reply.status(204).send();
    });
  r.post('/api/personal/email/otp/check', { schema: { summary: 'Change the email with the code mailed to the new address; the old one is told', security, body: S.EmailChangeCheck, response: { 204: Type.Null() } }, preHandler },
    async (req, reply) => {
      await auth.personal.confirmEmailChange(user(req), parseBody(S.EmailChangeCheck, req.body), ctxOf(c, req));
      return reply.status(204).send();
    });
  r.post('/api/personal/psw/otp', { schema: { summary: 'Mail a code to change the password', security, response: { 204: Type.Null() } }, preHandler },
    async (req, reply) => {
      await auth.personal.requestPasswordChange(user(req), ctxOf(c, req));
      return reply.status(204).send();
    });
  r.post('/api/personal/psw/otp/check', { schema: { summary: 'Set a new password with the mailed code; other sessions and devices end', security, body: S.PasswordChangeCheck, response: { 204: Type.Null() } }, preHandler },
    async (req, reply) => {
      const caller = callerOf(req);
      await auth.personal.confirmPasswordChange(caller.user, caller.sid, parseBody(S.PasswordChangeCheck, req.body), ctxOf(c, req));
      return reply.status(204).send();
    });

  const tzOpts = { schema: { summary: 'Set the time zone (IANA name)', security, body: S.TimezoneBody, response: { 200: S.TimezoneBody } }, preHandler };
  const setTz = async (req: FastifyRequest) => auth.personal.setTimezone(user(req), parseBody(S.TimezoneBody, req.body).timezone);
  r.post('/api/timezone/set', tzOpts, setTz);
  r.put('/api/timezone/set', tzOpts, setTz);

  r.get('/api/country', { schema: { summary: 'Every country', response: { 200: Type.Array(S.Country) } } }, async () => (await auth.countries.all()).map(country));
  r.get('/api/country/sepa', { schema: { summary: 'Countries of the SEPA area', response: { 200: Type.Array(S.Country) } } }, async () => (await auth.countries.sepa()).map(country));
  r.get('/api/country/:id', { schema: { summary: 'A country by id or ISO alpha-2 code', params: Type.Object({ id: Type.String() }), response: { 200: S.Country } } },
    async (req) => country(await auth.countries.find((req.params as { id: string }).id)));
}
