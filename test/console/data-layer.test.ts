import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ApiError, errorKeys, isSessionLoss, toQuery } from '../../console/src/lib/http.js';
import { can, canOpen, hasAnyAbility, userPageRights, visibleSections } from '../../console/src/lib/abilities.js';
import { daysBetween, lastDays, MAX_DAYS, summarize } from '../../console/src/lib/metrics.js';
import { filesFor, nextItem, previewKind, queueItem, sortQueue, verdictCall, verdictText, type QueueItem } from '../../console/src/lib/kyc.js';
import { dayToUnix, readListState, usersQuery, writeListState } from '../../console/src/lib/users-query.js';
import { describeError, preferredLang, spellOut, translate } from '../../console/src/lib/i18n.js';
import { EN } from '../../console/src/lib/i18n-en.js';
import { RU } from '../../console/src/lib/i18n-ru.js';
import { dataEntries } from '../../console/src/lib/activity.js';
import { maskDate, maskMiddle, maskName } from '../../console/src/lib/mask.js';
import type { DocumentEntity, Label, UserWithKyc } from '../../console/src/lib/types.js';
import { DEFAULT_ABILITIES } from '../../src/domain/admin/abilities.js';
import { injectSettings } from '../../src/http/console.js';

/** The admin console's data layer (console/src/lib), without a browser. */

interface Call { url: string; init: RequestInit }
function fakeFetch(answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> } | 'network'>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answers.shift();
    if (!a || a === 'network') throw new TypeError('fetch failed');
    const text = a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    const headers = { 'content-type': typeof a.body === 'string' ? 'text/html' : 'application/json', ...a.headers };
    return new Response(a.status === 204 ? null : text, { status: a.status, headers });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

function client(answers: Parameters<typeof fakeFetch>[0], csrf: string | null = 'c0ffee') {
  const f = fakeFetch(answers);
  const lost: string[][] = [];
  const api = new ApiClient({ prefix: '/api/v2/auth', csrf: () => csrf, onSessionLost: (k) => lost.push(k), fetch: f.fetch });
  return { api, calls: f.calls, lost };
}

const headerOf = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

describe('ApiClient', () => {
  test('GET: prefix, query without blanks, same-origin credentials, no CSRF header', async () => {
    const { api, calls } = client([{ status: 200, body: { ok: true } }]);
    assert.deepEqual(await api.get('/admin/users', { email: ' a@b.co ', uid: '', role: null, level: 0, extended: true }), { ok: true });
    assert.equal(calls[0].url, '/api/v2/auth/admin/users?email=a%40b.co&level=0&extended=true');
    assert.equal(calls[0].init.method, 'GET');
    assert.equal(calls[0].init.credentials, 'same-origin');
    assert.equal(headerOf(calls[0], 'x-csrf-token'), undefined);
  });

  test('a page reads Total, Page and Per-Page', async () => {
    const { api } = client([{ status: 200, body: [{ uid: 'U1' }], headers: { total: '41', page: '3', 'per-page': '20' } }]);
    assert.deepEqual(await api.page('/admin/users', { page: 3, limit: 20 }), { items: [{ uid: 'U1' }], total: 41, page: 3, perPage: 20 });
  });

  test('writes carry the CSRF token; JSON body, or the query for DELETE; undefined parameters left out', async () => {
    const { api, calls } = client([{ status: 200 }, { status: 200, body: { id: 1 } }]);
    assert.equal(await api.send('POST', '/admin/users/update', { uid: 'U1', state: 'locked', reason: undefined }), undefined);
    assert.equal(headerOf(calls[0], 'x-csrf-token'), 'c0ffee');
    assert.equal(headerOf(calls[0], 'content-type'), 'application/json');
    assert.equal(calls[0].init.body, '{"uid":"U1","state":"locked"}');
    await api.send('DELETE', '/admin/restrictions', { id: 7 });
    assert.equal(calls[1].url, '/api/v2/auth/admin/restrictions?id=7');
    assert.equal(calls[1].init.body, undefined);
  });

  test('refusals: the error keys, whatever the dialect; session loss only for session keys', async () => {
    const { api, lost } = client([
      { status: 401, body: { errors: ['admin.ability.not_permitted'] } },
      { status: 401, body: { errors: ['authz.invalid_session'] } },
      { status: 404, body: { error: 'Route is not found' } },
      { status: 502, body: '<html>bad gateway</html>' },
      'network',
      { status: 401, body: { errors: ['identity.session.invalid_params'] } },
    ]);
    const keys = async (p: Promise<unknown>) => p.then(() => assert.fail('should fail'), (e: unknown) => { assert.ok(e instanceof ApiError); return [e.status, e.keys]; });
    assert.deepEqual(await keys(api.get('/admin/permissions')), [401, ['admin.ability.not_permitted']]);
    assert.deepEqual(lost, [], 'a refusal of the role is not a lost session');
    assert.deepEqual(await keys(api.get('/admin/users')), [401, ['authz.invalid_session']]);
    assert.deepEqual(lost, [['authz.invalid_session']]);
    assert.deepEqual(await keys(api.get('/admin/nope')), [404, ['route.not_found']]);
    assert.deepEqual(await keys(api.get('/admin/users')), [502, ['http.502']]);
    assert.deepEqual(await keys(api.get('/admin/users')), [0, ['network.unreachable']]);
    assert.deepEqual(await keys(api.send('POST', '/identity/sessions', { email: 'x' }, { sessionless: true })), [401, ['identity.session.invalid_params']]);
    assert.equal(lost.length, 1, 'sign-in failures never count as a lost session');
  });

  test('helpers', () => {
    assert.equal(toQuery({}), '');
    assert.equal(toQuery({ a: ' ', b: undefined }), '');
    assert.deepEqual(errorKeys(422, { errors: ['a', 'b'] }), ['a', 'b']);
    assert.ok(isSessionLoss(401, ['authz.csrf_token_mismatch']));
    assert.ok(isSessionLoss(401, []));
    assert.ok(!isSessionLoss(403, ['authz.invalid_session']));
    assert.ok(!isSessionLoss(401, ['authz.invalid_permission']));
  });
});

describe('abilities', () => {
  test('CanCan semantics: manage grants everything on a model, read the reads, all every model', () => {
    assert.ok(can({ manage: ['User'] }, 'destroy', 'User'));
    assert.ok(can({ read: ['User'] }, 'read', 'User'));
    assert.ok(!can({ read: ['User'] }, 'update', 'User'));
    assert.ok(can({ update: ['all'] }, 'update', 'Restriction'));
    assert.ok(!can({}, 'read', 'User'));
    assert.ok(!can(null, 'read', 'User'));
    assert.ok(!hasAnyAbility({}) && !hasAnyAbility({ read: [] }) && hasAnyAbility({ read: ['Level'] }));
  });

  test('navigation per role of the server\'s default abilities file', () => {
    const nav = (role: string) => visibleSections(DEFAULT_ABILITIES[role]);
    assert.deepEqual(nav('superadmin'), ['dashboard', 'users', 'kyc', 'permissions', 'restrictions', 'levels', 'activities']);
    assert.deepEqual(nav('support'), ['dashboard', 'users', 'levels', 'activities'], 'support: no permissions, restrictions or verdicts');
    assert.deepEqual(nav('compliance'), ['dashboard', 'users', 'kyc', 'levels']);
    assert.deepEqual(nav('technical'), ['dashboard', 'users', 'restrictions', 'levels', 'activities']);
    assert.deepEqual(visibleSections({}), []);
    assert.ok(canOpen(DEFAULT_ABILITIES.admin, 'kyc'));
    const support = userPageRights(DEFAULT_ABILITIES.support);
    assert.deepEqual([support.update, support.labels, support.apiKeys, support.unmasked], [true, false, false, true]);
  });
});

describe('metrics', () => {
  test('one point per day of the period, zeros where the API has none, either spelling of logins', () => {
    const m = { signups: { '2024-03-01': 2, '2024-03-03': 1 }, sucessful_logins: { '2024-03-02': 5 }, failed_logins: { '2024-02-28': 9, '2024-03-03': 4 }, pending_applications: 7 };
    const s = summarize(m, '2024-02-29', '2024-03-03');
    assert.deepEqual(s.points.map((p) => [p.day, p.signups, p.logins, p.failed]), [
      ['2024-02-29', 0, 0, 0], ['2024-03-01', 2, 0, 0], ['2024-03-02', 0, 5, 0], ['2024-03-03', 1, 0, 4],
    ]);
    assert.deepEqual(s.totals, { signups: 3, logins: 5, failed: 4 });
    assert.equal(s.pending, 7);
    assert.equal(summarize({ ...m, successful_logins: { '2024-03-02': 6 } }, '2024-03-02', '2024-03-02').totals.logins, 6, 'the correct spelling wins');
  });

  test('periods', () => {
    assert.deepEqual(daysBetween('2024-03-02', '2024-03-01'), []);
    assert.deepEqual(daysBetween('bad', '2024-03-01'), []);
    assert.equal(daysBetween('2000-01-01', '2024-01-01').length, MAX_DAYS);
    assert.deepEqual(lastDays(3, Date.parse('2024-03-01T10:00:00Z')), { from: '2024-02-28', to: '2024-03-01' });
  });
});

const label = (key: string, value: string, updated: string, scope = 'private'): Label => ({ key, value, scope, description: null, created_at: updated, updated_at: updated });
const doc = (docType: string, url: string | null): DocumentEntity => ({ upload: { url }, doc_type: docType, doc_number: 'AB1', doc_expire: null, metadata: null, created_at: '', updated_at: '' });
const kycUser = (uid: string, labels: Label[]): UserWithKyc => ({
  email: `${uid}@x.io`, uid, role: 'member', level: 2, otp: false, state: 'active', referral_uid: null, data: null, username: null,
  profiles: [], labels, phones: [], documents: [], data_storages: [], comments: [], created_at: '', updated_at: '',
});

describe('KYC queue', () => {
  test('items are dated by their private label; oldest first; next after the current one', () => {
    const a = queueItem('document', kycUser('A', [label('document', 'pending', '2024-03-02T10:00:00Z')]))!;
    const b = queueItem('document', kycUser('B', [label('document', 'replaced', '2024-03-01T10:00:00Z')]))!;
    const c = queueItem('profile', kycUser('C', [label('profile', 'submitted', '2024-03-03T10:00:00Z')]))!;
    assert.equal(queueItem('document', kycUser('D', [label('document', 'verified', '2024-03-01T10:00:00Z')])), null);
    assert.equal(queueItem('document', kycUser('E', [label('document', 'pending', '2024-03-01T10:00:00Z', 'public')])), null, 'public labels mean nothing');
    const q = sortQueue([c, a, b]);
    assert.deepEqual(q.map((i) => i.uid), ['B', 'A', 'C']);
    assert.equal(nextItem(q, b)?.uid, 'A');
    assert.equal(nextItem(q, c), null);
    assert.equal(nextItem(q, { ...a, uid: 'gone' } as QueueItem)?.uid, 'B', 'an item that left the queue: start from the oldest');
    assert.equal(nextItem([], null), null);
  });

  test('verdicts: the private label (created if missing) or the profile state, with reason and message', () => {
    assert.deepEqual(verdictCall('document', 'U1', 'rejected', 'Photo is blurred', 'Please retake it'), {
      method: 'POST', path: '/admin/users/labels/update',
      params: { uid: 'U1', key: 'document', scope: 'private', value: 'rejected', description: 'Photo is blurred — Please retake it', reason: 'Photo is blurred — Please retake it' },
    });
    assert.deepEqual(verdictCall('address', 'U1', 'verified').params, { uid: 'U1', key: 'address', scope: 'private', value: 'verified', description: undefined, reason: undefined });
    assert.deepEqual(verdictCall('profile', 'U1', 'verified', 'ok'), { method: 'PUT', path: '/admin/profiles', params: { uid: 'U1', state: 'verified', reason: 'ok' } });
    assert.equal(verdictText('x'.repeat(300), 'y')?.length, 255, 'labels keep 255 characters');
    assert.equal(verdictText(' ', ''), undefined);
  });

  test('files per step and previews by file type', () => {
    const docs = [doc('Passport', '/u/1.png'), doc('Address', '/u/2.pdf'), doc('Identity card', '/u/3.jpg')];
    assert.deepEqual(filesFor('document', docs).map((d) => d.upload?.url), ['/u/1.png', '/u/3.jpg']);
    assert.deepEqual(filesFor('address', docs).map((d) => d.upload?.url), ['/u/2.pdf']);
    assert.deepEqual(filesFor('profile', docs), []);
    assert.equal(previewKind('/api/v2/auth/public/uploads/1/mac/document/upload/1/ab.pdf'), 'pdf');
    assert.equal(previewKind('/x/ab.JPG'), 'image');
    assert.equal(previewKind(null), 'none');
  });
});

describe('users list state', () => {
  test('the URL keeps filters, page, size and sort; defaults stay out of it', () => {
    const s = readListState(new URLSearchParams('email=a%40b.co&state=&page=2&limit=50&order_by=email&ordering=asc&bogus=1'));
    assert.deepEqual(s, { filters: { email: 'a@b.co' }, page: 2, limit: 50, sort: { by: 'email', dir: 'asc' } });
    assert.equal(writeListState(s).toString(), 'email=a%40b.co&page=2&limit=50&order_by=email&ordering=asc');
    const d = readListState(new URLSearchParams('page=-3&limit=7&order_by=password_digest'));
    assert.deepEqual(d, { filters: {}, page: 1, limit: 25, sort: { by: 'created_at', dir: 'desc' } }, 'unknown sort columns and sizes fall back');
    assert.equal(writeListState(d).toString(), '');
  });

  test('dates become inclusive unix bounds', () => {
    assert.equal(dayToUnix('2024-03-01', 'from'), 1709251200);
    assert.equal(dayToUnix('2024-03-01', 'to'), 1709251200 + 86_399);
    assert.equal(dayToUnix('03/01/2024', 'from'), undefined);
    const q = usersQuery({ filters: { role: 'admin', from: '2024-03-01', to: '2024-03-01', range: 'updated' }, page: 1, limit: 25, sort: { by: 'level', dir: 'asc' } });
    assert.deepEqual(q, { role: 'admin', range: 'updated', from: 1709251200, to: 1709337599, page: 1, limit: 25, order_by: 'level', ordering: 'asc' });
  });
});

describe('English and Russian', () => {
  test('every text exists in both languages with the same placeholders', () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.deepEqual(Object.keys(RU).sort(), Object.keys(EN).sort());
    for (const [k, en] of Object.entries(EN)) {
      const ru = RU[k as keyof typeof EN];
      assert.ok(ru.trim() !== '' && en.trim() !== '', k);
      assert.equal(holes(ru), holes(en), `placeholders of ${k}`);
    }
  });

  test('texts with values, error keys in words, browser language', () => {
    assert.equal(translate('en', 'common.total', { n: 5 }), '5 in total');
    assert.equal(translate('ru', 'common.total', { n: 5 }), 'Всего: 5');
    assert.equal(describeError('en', 'admin.user.update_himself'), 'You cannot change your own account here');
    assert.equal(describeError('ru', 'identity.session.invalid_otp'), 'Неверный код аутентификатора');
    assert.equal(describeError('en', 'admin.restriction.invalid_scope'), 'Invalid scope', 'unknown keys are spelled out');
    assert.equal(describeError('en', 'http.503'), 'Server error (HTTP 503)');
    assert.equal(spellOut('value.taken'), 'Taken');
    assert.equal(preferredLang(['de-DE', 'ru-RU', 'en']), 'ru');
    assert.equal(preferredLang(['fr']), 'en');
  });
});

test('activity data, masking, settings injection', () => {
  assert.deepEqual(dataEntries('{"uid":"U1","state":"locked","reason":null,"n":2,"o":{"a":1}}'), [['uid', 'U1'], ['state', 'locked'], ['n', '2'], ['o', '{"a":1}']]);
  assert.deepEqual(dataEntries('{"reason":"Invalid Email or Password"}'), [['reason', 'Invalid Email or Password']]);
  assert.deepEqual(dataEntries('not json'), [['', 'not json']]);
  assert.equal(dataEntries(null), null);
  assert.equal(maskMiddle('AB1234567'), 'AB*****67');
  assert.equal(maskMiddle('AB1'), '***');
  assert.equal(maskName('Berezniy'), 'B*******');
  assert.equal(maskDate('1990-05-17'), '1990-**-**');
  const html = injectSettings('<head><!--warden-config--></head>', { apiPrefix: '/api', rejectReasons: ['</script><script>alert(1)</script>'] });
  assert.equal(html, '<head><script id="warden-config" type="application/json">{"apiPrefix":"/api","rejectReasons":["\\u003c/script>\\u003cscript>alert(1)\\u003c/script>"]}</script></head>');
});
