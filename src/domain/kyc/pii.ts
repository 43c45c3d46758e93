import { createHmac } from 'node:crypto';
import { deriveSubkey, Encryptor } from '../../lib/aead.js';

/**
 * Field-level protection of personal data at rest (names, dob, address, postcode, city,
 * document and phone numbers).
 *
 * - `encryptField` / `decryptField`: AES-256-GCM through the shared `Encryptor` (ENCRYPTION_KEY);
 *   null/undefined/'' pass through as null so optional columns stay NULL.
 * - `blindIndex`: a deterministic keyed hash (HMAC-SHA256, hex) of the normalised value, so exact
 *   lookups ("every profile with last name X", "who owns this phone number") work without
 *   decrypting every row. The HMAC key is derived from ENCRYPTION_KEY with HKDF under its own
 *   label, so the index never reveals anything the cipher key would, and rotating
 *   ENCRYPTION_KEY means re-indexing.
 *
 * The API is stable: part B (documents, addresses) imports it.
 */
export class Pii {
  private readonly encryptor: Encryptor;
  private readonly indexKey: Buffer;
  private readonly purposeKeys = new Map<string, Buffer>();

  constructor(private readonly rootKey: Buffer) {
    this.encryptor = new Encryptor(rootKey);
    this.indexKey = deriveSubkey(rootKey, 'warden/pii/blind-index/v1');
  }

  encryptField(value: string | null | undefined): string | null {
    if (value === null || value === undefined || value === '') return null;
    return this.encryptor.encrypt(value);
  }

  /** Null when the column is empty or the ciphertext cannot be opened (other key, damaged row). */
  decryptField(sealed: string | null | undefined): string | null {
    if (!sealed) return null;
    try {
      return this.encryptor.decrypt(sealed);
    } catch {
      return null;
    }
  }

  /** 64 hex chars; null for an empty value (an empty string must not match every empty row). */
  blindIndex(value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    const normal = normalizeForIndex(value);
    if (normal === '') return null;
    return createHmac('sha256', this.indexKey).update(normal, 'utf8').digest('hex');
  }

  /**
   * HMAC-SHA256 hex of `value` (as is, not normalised) under a key derived for `purpose`, e.g.
   * the digest of a phone verification code: stored instead of the code, compared in constant time.
   */
  digest(purpose: string, value: string): string {
    let key = this.purposeKeys.get(purpose);
    if (!key) {
      key = deriveSubkey(this.rootKey, `warden/pii/digest/${purpose}`);
      this.purposeKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }
}

/**
 * What "the same value" means for a lookup: Unicode NFKC, case-folded, inner whitespace
 * collapsed, trimmed. "  Élise  DUPONT" and "élise dupont" index alike.
 */
export function normalizeForIndex(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

let shared: { key: Buffer; pii: Pii } | undefined;

/** One `Pii` per key (deriving the index key costs an HKDF); handy where only the key is at hand. */
export function piiFor(encryptionKey: Buffer): Pii {
  if (!shared || !shared.key.equals(encryptionKey)) shared = { key: encryptionKey, pii: new Pii(encryptionKey) };
  return shared.pii;
}
