import bcrypt from 'bcryptjs';

export interface Argon2Params { memoryKiB: number; timeCost: number; parallelism: number }

/** What the password hasher needs from an argon2id implementation (infra/hashing has the real one). */
export interface Argon2Engine {
  hash(password: string, params: Argon2Params): Promise<string>;
  /** false for a wrong password and for a digest that is not argon2 at all. */
  verify(digest: string, password: string): Promise<boolean>;
}

// Parameters in either order: node-argon2 wrote m,p,t where the reference implementation writes m,t,p.
const PHC_ARGON2ID = /^\$argon2id\$v=19\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/;

/**
 * argon2id hashing through an engine that never runs on the event loop. bcrypt digests imported
 * from a Barong database verify and report needsRehash.
 */
export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(readonly params: Argon2Params, private readonly engine: Argon2Engine) {}

  hash(password: string): Promise<string> {
    return this.engine.hash(password, this.params);
  }

  async verify(digest: string, password: string): Promise<boolean> {
    try {
      if (digest.startsWith('$2')) return await bcrypt.compare(password, digest);
      return await this.engine.verify(digest, password);
    } catch {
      return false;
    }
  }

  /** True unless the digest is argon2id (v1.3) with exactly the configured parameters. */
  needsRehash(digest: string): boolean {
    const m = PHC_ARGON2ID.exec(digest);
    if (!m) return true;
    const got = new Map(m[1]!.split(',').map((kv) => [kv[0], Number(kv.slice(2))] as const));
    const { memoryKiB, timeCost, parallelism } = this.params;
    return got.size !== 3 || got.get('m') !== memoryKiB || got.get('t') !== timeCost || got.get('p') !== parallelism;
  }

  /** Spends the same time as a real verification when the account does not exist (no timing oracle). */
  async verifyDummy(password: string): Promise<false> {
    this.dummy ??= this.hash('warden-dummy-password-for-unknown-accounts');
    await this.verify(await this.dummy, password);
    return false;
  }
}
