import { createHash, createHmac, randomBytes } from 'node:crypto';
import { deriveSubkey, Encryptor } from '../../lib/aead.js';
import { safeEqual } from '../../lib/timing-safe.js';

/** What a token is for: a token of one purpose is never accepted as another. */
export type FlowPurpose = 'state' | 'link' | 'signin';

export interface OpenedToken<T> { id: string; exp: number; body: T }


/**
 * The short-lived tokens of the OAuth flows: the `state` sent to the provider, the link token
 * of a signed-in user's "connect" link, and the sign-in token the callback hands to the frontend. Each is sealed with
 * AES-256-GCM (authenticated: a changed byte is refused; encrypted: the provider does not learn
 * which account is being linked), carries its purpose, a random id and an expiry. Single use is
 * the caller's business (a marker in the key-value store under the id).
 *
 * The PKCE verifier and the OpenID nonce of a flow are HMACs of its id: nothing is stored when a
 * flow starts, and nobody without the key can compute them from the state they see.
 */
export class FlowTokens {
  private readonly sealer: Encryptor;
  private readonly macKey: Buffer;

  constructor(masterKey: Buffer, private readonly now: () => number = Date.now) {
    this.sealer = new Encryptor(deriveSubkey(masterKey, 'warden oauth flow tokens v1'));
    this.macKey = deriveSubkey(masterKey, 'warden oauth flow secrets v1');
  }

  private nowSec() { return Math.floor(this.now() / 1000); }

  seal(purpose: FlowPurpose, body: Record<string, unknown>, lifetimeSeconds: number): { token: string; id: string; exp: number } {
    const id = randomBytes(16).toString('hex');
    const exp = this.nowSec() + lifetimeSeconds;
    return { token: this.sealer.encrypt(JSON.stringify({ t: purpose, i: id, e: exp, b: body })), id, exp };
  }

  /** The token's content, or null when it is forged, damaged, of another purpose or expired. */
  open<T>(purpose: FlowPurpose, token: unknown): OpenedToken<T> | null {
    if (typeof token !== 'string' || token.length > 4096) return null;
    let parsed: { t?: unknown; i?: unknown; e?: unknown; b?: unknown };
    try {
      parsed = JSON.parse(this.sealer.decrypt(token));
    } catch {
      return null;
    }
    if (parsed.t !== purpose || typeof parsed.i !== 'string' || typeof parsed.e !== 'number') return null;
    if (this.nowSec() >= parsed.e) return null;
    return { id: parsed.i, exp: parsed.e, body: parsed.b as T };
  }

  /** Seconds until `exp` (at least 1): how long a single-use marker must outlive its token. */
  secondsLeft(exp: number): number {
    return Math.max(1, exp - this.nowSec());
  }

  /** RFC 7636 code verifier of a flow: 43 characters of base64url. */
  verifier(id: string): string {
    return this.mac(`pkce:${id}`).toString('base64url');
  }

  nonce(id: string): string {
    return this.mac(`nonce:${id}`).toString('base64url').slice(0, 32);
  }

  /** What a state stores about the browser-binding cookie (never the cookie itself). */
  bindingTag(binding: string): string {
    return this.mac(`binding:${binding}`).toString('hex').slice(0, 32);
  }

  bindingMatches(binding: string | undefined, tag: unknown): boolean {
    return typeof binding === 'string' && binding !== '' && typeof tag === 'string' && safeEqual(this.bindingTag(binding), tag);
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.macKey).update(text).digest();
  }
}

/** S256 code challenge of a verifier. */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh browser-binding value for the flow cookie. */
export function newBinding(): string {
  return randomBytes(16).toString('hex');
}
