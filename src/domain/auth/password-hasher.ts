import argon2 from 'argon2';
import bcrypt from 'bcryptjs';

export interface Argon2Params { memoryKiB: number; timeCost: number; parallelism: number }

/**
 * argon2id hashing. The native addon runs on libuv's thread pool, so hashing never blocks the
 * event loop. bcrypt digests imported from a Barong database verify and report needsRehash.
 */
export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(readonly params: Argon2Params) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, {
      type: argon2.argon2id, memoryCost: this.params.memoryKiB, timeCost: this.params.timeCost, parallelism: this.params.parallelism,
    });
  }

  async verify(digest: string, password: string): Promise<boolean> {
    try {
      if (digest.startsWith('$2')) return await bcrypt.compare(password, digest);
      return await argon2.verify(digest, password);
    } catch {
      return false;
    }
  }

  needsRehash(digest: string): boolean {
    if (!digest.startsWith('$argon2id$')) return true;
    return argon2.needsRehash(digest, { memoryCost: this.params.memoryKiB, timeCost: this.params.timeCost, parallelism: this.params.parallelism });
  }

  /** Spends the same time as a real verification when the account does not exist (no timing oracle). */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('warden-dummy-password-for-unknown-accounts');
    await this.verify(await this.dummy, password);
    return false;
  }
}
