import type { Queryable } from '../db.js';

/** `active`: offered by the Nebeus door (get_countries, flags); switched through the admin API (0012). */
export interface Country { id: number; code: string; name: string; phoneCode: string | null; sepa: boolean; active: boolean }

interface Row { id: number | string; code: string; name: string; phone_code: string | null; sepa: boolean; active: boolean }

const toCountry = (r: Row): Country => ({ id: Number(r.id), code: r.code, name: r.name, phoneCode: r.phone_code, sepa: r.sepa, active: r.active });

export const countriesRepo = {
  async byId(q: Queryable, id: number): Promise<Country | null> {
    const [r] = await q.query<Row>('SELECT * FROM countries WHERE id = $1', [id]);
    return r ? toCountry(r) : null;
  },
  async byCode(q: Queryable, code: string): Promise<Country | null> {
    const [r] = await q.query<Row>('SELECT * FROM countries WHERE code = upper($1)', [code]);
    return r ? toCountry(r) : null;
  },
  async list(q: Queryable, filter: { sepa?: boolean } = {}): Promise<Country[]> {
    const rows = filter.sepa === undefined
      ? await q.query<Row>('SELECT * FROM countries ORDER BY name')
      : await q.query<Row>('SELECT * FROM countries WHERE sepa = $1 ORDER BY name', [filter.sepa]);
    return rows.map(toCountry);
  },
  /** The countries offered at sign-up, by id (ids are stable: see migrations/0012_nebeus.sql). */
  async listActive(q: Queryable): Promise<Country[]> {
    return (await q.query<Row>('SELECT * FROM countries WHERE active ORDER BY id')).map(toCountry);
  },
  async setActive(q: Queryable, code: string, active: boolean): Promise<Country | null> {
    const [r] = await q.query<Row>('UPDATE countries SET active = $2 WHERE code = upper($1) RETURNING *', [code, active]);
    return r ? toCountry(r) : null;
  },
};
