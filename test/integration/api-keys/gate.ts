import { createPublicKey } from 'node:crypto';
import { verifyCompact } from '../../../src/lib/jws.js';
import { apiKeySignature, type ApiKeyAlgorithm } from '../../../src/lib/hmac.js';
import type { TestApp } from '../../helpers/test-app.js';
import { UA } from '../../helpers/client.js';

/** A gateway check as nginx's auth_request sends it, signed with an API key. */
let lastNonce = 0;
/**
 * A millisecond timestamp like a client's, but never the same twice: two calls in one
 * millisecond used to send one nonce twice, and the second was refused as a replay.
 */
function freshNonce(t: TestApp): string {
  lastNonce = Math.max(t.clock.now(), lastNonce + 1);
  return String(lastNonce);
}

export async function gateWithKey(t: TestApp, path: string, key: { kid: string; secret: string; algorithm?: string }, opts: { nonce?: string; ip?: string; signature?: string } = {}) {
  const nonce = opts.nonce ?? freshNonce(t);
  const headers: Record<string, string> = {
    'user-agent': UA, 'x-auth-apikey': key.kid, 'x-auth-nonce': nonce,
    'x-auth-signature': opts.signature ?? apiKeySignature(key.secret, nonce, key.kid, (key.algorithm ?? 'HS256') as ApiKeyAlgorithm),
  };
  if (opts.ip) headers['x-forwarded-for'] = opts.ip;
  const res = await t.app.inject({ method: 'GET', url: `${t.c.config.AUTHZ_PREFIX}/${path}`, headers });
  return { status: res.statusCode, body: res.body ? res.json() : null, authorization: res.headers.authorization as string | undefined };
}

export async function jwtClaims(t: TestApp, authorization: string): Promise<Record<string, unknown>> {
  const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  return verifyCompact(authorization.replace(/^Bearer /, ''), createPublicKey({ key: jwks.keys[0], format: 'jwk' }), 'RS256').claims;
}
