import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { STRONG_PASSWORD, uniqueEmail, type Client } from '../../helpers/client.js';
import { NebeusClient, activePartner, adminClient, assertKeys, countryId } from './helpers.js';

let t: TestApp;
let admin: Client;
before(async () => {
  t = await startTestApp();
  admin = await adminClient(t);
});
after(async () => { await t.close(); });

/** A Nebeus user (profile: name, surname, country) signed in on the door. */
async function partner(name = 'User', surname = 'Anonymous', country = 'ES') {
  const email = uniqueEmail('ledger');
  const n = new NebeusClient(t);
  await n.call('/signup/1.0/json', { login: email, name, surname, password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: await countryId(t, country) });
  await n.signin(email);
  const [row] = await t.c.db.query<{ id: number; uid: string }>('SELECT id, uid FROM users WHERE email = $1', [email]);
  return { n, id: Number(row.id), uid: row.uid };
}

const post = (path: string, body: Record<string, unknown>) => admin.send('POST', `/admin/ledger/${path}`, body);

describe('ledger read model: admin entries on the dashboard', () => {
  test('entries posted by an admin: signs, balances per account, rates, counterparties, dates, newest first', async () => {
    const { n, uid } = await partner();
    const other = await partner('Marta', 'Soler', 'PT');
    assert.equal((await admin.send('PUT', '/admin/ledger/rates', { base: 'EUR', currency: 'BTC', rate: '0.001163' })).status, 200);
    const e1 = await post('entries', { uid, currency: 'BTC', amount: '0.001', type: 'Disbursement of a loan', date: '2016-12-03 10:13:53', counterparty_name: 'Internal', counterparty_surname: 'Transfer', acc_number: '1Bhrfsdljaflkiudsf' });
    assert.equal(e1.status, 201, JSON.stringify(e1.body));
    assertKeys(e1.body, ['id', 'currency', 'amount', 'type', 'counterparty_user_id', 'counterparty_name', 'counterparty_surname', 'date', 'created_by']);
    assert.equal(e1.body.amount, '0.001');
    const e2 = await post('entries', { uid, currency: 'btc', amount: '-0.0004', type: 'Loan repayment', date: '2016-12-03T14:30:56Z', counterparty_uid: other.uid });
    assert.equal(e2.status, 201, JSON.stringify(e2.body));
    const e3 = await post('entries', { uid, currency: 'EUR', amount: 14.56, type: 'Deposit', date: '2016-12-04 09:00:00', counterparty_name: 'Bank', counterparty_surname: 'Transfer' });
    assert.equal(e3.status, 201, JSON.stringify(e3.body));

    const r = await n.call('/partner/dashboard');
    const d = r.body;
    assert.deepEqual(d.default_currency, { rate: 1, name: 'EUR' });
    assert.equal(d.accounts.length, 2);
    for (const a of d.accounts) { assertKeys(a, ['acc_number', 'currency', 'sum']); assertKeys(a.currency, ['rate', 'name']); }
    assert.deepEqual(d.accounts[0], { acc_number: '1Bhrfsdljaflkiudsf', currency: { rate: 0.001163, name: 'BTC' }, sum: 0.0006 });
    assert.deepEqual({ ...d.accounts[1], acc_number: undefined }, { acc_number: undefined, currency: { rate: 1, name: 'EUR' }, sum: 14.56 });
    assert.match(d.accounts[1].acc_number, /^[0-9A-F]{16}$/);
    // Written with their exact digits, never through a float.
    assert.ok(r.text.includes('"rate":0.001163'));
    assert.ok(r.text.includes('"sum":0.0006'));

    for (const x of d.transactions) { assertKeys(x, ['credit', 'currency', 'date', 'debit', 'id', 'partner', 'type']); }
    assert.deepEqual(d.transactions, [
      { credit: 14.56, currency: 'EUR', date: '2016-12-04 09:00:00', debit: 0, id: e3.body.id, partner: { surname: 'Transfer', name: 'Bank' }, type: 'Deposit' },
      { credit: 0, currency: 'BTC', date: '2016-12-03 14:30:56', debit: 0.0004, id: e2.body.id, partner: { surname: 'Soler', name: 'Marta', id: other.id, country_code: 'PT' }, type: 'Loan repayment' },
      { credit: 0.001, currency: 'BTC', date: '2016-12-03 10:13:53', debit: 0, id: e1.body.id, partner: { surname: 'Transfer', name: 'Internal' }, type: 'Disbursement of a loan' },
    ]);
    assert.match(e1.body.id, /^[0-9a-f]{12}$/);

    // The other user's books are his own: nothing of this appears on his dashboard.
    const mine = (await other.n.call('/partner/dashboard')).body;
    assert.deepEqual([mine.accounts, mine.transactions], [[], []]);
  });

  test('exact decimals: large amounts and long fractions add up without rounding', async () => {
    const { n, uid } = await partner();
    await post('entries', { uid, currency: 'USD', amount: '12345678901234567.123456789', type: 'Deposit', counterparty_name: 'Bank' });
    await post('entries', { uid, currency: 'USD', amount: '0.000000001', type: 'Interest', counterparty_name: 'Bank' });
    await post('entries', { uid, currency: 'USD', amount: '-0.1', type: 'Fee', counterparty_name: 'Bank' });
    const r = await n.call('/partner/dashboard');
    assert.ok(r.text.includes('"sum":12345678901234567.02345679'), r.text);
    assert.ok(r.text.includes('"debit":0.1'));
    assert.ok(r.text.includes('"rate":null'), 'no USD rate stored from EUR: null, not invented');
    const statement = await admin.get(`/admin/ledger/users/${uid}`);
    assert.equal(statement.body.accounts[0].balance, '12345678901234567.02345679');
  });

  test('rates follow the user\'s default currency; a missing one is null', async () => {
    const { n, uid } = await partner();
    await post('entries', { uid, currency: 'BTC', amount: '1', type: 'Deposit', counterparty_name: 'Exchange' });
    await post('entries', { uid, currency: 'EUR', amount: '2', type: 'Deposit', counterparty_name: 'Bank' });
    await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'default_currency', value: 'BTC' });
    await admin.send('PUT', '/admin/ledger/rates', { base: 'BTC', currency: 'EUR', rate: '859.84' });
    const d = (await n.call('/partner/dashboard')).body;
    assert.deepEqual(d.default_currency, { rate: 1, name: 'BTC' });
    assert.deepEqual(d.accounts.map((a: { currency: unknown }) => a.currency), [{ rate: 1, name: 'BTC' }, { rate: 859.84, name: 'EUR' }]);
  });

  test('nearest_operations: the scheduled ones still to come, soonest first, in the seed\'s shape', async () => {
    const { n, uid } = await partner();
    // One reference time: computing each date from a fresh clock reading could straddle a second.
    const now = t.clock.now();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
    const later = await post('operations', { uid, amount: '120.50', type: 'debit', description: 'Loan repayment', date: day(30) });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    const sooner = await post('operations', { uid, amount: 0, type: 'credit', description: 'Loan repayment', date: day(5) });
    assert.equal(sooner.status, 201);
    await post('operations', { uid, amount: '1', type: 'credit', description: 'Already due', date: day(-1) });
    const d = (await n.call('/partner/dashboard')).body;
    for (const o of d.nearest_operations) assertKeys(o, ['amount', 'date', 'description', 'id', 'type']);
    assert.deepEqual(d.nearest_operations, [
      { amount: 0, date: day(5), description: 'Loan repayment', id: sooner.body.id, type: 'credit' },
      { amount: 120.5, date: day(30), description: 'Loan repayment', id: later.body.id, type: 'debit' },
    ]);
    assert.equal((await admin.send('DELETE', `/admin/ledger/operations/${sooner.body.id}`)).status, 204);
    assert.deepEqual((await n.call('/partner/dashboard')).body.nearest_operations.map((o: { id: string }) => o.id), [later.body.id]);
  });
});

describe('admin ledger endpoints', () => {
  test('accounts: opened once per currency (201, then 200), listed with balances', async () => {
    const { uid } = await partner();
    const a = await post('accounts', { uid, currency: 'eth', acc_number: 'ETH-0001' });
    assert.deepEqual([a.status, { ...a.body, created_at: undefined }], [201, { acc_number: 'ETH-0001', currency: 'ETH', balance: '0', created_at: undefined }]);
    const again = await post('accounts', { uid, currency: 'ETH', acc_number: 'OTHER-0002' });
    assert.deepEqual([again.status, again.body.acc_number], [200, 'ETH-0001']);
    const s = await admin.get(`/admin/ledger/users/${uid}`);
    assert.equal(s.status, 200);
    assertKeys(s.body, ['uid', 'accounts', 'entries', 'operations']);
    assert.equal(s.headers.total, '0');
  });

  test('statement: entries newest first and paginated', async () => {
    const { uid } = await partner();
    for (let i = 1; i <= 3; i += 1) await post('entries', { uid, currency: 'EUR', amount: String(i), type: `T${i}`, date: `2020-01-0${i} 00:00:00`, counterparty_name: 'X' });
    const page = await admin.get(`/admin/ledger/users/${uid}?page=2&limit=2`);
    assert.equal(page.headers.total, '3');
    assert.deepEqual(page.body.entries.map((e: { type: string }) => e.type), ['T1']);
    assert.deepEqual(page.body.accounts.map((a: { balance: string }) => a.balance), ['6']);
  });

  test('validation: Barong-style missing keys, model errors, unknown users and operations', async () => {
    const { uid } = await partner();
    const missing = await post('entries', {});
    assert.deepEqual([missing.status, missing.body], [422, { errors: ['admin.ledger.missing_uid', 'admin.ledger.empty_uid', 'admin.ledger.missing_currency', 'admin.ledger.empty_currency', 'admin.ledger.missing_amount', 'admin.ledger.empty_amount', 'admin.ledger.missing_type', 'admin.ledger.empty_type'] }]);
    const unknown = await post('entries', { uid: 'ID0000000000', currency: 'EUR', amount: '1', type: 'x', counterparty_name: 'X' });
    assert.deepEqual([unknown.status, unknown.body], [404, { errors: ['record.not_found'] }]);
    const bad = await post('entries', { uid, currency: 'EURO$', amount: '0', type: 'ok', date: '2020-13-01 00:00:00', counterparty_uid: 'ID0000000000' });
    assert.deepEqual([bad.status, bad.body], [422, { errors: ['currency.invalid', 'amount.invalid', 'date.invalid', 'counterparty_uid.invalid'] }]);
    const noParty = await post('entries', { uid, currency: 'EUR', amount: '1e3', type: 'x' });
    assert.deepEqual(noParty.body, { errors: ['amount.invalid', 'counterparty.blank'] });
    const op = await post('operations', { uid, amount: '-1', type: 'sideways', description: 'x', date: 'soon' });
    assert.deepEqual([op.status, op.body], [422, { errors: ['amount.invalid', 'type.inclusion', 'date.invalid'] }]);
    const rate = await admin.send('PUT', '/admin/ledger/rates', { base: 'EUR', currency: 'eur', rate: '0' });
    assert.deepEqual([rate.status, rate.body], [422, { errors: ['currency.same_as_base', 'rate.invalid'] }]);
    const del = await admin.send('DELETE', '/admin/ledger/operations/000000000000');
    assert.deepEqual([del.status, del.body], [404, { errors: ['record.not_found'] }]);
    const key = await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'karma', value: '1' });
    assert.deepEqual([key.status, key.body], [422, { errors: ['key.inclusion'] }]);
    const value = await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'rating', value: '-2' });
    assert.deepEqual([value.status, value.body], [422, { errors: ['value.invalid'] }]);
    assert.equal((await admin.get('/admin/ledger/users/ID0000000000')).status, 404);
  });

  test('rates are listed', async () => {
    await admin.send('PUT', '/admin/ledger/rates', { base: 'EUR', currency: 'GBP', rate: '0.85' });
    const r = await admin.get('/admin/ledger/rates');
    const gbp = r.body.find((x: { currency: string; base: string }) => x.base === 'EUR' && x.currency === 'GBP');
    assert.deepEqual({ ...gbp, updated_at: undefined }, { base: 'EUR', currency: 'GBP', rate: '0.85', updated_at: undefined });
  });

  test('abilities (model User): accountant reads but does not write; support writes; a member is refused', async () => {
    const { uid } = await partner();
    const accountant = await adminClient(t, 'accountant');
    assert.equal((await accountant.get(`/admin/ledger/users/${uid}`)).status, 200);
    assert.equal((await accountant.get('/admin/ledger/rates')).status, 200);
    const denied = await accountant.send('POST', '/admin/ledger/entries', { uid, currency: 'EUR', amount: '1', type: 'x', counterparty_name: 'X' });
    assert.deepEqual([denied.status, denied.body], [401, { errors: ['admin.ability.not_permitted'] }]);
    assert.equal((await accountant.send('PUT', '/admin/ledger/rates', { base: 'EUR', currency: 'JPY', rate: '160' })).status, 401);
    const support = await adminClient(t, 'support');
    assert.equal((await support.send('POST', '/admin/ledger/entries', { uid, currency: 'EUR', amount: '1', type: 'x', counterparty_name: 'X' })).status, 201);
    const member = (await activePartner(t)).barong;
    assert.equal((await member.get(`/admin/ledger/users/${uid}`)).status, 401);
  });
});
