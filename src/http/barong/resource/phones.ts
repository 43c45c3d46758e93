import type { FastifyInstance } from 'fastify';
import type { TObject } from '@sinclair/typebox';
import type { Container } from '../../../container.js';
import { ValidationError } from '../../../errors/app-error.js';
import { SMS_CHANNELS, type SmsChannel } from '../../../infra/sms/port.js';
import { decryptor } from '../common.js';
import { phoneEntity, userWithFullInfo } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const channel = P.opt(P.str({ description: 'sms (default) or call' }));
const AddPhone = P.obj({ phone_number: P.str({ 'x-nonblank': true, description: 'with the country code' }), channel });
const VerifyPhone = P.obj({ phone_number: P.str({ 'x-nonblank': true }), verification_code: P.str({ 'x-nonblank': true }) });

/** Barong's param checks, with `channel` ∈ sms|call (`resource.phone.invalid_channel`) in the same 422. */
function phoneParams<T extends TObject>(schema: T, input: Record<string, unknown>): { phone_number: string; verification_code?: string; channel: SmsChannel } {
  const errors: string[] = [];
  let p: Record<string, unknown> | undefined;
  try {
    p = parseParams(schema, input, 'resource.phone') as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.push(...err.keys);
  }
  const ch = input.channel;
  if ('channel' in schema.properties && ch !== undefined && ch !== null && !(SMS_CHANNELS as readonly unknown[]).includes(ch)) {
    errors.push('resource.phone.invalid_channel');
  }
  if (errors.length || !p) throw new ValidationError(errors);
  return { ...(p as { phone_number: string; verification_code?: string }), channel: (ch as SmsChannel | undefined) ?? 'sms' };
}

const sent = (ch: SmsChannel) => ({ message: `Code was sent successfully via ${ch}` });

/** The caller's phones and their verification (BARONG.md §7.7). */
export async function resourcePhoneRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/phones', { schema: { tags, security, summary: 'The caller\'s phones (numbers masked)' } }, async (req) =>
    (await c.kycProfiles.phones.list(callerOf(req).user)).map((p) => phoneEntity(p, decryptor(c), true)));

  app.post('/phones', { schema: { tags, security, summary: 'Add a phone and send it a verification code', body: AddPhone } }, async (req, reply) => {
    const p = phoneParams(AddPhone, mergedParams(req));
    return reply.status(201).send(sent(await c.kycProfiles.phones.add(callerOf(req).user, p.phone_number, p.channel)));
  });

  app.post('/phones/send_code', { schema: { tags, security, summary: 'Send a new verification code to one of the caller\'s phones', body: AddPhone } }, async (req, reply) => {
    const p = phoneParams(AddPhone, mergedParams(req));
    return reply.status(201).send(sent(await c.kycProfiles.phones.sendCode(callerOf(req).user, p.phone_number, p.channel)));
  });

  app.post('/phones/verify', { schema: { tags, security, summary: 'Verify a phone with its code (sets phone=verified)', body: VerifyPhone } }, async (req, reply) => {
    const p = phoneParams(VerifyPhone, mergedParams(req));
    const view = await c.kycProfiles.phones.verify(callerOf(req).user, p.phone_number, p.verification_code!);
    return reply.status(201).send(userWithFullInfo(view, decryptor(c)));
  });
}
