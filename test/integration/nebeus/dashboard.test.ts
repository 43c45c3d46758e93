import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { Client, STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { tokenFrom } from '../../helpers/smtp.js';
import { MemorySmsProvider } from '../../../src/infra/sms/memory.js';
import { oauthIdentitiesRepo } from '../../../src/db/repositories/oauth-identities.js';
import { jpeg } from '../../fixtures/kyc/files.js';
import { field, file, postMultipart } from '../kyc/helpers.js';
import { NebeusClient, adminClient, assertKeys, countryId } from './helpers.js';

const DASHBOARD_KEYS = ['name', 'surname', 'city', 'country_name', 'country_code', 'rating', 'credit_rank', 'verification', 'social_networks',
  'default_currency', 'accounts', 'transactions', 'nearest_operations'];

let t: TestApp;
let dir: string;
const sms = new MemorySmsProvider();
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-nebeus-oauth-'));
  const providers = path.join(dir, 'providers.yml');
  fs.writeFileSync(providers, [
    'providers:',
    ...['facebook', 'google', 'linkedin', 'paypal'].flatMap((p) => [`  - name: ${p}`, `    preset: ${p}`, `    client_id: ${p}-client`, `    client_secret: ${p}-secret-0123456789abcdef`]),
  ].join('\n'));
  t = await startTestApp({ OAUTH_PROVIDERS_FILE: providers, APP_URL: 'https://app.example.com' }, { sms });
});
after(async () => { await t.close(); fs.rmSync(dir, { recursive: true, force: true }); });

/** Signs up on the Nebeus door (profile: name, surname, Spain), confirms the email, signs in on both doors. */
async function partner() {
  const email = uniqueEmail('dash');
  const n = new NebeusClient(t);
  const signup = await n.call('/signup/1.0/json', {
    login: email, name: 'User', surname: 'Anonymous', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: await countryId(t, 'ES'),
  });
  assert.equal(signup.body[0].result.status, 'success', JSON.stringify(signup.body));
  const barong = new Client(t);
  assert.equal((await barong.post('/identity/users/email/confirm_code', { token: tokenFrom(await t.smtp.waitFor(email, /Confirm/)) })).status, 201);
  await n.signin(email);
  const [row] = await t.c.db.query<{ id: number; uid: string }>('SELECT id, uid FROM users WHERE email = $1', [email]);
  return { n, barong, email, id: Number(row.id), uid: row.uid };
}

const dashboard = async (n: NebeusClient) => {
  const r = await n.call('/partner/dashboard');
  assert.equal(r.status, 200);
  return r;
};

describe('partner/dashboard', () => {
  test('a new user: the seed\'s keys, his profile, nothing verified, empty lists, his default currency at rate 1', async () => {
    const { n } = await partner();
    const r = await dashboard(n);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assertKeys(r.body, DASHBOARD_KEYS, 'dashboard');
    assertKeys(r.body.verification, ['address', 'identity', 'phone']);
    for (const k of ['address', 'identity', 'phone']) assertKeys(r.body.verification[k], ['status', 'points'], k);
    assert.deepEqual({ ...r.body, social_networks: undefined }, {
      name: 'User', surname: 'Anonymous', city: null, country_name: 'Spain', country_code: 'ES',
      rating: 0, credit_rank: 1, // email verified: level 1
      verification: {
        address: { status: 'not_verified', points: 0 }, identity: { status: 'not_verified', points: 0 }, phone: { status: false, points: 0 },
      },
      social_networks: undefined,
      default_currency: { rate: 1, name: 'EUR' }, accounts: [], transactions: [], nearest_operations: [],
    });
  });

  test('without a session, or with an ended one: an envelope with status "error", HTTP 200', async () => {
    const none = await new NebeusClient(t).call('/partner/dashboard', {}, { id: 4 });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { id: 4, jsonrpc: '2.0', result: { status: 'error', message: 'Session expired' } });
    const { n } = await partner();
    await n.call('/logout/1.0/json');
    const ended = await new NebeusClient(t).call('/partner/dashboard', {}, { headers: { 'x-openerp-session-id': 'f'.repeat(32) } });
    assert.deepEqual(ended.body.result, { status: 'error', message: 'Session expired' });
    t.clock.advance(t.c.config.SESSION_EXPIRE_TIME + 1);
    const { n: idle } = await partner();
    t.clock.advance(t.c.config.SESSION_EXPIRE_TIME + 1);
    assert.deepEqual((await idle.call('/partner/dashboard')).body.result, { status: 'error', message: 'Session expired' }, 'idle too long');
  });

  test('a banned user\'s session no longer opens the dashboard', async () => {
    const { n, id } = await partner();
    await t.c.db.query("UPDATE users SET state = 'banned' WHERE id = $1", [id]);
    assert.deepEqual((await n.call('/partner/dashboard')).body.result, { status: 'error', message: 'Session expired' });
  });

  test('KYC walk: phone, identity document and address move statuses, points and the level-based credit_rank', async () => {
    const { n, barong, id } = await partner();
    const phone = `+44 7400 ${String(200000 + (process.pid % 700000)).padStart(6, '0')}`;
    assert.equal((await barong.send('POST', '/resource/phones', { phone_number: phone })).status, 201);
    const code = sms.lastCode(`+${phone.replace(/\D/g, '')}`)!;
    assert.equal((await barong.send('POST', '/resource/phones/verify', { phone_number: phone, verification_code: code })).status, 201);
    let d = (await dashboard(n)).body;
    assert.deepEqual(d.verification.phone, { status: true, points: 5 });
    assert.equal(d.credit_rank, 2);

    const expire = new Date(t.clock.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    const doc = await postMultipart(t, barong, '/resource/documents', [field('doc_type', 'Passport'), field('doc_number', 'AB1234567'), field('doc_expire', expire), file(jpeg(), 'p.jpg')]);
    assert.equal(doc.status, 201, JSON.stringify(doc.body));
    d = (await dashboard(n)).body;
    assert.deepEqual(d.verification.identity, { status: 'pending', points: 0 });
    await t.c.kycDocuments.review.setVerdict(id, 'document', 'verified');
    d = (await dashboard(n)).body;
    assert.deepEqual(d.verification.identity, { status: 'verified', points: 5 });
    assert.equal(d.credit_rank, 3);

    const addr = await postMultipart(t, barong, '/resource/addresses', [field('country', 'ES'), field('address', 'Carrer de Mallorca 401'), field('city', 'Barcelona'), field('postcode', '08013'), file(jpeg(), 'bill.jpg')]);
    assert.equal(addr.status, 201, JSON.stringify(addr.body));
    d = (await dashboard(n)).body;
    assert.deepEqual(d.verification.address, { status: 'pending', points: 0 });
    await t.c.kycDocuments.review.setVerdict(id, 'address', 'rejected');
    d = (await dashboard(n)).body;
    assert.deepEqual(d.verification.address, { status: 'rejected', points: 0 });
    await t.c.kycDocuments.review.setVerdict(id, 'address', 'verified');
    d = (await dashboard(n)).body;
    assert.deepEqual(d.verification, {
      address: { status: 'verified', points: 5 }, identity: { status: 'verified', points: 5 }, phone: { status: true, points: 5 },
    });
  });

  test('the city and country follow the latest profile', async () => {
    const { n, barong } = await partner();
    const r = await barong.send('PUT', '/resource/profiles', { city: 'Barcelona', country: 'ES', first_name: 'User', last_name: 'Anonymous' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = (await dashboard(n)).body;
    assert.deepEqual([d.name, d.surname, d.city, d.country_name, d.country_code], ['User', 'Anonymous', 'Barcelona', 'Spain', 'ES']);
  });

  test('a stored rating; the default currency stored by an operator', async () => {
    const { n, uid } = await partner();
    const admin = await adminClient(t);
    assert.equal((await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'rating', value: '5' })).status, 200);
    assert.deepEqual((await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'default_currency', value: 'usd' })).body, { rating: '5', default_currency: 'USD' });
    const d = (await dashboard(n)).body;
    assert.equal(d.rating, 5);
    assert.deepEqual(d.default_currency, { rate: 1, name: 'USD' });
    assert.deepEqual((await admin.send('PUT', '/admin/ledger/dashboard_values', { uid, key: 'rating', value: '' })).body, { default_currency: 'USD' });
    assert.equal((await dashboard(n)).body.rating, 0);
    assert.deepEqual((await admin.get(`/admin/ledger/dashboard_values/${uid}`)).body, { default_currency: 'USD' });
  });

  test('social_networks: every configured provider, the user\'s link state, a link that reaches the provider with a signed state', async () => {
    const { n, id } = await partner();
    await oauthIdentitiesRepo.insert(t.c.db, { userId: id, provider: 'paypal', subject: `pp-${id}`, email: null });
    const d = (await dashboard(n)).body;
    assert.deepEqual(d.social_networks.map((s: { name: string; connected: boolean }) => [s.name, s.connected]),
      [['Facebook Graph', false], ['Google OAuth2', false], ['LinkedIn', false], ['PayPal', true]]);
    for (const s of d.social_networks) assertKeys(s, ['name', 'connected', 'auth_link']);
    const fb = d.social_networks[0].auth_link as string;
    assert.ok(fb.startsWith(`https://app.example.com${t.prefix}/identity/oauth/facebook?link=`), fb);
    const go = await t.app.inject({ method: 'GET', url: fb.replace('https://app.example.com', ''), headers: { 'user-agent': 'x' } });
    assert.equal(go.statusCode, 303);
    const to = new URL(String(go.headers.location));
    assert.equal(`${to.origin}${to.pathname}`, 'https://www.facebook.com/v19.0/dialog/oauth');
    assert.equal(to.searchParams.get('client_id'), 'facebook-client');
    assert.ok((to.searchParams.get('state') ?? '').length > 20, 'a signed state');
  });
});

describe('partner/dashboard: configured points and formulas', () => {
  test('NEBEUS_POINTS_* and NEBEUS_RATING=points, NEBEUS_CREDIT_RANK=stored', async () => {
    const app = await startTestApp({ NEBEUS_POINTS_PHONE: '7', NEBEUS_RATING: 'points', NEBEUS_CREDIT_RANK: 'stored', NEBEUS_DEFAULT_CURRENCY: 'CHF' }, { sms });
    try {
      const email = uniqueEmail('cfg');
      const barong = new Client(app);
      await barong.signup(email);
      await barong.post('/identity/users/email/confirm_code', { token: tokenFrom(await app.smtp.waitFor(email, /Confirm/)) });
      const phone = `+44 7400 ${String(300000 + (process.pid % 600000)).padStart(6, '0')}`;
      await barong.send('POST', '/resource/phones', { phone_number: phone });
      await barong.send('POST', '/resource/phones/verify', { phone_number: phone, verification_code: sms.lastCode(`+${phone.replace(/\D/g, '')}`)! });
      const n = new NebeusClient(app);
      await n.signin(email);
      const d = (await n.call('/partner/dashboard')).body;
      assert.deepEqual(d.verification.phone, { status: true, points: 7 });
      assert.equal(d.rating, 7);
      assert.equal(d.credit_rank, 0, 'nothing stored');
      assert.deepEqual(d.default_currency, { rate: 1, name: 'CHF' });
      assert.deepEqual([d.name, d.surname, d.city, d.country_name, d.country_code], [null, null, null, null, null], 'no profile: nothing invented');
    } finally {
      await app.close();
    }
  });
});
