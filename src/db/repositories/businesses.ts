import type { Queryable } from '../db.js';

/** The business a user registered for (sign-up "owner" step, migrations/0008_nbc.sql). */
export interface Business { id: number; ownerId: number; companyName: string; type: string; subtype: string; country: string }

interface Row { id: number | string; owner_id: number | string; company_name: string; type: string; subtype: string; country: string }

const toBusiness = (r: Row): Business => ({
  id: Number(r.id), ownerId: Number(r.owner_id), companyName: r.company_name, type: r.type, subtype: r.subtype, country: r.country,
});

export const businessesRepo = {
  async ofOwner(q: Queryable, ownerId: number): Promise<Business | null> {
    const [r] = await q.query<Row>('SELECT * FROM businesses WHERE owner_id = $1', [ownerId]);
    return r ? toBusiness(r) : null;
  },

  async upsert(q: Queryable, b: Omit<Business, 'id'>): Promise<Business> {
    const [r] = await q.query<Row>(
      `INSERT INTO businesses (owner_id, company_name, type, subtype, country) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (owner_id) DO UPDATE SET company_name = EXCLUDED.company_name, type = EXCLUDED.type,
         subtype = EXCLUDED.subtype, country = EXCLUDED.country, updated_at = now()
       RETURNING *`,
      [b.ownerId, b.companyName, b.type, b.subtype, b.country],
    );
    return toBusiness(r);
  },
};
