import type { Db } from '../../db/db.js';
import { FlagIconsSource, type FlagSource } from '../../infra/flags/flag-icons.js';
import type { FileStorage } from '../../infra/storage/port.js';
import { AvatarService } from '../avatars/avatar-service.js';
import { ActiveCountries } from '../countries/active-countries.js';
import type { ScoreSource } from '../dashboard/dashboard-rules.js';
import { DashboardService } from '../dashboard/dashboard-service.js';
import type { AccountService } from '../identity/account-service.js';
import type { IdentityDeps } from '../identity/deps.js';
import type { LoginService } from '../identity/login-service.js';
import { PasswordResetService } from '../identity/password-reset-service.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { LedgerService } from '../ledger/ledger-service.js';
import type { OAuthService } from '../oauth/oauth-service.js';
import { PartnerAuth } from './partner-auth.js';

/** The Nebeus door's services (README "Nebeus door"). */
export interface Nebeus {
  auth: PartnerAuth;
  countries: ActiveCountries;
  ledger: LedgerService;
  dashboard: DashboardService;
  avatars: AvatarService;
  /** `db` and `company_id` of the sign-in answer. */
  session: { db: string; companyId: number };
}

export interface NebeusSettings {
  db: string; companyId: number; lang: string; tz: string; defaultCurrency: string;
  points: { address: number; identity: number; phone: number };
  rating: ScoreSource; creditRank: ScoreSource; transactions: number; operations: number;
  avatarMaxBytes: number;
}

export interface NebeusWiringInput {
  db: Db;
  identity: IdentityDeps;
  accounts: AccountService;
  /** The Barong door's login, so that both doors check the same second factor. */
  logins: LoginService;
  profiles: ProfileService;
  oauth: OAuthService;
  /** The file storage port (the KYC uploads' backend: local directory or S3). */
  storage: FileStorage;
  log: { warn(o: object, msg: string): void };
  now: () => number;
  settings: NebeusSettings;
  flags?: FlagSource;
}

export function buildNebeus(i: NebeusWiringInput): Nebeus {
  const s = i.settings;
  const countries = new ActiveCountries(i.db, i.flags ?? new FlagIconsSource());
  const ledger = new LedgerService(i.db, i.now);
  // The core's reset service holds no state of its own: this instance shares the Barong door's
  // rate limits and sessions through `identity`.
  const auth = new PartnerAuth({
    identity: i.identity, accounts: i.accounts, logins: i.logins, resets: new PasswordResetService(i.identity),
    profiles: i.profiles, countries, settings: { lang: s.lang, tz: s.tz }, now: i.now,
  });
  const dashboard = new DashboardService({
    db: i.db, profiles: i.profiles, countries, ledger, oauth: i.oauth,
    settings: { points: s.points, rating: s.rating, creditRank: s.creditRank, defaultCurrency: s.defaultCurrency, transactions: s.transactions, operations: s.operations },
  });
  const avatars = new AvatarService({ db: i.db, storage: i.storage, maxBytes: s.avatarMaxBytes, log: i.log });
  return { auth, countries, ledger, dashboard, avatars, session: { db: s.db, companyId: s.companyId } };
}
