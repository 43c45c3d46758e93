import { canonicalDecimal } from '../../lib/decimal.js';
import type { Queryable } from '../db.js';

/** Ledger read model rows (migrations/0012_nebeus.sql). Amounts and rates are numeric text, never floats. */
export interface LedgerAccount { id: number; userId: number; currency: string; accNumber: string; balance: string; createdAt: Date }
export interface LedgerEntry {
  id: number; publicId: string; accountId: number; userId: number; currency: string; amount: string; typeLabel: string;
  counterpartyUserId: number | null; counterpartyName: string | null; counterpartySurname: string | null;
  occurredAt: Date; createdBy: string | null;
}
export interface ScheduledOperation {
  id: number; publicId: string; userId: number; amount: string; direction: 'credit' | 'debit'; description: string; dueAt: Date; createdBy: string | null;
}
export interface CurrencyRate { base: string; currency: string; rate: string; updatedAt: Date }

type Row = Record<string, unknown>;
/** numeric text without the scale's trailing zeros (`0.0010` → `0.001`). */
const dec = (v: unknown) => canonicalDecimal(String(v ?? '0')) ?? String(v);
const num = (v: unknown) => Number(v);
const nullableNum = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const toAccount = (r: Row): LedgerAccount => ({
  id: num(r.id), userId: num(r.user_id), currency: String(r.currency), accNumber: String(r.acc_number), balance: dec(r.balance),
  createdAt: new Date(r.created_at as string),
});
const toEntry = (r: Row): LedgerEntry => ({
  id: num(r.id), publicId: String(r.public_id), accountId: num(r.account_id), userId: num(r.user_id), currency: String(r.currency),
  amount: dec(r.amount), typeLabel: String(r.type_label), counterpartyUserId: nullableNum(r.counterparty_user_id),
  counterpartyName: (r.counterparty_name as string | null) ?? null, counterpartySurname: (r.counterparty_surname as string | null) ?? null,
  occurredAt: new Date(r.occurred_at as string), createdBy: (r.created_by as string | null) ?? null,
});
const toOperation = (r: Row): ScheduledOperation => ({
  id: num(r.id), publicId: String(r.public_id), userId: num(r.user_id), amount: dec(r.amount), direction: r.direction === 'debit' ? 'debit' : 'credit',
  description: String(r.description), dueAt: new Date(r.due_at as string), createdBy: (r.created_by as string | null) ?? null,
});
const toRate = (r: Row): CurrencyRate => ({ base: String(r.base), currency: String(r.currency), rate: dec(r.rate), updatedAt: new Date(r.updated_at as string) });

const ACCOUNT_WITH_BALANCE = `SELECT a.id, a.user_id, a.currency, a.acc_number, a.created_at, COALESCE(SUM(e.amount), 0)::text AS balance
  FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id`;
const ENTRY = `SELECT e.id, e.public_id, e.account_id, a.user_id, a.currency, e.amount::text AS amount, e.type_label, e.counterparty_user_id,
  e.counterparty_name, e.counterparty_surname, e.occurred_at, e.created_by
  FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id`;
const OPERATION = `SELECT id, public_id, user_id, amount::text AS amount, direction, description, due_at, created_by FROM scheduled_operations`;

export const ledgerRepo = {
  /** The user's account in `currency`, created (with `accNumber`) when he has none. */
  async ensureAccount(q: Queryable, userId: number, currency: string, accNumber: string): Promise<{ account: LedgerAccount; created: boolean }> {
    const inserted = await q.query<Row>(
      'INSERT INTO ledger_accounts (user_id, currency, acc_number) VALUES ($1, $2, $3) ON CONFLICT (user_id, currency) DO NOTHING RETURNING id',
      [userId, currency, accNumber],
    );
    const [r] = await q.query<Row>(`${ACCOUNT_WITH_BALANCE} WHERE a.user_id = $1 AND a.currency = $2 GROUP BY a.id`, [userId, currency]);
    return { account: toAccount(r), created: inserted.length > 0 };
  },
  async accountsOf(q: Queryable, userId: number): Promise<LedgerAccount[]> {
    return (await q.query<Row>(`${ACCOUNT_WITH_BALANCE} WHERE a.user_id = $1 GROUP BY a.id ORDER BY a.id`, [userId])).map(toAccount);
  },
  async insertEntry(q: Queryable, e: {
    publicId: string; accountId: number; amount: string; typeLabel: string; counterpartyUserId: number | null;
    counterpartyName: string | null; counterpartySurname: string | null; occurredAt: Date; createdBy: string;
  }): Promise<LedgerEntry> {
    const [{ id }] = await q.query<{ id: string | number }>(
      `INSERT INTO ledger_entries (public_id, account_id, amount, type_label, counterparty_user_id, counterparty_name, counterparty_surname, occurred_at, created_by)
       VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [e.publicId, e.accountId, e.amount, e.typeLabel, e.counterpartyUserId, e.counterpartyName, e.counterpartySurname, e.occurredAt, e.createdBy],
    );
    const [r] = await q.query<Row>(`${ENTRY} WHERE e.id = $1`, [id]);
    return toEntry(r);
  },
  /** The user's entries, newest first. */
  async entriesOf(q: Queryable, userId: number, limit: number, offset = 0): Promise<{ total: number; rows: LedgerEntry[] }> {
    const [{ n }] = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.user_id = $1', [userId]);
    const rows = await q.query<Row>(`${ENTRY} WHERE a.user_id = $1 ORDER BY e.occurred_at DESC, e.id DESC LIMIT $2 OFFSET $3`, [userId, limit, offset]);
    return { total: Number(n), rows: rows.map(toEntry) };
  },
  async insertOperation(q: Queryable, o: Omit<ScheduledOperation, 'id'>): Promise<ScheduledOperation> {
    const [{ id }] = await q.query<{ id: string | number }>(
      `INSERT INTO scheduled_operations (public_id, user_id, amount, direction, description, due_at, created_by)
       VALUES ($1, $2, $3::numeric, $4, $5, $6, $7) RETURNING id`,
      [o.publicId, o.userId, o.amount, o.direction, o.description, o.dueAt, o.createdBy],
    );
    const [r] = await q.query<Row>(`${OPERATION} WHERE id = $1`, [id]);
    return toOperation(r);
  },
  /** Operations due at or after `from`, soonest first. */
  async upcomingOperations(q: Queryable, userId: number, from: Date, limit: number): Promise<ScheduledOperation[]> {
    return (await q.query<Row>(`${OPERATION} WHERE user_id = $1 AND due_at >= $2 ORDER BY due_at, id LIMIT $3`, [userId, from, limit])).map(toOperation);
  },
  async operationsOf(q: Queryable, userId: number): Promise<ScheduledOperation[]> {
    return (await q.query<Row>(`${OPERATION} WHERE user_id = $1 ORDER BY due_at, id`, [userId])).map(toOperation);
  },
  async removeOperation(q: Queryable, publicId: string): Promise<boolean> {
    return (await q.query('DELETE FROM scheduled_operations WHERE public_id = $1 RETURNING 1', [publicId])).length > 0;
  },
  async upsertRate(q: Queryable, base: string, currency: string, rate: string): Promise<CurrencyRate> {
    const [r] = await q.query<Row>(
      `INSERT INTO currency_rates (base, currency, rate) VALUES ($1, $2, $3::numeric)
       ON CONFLICT (base, currency) DO UPDATE SET rate = EXCLUDED.rate, updated_at = now()
       RETURNING base, currency, rate::text AS rate, updated_at`,
      [base, currency, rate],
    );
    return toRate(r);
  },
  async ratesFrom(q: Queryable, base: string): Promise<CurrencyRate[]> {
    return (await q.query<Row>('SELECT base, currency, rate::text AS rate, updated_at FROM currency_rates WHERE base = $1 ORDER BY currency', [base])).map(toRate);
  },
  async allRates(q: Queryable): Promise<CurrencyRate[]> {
    return (await q.query<Row>('SELECT base, currency, rate::text AS rate, updated_at FROM currency_rates ORDER BY base, currency')).map(toRate);
  },
};
