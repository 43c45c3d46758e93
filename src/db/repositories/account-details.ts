import type { Queryable } from '../db.js';

/** Sign-up "user" step, personal settings and the chosen second factor (migrations/0008_nbc.sql). */
export interface AccountDetails {
  userId: number; name: string | null; surname: string | null; phone: string | null; country: string | null;
  language: string | null; timezone: string | null; tfaType: 'none' | 'email';
}

export type AccountDetailsPatch = Partial<Omit<AccountDetails, 'userId'>>;

interface Row {
  user_id: number | string; name: string | null; surname: string | null; phone: string | null; country: string | null;
  language: string | null; timezone: string | null; tfa_type: string;
}

const COLUMNS: Record<keyof AccountDetailsPatch, string> = {
  name: 'name', surname: 'surname', phone: 'phone', country: 'country', language: 'language', timezone: 'timezone', tfaType: 'tfa_type',
};

const toDetails = (r: Row): AccountDetails => ({
  userId: Number(r.user_id), name: r.name, surname: r.surname, phone: r.phone, country: r.country, language: r.language,
  timezone: r.timezone, tfaType: r.tfa_type === 'email' ? 'email' : 'none',
});

export const accountDetailsRepo = {
  async get(q: Queryable, userId: number): Promise<AccountDetails | null> {
    const [r] = await q.query<Row>('SELECT * FROM account_details WHERE user_id = $1', [userId]);
    return r ? toDetails(r) : null;
  },

  /** Creates the row when missing and sets the given fields (undefined ones are left alone). */
  async upsert(q: Queryable, userId: number, patch: AccountDetailsPatch): Promise<AccountDetails> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as [keyof AccountDetailsPatch, unknown][];
    const cols = entries.map(([k]) => COLUMNS[k]);
    const values = entries.map(([, v]) => v);
    const placeholders = values.map((_v, i) => `$${i + 2}`);
    const updates = cols.map((c) => `${c} = EXCLUDED.${c}`);
    const [r] = await q.query<Row>(
      `INSERT INTO account_details (user_id${cols.map((c) => `, ${c}`).join('')}) VALUES ($1${placeholders.map((p) => `, ${p}`).join('')})
       ON CONFLICT (user_id) DO UPDATE SET ${[...updates, 'updated_at = now()'].join(', ')} RETURNING *`,
      [userId, ...values],
    );
    return toDetails(r);
  },
};
