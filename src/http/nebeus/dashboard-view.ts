import { Decimal } from '../../lib/decimal.js';
import type { Dashboard, PersonFacts } from '../../domain/dashboard/dashboard-service.js';
import { formatUtc } from '../../domain/ledger/ledger-rules.js';
import type { LedgerEntry } from '../../db/repositories/ledger.js';

const rateOf = (d: Dashboard, currency: string): Decimal | null => {
  if (currency === d.defaultCurrency) return Decimal.ONE;
  const r = d.ledger.rates.get(currency);
  return r === undefined ? null : Decimal.of(r);
};

function partner(e: LedgerEntry, people: Map<number, PersonFacts>) {
  if (e.counterpartyUserId === null) return { surname: e.counterpartySurname, name: e.counterpartyName };
  const p = people.get(e.counterpartyUserId);
  return { surname: p?.surname ?? null, name: p?.name ?? null, id: e.counterpartyUserId, country_code: p?.country?.code ?? null };
}

/**
 * `partner/dashboard` in the seed's shape. Amounts and rates are Decimals (written with their
 * exact digits); an entry's positive amount is a credit, a negative one a debit; a rate nobody
 * stored is null.
 */
export function dashboardEntity(d: Dashboard) {
  return {
    name: d.person.name,
    surname: d.person.surname,
    city: d.person.city,
    country_name: d.person.country?.name ?? null,
    country_code: d.person.country?.code ?? null,
    rating: d.rating,
    credit_rank: d.creditRank,
    verification: {
      address: { status: d.verification.address.status, points: d.verification.address.points },
      identity: { status: d.verification.identity.status, points: d.verification.identity.points },
      phone: { status: d.verification.phone.verified, points: d.verification.phone.points },
    },
    social_networks: d.socialNetworks.map((s) => ({ name: s.name, connected: s.connected, auth_link: s.auth_link })),
    default_currency: { rate: Decimal.ONE, name: d.defaultCurrency },
    accounts: d.ledger.accounts.map((a) => ({ acc_number: a.accNumber, currency: { rate: rateOf(d, a.currency), name: a.currency }, sum: Decimal.of(a.balance) })),
    transactions: d.ledger.entries.map((e) => {
      const amount = Decimal.of(e.amount);
      return {
        credit: amount.negative ? Decimal.ZERO : amount,
        currency: e.currency,
        date: formatUtc(e.occurredAt),
        debit: amount.negative ? amount.abs() : Decimal.ZERO,
        id: e.publicId,
        partner: partner(e, d.counterparties),
        type: e.typeLabel,
      };
    }),
    nearest_operations: d.ledger.operations.map((o) => ({
      amount: Decimal.of(o.amount), date: formatUtc(o.dueAt), description: o.description, id: o.publicId, type: o.direction,
    })),
  };
}
