import { getCountryDataList } from 'countries-list';
import type { Queryable } from '../../db/db.js';
import { countriesRepo, type Country } from '../../db/repositories/countries.js';
import { AppError } from '../../errors/app-error.js';
import type { FlagSource } from '../../infra/flags/flag-icons.js';

const ALPHA3_TO_ALPHA2 = new Map(getCountryDataList().map((c) => [c.iso3, c.iso2]));
const BY_NAME = new Intl.Collator('en');

/**
 * The countries table as the Nebeus door and operators see it: the active ones are offered at
 * sign-up (`get_countries`, by their stable numeric id) and have a flag; operators switch them
 * on and off. Profiles keep ISO codes; `lookup` resolves one (alpha-2 or alpha-3) to its row.
 */
export class ActiveCountries {
  constructor(private readonly db: Queryable, private readonly flags: FlagSource) {}

  /** The active ones by English name (the same order on every database, whatever its collation). */
  async list(): Promise<Country[]> {
    return (await countriesRepo.listActive(this.db)).sort((a, b) => BY_NAME.compare(a.name, b.name));
  }

  all(): Promise<Country[]> {
    return countriesRepo.list(this.db);
  }

  /** An active country by id (sign-up); null for unknown or inactive ids. */
  async activeById(id: number): Promise<Country | null> {
    if (!Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) return null;
    const c = await countriesRepo.byId(this.db, id);
    return c?.active ? c : null;
  }

  /** The row of an ISO 3166-1 alpha-2 or alpha-3 code (any case), active or not. */
  async lookup(code: string | null | undefined): Promise<Country | null> {
    const c = (code ?? '').trim().toUpperCase();
    const alpha2 = c.length === 3 ? ALPHA3_TO_ALPHA2.get(c) : c;
    return alpha2 && /^[A-Z]{2}$/.test(alpha2) ? countriesRepo.byCode(this.db, alpha2) : null;
  }

  async setActive(code: string, active: boolean): Promise<Country> {
    const c = /^[A-Za-z]{2}$/.test(code.trim()) ? await countriesRepo.setActive(this.db, code.trim(), active) : null;
    if (!c) throw new AppError('record.not_found');
    return c;
  }

  /** The SVG flag of an active country (either case); null for unknown or inactive codes. */
  async flag(code: string): Promise<Buffer | null> {
    if (!/^[A-Za-z]{2}$/.test(code)) return null;
    const c = await countriesRepo.byCode(this.db, code);
    return c?.active ? this.flags.svg(c.code) : null;
  }
}
