import { isApiKeyAlgorithm, verifyApiKeySignature } from '../../lib/hmac.js';
import type { ApiKeyAuthenticator, GatewayFacts } from '../authz/gateway.js';
import type { UserSnapshots } from '../authz/user-snapshots.js';
import { LOGIN_STATES } from '../users/user.js';
import type { ApiKeyService } from './api-key-service.js';
import type { NonceGuard } from './nonce-guard.js';

const blank = (v: string | undefined) => v === undefined || v.trim() === '';
const fail = (key: string, status = 401) => ({ ok: false as const, key, status });

/**
 * API-key mode of the gateway check (BARONG.md §11.5, in Barong's order), plus Warden fix #18:
 * a nonce is accepted once per key, checked last so that only a correctly signed request can
 * use a nonce up.
 */
export class HmacApiKeyAuthenticator implements ApiKeyAuthenticator {
  constructor(private readonly keys: ApiKeyService, private readonly nonces: NonceGuard, private readonly users: UserSnapshots, private readonly lifetimeMs: number, private readonly now: () => number = Date.now) {}

  async authenticate(f: GatewayFacts) {
    const { kid, nonce, signature } = f.apiKey ?? {};
    if (blank(kid) || blank(nonce) || blank(signature)) return fail('authz.invalid_api_key_headers', 422);
    const key = await this.keys.forVerification(kid!);
    if (!key) return fail('authz.unexistent_apikey');
    const stamp = parseInt(/^\s*\d+/.exec(nonce!)?.[0] ?? '0', 10);
    if (!(stamp > 0)) return fail('authz.nonce_not_valid_timestamp');
    if (Math.abs(this.now() - stamp) >= this.lifetimeMs) return fail('authz.nonce_expired');
    if (!isApiKeyAlgorithm(key.algorithm) || !verifyApiKeySignature(key.secret, nonce!, kid!, key.algorithm, signature!)) return fail('authz.invalid_signature');
    if (key.state !== 'active') return fail('authz.apikey_not_active');
    // Service accounts arrive with the service-account issue; until then only users hold keys.
    const user = key.holderType === 'User' ? await this.users.getById(key.holderId) : null;
    if (!user || !LOGIN_STATES.has(user.state)) return fail('authz.invalid_session');
    if (!user.otp) return fail('authz.disabled_2fa');
    if (!(await this.nonces.firstUse(kid!, nonce!))) return fail('authz.nonce_reused');
    return { ok: true as const, user };
  }
}
