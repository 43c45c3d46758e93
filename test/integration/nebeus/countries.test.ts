import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { STRONG_PASSWORD, uniqueEmail } from '../../helpers/client.js';
import { NebeusClient, adminClient, assertKeys } from './helpers.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const FLAG_DIR = path.join(path.dirname(createRequire(import.meta.url).resolve('flag-icons/package.json')), 'flags', '4x3');
const countries = () => new NebeusClient(t).call('/get_countries/1.0/json');

describe('get_countries', () => {
  test('the seed\'s answer: a bare array of {id, name, code, phone_code}', async () => {
    const r = await countries();
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body));
    for (const c of r.body) {
      assertKeys(c, ['id', 'name', 'code', 'phone_code'], JSON.stringify(c));
      assert.equal(typeof c.id, 'number');
      assert.match(c.code, /^[A-Z]{2}$/);
      assert.match(c.phone_code, /^\+\d{1,4}$/);
    }
    const byCode = new Map(r.body.map((c: { code: string }) => [c.code, c]));
    assert.deepEqual({ ...byCode.get('ES') as object, id: undefined }, { id: undefined, name: 'Spain', code: 'ES', phone_code: '+34' });
    assert.deepEqual({ ...byCode.get('RU') as object, id: undefined }, { id: undefined, name: 'Russia', code: 'RU', phone_code: '+7' });
    const names = r.body.map((c: { name: string }) => c.name);
    assert.deepEqual(names, [...names].sort(new Intl.Collator('en').compare), 'by name');
  });

  test('ids are the table\'s stable ids; every country starts active', async () => {
    const rows = await t.c.db.query<{ id: number; code: string }>('SELECT id, code FROM countries ORDER BY id');
    const r = await countries();
    assert.equal(r.body.length, rows.length);
    const ids = new Map(rows.map((x) => [x.code, Number(x.id)]));
    for (const c of r.body) assert.equal(c.id, ids.get(c.code));
    // Inserted in code order by migration 0008: the same ids on every installation.
    assert.equal(ids.get('AC'), 1);
    assert.deepEqual(rows.map((x) => x.code), [...rows.map((x) => x.code)].sort());
  });

  test('bare params and an id change nothing: the answer is the bare array', async () => {
    const a = await new NebeusClient(t).call('/get_countries/1.0/json', {}, { form: 'bare' });
    const b = await new NebeusClient(t).call('/get_countries/1.0/json', {}, { id: 12 });
    assert.deepEqual(a.body, b.body);
    assert.ok(Array.isArray(b.body));
  });

  test('the profile country and the sign-up country are the same table (alpha-3 resolves too)', async () => {
    assert.equal((await t.c.nebeus.countries.lookup('esp'))?.code, 'ES');
    assert.equal((await t.c.nebeus.countries.lookup('ES'))?.name, 'Spain');
    assert.equal(await t.c.nebeus.countries.lookup('ZZZ'), null);
    assert.equal(await t.c.nebeus.countries.lookup(null), null);
  });
});

describe('admin: countries (ability Restriction)', () => {
  test('an operator switches a country off and on: get_countries, sign-up and flags follow', async () => {
    const admin = await adminClient(t);
    const list = await admin.get('/admin/countries');
    assert.equal(list.status, 200);
    const ru = list.body.find((c: { code: string }) => c.code === 'RU');
    assert.deepEqual({ ...ru, id: undefined }, { id: undefined, code: 'RU', name: 'Russia', phone_code: '+7', active: true });

    const off = await admin.send('PUT', '/admin/countries/ru', { active: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.deepEqual(off.body, { ...ru, active: false });
    assert.ok(!(await countries()).body.some((c: { code: string }) => c.code === 'RU'));
    assert.equal((await new NebeusClient(t).raw('GET', '/assets/svg/i_country-RU.svg')).status, 404);
    const signup = await new NebeusClient(t).call('/signup/1.0/json', {
      login: uniqueEmail('ru'), name: 'Ivan', surname: 'Ivanov', password: STRONG_PASSWORD, confirm_password: STRONG_PASSWORD, country: ru.id,
    });
    assert.deepEqual(signup.body[0].result.errors, { country: { field: 'country', message: 'Country is not available' } });

    const on = await admin.send('PUT', '/admin/countries/RU', { active: 'true' });
    assert.equal(on.body.active, true);
    assert.ok((await countries()).body.some((c: { code: string }) => c.code === 'RU'));
    assert.equal((await new NebeusClient(t).raw('GET', '/assets/svg/i_country-RU.svg')).status, 200);
  });

  test('errors: unknown code 404, missing or bad active 422', async () => {
    const admin = await adminClient(t);
    assert.deepEqual([(await admin.send('PUT', '/admin/countries/ZZ', { active: false })).status], [404]);
    assert.deepEqual((await admin.send('PUT', '/admin/countries/ZZ', { active: false })).body, { errors: ['record.not_found'] });
    assert.deepEqual((await admin.send('PUT', '/admin/countries/ESP', { active: false })).body, { errors: ['record.not_found'] });
    const missing = await admin.send('PUT', '/admin/countries/ES', {});
    assert.deepEqual([missing.status, missing.body], [422, { errors: ['admin.countries.missing_active'] }]);
    const bad = await admin.send('PUT', '/admin/countries/ES', { active: 'maybe' });
    assert.deepEqual([bad.status, bad.body], [422, { errors: ['invalid'] }]);
  });

  test('abilities: technical and admin manage countries; support and accountant may not', async () => {
    for (const role of ['technical', 'admin']) {
      const a = await adminClient(t, role);
      assert.equal((await a.get('/admin/countries')).status, 200, role);
      assert.equal((await a.send('PUT', '/admin/countries/ES', { active: true })).status, 200, role);
    }
    for (const role of ['support', 'accountant']) {
      const a = await adminClient(t, role);
      const r = await a.send('PUT', '/admin/countries/ES', { active: false });
      assert.deepEqual([r.status, r.body], [401, { errors: ['admin.ability.not_permitted'] }], role);
      assert.equal((await a.get('/admin/countries')).status, 401, role);
    }
  });
});

describe('flags: GET /assets/svg/i_country-{code}.svg', () => {
  test('every active country has its flag from flag-icons, in either case, with caching headers', async () => {
    const list = (await countries()).body as { code: string }[];
    const n = new NebeusClient(t);
    for (const { code } of list) {
      const r = await n.raw('GET', `/assets/svg/i_country-${code}.svg`);
      assert.equal(r.status, 200, code);
      assert.equal(r.headers['content-type'], 'image/svg+xml; charset=utf-8');
      assert.match(r.text, /<svg[\s>]/, code);
    }
    const upper = await n.raw('GET', '/assets/svg/i_country-ES.svg');
    const lower = await n.raw('GET', '/assets/svg/i_country-es.svg');
    assert.equal(upper.text, fs.readFileSync(path.join(FLAG_DIR, 'es.svg'), 'utf8'));
    assert.equal(lower.text, upper.text);
    assert.equal(upper.headers['cache-control'], 'public, max-age=86400');
    assert.equal(upper.headers['x-content-type-options'], 'nosniff');
    assert.match(String(upper.headers['content-security-policy']), /default-src 'none'/);
    const etag = String(upper.headers.etag);
    const again = await n.raw('GET', '/assets/svg/i_country-ES.svg', { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    // Territories the package files under another name.
    assert.equal((await n.raw('GET', '/assets/svg/i_country-AC.svg')).text, fs.readFileSync(path.join(FLAG_DIR, 'sh-ac.svg'), 'utf8'));
  });

  test('404 for unknown codes and other names', async () => {
    const n = new NebeusClient(t);
    for (const file of ['i_country-ZZ.svg', 'i_country-ESP.svg', 'i_country-e.svg', 'i_country-es.png', 'flag-es.svg', 'i_country-..svg', 'i_country-EU.svg', 'i_country-%2e%2e.svg']) {
      const r = await n.raw('GET', `/assets/svg/${file}`);
      assert.equal(r.status, 404, file);
      assert.deepEqual(r.body, { error: 'Not found' }, file);
    }
  });
});
