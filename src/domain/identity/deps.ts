import type { Db } from '../../db/db.js';
import type { KeyValueStore } from '../../infra/kv/port.js';
import type { PasswordPolicy } from '../../lib/password/policy.js';
import type { ActivityLog, RequestContext } from '../activities/activity-log.js';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { RateLimiter, Rule } from '../auth/rate-limiter.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { SessionService } from '../sessions/session-service.js';
import type { SignedTokens } from '../tokens/signed-tokens.js';
import type { User } from '../users/user.js';

export interface SecondFactorOptions {
  /** Accept a single-use recovery code in place of a TOTP code (login only); it is consumed. */
  allowRecoveryCode?: boolean;
  /** Where the attempt came from, for the audit entry of a consumed recovery code. */
  ctx?: RequestContext;
}

/** Checks a second-factor code for a user; the TOTP service (domain/otp) implements it. */
export interface SecondFactor {
  verify(user: User, code: string, opts?: SecondFactorOptions): Promise<boolean>;
}

export interface IdentitySettings {
  uidPrefix: string;
  domain: string;
  tokenLifetime: number;
  firstRegistrationSuperadmin: boolean;
  passwordPolicy: PasswordPolicy;
  rates: { loginIp: Rule; loginAccount: Rule; resetIp: Rule; resetAccount: Rule; signupIp: Rule };
}

/** The narrow set of collaborators the identity services need. */
export interface IdentityDeps {
  db: Db;
  kv: KeyValueStore;
  hasher: PasswordHasher;
  sessions: SessionService;
  tokens: SignedTokens;
  labels: LabelService;
  events: EventLog;
  activities: ActivityLog;
  limiter: RateLimiter;
  secondFactor: SecondFactor;
  settings: IdentitySettings;
}
