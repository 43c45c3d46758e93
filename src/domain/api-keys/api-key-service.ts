import type { Db } from '../../db/db.js';
import { isUniqueViolation } from '../../db/db.js';
import { apiKeysRepo, type ApiKeyColumn, type ApiKeyPatch, type ApiKeyRecord, type KeyHolderType } from '../../db/repositories/api-keys.js';
import { ModelError } from '../../errors/app-error.js';
import type { Encryptor } from '../../lib/aead.js';
import { isApiKeyAlgorithm, type ApiKeyAlgorithm } from '../../lib/hmac.js';
import { randomHex } from '../../lib/random.js';
import type { Awaitable } from '../../lib/awaitable.js';

export type { ApiKeyColumn, ApiKeyPatch, ApiKeyRecord, KeyHolderType } from '../../db/repositories/api-keys.js';
export { API_KEY_COLUMNS } from '../../db/repositories/api-keys.js';

export interface KeyHolder { type: KeyHolderType; id: number; state: string }

/** What `create` returns: the only place the plaintext secret is ever revealed. */
export interface CreatedApiKey {
  kid: string; algorithm: ApiKeyAlgorithm; scope: string[]; state: string; secret: string;
  allowedIps: string[] | null; expiresAt: Date | null; createdAt: Date; updatedAt: Date;
}

/** What the gateway needs to check a signed request (§11.5). */
export interface VerificationKey {
  readonly kid: string; readonly algorithm: string; readonly secret: string; readonly state: string;
  readonly holderType: KeyHolderType; readonly holderId: number;
  /** CIDRs the caller's IP must fall in; null = any. */
  readonly allowedIps: readonly string[] | null;
  /** Epoch ms after which the key no longer authenticates; null = never. */
  readonly expiresAtMs: number | null;
}

export interface ApiKeyServiceOptions {
  /** How long a lookup (found or not) is served from memory; default 5000 ms. */
  cacheTtlMs?: number;
  /** Entries kept at most; the oldest are evicted beyond it; default 10000. */
  cacheMax?: number;
  now?: () => number;
}

interface CacheEntry { value: VerificationKey | null; expiresAt: number }

const KID_ATTEMPTS = 5;

export class ApiKeyService {
  private readonly cacheTtlMs: number;
  private readonly cacheMax: number;
  private readonly now: () => number;
  /** Insertion-ordered, so the first key is the oldest entry. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly unknown = new Set<string>();
  /** Concurrent misses of one kid share one database read. */
  private readonly inflight = new Map<string, Promise<VerificationKey | null>>();
  /** Bumped by every invalidation: a read that started before it must not refill the cache. */
  private epoch = 0;

  constructor(private readonly db: Db, private readonly encryptor: Encryptor, opts: ApiKeyServiceOptions = {}) {
    this.cacheTtlMs = opts.cacheTtlMs ?? 5000;
    this.cacheMax = Math.max(0, opts.cacheMax ?? 10_000);
    this.now = opts.now ?? Date.now;
  }

  /**
   * Creates a key for an active holder (BARONG.md §2.10). kid: 16 lower-case hex (unique);
   * secret: 32 lower-case hex, stored sealed. Model errors: `kid.blank` + `algorithm.inclusion`
   * for an algorithm that is not HS* (Barong only assigns a kid to HS algorithms; an unknown
   * HS* algorithm gets `algorithm.inclusion` alone), `key_holder_account.invalid` for a
   * holder that is not active.
   */
  async create(holder: KeyHolder, input: { algorithm: string; scope?: string[]; allowedIps?: string[] | null; expiresAt?: Date | null }): Promise<CreatedApiKey> {
    const algorithm = input.algorithm;
    const errors: string[] = [];
    if (!isApiKeyAlgorithm(algorithm)) {
      if (typeof algorithm !== 'string' || !algorithm.startsWith('HS')) errors.push('kid.blank');
      errors.push('algorithm.inclusion');
    }
    if (holder.state !== 'active') errors.push('key_holder_account.invalid');
    if (errors.length > 0 || !isApiKeyAlgorithm(algorithm)) throw new ModelError(errors);

    const scope = [...(input.scope ?? [])];
    const secret = randomHex(32);
    let secretEncrypted: string;
    try {
      secretEncrypted = this.encryptor.encrypt(secret);
    } catch {
      throw new ModelError(['api_key.could_not_save_secret']);
    }
    for (let attempt = 1; ; attempt++) {
      const kid = randomHex(16);
      try {
        const row = await apiKeysRepo.insert(this.db, {
          holderType: holder.type, holderId: holder.id, kid, algorithm, scope, secretEncrypted, allowedIps: input.allowedIps ?? null, expiresAt: input.expiresAt ?? null,
        });
        // A "not found" for this kid may have been cached by a probe before it existed.
        this.invalidate(kid);
        return {
          kid: row.kid, algorithm, scope: row.scope, state: row.state, secret, allowedIps: row.allowedIps, expiresAt: row.expiresAt,
          createdAt: row.createdAt, updatedAt: row.updatedAt,
        };
      } catch (err) {
        if (attempt < KID_ATTEMPTS && isUniqueViolation(err, 'index_apikeys_on_kid')) continue;
        throw err;
      }
    }
  }

  /**
   * The key with its secret decrypted, or null when unknown (or without a secret, which could
   * never verify). Found and not-found answers are both served from memory for cacheTtlMs.
   */
  forVerification(kid: string): Awaitable<VerificationKey | null> {
    const t = this.now();
    const hit = this.cache.get(kid);
    if (hit) {
      if (hit.expiresAt > t) return hit.value; // the common case: no promise at all
      this.cache.delete(kid);
      this.unknown.delete(kid);
    }
    const pending = this.inflight.get(kid);
    if (pending) return pending;

    const epoch = this.epoch;
    const read = (async () => {
      const row = await apiKeysRepo.byKid(this.db, kid);
      const value = row ? this.toVerificationKey(row) : null;
      if (epoch === this.epoch) this.remember(kid, value);
      return value;
    })();
    this.inflight.set(kid, read);
    return read.finally(() => {
      if (this.inflight.get(kid) === read) this.inflight.delete(kid);
    });
  }

  /** Drops one kid, or everything (pub/sub notification from another instance). */
  invalidate(kid?: string): void {
    this.epoch++;
    if (kid === undefined) {
      this.cache.clear();
      this.unknown.clear();
      this.inflight.clear();
    } else {
      this.cache.delete(kid);
      this.unknown.delete(kid);
      this.inflight.delete(kid);
    }
  }

  /** The key of this holder, or null (a kid of someone else is as good as unknown). */
  async ofHolder(holder: { type: KeyHolderType; id: number }, kid: string): Promise<ApiKeyRecord | null> {
    const row = await apiKeysRepo.byKid(this.db, kid);
    return row && row.holderType === holder.type && row.holderId === holder.id ? row : null;
  }

  page(holder: { type: KeyHolderType; id: number }, o: { orderBy: ApiKeyColumn; ordering: 'asc' | 'desc'; page: number; limit: number }) {
    return apiKeysRepo.pageForHolder(this.db, holder.type, holder.id, o);
  }

  /**
   * Updates a key of the holder. Activating a key of a holder that is not active is refused
   * (`state.invalid`, BARONG.md §2.10). Fields absent from the patch keep their value
   * (Warden fix #5: an update without `scope` keeps the scope).
   */
  async update(holder: KeyHolder, kid: string, patch: ApiKeyPatch): Promise<ApiKeyRecord | null> {
    if (patch.state === 'active' && holder.state !== 'active') throw new ModelError(['state.invalid']);
    const row = await this.ofHolder(holder, kid);
    if (!row) return null;
    try {
      return await apiKeysRepo.update(this.db, kid, patch);
    } finally {
      this.invalidate(kid);
    }
  }

  async setState(kid: string, state: string): Promise<ApiKeyRecord | null> {
    try {
      return await apiKeysRepo.setState(this.db, kid, state);
    } finally {
      this.invalidate(kid);
    }
  }

  /** Active keys of the holder become inactive (2FA disabled, holder banned/disabled); returns the kids changed. */
  async deactivateForHolder(type: KeyHolderType, id: number): Promise<string[]> {
    const kids = await apiKeysRepo.setStateForHolder(this.db, type, id, 'active', 'inactive');
    for (const kid of kids) this.invalidate(kid);
    return kids;
  }

  async delete(kid: string): Promise<boolean> {
    try {
      return await apiKeysRepo.delete(this.db, kid);
    } finally {
      this.invalidate(kid);
    }
  }

  /** Entries currently held (tests: the cache stays bounded). */
  get cacheSize(): number {
    return this.cache.size;
  }

  private toVerificationKey(row: ApiKeyRecord): VerificationKey | null {
    if (!row.secretEncrypted) return null;
    return Object.freeze({
      kid: row.kid, algorithm: row.algorithm, secret: this.encryptor.decrypt(row.secretEncrypted), state: row.state,
      holderType: row.holderType, holderId: row.holderId, allowedIps: row.allowedIps ? Object.freeze([...row.allowedIps]) : null,
      expiresAtMs: row.expiresAt ? row.expiresAt.getTime() : null,
    });
  }

  private remember(kid: string, value: VerificationKey | null): void {
    if (this.cacheMax === 0 || this.cacheTtlMs <= 0) return;
    this.cache.delete(kid);
    this.unknown.delete(kid);
    if (value === null) {
      // "Not found" answers may take at most a tenth of the cache, so a flood of made-up kids
      // cannot push the real keys out (it still costs one query per kid, as without a cache).
      if (this.unknown.size >= Math.max(1, Math.floor(this.cacheMax / 10))) return;
      this.unknown.add(kid);
    }
    this.cache.set(kid, { value, expiresAt: this.now() + this.cacheTtlMs });
    while (this.cache.size > this.cacheMax) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
      this.unknown.delete(oldest);
    }
  }
}
