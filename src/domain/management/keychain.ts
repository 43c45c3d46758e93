import fs from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import YAML from 'yaml';

/** Signature algorithms a management signer may use (asymmetric only: the keychain holds public keys). */
export const MANAGEMENT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type ManagementAlgorithm = (typeof MANAGEMENT_ALGORITHMS)[number];

export interface Signer { readonly name: string; readonly algorithm: ManagementAlgorithm; readonly key: KeyObject }
export interface ScopeRule { readonly permitted: readonly string[]; readonly mandatory: readonly string[] }
/** Claim checks (BARONG.md §9.1 step 5): exp/nbf when present, the others only when configured. */
export interface ClaimOptions {
  readonly leeway: number;
  readonly verifyExpiration: boolean;
  readonly verifyNotBefore: boolean;
  /** Accepted issuers (ruby-jwt takes one or a list). */
  readonly iss?: readonly string[];
  /** Accepted audiences: the token must name at least one (one or a list, as ruby-jwt). */
  readonly aud?: readonly string[];
  readonly sub?: string;
  readonly verifyIat: boolean;
  readonly verifyJti: boolean;
}
export interface ManagementSettings {
  readonly keychain: ReadonlyMap<string, Signer>;
  readonly scopes: ReadonlyMap<string, ScopeRule>;
  readonly jwt: ClaimOptions;
}

/** Unset MANAGEMENT_API_FILE: no scope, so every request is refused. */
export const NO_MANAGEMENT: ManagementSettings = {
  keychain: new Map(), scopes: new Map(),
  jwt: { leeway: 30, verifyExpiration: true, verifyNotBefore: true, verifyIat: false, verifyJti: false },
};

const VAR = 'MANAGEMENT_API_FILE';
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The key types each algorithm needs, so a header cannot switch an RSA signer to EC (or back). */
export function keyFits(alg: string, key: KeyObject): boolean {
  const type = key.asymmetricKeyType;
  if (alg.startsWith('RS')) return type === 'rsa';
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  const curve = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' }[alg];
  return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === curve;
}

function publicKey(name: string, value: unknown, file: string): KeyObject {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`${VAR}: ${file}: keychain.${name}.value must be a PEM public key (plain or base64url)`);
  const pem = value.includes('-----BEGIN') ? value : Buffer.from(value.trim(), 'base64url').toString('utf8');
  // A signer's private key has no business on this server: refuse it rather than derive the public half.
  if (/PRIVATE KEY/.test(pem)) throw new Error(`${VAR}: ${file}: keychain.${name}.value is a private key; give the signer's public key`);
  try {
    return createPublicKey(pem);
  } catch {
    throw new Error(`${VAR}: ${file}: keychain.${name}.value is not a PEM public key`);
  }
}

function names(v: unknown, where: string, file: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw new Error(`${VAR}: ${file}: ${where} must be a list of signer names`);
  return v as string[];
}

function claimOptions(raw: unknown, file: string): ClaimOptions {
  if (raw === undefined || raw === null) return NO_MANAGEMENT.jwt;
  if (!isObj(raw)) throw new Error(`${VAR}: ${file}: jwt must be a map of verify options`);
  // A value that is set but unusable stops the boot: ignoring it would silently skip the check.
  const str = (k: string) => {
    if (raw[k] === undefined || raw[k] === null) return undefined;
    if (typeof raw[k] !== 'string') throw new Error(`${VAR}: ${file}: jwt.${k} must be a string`);
    return raw[k] as string;
  };
  const list = (k: string) => {
    const v = raw[k];
    if (v === undefined || v === null) return undefined;
    const items = Array.isArray(v) ? v : [v];
    if (items.length === 0 || !items.every((x) => typeof x === 'string' && x !== '')) throw new Error(`${VAR}: ${file}: jwt.${k} must be a string or a list of strings`);
    return items as string[];
  };
  const leeway = raw.leeway ?? NO_MANAGEMENT.jwt.leeway;
  if (typeof leeway !== 'number' || leeway < 0) throw new Error(`${VAR}: ${file}: jwt.leeway must be seconds (a number ≥ 0)`);
  return {
    leeway,
    verifyExpiration: raw.verify_expiration !== false,
    verifyNotBefore: raw.verify_not_before !== false,
    iss: raw.verify_iss === false ? undefined : list('iss'),
    aud: raw.verify_aud === false ? undefined : list('aud'),
    sub: raw.verify_sub === false ? undefined : str('sub'),
    verifyIat: raw.verify_iat === true,
    verifyJti: raw.verify_jti === true,
  };
}

/**
 * Reads a management API file shaped like Barong's config/management_api.yml (YAML or JSON).
 * Anything that would weaken verification stops the boot, naming MANAGEMENT_API_FILE.
 */
export function readManagementFile(file: string): ManagementSettings {
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${VAR}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isObj(doc) || !isObj(doc.keychain) || !isObj(doc.scopes)) throw new Error(`${VAR}: ${file}: expected keychain: {signer: {algorithm, value}} and scopes: {scope: {permitted_signers, mandatory_signers}}`);
  const keychain = new Map<string, Signer>();
  for (const [name, entry] of Object.entries(doc.keychain)) {
    if (!isObj(entry)) throw new Error(`${VAR}: ${file}: keychain.${name} must be {algorithm, value}`);
    const algorithm = entry.algorithm;
    if (!(MANAGEMENT_ALGORITHMS as readonly unknown[]).includes(algorithm)) throw new Error(`${VAR}: ${file}: keychain.${name}.algorithm must be one of ${MANAGEMENT_ALGORITHMS.join(', ')}`);
    const key = publicKey(name, entry.value, file);
    if (!keyFits(algorithm as string, key)) throw new Error(`${VAR}: ${file}: keychain.${name}: the key does not fit ${String(algorithm)}`);
    keychain.set(name, { name, algorithm: algorithm as ManagementAlgorithm, key });
  }
  const scopes = new Map<string, ScopeRule>();
  for (const [scope, rule] of Object.entries(doc.scopes)) {
    if (!isObj(rule)) throw new Error(`${VAR}: ${file}: scopes.${scope} must be {permitted_signers, mandatory_signers}`);
    const permitted = names(rule.permitted_signers, `scopes.${scope}.permitted_signers`, file);
    const mandatory = names(rule.mandatory_signers, `scopes.${scope}.mandatory_signers`, file);
    // An empty list would let any single permitted signer (or none at all) act.
    if (mandatory.length === 0) throw new Error(`${VAR}: ${file}: scopes.${scope}.mandatory_signers must not be empty`);
    for (const s of [...permitted, ...mandatory]) if (!keychain.has(s)) throw new Error(`${VAR}: ${file}: scopes.${scope}: signer ${s} is not in the keychain`);
    for (const s of mandatory) if (!permitted.includes(s)) throw new Error(`${VAR}: ${file}: scopes.${scope}: mandatory signer ${s} must also be permitted`);
    scopes.set(scope, { permitted, mandatory });
  }
  return { keychain, scopes, jwt: claimOptions(doc.jwt, file) };
}
