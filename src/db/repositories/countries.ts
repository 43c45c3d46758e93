import type { Queryable } from '../db.js';

export interface Country { id: number; code: string; name: string; phoneCode: string | null; sepa: boolean }

interface Row { id: number | string; code: string; name: string; phone_code: string | null; sepa: boolean }

const toCountry = (r: Row): Country => ({ id: Number(r.id), code: r.code, name: r.name, phoneCode: r.phone_code, sepa: r.sepa });

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
};
