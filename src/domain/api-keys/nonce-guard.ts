import type { KeyValueStore } from '../../infra/kv/port.js';

/** Keys per store call at most: a burst must not hold Redis in one long script. */
export const NONCE_BATCH_MAX = 256;

interface Waiting { pair: readonly [string, string]; resolve: (first: boolean) => void; reject: (err: unknown) => void }

/** The timestamp a nonce carries: its leading digits, in ms (0 when it has none). */
export function nonceStamp(nonce: string): number {
  return parseInt(/^\s*\d+/.exec(nonce)?.[0] ?? '0', 10);
}

/** Nonces are kept in one set per key and second of their timestamp. */
const BUCKET_MS = 1000;

/**
 * Replay guard of the API-key mode (BARONG.md §20.2a #18): a nonce is accepted once per key.
 * The nonces of one key are kept in a set per second of their timestamp (the leading digits,
 * milliseconds), created at the first nonce of that second. A nonce is only accepted within
 * ± windowMs of now, so a set first used at the earliest moment one of its nonces is valid
 * (windowMs before its second) must live until the last (windowMs after its second ends):
 * one second plus twice the window, plus two seconds for clocks of instances that differ.
 *
 * Checks go to the store together, as one addToSetsOnce: those of one event-loop turn, and
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
    this.ttlSeconds = Math.ceil((BUCKET_MS + 2 * windowMs) / 1000) + 2;
  }

  /** True the first time this (kid, nonce) pair is seen; false for a replay. */
  firstUse(kid: string, nonce: string, stamp = nonceStamp(nonce)): Promise<boolean> {
    const set = 'nonces:' + kid + ':' + Math.floor(stamp / BUCKET_MS);
    return new Promise((resolve, reject) => {
      this.waiting.push({ pair: [set, nonce], resolve, reject });
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
    this.kv.addToSetsOnce(batch.map((w) => w.pair), this.ttlSeconds).then(
      (set) => { done(); batch.forEach((w, i) => w.resolve(set[i] === true)); },
      (err: unknown) => { done(); for (const w of batch) w.reject(err); },
    );
  }
}
