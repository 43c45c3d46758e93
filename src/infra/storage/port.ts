/**
 * Where uploaded KYC files live. Objects are private: nothing here has a public URL; files
 * reach browsers only through Warden's short-lived signed URLs (signed-url.ts).
 * Keys are relative paths of safe segments (`document/upload/12/3f9c….jpg`).
 */
export interface FileStorage {
  readonly kind: 'local' | 'memory' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The bytes, or null when no object has this key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** True when the backend answers (readiness). */
  ping(): Promise<boolean>;
}

/** The backend could not be reached or refused the operation (Barong answers "Connection error"). */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Refuses keys that could escape the storage root or confuse an object store. */
export function assertStorageKey(key: string): void {
  const segments = key.split('/');
  const ok = key.length <= 512 && segments.length >= 1 && segments.every((s) => SEGMENT.test(s) && s !== '..' && !s.endsWith('.'));
  if (!ok) throw new Error(`invalid storage key: ${JSON.stringify(key)}`);
}
