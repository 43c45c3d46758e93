import type { KeyValueStore } from '../../infra/kv/port.js';

/**
 * Replay guard of the API-key mode (BARONG.md §20.2a #18): a nonce is accepted once per key.
 * A nonce is only valid within ± windowMs of now, so remembering it for twice the window
 * (plus a second of rounding) covers its whole validity.
 */
export class NonceGuard {
  private readonly ttlSeconds: number;

  constructor(private readonly kv: KeyValueStore, windowMs: number) {
    this.ttlSeconds = Math.ceil((2 * windowMs) / 1000) + 1;
  }

  /** True the first time this (kid, nonce) pair is seen; false for a replay. */
  async firstUse(kid: string, nonce: string): Promise<boolean> {
    return this.kv.setIfAbsent('nonce:' + kid + ':' + nonce, '1', this.ttlSeconds);
  }
}
