import type { KeyValueStore } from '../../infra/kv/port.js';

/** Keys per store call at most: a burst must not hold Redis in one long script. */
export const NONCE_BATCH_MAX = 256;

interface Waiting { key: string; resolve: (first: boolean) => void; reject: (err: unknown) => void }

/**
 * Replay guard of the API-key mode (BARONG.md §20.2a #18): a nonce is accepted once per key.
 * A nonce is only valid within ± windowMs of now, so remembering it for twice the window
 * (plus a second of rounding) covers its whole validity.
 *
 * Checks go to the store together, as one setManyIfAbsent: those of one event-loop turn, and
 * while a call is out, every check made until it answers. Under load that is one Redis
 * command per 10-20 requests instead of one each; each command is a socket write that wakes
 * Redis, which on a small machine cost the event loop more than the check itself
 * (bench/gateway.mjs: 51-57 -> 42-47 µs per API-key check with one call out at a time). When
 * idle, a check waits at most the rest of its turn.
 */
export class NonceGuard {
  private readonly ttlSeconds: number;
  private waiting: Waiting[] = [];
  /** Store calls sent and not answered yet. */
  private pending = 0;
  private scheduled = false;

  constructor(private readonly kv: KeyValueStore, windowMs: number) {
    this.ttlSeconds = Math.ceil((2 * windowMs) / 1000) + 1;
  }

  /** True the first time this (kid, nonce) pair is seen; false for a replay. */
  firstUse(kid: string, nonce: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key: 'nonce:' + kid + ':' + nonce, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.pending > 0) return;
    this.scheduled = true;
    setImmediate(() => { this.scheduled = false; this.flush(); });
  }

  private flush(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (let i = 0; i < waiting.length; i += NONCE_BATCH_MAX) this.send(waiting.slice(i, i + NONCE_BATCH_MAX));
  }

  private send(batch: Waiting[]): void {
    this.pending++;
    const done = () => { if (--this.pending === 0 && this.waiting.length > 0) this.schedule(); };
    this.kv.setManyIfAbsent(batch.map((w) => w.key), '1', this.ttlSeconds).then(
      (set) => { done(); batch.forEach((w, i) => w.resolve(set[i] === true)); },
      (err: unknown) => { done(); for (const w of batch) w.reject(err); },
    );
  }
}
