import { andThen, type Awaitable } from '../../lib/awaitable.js';
import { ApiKeySigner } from '../../lib/hmac.js';
import { cidrContains } from '../../lib/ip.js';
import type { ApiKeyAuthentication, ApiKeyAuthenticator, GatewayFacts } from '../authz/gateway.js';
import type { UserSnapshot, UserSnapshots } from '../authz/user-snapshots.js';
import { LOGIN_STATES } from '../users/user.js';
import type { ApiKeyService, VerificationKey } from './api-key-service.js';
import { nonceStamp, type NonceGuard } from './nonce-guard.js';

const blank = (v: string | undefined) => v === undefined || v.trim() === '';
const fail = (key: string, status = 401) => ({ ok: false as const, key, status });

/** Service-account principals by id (the service-account module provides them). */
export interface ServiceAccountPrincipals { getById(id: number): Awaitable<UserSnapshot | null> }

/**
 * API-key mode of the gateway check (BARONG.md §11.5, in Barong's order), plus Warden fix #18:
 * a nonce is accepted once per key, checked last so that only a correctly signed request can
 * use a nonce up. Beyond Barong: a key may expire (`authz.apikey_expired`) and may be limited
 * to client networks (`authz.ip_not_allowed`); both are told only to correctly signed requests.
 */
export class HmacApiKeyAuthenticator implements ApiKeyAuthenticator {
  /** One signer per cached key object: its HMAC key blocks are set up once, not per request; it goes with the object. */
  private readonly signers = new WeakMap<VerificationKey, ApiKeySigner | null>();

  constructor(private readonly keys: ApiKeyService, private readonly nonces: NonceGuard, private readonly users: UserSnapshots, private readonly serviceAccounts: ServiceAccountPrincipals, private readonly lifetimeMs: number, private readonly now: () => number = Date.now) {}

  /**
   * Every step but the nonce's is answered from memory on the common path, so the result is a
   * value for a refusal and one promise (the nonce's) for an acceptance.
   */
  authenticate(f: GatewayFacts): Awaitable<ApiKeyAuthentication> {
    const { kid, nonce, signature } = f.apiKey ?? {};
    if (blank(kid) || blank(nonce) || blank(signature)) return fail('authz.invalid_api_key_headers', 422);
    return andThen(this.keys.forVerification(kid!), (key) => this.withKey(f, kid!, nonce!, signature!, key));
  }

  private withKey(f: GatewayFacts, kid: string, nonce: string, signature: string, key: VerificationKey | null): Awaitable<ApiKeyAuthentication> {
    if (!key) return fail('authz.unexistent_apikey');
    const stamp = nonceStamp(nonce);
    if (!(stamp > 0)) return fail('authz.nonce_not_valid_timestamp');
    if (Math.abs(this.now() - stamp) >= this.lifetimeMs) return fail('authz.nonce_expired');
    if (!this.signerOf(key)?.verify(nonce, kid, signature)) return fail('authz.invalid_signature');
    if (key.state !== 'active') return fail('authz.apikey_not_active');
    if (key.expiresAtMs !== null && this.now() >= key.expiresAtMs) return fail('authz.apikey_expired');
    const holder = key.holderType === 'User' ? this.users.getById(key.holderId)
      : key.holderType === 'ServiceAccount' ? this.serviceAccounts.getById(key.holderId) : null;
    return andThen(holder, (user) => {
      if (!user || !LOGIN_STATES.has(user.state)) return fail('authz.invalid_session');
      // The 2FA requirement applies to User holders only (BARONG.md §16.4).
      if (!user.serviceAccount && !user.otp) return fail('authz.disabled_2fa');
      if (key.allowedIps && !key.allowedIps.some((cidr) => cidrContains(cidr, f.ip))) return fail('authz.ip_not_allowed');
      return this.nonces.firstUse(kid, nonce, stamp).then((first) => (first ? { ok: true as const, user } : fail('authz.nonce_reused')));
    });
  }

  private signerOf(key: VerificationKey): ApiKeySigner | null {
    let signer = this.signers.get(key);
    if (signer === undefined) {
      signer = ApiKeySigner.for(key.secret, key.algorithm);
      this.signers.set(key, signer);
    }
    return signer;
  }
}
