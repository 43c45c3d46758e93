import { assertStorageKey, type FileStorage } from './port.js';

/** In-process twin of the storage port for tests. */
export class MemoryFileStorage implements FileStorage {
  readonly kind = 'memory' as const;
  private readonly objects = new Map<string, { body: Buffer; contentType: string }>();

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertStorageKey(key);
    this.objects.set(key, { body: Buffer.from(body), contentType });
  }

  async get(key: string): Promise<Buffer | null> {
    assertStorageKey(key);
    const o = this.objects.get(key);
    return o ? Buffer.from(o.body) : null;
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    this.objects.delete(key);
  }

  async ping(): Promise<boolean> { return true; }

  /** Test helper: how many objects are stored. */
  get size(): number { return this.objects.size; }
}
