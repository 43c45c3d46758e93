import type { Queryable } from '../db.js';

export interface AddressRow {
  id: number;
  user_id: number;
  identificator: string;
  country: string;
  city: string | null;
  postcode: string | null;
  address_encrypted: string;
  created_at: Date;
  updated_at: Date;
}

export interface NewAddress {
  userId: number;
  identificator: string;
  country: string;
  city: string | null;
  postcode: string | null;
  addressEncrypted: string;
}

const norm = (r: AddressRow): AddressRow => ({ ...r, id: Number(r.id), user_id: Number(r.user_id), created_at: new Date(r.created_at), updated_at: new Date(r.updated_at) });

export const addressesRepo = {
  async insert(q: Queryable, a: NewAddress): Promise<AddressRow> {
    const [r] = await q.query<AddressRow>(
      'INSERT INTO addresses (user_id, identificator, country, city, postcode, address_encrypted) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [a.userId, a.identificator, a.country, a.city, a.postcode, a.addressEncrypted],
    );
    return norm(r);
  },
  async forUser(q: Queryable, userId: number): Promise<AddressRow[]> {
    return (await q.query<AddressRow>('SELECT * FROM addresses WHERE user_id = $1 ORDER BY id', [userId])).map(norm);
  },
  async latestForUser(q: Queryable, userId: number): Promise<AddressRow | null> {
    const [r] = await q.query<AddressRow>('SELECT * FROM addresses WHERE user_id = $1 ORDER BY id DESC LIMIT 1', [userId]);
    return r ? norm(r) : null;
  },
};
