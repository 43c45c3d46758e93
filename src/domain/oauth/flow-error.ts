/**
 * Why a browser flow (start or callback) ended without a session. The code is what the
 * frontend receives as `error=<code>` on OAUTH_RESULT_URL (README "Social login"); `detail`
 * goes to the log only and never holds a token, code or secret.
 */
export const FLOW_ERRORS = [
  'unknown_provider',     // no such provider configured
  'invalid_link',         // the link token is forged, expired or already used
  'invalid_state',        // state forged, expired, for another provider, from another browser, or used before
  'provider_denied',      // the provider answered with an error (the user cancelled, …)
  'provider_unavailable', // discovery, keys or an endpoint could not be reached
  'invalid_response',     // no code, or the response names another issuer (RFC 9207)
  'token_exchange_failed',
  'invalid_id_token',     // signature, issuer, audience, expiry or nonce
  'invalid_profile',      // no subject, or user info about someone else
  'email_not_verified',   // no account is linked and the provider vouches for no email
  'account_exists',       // the email belongs to an account that has not linked this provider
  'identity_taken',       // this provider account is linked to another user
  'already_linked',       // the user has linked another account of this provider
  'banned', 'deleted', 'not_active',
  'too_many_requests',
] as const;

export type FlowErrorCode = (typeof FLOW_ERRORS)[number];

export class OAuthFlowError extends Error {
  constructor(readonly code: FlowErrorCode, readonly detail?: string) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'OAuthFlowError';
  }
}
