import type { AccessTokens } from '../tokens/access-tokens.js';
import type { RefreshTokens } from '../tokens/refresh-tokens.js';
import type { EmailCodes } from '../email-codes/email-codes.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { Credentials } from './credentials.js';

/** What the token sign-in services share (built in token-auth/wiring.ts). */
export interface TokenAuthDeps {
  identity: IdentityDeps;
  access: AccessTokens;
  refresh: RefreshTokens;
  codes: EmailCodes;
  credentials: Credentials;
  now: () => number;
}

/** Tokens handed out at sign-in, refresh and the sign-up's password step. */
export interface IssuedTokens { accessToken: string; refreshToken: string; sid: string }
