import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { requestContext } from '../../request-context.js';
import { sessionCookie } from '../common.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const PREFIX = 'resource.otp';
const Code = P.obj({ code: P.str({ 'x-nonblank': true, description: 'the 6-digit code from the authenticator app' }) });

/** Barong returned Vault's response object; front-ends read `data`, the rest is kept for old clients. */
const QrCode = Type.Object({
  data: Type.Object({
    barcode: Type.String({ description: 'base64 PNG, 300×300, of the url' }),
    url: Type.String({ description: 'otpauth://totp/<APP_NAME>:<email>?algorithm=SHA1&digits=6&issuer=<APP_NAME>&period=30&secret=<base32>' }),
  }),
  auth: Type.Null(), lease_duration: Type.Integer(), lease_id: Type.String(), renewable: Type.Boolean(),
  warnings: Type.Null(), wrap_info: Type.Null(), metadata: Type.Null(),
});
const RecoveryCodes = Type.Object({
  recovery_codes: Type.Array(Type.String(), { description: 'ten single-use codes (xxxx-xxxx-xxxx-xxxx), shown only in this response; each one replaces a TOTP code once at login' }),
});

/** The caller's two-factor authentication (BARONG.md §7.8, §14; recovery codes beyond Barong). */
export async function resourceOtpRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const ctx = (req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);
  const code = (req: FastifyRequest) => parseParams(Code, mergedParams(req), PREFIX).code;

  app.post('/otp/generate_qrcode', {
    schema: { tags, security, summary: 'A new TOTP secret as QR code and otpauth URL (replaces an unconfirmed one); 400 when 2FA is on', response: { 201: QrCode } },
  }, async (req, reply) => {
    const qr = await c.otp.generateQrCode(callerOf(req).user, ctx(req));
    return reply.status(201).send({
      data: { barcode: qr.barcode, url: qr.url }, auth: null, lease_duration: 0, lease_id: '', renewable: false, warnings: null, wrap_info: null, metadata: null,
    });
  });

  app.post('/otp/enable', {
    schema: { tags, security, summary: 'Turn 2FA on with a code of the new secret; ends the caller\'s other sessions; returns recovery codes', body: Code, response: { 201: RecoveryCodes } },
  }, async (req, reply) => {
    const caller = callerOf(req);
    // Barong keeps the session whose cookie came with the request, whatever authenticated it.
    const keep = caller.sessionId ?? sessionCookie(c, req);
    const { recoveryCodes } = await c.otp.enable(caller.user, code(req), ctx(req), keep);
    return reply.status(201).send({ recovery_codes: recoveryCodes });
  });

  app.post('/otp/verify', { schema: { tags, security, summary: 'Check a code (201, empty body); 422 resource.otp.not_enabled when 2FA is off', body: Code } }, async (req, reply) => {
    await c.otp.verifyCode(callerOf(req).user, code(req), ctx(req));
    return reply.status(201).send();
  });

  app.post('/otp/disable', { schema: { tags, security, summary: 'Turn 2FA off with a code; the caller\'s and his service accounts\' API keys become inactive', body: Code } }, async (req, reply) => {
    await c.otp.disable(callerOf(req).user, code(req), ctx(req));
    return reply.status(200).send();
  });

  app.post('/otp/recovery_codes', {
    schema: { tags, security, summary: 'Ten new recovery codes for a TOTP code (the previous ones stop working)', body: Code, response: { 201: RecoveryCodes } },
  }, async (req, reply) => {
    const recoveryCodes = await c.otp.regenerateRecoveryCodes(callerOf(req).user, code(req), ctx(req));
    return reply.status(201).send({ recovery_codes: recoveryCodes });
  });
}
