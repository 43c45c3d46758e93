import { createHmac } from 'node:crypto';
import { deriveSubkey } from '../../lib/aead.js';
import { safeEqual } from '../../lib/timing-safe.js';
import { assertStorageKey } from './port.js';

export type TokenCheck = { ok: true; key: string } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Short-lived capability URLs for stored files: `<base>/<expiry unix s>/<mac>/<storage key>`,
 * mac = base64url HMAC-SHA256 over expiry and key, with a key derived from ENCRYPTION_KEY
 * (every instance of a deployment shares it, so any of them serves a URL another issued).
 * The signature is checked in constant time before the expiry is looked at.
 */
export class SignedUploadUrls {
  private readonly macKey: Buffer;

  constructor(
    secret: Buffer,
    /** Seconds a URL stays valid (Barong: upload_auth_url_expiration). */
    private readonly lifetime: number,
    /** Path the file route is mounted on, e.g. `/api/v2/auth/public/uploads`. */
    private readonly basePath: string,
    private readonly now: () => number = Date.now,
  ) {
    this.macKey = deriveSubkey(secret, 'warden/uploads/signed-url/v1');
  }

  url(key: string): string {
    assertStorageKey(key);
    const exp = Math.floor(this.now() / 1000) + this.lifetime;
    return `${this.basePath}/${exp}/${this.mac(exp, key)}/${key}`;
  }

  /** `path` is what follows the base path: `<expiry>/<mac>/<key>`. */
  check(path: string): TokenCheck {
    const m = /^(\d{1,12})\/([A-Za-z0-9_-]{43})\/(.{1,512})$/.exec(path);
    if (!m) return { ok: false, reason: 'invalid' };
    const [, expText, mac, key] = m;
    const exp = Number(expText);
    if (!safeEqual(this.mac(exp, key), mac)) return { ok: false, reason: 'invalid' };
    if (Math.floor(this.now() / 1000) >= exp) return { ok: false, reason: 'expired' };
    try { assertStorageKey(key); } catch { return { ok: false, reason: 'invalid' }; }
    return { ok: true, key };
  }

  private mac(exp: number, key: string): string {
    return createHmac('sha256', this.macKey).update(`${exp}\n${key}`).digest('base64url');
  }
}
