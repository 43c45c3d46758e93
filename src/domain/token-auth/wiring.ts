import { createHash } from 'node:crypto';
import type { IdentityDeps } from '../identity/deps.js';
import { AccessTokens, type AccessTokenKeys } from '../tokens/access-tokens.js';
import { RefreshTokens } from '../tokens/refresh-tokens.js';
import { EmailCodes } from '../email-codes/email-codes.js';
import { ApiKeyHold } from '../two-factor/api-key-hold.js';
import { TfaResetService } from '../two-factor/tfa-reset-service.js';
import { TfaSettings, type TotpPort } from '../two-factor/tfa-settings.js';
import { AccountProfile } from '../registration/account-profile.js';
import { RegistrationService } from '../registration/registration-service.js';
import { RecoveryService } from '../password-recovery/recovery-service.js';
import { PersonalService } from '../personal/personal-service.js';
import { CountryService } from '../countries/country-service.js';
import { Credentials } from './credentials.js';
import { SignInService } from './sign-in-service.js';
import { TokenSessions } from './token-sessions.js';

export interface TokenAuthSettings {
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
  emailCodeLifetime: number;
  emailCodeMaxAttempts: number;
  /** Registration tokens and 2FA reset links (JWT_EXPIRE_TIME). */
  linkLifetime: number;
  apiKeyHoldSeconds: number;
}

/** Token sign-in and what comes with it (the NBC gate door's core), built once in the container. */
export interface TokenAuth {
  sessions: TokenSessions;
  signIn: SignInService;
  tfa: TfaSettings;
  tfaReset: TfaResetService;
  apiKeyHold: ApiKeyHold;
  registration: RegistrationService;
  recovery: RecoveryService;
  personal: PersonalService;
  countries: CountryService;
  /** The mailed codes, for the password login of the other doors (a user's `email` second factor). */
  codes: EmailCodes;
  accessTokenLifetime: number;
  refreshTokenLifetime: number;
}

export function buildTokenAuth(o: {
  identity: IdentityDeps; keys: AccessTokenKeys & { encryptionKey: Buffer }; totp: TotpPort; settings: TokenAuthSettings; now: () => number;
}): TokenAuth {
  const { identity, settings: s, now } = o;
  const deps = {
    identity, now,
    access: new AccessTokens(o.keys, s.accessTokenLifetime, now),
    refresh: new RefreshTokens({ db: identity.db, activities: identity.activities, lifetimeSeconds: s.refreshTokenLifetime, now }),
    // A key of its own for the code HMACs, derived so that it never equals the AEAD key.
    codes: new EmailCodes({
      db: identity.db, key: createHash('sha256').update('warden-email-codes\u0000').update(o.keys.encryptionKey).digest(),
      lifetimeSeconds: s.emailCodeLifetime, maxAttempts: s.emailCodeMaxAttempts, now,
    }),
    credentials: new Credentials(identity),
  };
  const sessions = new TokenSessions(deps);
  const profile = new AccountProfile(identity);
  const apiKeyHold = new ApiKeyHold({ db: identity.db, labels: identity.labels, seconds: s.apiKeyHoldSeconds, now });
  return {
    sessions, apiKeyHold,
    signIn: new SignInService(deps, sessions),
    tfa: new TfaSettings(deps, o.totp),
    tfaReset: new TfaResetService(deps, o.totp, apiKeyHold, s.linkLifetime),
    registration: new RegistrationService(deps, sessions, profile, s.linkLifetime),
    recovery: new RecoveryService(deps),
    personal: new PersonalService(deps, profile),
    countries: new CountryService(identity.db),
    codes: deps.codes,
    accessTokenLifetime: s.accessTokenLifetime,
    refreshTokenLifetime: s.refreshTokenLifetime,
  };
}
