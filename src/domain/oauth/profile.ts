import { emailErrors, normalizeEmail } from '../users/user-rules.js';
import type { OAuthProviderSpec } from './providers.js';

/** Who the provider says the user is. `email` is null when absent or not a usable address. */
export interface ProviderProfile {
  subject: string;
  email: string | null;
  /** The provider vouches that the user controls `email`. */
  emailVerified: boolean;
}

type Claims = Record<string, unknown>;

/** The parts of a provider's settings that read a profile. */
export type ProfileRules = Pick<OAuthProviderSpec, 'profile' | 'trustEmail' | 'claims'>;

/** Plain OpenID Connect claims, no email trusted without `email_verified` (the Auth0 endpoint). */
export const OIDC_RULES: ProfileRules = { profile: 'oidc', trustEmail: false, claims: { subject: 'sub', email: 'email', emailVerified: 'email_verified' } };

/** `true` or Apple's `"true"`; anything else is not a yes. */
const yes = (v: unknown): boolean | null => (v === true || v === 'true' ? true : v === false || v === 'false' ? false : null);

const idOf = (v: unknown): string | null =>
  (typeof v === 'string' && v.trim() !== '' && v.length <= 255 ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : null);

function emailOf(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const email = normalizeEmail(v);
  return emailErrors(email).length === 0 ? email : null;
}

/**
 * Maps ID token claims (merged with the user-info document) to a profile, per provider shape.
 * An email without a verification statement counts as verified only for providers configured
 * with `trust_email` (Facebook by default); null when there is no subject.
 */
export function profileFrom(spec: ProfileRules, claims: Claims): ProviderProfile | null {
  let subject: string | null;
  let email: string | null;
  let verified: boolean | null;
  switch (spec.profile) {
    case 'facebook':
      subject = idOf(claims.id);
      email = emailOf(claims.email);
      verified = yes(claims.email_verified);
      break;
    case 'paypal': {
      subject = idOf(claims.user_id) ?? idOf(claims.sub);
      const listed = Array.isArray(claims.emails) ? (claims.emails as Claims[]).filter((e) => e && typeof e === 'object') : [];
      const chosen = listed.find((e) => e.primary === true) ?? listed[0];
      email = emailOf(claims.email) ?? emailOf(chosen?.value);
      verified = yes(claims.email_verified) ?? (chosen ? yes(chosen.confirmed) : null);
      break;
    }
    case 'claims':
      subject = idOf(claims[spec.claims.subject]);
      email = emailOf(claims[spec.claims.email]);
      verified = spec.claims.emailVerified ? yes(claims[spec.claims.emailVerified]) : null;
      break;
    default:
      subject = idOf(claims.sub);
      email = emailOf(claims.email);
      verified = yes(claims.email_verified);
  }
  if (!subject) return null;
  return { subject, email, emailVerified: email !== null && (verified ?? spec.trustEmail) };
}
