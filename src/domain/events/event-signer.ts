import type { KeyObject } from 'node:crypto';
import { signCompact, verifyCompact, type JwsAlgorithm, type VerifyingKey } from '../../lib/jws.js';

/** RFC 7515 general JSON serialization with one signature, as Barong publishes events (§13.1). */
export interface EventEnvelope {
  payload: string;
  signatures: Array<{ protected: string; header: { kid: string }; signature: string }>;
}

/** The signed claims: Barong's `{iss, jti, iat, exp, event}`. */
export interface EventClaims {
  iss: string;
  jti: string;
  iat: number;
  exp: number;
  event: Record<string, unknown> & { name: string };
}

export interface EventSigningKey { algorithm: JwsAlgorithm; signingKey: KeyObject }

/** Where an event goes: exchange `<prefix>.<first segment>`, routing key = the rest of the name. */
export function eventRoute(name: string, exchangePrefix: string): { exchange: string; routingKey: string } {
  const dot = name.indexOf('.');
  const first = dot < 0 ? name : name.slice(0, dot);
  return { exchange: `${exchangePrefix}.${first}`, routingKey: dot < 0 ? '' : name.slice(dot + 1) };
}

/**
 * Signs outbox events for the event API. The protected header is `{"alg":…}` only and the
 * unprotected header is `{"kid":"<issuer>"}` (`{"kid":"barong"}` by default), exactly as Barong:
 * its consumers hold the signer's public key under that name and look it up by the kid, so the
 * kid names the signer, not a key (the key itself is the JWT key of /.well-known/jwks.json).
 * `iat`/`exp` are the signing time: a message published late (after an outage) or replayed is
 * still fresh, and `jti` (fixed per outbox row) lets consumers drop copies.
 */
export class EventSigner {
  private readonly now: () => number;

  constructor(private readonly key: EventSigningKey, private readonly opts: { issuer: string; lifetimeSeconds: number; now?: () => number }) {
    this.now = opts.now ?? Date.now;
  }

  /** `payload` is the outbox payload `{record, changes?, name}`. Returns the message body (JSON). */
  sign(payload: Record<string, unknown>, jti: string): string {
    const { name, ...rest } = payload;
    const iat = Math.floor(this.now() / 1000);
    const claims = { iss: this.opts.issuer, jti, iat, exp: iat + this.opts.lifetimeSeconds, event: { ...rest, name } };
    const [protectedHeader, body, signature] = signCompact(claims, this.key.signingKey, this.key.algorithm).split('.');
    const envelope: EventEnvelope = { payload: body, signatures: [{ protected: protectedHeader, header: { kid: this.opts.issuer }, signature }] };
    return JSON.stringify(envelope);
  }
}

export class EventVerificationError extends Error {
  override readonly name = 'EventVerificationError';
}

/**
 * Checks a message the way a Barong consumer does: envelope shape, the expected signer name as
 * kid, a signature by one of the signer's keys (several while the JWT key rotates), expiry.
 * Returns the claims. (Warden's own tests and tools use it; consumers may port it.)
 */
export function verifyEventMessage(
  body: string | Buffer, signer: { kid: string; keys: ReadonlyArray<VerifyingKey> }, nowMs: number = Date.now(),
): EventClaims {
  let envelope: EventEnvelope;
  try {
    envelope = JSON.parse(body.toString()) as EventEnvelope;
  } catch {
    throw new EventVerificationError('message is not JSON');
  }
  const sig = Array.isArray(envelope?.signatures) && envelope.signatures.length === 1 ? envelope.signatures[0] : undefined;
  if (!sig || typeof envelope.payload !== 'string' || typeof sig.protected !== 'string' || typeof sig.signature !== 'string') {
    throw new EventVerificationError('not a general JSON JWS with one signature');
  }
  if (sig.header?.kid !== signer.kid) throw new EventVerificationError(`unknown kid ${String(sig.header?.kid)}`);
  const token = `${sig.protected}.${envelope.payload}.${sig.signature}`;
  let claims: Record<string, unknown> | undefined;
  let lastError = 'no key';
  for (const key of signer.keys) {
    try {
      claims = verifyCompact(token, key.publicKey, key.algorithm).claims;
      break;
    } catch (err) {
      lastError = (err as Error).message;
    }
  }
  if (!claims) throw new EventVerificationError(`bad signature (${lastError})`);
  if (typeof claims.exp !== 'number' || Math.floor(nowMs / 1000) >= claims.exp) throw new EventVerificationError('expired');
  if (typeof claims.jti !== 'string' || !claims.event || typeof (claims.event as { name?: unknown }).name !== 'string') {
    throw new EventVerificationError('claims lack jti or event.name');
  }
  return claims as unknown as EventClaims;
}
