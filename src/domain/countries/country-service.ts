import type { Queryable } from '../../db/db.js';
import { countriesRepo, type Country } from '../../db/repositories/countries.js';
import { AppError } from '../../errors/app-error.js';

/** The countries table: one by id or ISO alpha-2 code, or the SEPA area. */
export class CountryService {
  constructor(private readonly db: Queryable) {}

  async find(idOrCode: string): Promise<Country> {
    const v = idOrCode.trim();
    const found = /^\d{1,9}$/.test(v) ? await countriesRepo.byId(this.db, Number(v))
      : /^[A-Za-z]{2}$/.test(v) ? await countriesRepo.byCode(this.db, v) : null;
    if (!found) throw new AppError('country.not_found');
    return found;
  }

  sepa(): Promise<Country[]> {
    return countriesRepo.list(this.db, { sepa: true });
  }

  all(): Promise<Country[]> {
    return countriesRepo.list(this.db);
  }
}
