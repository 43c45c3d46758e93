import fs from 'node:fs';
import path from 'node:path';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { privateKeyFromPem, publicKeyOf, type JwsAlgorithm } from '../../lib/jws.js';
import { parseEncryptionKey } from '../../lib/aead.js';
import type { Db } from '../../db/db.js';

export interface Keys {
  readonly algorithm: JwsAlgorithm;
  readonly signingKey: KeyObject;
  readonly publicKey: KeyObject;
  /** Key id published in the JWKS and set in JWT headers. */
  readonly kid: string;
  readonly encryptionKey: Buffer;
  /**
   * Keys a Bearer token may be signed with, all published in the JWKS: the current key first,
   * then the previous ones still accepted after a rotation (JWT_PREVIOUS_PUBLIC_KEYS).
   */
  readonly verificationKeys: ReadonlyArray<VerificationKey>;
}

export interface VerificationKey { readonly kid: string; readonly algorithm: JwsAlgorithm; readonly publicKey: KeyObject }

export function generateSigningKeyPem(alg: JwsAlgorithm): string {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('ed25519');
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 16);
}

/** The JWS algorithm a public key signs with: rsa → RS256, ec P-256 → ES256, ed25519 → EdDSA. */
export function algorithmOf(key: KeyObject): JwsAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  return undefined;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Parses JWT_PREVIOUS_PUBLIC_KEYS: concatenated PEM public keys (inline, `\n` escapes allowed).
 * Anything else — a private key, a truncated block, stray text, an unsupported key type — is
 * refused at boot with the block's position, rather than silently ignored.
 */
export function parsePreviousPublicKeys(text: string | undefined): VerificationKey[] {
  if (text === undefined || text.trim() === '') return [];
  const pem = text.replace(/\\n/g, '\n');
  const keys: VerificationKey[] = [];
  let n = 0;
  for (const m of pem.matchAll(PEM_BLOCK)) {
    n += 1;
    const where = `JWT_PREVIOUS_PUBLIC_KEYS block ${n} (${m[1]})`;
    if (m[1].includes('PRIVATE')) throw new Error(`${where} is a private key: give only the public key of a previous signing key`);
    let publicKey: KeyObject;
    try {
      publicKey = createPublicKey(m[0]);
    } catch (e) {
      throw new Error(`${where} is not a valid PEM public key: ${(e as Error).message}`);
    }
    const algorithm = algorithmOf(publicKey);
    if (!algorithm) {
      const curve = publicKey.asymmetricKeyDetails?.namedCurve;
      throw new Error(`${where} is an unsupported ${publicKey.asymmetricKeyType}${curve ? ` ${curve}` : ''} key: only RSA, EC P-256 and Ed25519 keys are supported`);
    }
    keys.push({ kid: keyIdOf(publicKey), algorithm, publicKey });
  }
  const rest = pem.replace(PEM_BLOCK, '').trim();
  if (rest !== '') throw new Error(`JWT_PREVIOUS_PUBLIC_KEYS holds text that is not a complete PEM block near "${rest.slice(0, 40)}"`);
  return keys;
}

/** Reads a key from the file, or generates it there (mode 0600) on first boot. */
function fileBacked(file: string, generate: () => string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const value = generate();
  fs.writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
  return value;
}

/**
 * Loads the JWT signing key and the encryption key from the environment, or from DATA_DIR
 * where they are generated on first boot. The JWT PEM may be given inline or as a path.
 */
export function loadKeys(opts: { jwtPrivateKey?: string; encryptionKey?: string; algorithm: JwsAlgorithm; dataDir: string; previousPublicKeys?: string }): Keys {
  const jwtText = opts.jwtPrivateKey
    ? (opts.jwtPrivateKey.includes('-----BEGIN') ? opts.jwtPrivateKey.replace(/\\n/g, '\n') : fs.readFileSync(opts.jwtPrivateKey, 'utf8'))
    : fileBacked(path.join(opts.dataDir, 'keys', `jwt-${opts.algorithm.toLowerCase()}.pem`), () => generateSigningKeyPem(opts.algorithm));
  const signingKey = privateKeyFromPem(jwtText);
  const expected = { RS256: 'rsa', ES256: 'ec', EdDSA: 'ed25519' }[opts.algorithm];
  if (signingKey.asymmetricKeyType !== expected) {
    throw new Error(`JWT_PRIVATE_KEY is a ${signingKey.asymmetricKeyType} key but JWT_ALGORITHM=${opts.algorithm} needs ${expected}`);
  }
  const encText = opts.encryptionKey
    ?? fileBacked(path.join(opts.dataDir, 'keys', 'encryption.key'), () => randomBytes(32).toString('hex'));
  const publicKey = publicKeyOf(signingKey);
  const kid = keyIdOf(publicKey);
  if (opts.algorithm === 'ES256' && publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`JWT_PRIVATE_KEY is an EC ${publicKey.asymmetricKeyDetails?.namedCurve} key but ES256 needs P-256`);
  }
  // The current key first; a previous key equal to it (or listed twice) is published once.
  const verificationKeys: VerificationKey[] = [{ kid, algorithm: opts.algorithm, publicKey }];
  for (const k of parsePreviousPublicKeys(opts.previousPublicKeys)) {
    if (!verificationKeys.some((v) => v.kid === k.kid)) verificationKeys.push(k);
  }
  return { algorithm: opts.algorithm, signingKey, publicKey, kid, encryptionKey: parseEncryptionKey(encText), verificationKeys };
}

/**
 * A database remembers the fingerprints of the keys it was first used with. An instance with
 * other keys (typically a second instance that generated its own because JWT_PRIVATE_KEY or
 * ENCRYPTION_KEY was not set) is refused at boot rather than issuing tokens the others reject
 * or sealing secrets they cannot read.
 */
export async function assertKeysMatchDatabase(db: Db, keys: Keys): Promise<void> {
  const prints = {
    jwt: keys.kid,
    encryption: createHash('sha256').update('warden-encryption-key-check').update(keys.encryptionKey).digest('hex').slice(0, 32),
  };
  for (const [purpose, fingerprint] of Object.entries(prints)) {
    await db.query('INSERT INTO key_fingerprints (purpose, fingerprint) VALUES ($1, $2) ON CONFLICT (purpose) DO NOTHING', [purpose, fingerprint]);
    const [row] = await db.query<{ fingerprint: string }>('SELECT fingerprint FROM key_fingerprints WHERE purpose = $1', [purpose]);
    if (row.fingerprint !== fingerprint) {
      const variable = purpose === 'jwt' ? 'JWT_PRIVATE_KEY' : 'ENCRYPTION_KEY';
      throw new Error(`this database was initialised with another ${purpose} key: set ${variable} to the key every instance shares`);
    }
  }
}
