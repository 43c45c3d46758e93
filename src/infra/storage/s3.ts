import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertStorageKey, StorageUnavailableError, type FileStorage } from './port.js';

export interface S3Options {
  bucket: string;
  /** https://… of an S3-compatible service (MinIO, R2, Spaces, …); unset = AWS. */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (most self-hosted stores). */
  forcePathStyle: boolean;
  /** Prepended to every key, e.g. `warden/`. */
  prefix?: string;
}

/**
 * Private objects in any S3-compatible store. Objects are never made public and never given
 * presigned S3 URLs: Warden streams them through its own signed URL route, so the store can
 * stay unreachable from browsers.
 */
export class S3FileStorage implements FileStorage {
  readonly kind = 's3' as const;
  private readonly client: S3Client;

  constructor(private readonly o: S3Options) {
    this.client = new S3Client({
      region: o.region,
      endpoint: o.endpoint,
      forcePathStyle: o.forcePathStyle,
      credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
      maxAttempts: 2,
      // Many S3-compatible stores do not know the newer default checksum headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5000, requestTimeout: 20000 },
    });
  }

  private keyOf(key: string): string {
    assertStorageKey(key);
    return (this.o.prefix ?? '') + key;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const Key = this.keyOf(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.o.bucket, Key, Body: body, ContentType: contentType, ContentLength: body.length }));
    } catch (err) {
      throw new StorageUnavailableError('object store write failed', { cause: err });
    }
  }

  async get(key: string): Promise<Buffer | null> {
    const Key = this.keyOf(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new StorageUnavailableError('object store read failed', { cause: err });
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.keyOf(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw new StorageUnavailableError('object store delete failed', { cause: err });
    }
  }

  async ping(): Promise<boolean> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.o.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}
