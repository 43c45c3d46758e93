import sharp from 'sharp';
import type { Db } from '../../db/db.js';
import { avatarsRepo, type AvatarRecord } from '../../db/repositories/avatars.js';
import { ModelError } from '../../errors/app-error.js';
import type { FileStorage } from '../../infra/storage/port.js';
import { randomHex } from '../../lib/random.js';
import type { User } from '../users/user.js';
import { placeholderPng } from './placeholder.js';

/** The served sizes (square, pixels): `profile_image` and `profile_image/big`. */
export const AVATAR_SIZES = { small: 64, big: 150 } as const;
export type AvatarSize = keyof typeof AVATAR_SIZES;

export interface AvatarImage { body: Buffer; contentType: 'image/png'; etag: string; placeholder: boolean }

export interface AvatarDeps { db: Db; storage: FileStorage; maxBytes: number; log: { warn(o: object, msg: string): void } }

/** Larger inputs are refused before decoding (a small file can claim a huge canvas). */
const MAX_INPUT_PIXELS = 40_000_000;

/** JPEG, PNG, GIF or WebP by their first bytes; anything else (SVG, PDF, HTML …) never reaches the decoder. */
export function sniffImage(data: Buffer): 'jpeg' | 'png' | 'gif' | 'webp' | null {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (data.length >= 6 && /^GIF8[79]a$/.test(data.subarray(0, 6).toString('latin1'))) return 'gif';
  if (data.length >= 12 && data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return null;
}

/**
 * Profile images: an upload is checked by content, decoded once and rendered to both served
 * sizes (square, centre-cropped, EXIF orientation applied, metadata dropped, PNG); the renders
 * go to the file storage port under keys that change with every upload. A user without an
 * image, or an unknown user, gets the placeholder.
 */
export class AvatarService {
  constructor(private readonly d: AvatarDeps) {}

  async upload(user: User, data: Buffer): Promise<AvatarRecord> {
    if (data.length === 0) throw new ModelError(['upload.blank']);
    if (data.length > this.d.maxBytes) throw new ModelError(['upload.too_large']);
    if (!sniffImage(data)) throw new ModelError(['upload.invalid_content_type']);
    let renders: Record<AvatarSize, Buffer>;
    try {
      renders = { small: await render(data, AVATAR_SIZES.small), big: await render(data, AVATAR_SIZES.big) };
    } catch {
      throw new ModelError(['upload.invalid_image']);
    }
    const version = randomHex(16);
    const keys = { small: keyOf(user.id, version, 'small'), big: keyOf(user.id, version, 'big') };
    await this.d.storage.put(keys.small, renders.small, 'image/png');
    await this.d.storage.put(keys.big, renders.big, 'image/png');
    let before: AvatarRecord | null;
    try {
      before = await this.d.db.tx((q) => avatarsRepo.upsert(q, { userId: user.id, version, smallKey: keys.small, bigKey: keys.big }));
    } catch (err) {
      await this.forget([keys.small, keys.big]);
      throw err;
    }
    if (before) await this.forget([before.smallKey, before.bigKey]);
    return (await avatarsRepo.get(this.d.db, user.id))!;
  }

  /** Removes the user's image; true when he had one. */
  async remove(user: User): Promise<boolean> {
    const before = await avatarsRepo.remove(this.d.db, user.id);
    if (before) await this.forget([before.smallKey, before.bigKey]);
    return before !== null;
  }

  /** The image of the user with this numeric id (his partner id); null when `uid` is not a number at all. */
  async image(uid: string, size: AvatarSize): Promise<AvatarImage | null> {
    if (!/^\d{1,15}$/.test(uid)) return null;
    const record = await avatarsRepo.get(this.d.db, Number(uid));
    if (record) {
      const body = await this.d.storage.get(size === 'small' ? record.smallKey : record.bigKey);
      if (body) return { body, contentType: 'image/png', etag: `"${record.version}-${AVATAR_SIZES[size]}"`, placeholder: false };
    }
    return { body: await placeholderPng(AVATAR_SIZES[size]), contentType: 'image/png', etag: `"placeholder-${AVATAR_SIZES[size]}"`, placeholder: true };
  }

  private async forget(keys: string[]): Promise<void> {
    for (const key of keys) {
      try { await this.d.storage.delete(key); } catch (err) { this.d.log.warn({ err: (err as Error).message }, 'old profile image not removed'); }
    }
  }
}

const keyOf = (userId: number, version: string, size: AvatarSize) => `avatar/${userId}/${version}-${AVATAR_SIZES[size]}.png`;

function render(data: Buffer, px: number): Promise<Buffer> {
  return sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(px, px, { fit: 'cover', position: 'centre' })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
