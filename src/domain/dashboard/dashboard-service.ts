import type { Db } from '../../db/db.js';
import type { Country } from '../../db/repositories/countries.js';
import { DASHBOARD_KEYS, dashboardValuesRepo, type DashboardKey } from '../../db/repositories/dashboard-values.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import { parseDecimalInput, type Decimal } from '../../lib/decimal.js';
import type { ActiveCountries } from '../countries/active-countries.js';
import type { ProfileService } from '../kyc/profiles-service.js';
import { currencyCode } from '../ledger/ledger-rules.js';
import type { LedgerOverview, LedgerService } from '../ledger/ledger-service.js';
import type { ProviderLink } from '../oauth/oauth-service.js';
import type { User } from '../users/user.js';
import { earned, score, verificationStatus, type ScoreSource, type VerificationPoints, type VerificationStatus } from './dashboard-rules.js';

export interface DashboardSettings {
  points: VerificationPoints;
  rating: ScoreSource;
  creditRank: ScoreSource;
  defaultCurrency: string;
  transactions: number;
  operations: number;
}

/** Name, city and country of a person as his latest KYC profile has them. */
export interface PersonFacts { name: string | null; surname: string | null; city: string | null; country: Country | null }

export interface Dashboard {
  user: User;
  person: PersonFacts;
  verification: {
    address: { status: VerificationStatus; points: number };
    identity: { status: VerificationStatus; points: number };
    phone: { verified: boolean; points: number };
  };
  rating: Decimal;
  creditRank: Decimal;
  socialNetworks: ProviderLink[];
  defaultCurrency: string;
  ledger: LedgerOverview;
  /** The people entries were exchanged with, by user id. */
  counterparties: Map<number, PersonFacts>;
}

export interface DashboardDeps {
  db: Db;
  profiles: ProfileService;
  countries: ActiveCountries;
  ledger: LedgerService;
  oauth: { providersFor(user: User): Promise<ProviderLink[]> };
  settings: DashboardSettings;
}

/**
 * The partner dashboard: profile facts, KYC verification from the private labels `address`,
 * `document` (identity) and `phone`, configured points and scores, social accounts, and the
 * ledger read model. Nothing is made up: what is not stored is empty, zero or null.
 */
export class DashboardService {
  constructor(private readonly d: DashboardDeps) {}

  async view(user: User): Promise<Dashboard> {
    const { settings } = this.d;
    const [labels, stored, person, socialNetworks] = await Promise.all([
      labelsRepo.forUser(this.d.db, user.id), dashboardValuesRepo.forUser(this.d.db, user.id), this.person(user), this.d.oauth.providersFor(user),
    ]);
    const label = (key: string) => labels.find((l) => l.scope === 'private' && l.key === key)?.value;
    const address = verificationStatus(label('address'));
    const identity = verificationStatus(label('document'));
    const phone = label('phone') === 'verified';
    const verification = {
      address: { status: address, points: earned(address === 'verified', settings.points.address) },
      identity: { status: identity, points: earned(identity === 'verified', settings.points.identity) },
      phone: { verified: phone, points: earned(phone, settings.points.phone) },
    };
    const points = verification.address.points + verification.identity.points + verification.phone.points;
    const defaultCurrency = stored.default_currency ?? settings.defaultCurrency;
    const ledger = await this.d.ledger.overview(user, defaultCurrency, { entries: settings.transactions, operations: settings.operations });
    const counterparties = new Map<number, PersonFacts>();
    for (const id of new Set(ledger.entries.map((e) => e.counterpartyUserId).filter((x): x is number => x !== null))) {
      const other = await usersRepo.byId(this.d.db, id);
      if (other) counterparties.set(id, await this.person(other));
    }
    return {
      user, person, verification, socialNetworks, defaultCurrency, ledger, counterparties,
      rating: score(settings.rating, { level: user.level, points, stored: stored.rating }),
      creditRank: score(settings.creditRank, { level: user.level, points, stored: stored.credit_rank }),
    };
  }

  /** Operators' per-user values; an empty value removes the stored one (the default applies again). */
  async setValue(uid: string, key: string, value: string | undefined): Promise<Partial<Record<DashboardKey, string>>> {
    const user = await this.d.ledger.userOf(uid);
    if (!(DASHBOARD_KEYS as readonly string[]).includes(key)) throw new ModelError(['key.inclusion']);
    const k = key as DashboardKey;
    if (value === undefined || value.trim() === '') await dashboardValuesRepo.remove(this.d.db, user.id, k);
    else {
      const clean = k === 'default_currency' ? currencyCode(value) : parseDecimalInput(value, { intDigits: 12, scale: 6, signed: false })?.text ?? null;
      if (clean === null) throw new ModelError(['value.invalid']);
      await dashboardValuesRepo.set(this.d.db, user.id, k, clean);
    }
    return dashboardValuesRepo.forUser(this.d.db, user.id);
  }

  async values(uid: string): Promise<Partial<Record<DashboardKey, string>>> {
    return dashboardValuesRepo.forUser(this.d.db, (await this.d.ledger.userOf(uid)).id);
  }

  private async person(user: User): Promise<PersonFacts> {
    const profiles = await this.d.profiles.list(user);
    if (!profiles.length) return { name: null, surname: null, city: null, country: null };
    const p = this.d.profiles.open(profiles[profiles.length - 1]);
    return { name: p.first_name, surname: p.last_name, city: p.city, country: await this.d.countries.lookup(p.country) };
  }
}
