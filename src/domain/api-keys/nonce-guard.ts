import type { KeyValueStore } from '../../infra/kv/port.js';

/** Keys per store call at most: a burst must not hold Redis in one long script. */
export const NONCE_BATCH_MAX = 256;

interface Waiting { key: string; resolve: (first: boolean) => void; reject: (err: unknown) => void }

/**
 * Replay guard of the API-key mode (BARONG.md §20.2a #18): a nonce is accepted once per key.
 * A nonce is only valid within ± windowMs of now, so remembering it for twice the window
 * (plus a second of rounding) covers its whole validity.
 *
 * Checks asked for in the same event-loop turn go to the store as one setManyIfAbsent: under
 * load that is one Redis command for a whole turn of requests instead of one each (the
 * per-command client work was a tenth of the API-key path's CPU, bench/gateway.mjs). The
 * wait is at most the rest of the current turn.
 */
export class NonceGuard {
  private readonly ttlSeconds: number;
  private waiting: Waiting[] = [];

  constructor(private readonly kv: KeyValueStore, windowMs: number) {
    this.ttlSeconds = Math.ceil((2 * windowMs) / 1000) + 1;
  }

  /** True the first time this (kid, nonce) pair is seen; false for a replay. */
  firstUse(kid: string, nonce: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ key: 'nonce:' + kid + ':' + nonce, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let i = 0; i < waiting.length; i += NONCE_BATCH_MAX) this.send(waiting.slice(i, i + NONCE_BATCH_MAX));
  }

  private send(batch: Waiting[]): void {
    this.kv.setManyIfAbsent(batch.map((w) => w.key), '1', this.ttlSeconds).then(
      (set) => { batch.forEach((w, i) => w.resolve(set[i] === true)); },
      (err: unknown) => { for (const w of batch) w.reject(err); },
    );
  }
}
