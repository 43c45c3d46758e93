import { statusOf, type ErrorKey } from './keys.js';

/**
 * A failure the caller is meant to see. `keys` are rendered as `{"errors": keys}` by the
 * Barong error handler (other front doors translate them). `cause` is logged, never sent.
 */
export class AppError extends Error {
  readonly keys: readonly string[];
  readonly status: number;

  constructor(key: ErrorKey, opts?: { status?: number; cause?: unknown });
  constructor(keys: readonly string[], opts: { status: number; cause?: unknown });
  constructor(keyOrKeys: ErrorKey | readonly string[], opts: { status?: number; cause?: unknown } = {}) {
    const keys = typeof keyOrKeys === 'string' ? [keyOrKeys] : keyOrKeys;
    super(keys.join(', '), { cause: opts.cause });
    this.name = 'AppError';
    this.keys = keys;
    this.status = opts.status ?? (typeof keyOrKeys === 'string' ? statusOf(keyOrKeys) : 422);
  }
}

/** Domain validation failures (`email.taken`, `password.weak` …): always 422. */
export class ModelError extends AppError {
  constructor(keys: readonly string[]) {
    super(dedupe(keys), { status: 422 });
    this.name = 'ModelError';
  }
}

function dedupe(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

/** Validation of request parameters failed (`identity.user.missing_email` …): 422. */
export class ValidationError extends AppError {
  constructor(keys: readonly string[]) {
    super(keys, { status: 422 });
    this.name = 'ValidationError';
  }
}
