import type { Container } from '../../../container.js';
import { ManagementError } from '../../../domain/management/errors.js';
import type { ManagementServices } from '../../../domain/management/wiring.js';
import { apiKeyEntity } from '../entities.js';
import { P } from '../params.js';
import { mparams } from './params.js';
import type { ManagementRouter } from './router.js';

const nb = { 'x-nonblank': true } as const;
const CreateBody = P.obj({ algorithm: P.str(nb), uid: P.str(nb), scopes: P.opt(P.str()) });
const UpdateBody = P.obj({ kid: P.str(nb), uid: P.str(nb), scopes: P.opt(P.str()), state: P.opt(P.str(nb)) });
const SignBody = P.obj({ user_uid: P.str(nb), otp_code: P.str(nb), jwt: P.obj({}) });

export function apiKeyRoutes(r: ManagementRouter, _c: Container, m: ManagementServices): void {
  r.post('/api_keys', 'write_apikeys', 'Create an API key for a user or a service account (MANAGEMENT_API_KEYS_USER / _SA); answers the secret once', async (data, reply) => {
    const p = mparams(CreateBody, data);
    const key = await m.apiKeys.create(p.uid, p.algorithm, p.scopes);
    return reply.status(201).send(apiKeyEntity(key, key.secret));
  });

  r.post('/api_keys/update', 'write_apikeys', 'Change the state and/or scopes of a holder\'s API key', async (data, reply) => {
    const p = mparams(UpdateBody, data);
    return reply.status(201).send(apiKeyEntity(await m.apiKeys.update(p.uid, p.kid, p)));
  });

  r.post('/otp/sign', 'otp_sign', 'Co-sign a multi-signature JWT (kid barong) after checking the user\'s TOTP code', async (data, reply) => {
    const p = mparams(SignBody, data);
    if (!p.jwt || typeof p.jwt !== 'object' || Array.isArray(p.jwt)) throw new ManagementError(422, 'jwt is invalid');
    return reply.status(201).send(await m.otp.sign(p.user_uid, p.otp_code, p.jwt as Record<string, unknown>));
  });
}
