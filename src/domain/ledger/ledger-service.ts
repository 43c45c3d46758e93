import type { Db } from '../../db/db.js';
import { ledgerRepo, type CurrencyRate, type LedgerAccount, type LedgerEntry, type ScheduledOperation } from '../../db/repositories/ledger.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import { randomHex } from '../../lib/random.js';
import type { User } from '../users/user.js';
import { currencyCode, entryAmount, label, parseUtcDateTime, positiveRate, unsignedAmount } from './ledger-rules.js';

export interface EntryInput {
  currency: string; amount: string; type: string; date?: string; accNumber?: string;
  counterpartyUid?: string; counterpartyName?: string; counterpartySurname?: string;
}
export interface OperationInput { amount: string; direction: string; description: string; date: string }

/** What the dashboard shows of a user's books. */
export interface LedgerOverview {
  accounts: LedgerAccount[];
  entries: LedgerEntry[];
  operations: ScheduledOperation[];
  /** currency → units of it per unit of `base` (as stored; the base itself is not listed). */
  rates: Map<string, string>;
}

const ACC_NUMBER = /^[A-Za-z0-9-]{4,64}$/;
/** Client-visible ids of entries and operations: 12 hex characters (48 random bits, unique index). */
const publicId = () => randomHex(12);

/**
 * The ledger read model: accounts per currency, signed entries, scheduled operations and rates,
 * written only by operators (admin API) and read by the dashboard. Balances are sums computed
 * by the database over exact numerics.
 */
export class LedgerService {
  constructor(private readonly db: Db, private readonly now: () => number) {}

  async openAccount(uid: string, input: { currency: string; accNumber?: string }): Promise<{ account: LedgerAccount; created: boolean }> {
    const user = await this.userOf(uid);
    const errors: string[] = [];
    const currency = currencyCode(input.currency);
    if (!currency) errors.push('currency.invalid');
    if (input.accNumber !== undefined && !ACC_NUMBER.test(input.accNumber)) errors.push('acc_number.invalid');
    if (errors.length) throw new ModelError(errors);
    return ledgerRepo.ensureAccount(this.db, user.id, currency!, input.accNumber ?? randomHex(16).toUpperCase());
  }

  /** Posts one signed entry; the account in its currency is opened on the way when missing. */
  async postEntry(uid: string, input: EntryInput, adminUid: string): Promise<LedgerEntry> {
    const user = await this.userOf(uid);
    const errors: string[] = [];
    const currency = currencyCode(input.currency);
    if (!currency) errors.push('currency.invalid');
    const amount = entryAmount(input.amount);
    if (!amount) errors.push('amount.invalid');
    const type = label(input.type);
    if (!type) errors.push('type.invalid');
    const date = input.date === undefined ? new Date(this.now()) : parseUtcDateTime(input.date);
    if (!date) errors.push('date.invalid');
    if (input.accNumber !== undefined && !ACC_NUMBER.test(input.accNumber)) errors.push('acc_number.invalid');
    let counterparty: User | null = null;
    if (input.counterpartyUid !== undefined) {
      counterparty = await usersRepo.byUid(this.db, input.counterpartyUid.trim());
      if (!counterparty) errors.push('counterparty_uid.invalid');
    }
    const name = input.counterpartyName === undefined ? null : label(input.counterpartyName);
    const surname = input.counterpartySurname === undefined ? null : label(input.counterpartySurname);
    if (input.counterpartyName !== undefined && !name) errors.push('counterparty_name.invalid');
    if (input.counterpartySurname !== undefined && !surname) errors.push('counterparty_surname.invalid');
    if (input.counterpartyUid === undefined && input.counterpartyName === undefined && input.counterpartySurname === undefined) errors.push('counterparty.blank');
    if (errors.length) throw new ModelError(errors);
    return this.db.tx(async (q) => {
      const { account } = await ledgerRepo.ensureAccount(q, user.id, currency!, input.accNumber ?? randomHex(16).toUpperCase());
      return ledgerRepo.insertEntry(q, {
        publicId: publicId(), accountId: account.id, amount: amount!.text, typeLabel: type!, counterpartyUserId: counterparty?.id ?? null,
        counterpartyName: counterparty ? null : name, counterpartySurname: counterparty ? null : surname, occurredAt: date!, createdBy: adminUid,
      });
    });
  }

  async scheduleOperation(uid: string, input: OperationInput, adminUid: string): Promise<ScheduledOperation> {
    const user = await this.userOf(uid);
    const errors: string[] = [];
    const amount = unsignedAmount(input.amount);
    if (!amount) errors.push('amount.invalid');
    const direction = input.direction.trim().toLowerCase();
    if (direction !== 'credit' && direction !== 'debit') errors.push('type.inclusion');
    const description = label(input.description);
    if (!description) errors.push('description.invalid');
    const due = parseUtcDateTime(input.date);
    if (!due) errors.push('date.invalid');
    if (errors.length) throw new ModelError(errors);
    return ledgerRepo.insertOperation(this.db, {
      publicId: publicId(), userId: user.id, amount: amount!.text, direction: direction as 'credit' | 'debit', description: description!, dueAt: due!, createdBy: adminUid,
    });
  }

  async cancelOperation(id: string): Promise<void> {
    if (!(await ledgerRepo.removeOperation(this.db, id.trim()))) throw new AppError('record.not_found');
  }

  async setRate(input: { base: string; currency: string; rate: string }): Promise<CurrencyRate> {
    const errors: string[] = [];
    const base = currencyCode(input.base);
    if (!base) errors.push('base.invalid');
    const currency = currencyCode(input.currency);
    if (!currency) errors.push('currency.invalid');
    if (base && currency && base === currency) errors.push('currency.same_as_base');
    const rate = positiveRate(input.rate);
    if (!rate) errors.push('rate.invalid');
    if (errors.length) throw new ModelError(errors);
    return ledgerRepo.upsertRate(this.db, base!, currency!, rate!.text);
  }

  rates(): Promise<CurrencyRate[]> {
    return ledgerRepo.allRates(this.db);
  }

  /** Everything stored for a user (admin view): accounts with balances, entries newest first, operations. */
  async statementOf(uid: string, page: number, limit: number): Promise<{ user: User; accounts: LedgerAccount[]; entries: { total: number; rows: LedgerEntry[] }; operations: ScheduledOperation[] }> {
    const user = await this.userOf(uid);
    const [accounts, entries, operations] = await Promise.all([
      ledgerRepo.accountsOf(this.db, user.id), ledgerRepo.entriesOf(this.db, user.id, limit, (page - 1) * limit), ledgerRepo.operationsOf(this.db, user.id),
    ]);
    return { user, accounts, entries, operations };
  }

  /** The user an operator names by uid; `record.not_found` otherwise. */
  async userOf(uid: string): Promise<User> {
    const user = await usersRepo.byUid(this.db, uid.trim());
    if (!user) throw new AppError('record.not_found');
    return user;
  }

  /** The dashboard's part: accounts, the latest entries, the operations due from now on, rates from `base`. */
  async overview(user: User, base: string, limits: { entries: number; operations: number }): Promise<LedgerOverview> {
    const [accounts, entries, operations, rates] = await Promise.all([
      ledgerRepo.accountsOf(this.db, user.id),
      ledgerRepo.entriesOf(this.db, user.id, limits.entries),
      ledgerRepo.upcomingOperations(this.db, user.id, new Date(this.now()), limits.operations),
      ledgerRepo.ratesFrom(this.db, base),
    ]);
    return { accounts, entries: entries.rows, operations, rates: new Map(rates.map((r) => [r.currency, r.rate])) };
  }
}
