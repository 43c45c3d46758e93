import { verifyJoseSignature } from '../../lib/jws.js';
import { keyFits, type ClaimOptions, type ManagementSettings } from './keychain.js';
import { ManagementError } from './errors.js';

export const FAILED_TO_VERIFY = 'Failed to verify JWT.';
export const NOT_ENOUGH_SIGNATURES = 'Not enough signatures for the action.';

const B64URL = /^[A-Za-z0-9_-]*$/;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const refuse = () => new ManagementError(401, FAILED_TO_VERIFY);

function decodeJson(part: unknown): unknown {
  if (typeof part !== 'string' || !B64URL.test(part)) throw refuse();
  try { return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')); } catch { throw refuse(); }
}

function checkClaims(claims: Record<string, unknown>, o: ClaimOptions, nowSeconds: number): void {
  const num = (k: string) => {
    const v = claims[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw refuse();
    return v;
  };
  const exp = num('exp');
  if (o.verifyExpiration && exp !== undefined && exp <= nowSeconds - o.leeway) throw refuse();
  const nbf = num('nbf');
  if (o.verifyNotBefore && nbf !== undefined && nbf > nowSeconds + o.leeway) throw refuse();
  const iat = num('iat');
  if (o.verifyIat && (iat === undefined || iat > nowSeconds + o.leeway)) throw refuse();
  if (o.verifyJti && (typeof claims.jti !== 'string' || claims.jti === '')) throw refuse();
  if (o.iss !== undefined && !o.iss.includes(claims.iss as string)) throw refuse();
  if (o.sub !== undefined && claims.sub !== o.sub) throw refuse();
  if (o.aud !== undefined) {
    const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => o.aud!.includes(a as string))) throw refuse();
  }
}

/**
 * Steps 5–7 of BARONG.md §9.1 on a parsed body: verifies every signature of a permitted
 * signer (the others are ignored, as jwt-multisig does), the claims, then the mandatory
 * signers; returns `payload.data`, which replaces the request parameters.
 */
export function verifyEnvelope(body: unknown, scope: string, s: ManagementSettings, nowSeconds: number): Record<string, unknown> {
  const rule = s.scopes.get(scope);
  if (!rule || !isObj(body) || !Array.isArray(body.signatures)) throw refuse();
  const payloadPart = body.payload;
  const payload = decodeJson(payloadPart);
  if (!isObj(payload)) throw refuse();
  const verified = new Set<string>();
  for (const jws of body.signatures) {
    if (!isObj(jws) || !isObj(jws.header) || typeof jws.header.kid !== 'string') throw refuse();
    const kid = jws.header.kid;
    const signer = rule.permitted.includes(kid) ? s.keychain.get(kid) : undefined;
    if (!signer) continue;
    const header = decodeJson(jws.protected);
    if (!isObj(header) || typeof header.alg !== 'string' || !keyFits(header.alg, signer.key)) throw refuse();
    if (typeof jws.signature !== 'string' || !B64URL.test(jws.signature)) throw refuse();
    const input = `${jws.protected as string}.${payloadPart as string}`;
    if (!verifyJoseSignature(header.alg, input, Buffer.from(jws.signature, 'base64url'), signer.key)) throw refuse();
    checkClaims(payload, s.jwt, nowSeconds);
    verified.add(kid);
  }
  if (!rule.mandatory.every((m) => verified.has(m))) throw new ManagementError(401, NOT_ENOUGH_SIGNATURES);
  const data = payload.data;
  if (data === undefined || data === null) return {};
  if (!isObj(data)) throw refuse();
  return data;
}
