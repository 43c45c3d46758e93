import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import type { Country } from '../../../db/repositories/countries.js';
import type { CurrencyRate, LedgerAccount, LedgerEntry, ScheduledOperation } from '../../../db/repositories/ledger.js';
import { pageParams, setPageHeaders } from '../common.js';
import { iso } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard, adminOf } from './guard.js';

/*
 * Operators' side of the Nebeus door. Abilities: countries are a gateway-like policy of where
 * the service is offered, so they go with `Restriction` (admin and technical manage them,
 * superadmin too); the ledger read model and the dashboard values are data about a user, so
 * they go with `User` (read: accountant, compliance, support, technical…; write: admin,
 * compliance, support, superadmin). Amounts are exact decimal strings in and out.
 */

const uid = P.str({ 'x-nonblank': true, description: 'the user\'s uid' });
const decimal = (description: string) => P.str({ 'x-nonblank': true, description });
const CountryPath = P.obj({ code: P.str({ 'x-nonblank': true, description: 'ISO 3166-1 alpha-2' }), active: P.bool({ description: 'offered by get_countries and as a flag' }) });
const Statement = P.obj({ uid, page: P.opt(P.int({ 'x-invalid': 'non_integer_page' })), limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit' })) });
const Account = P.obj({ uid, currency: P.str({ 'x-nonblank': true }), acc_number: P.opt(P.str({ 'x-nonblank': true, description: 'default: 16 random hex characters' })) });
const Entry = P.obj({
  uid, currency: P.str({ 'x-nonblank': true, description: 'EUR, BTC, …' }),
  amount: decimal('signed decimal string: > 0 credits the account (money in), < 0 debits it'),
  type: P.str({ 'x-nonblank': true, description: 'label shown to the user, e.g. "Disbursement of a loan"' }),
  date: P.opt(P.str({ description: 'YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601; default now' })),
  acc_number: P.opt(P.str({ description: 'for the account opened by this entry when the user has none in this currency' })),
  counterparty_uid: P.opt(P.str({ description: 'a user (shown with his profile name, id and country)' })),
  counterparty_name: P.opt(P.str({ description: 'or a free counterparty, e.g. "Internal"' })),
  counterparty_surname: P.opt(P.str({ description: 'e.g. "Transfer"' })),
});
const Operation = P.obj({
  uid, amount: decimal('non-negative decimal string'), type: P.str({ 'x-nonblank': true, description: 'credit or debit' }),
  description: P.str({ 'x-nonblank': true }), date: P.str({ 'x-nonblank': true, description: 'due date, YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601' }),
});
const OperationId = P.obj({ id: P.str({ 'x-nonblank': true }) });
const Rate = P.obj({ base: P.str({ 'x-nonblank': true }), currency: P.str({ 'x-nonblank': true }), rate: decimal('units of currency per unit of base (> 0)') });
const DashboardValue = P.obj({
  uid, key: P.str({ 'x-nonblank': true, description: 'rating, credit_rank or default_currency' }),
  value: P.opt(P.str({ description: 'a non-negative decimal (rating, credit_rank) or a currency code; empty removes it' })),
});
const UidOnly = P.obj({ uid });

export const countryEntity = (x: Country) => ({ id: x.id, code: x.code, name: x.name, phone_code: x.phoneCode, active: x.active });
const accountEntity = (a: LedgerAccount) => ({ acc_number: a.accNumber, currency: a.currency, balance: a.balance, created_at: iso(a.createdAt) });
const entryEntity = (e: LedgerEntry) => ({
  id: e.publicId, currency: e.currency, amount: e.amount, type: e.typeLabel, counterparty_user_id: e.counterpartyUserId,
  counterparty_name: e.counterpartyName, counterparty_surname: e.counterpartySurname, date: iso(e.occurredAt), created_by: e.createdBy,
});
const operationEntity = (o: ScheduledOperation) => ({ id: o.publicId, amount: o.amount, type: o.direction, description: o.description, date: iso(o.dueAt), created_by: o.createdBy });
const rateEntity = (r: CurrencyRate) => ({ base: r.base, currency: r.currency, rate: r.rate, updated_at: iso(r.updatedAt) });

/** Countries (activation) and the ledger read model behind the Nebeus dashboard. */
export async function adminNebeusRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const n = c.nebeus;

  app.get('/countries', {
    config: { ability: ['read', 'Restriction'] }, schema: { tags, security, summary: 'Every country with its stable id and active flag, by name' },
  }, async () => (await n.countries.all()).map(countryEntity));

  app.put('/countries/:code', {
    config: { ability: ['update', 'Restriction'] }, schema: { tags, security, summary: 'Switch a country on or off for sign-up, get_countries and flags', body: CountryPath },
  }, async (req) => {
    const p = parseParams(CountryPath, mergedParams(req), 'admin.countries');
    return countryEntity(await n.countries.setActive(p.code, p.active));
  });

  app.get('/ledger/users/:uid', {
    config: { ability: ['read', 'User'] }, schema: { tags, security, summary: 'A user\'s accounts (with balances), entries newest first (paginated) and scheduled operations', querystring: Statement },
  }, async (req, reply) => {
    const p = parseParams(Statement, mergedParams(req), 'admin.ledger');
    const { page, limit } = pageParams(p);
    const s = await n.ledger.statementOf(p.uid, page, limit);
    setPageHeaders(reply, s.entries.total, page, limit);
    return { uid: s.user.uid, accounts: s.accounts.map(accountEntity), entries: s.entries.rows.map(entryEntity), operations: s.operations.map(operationEntity) };
  });

  app.post('/ledger/accounts', {
    config: { ability: ['create', 'User'] }, schema: { tags, security, summary: 'Open the user\'s account in a currency (201; 200 when he has one already)', body: Account },
  }, async (req, reply) => {
    const p = parseParams(Account, mergedParams(req), 'admin.ledger');
    const { account, created } = await n.ledger.openAccount(p.uid, { currency: p.currency, accNumber: p.acc_number });
    return reply.status(created ? 201 : 200).send(accountEntity(account));
  });

  app.post('/ledger/entries', {
    config: { ability: ['create', 'User'] }, schema: { tags, security, summary: 'Post a signed entry (opens the account in its currency when missing)', body: Entry },
  }, async (req, reply) => {
    const p = parseParams(Entry, mergedParams(req), 'admin.ledger');
    const entry = await n.ledger.postEntry(p.uid, {
      currency: p.currency, amount: p.amount, type: p.type, date: p.date, accNumber: p.acc_number,
      counterpartyUid: p.counterparty_uid, counterpartyName: p.counterparty_name, counterpartySurname: p.counterparty_surname,
    }, adminOf(req).uid);
    return reply.status(201).send(entryEntity(entry));
  });

  app.post('/ledger/operations', {
    config: { ability: ['create', 'User'] }, schema: { tags, security, summary: 'Schedule an operation (dashboard nearest_operations)', body: Operation },
  }, async (req, reply) => {
    const p = parseParams(Operation, mergedParams(req), 'admin.ledger');
    const op = await n.ledger.scheduleOperation(p.uid, { amount: p.amount, direction: p.type, description: p.description, date: p.date }, adminOf(req).uid);
    return reply.status(201).send(operationEntity(op));
  });

  app.delete('/ledger/operations/:id', {
    config: { ability: ['destroy', 'User'] }, schema: { tags, security, summary: 'Cancel a scheduled operation', params: OperationId },
  }, async (req, reply) => {
    const p = parseParams(OperationId, mergedParams(req), 'admin.ledger');
    await n.ledger.cancelOperation(p.id);
    return reply.status(204).send();
  });

  app.get('/ledger/rates', {
    config: { ability: ['read', 'User'] }, schema: { tags, security, summary: 'Currency rates' },
  }, async () => (await n.ledger.rates()).map(rateEntity));

  app.put('/ledger/rates', {
    config: { ability: ['update', 'User'] }, schema: { tags, security, summary: 'Set a rate: units of currency per unit of base', body: Rate },
  }, async (req) => {
    const p = parseParams(Rate, mergedParams(req), 'admin.ledger');
    return rateEntity(await n.ledger.setRate(p));
  });

  app.get('/ledger/dashboard_values/:uid', {
    config: { ability: ['read', 'User'] }, schema: { tags, security, summary: 'The user\'s stored dashboard values', params: UidOnly },
  }, async (req) => n.dashboard.values(parseParams(UidOnly, mergedParams(req), 'admin.ledger').uid));

  app.put('/ledger/dashboard_values', {
    config: { ability: ['update', 'User'] }, schema: { tags, security, summary: 'Store (or, with an empty value, remove) a dashboard value of a user', body: DashboardValue },
  }, async (req) => {
    const p = parseParams(DashboardValue, mergedParams(req), 'admin.ledger');
    return n.dashboard.setValue(p.uid, p.key, p.value);
  });
}
