import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPermission, checkRestrictions, indexRestrictions, pathRule, permissionsByRole, type Location, type RestrictionRule } from './decide.js';

const GB: Location = { country: 'United Kingdom', countryCode: 'GB', continent: 'Europe', continentCode: 'EU' };
const JP: Location = { country: 'Japan', countryCode: 'JP', continent: 'Asia', continentCode: 'AS' };
const NONE: Location = { country: null, countryCode: null, continent: null, continentCode: null };
const LOGIN = 'api/v2/auth/identity/sessions';
const R = (category: string, scope: string, value: string, code: number): RestrictionRule => ({ category, scope, value, code });

const restrictionRows: [string, RestrictionRule[], { path?: string; ip?: string; loc?: Location }, string | null, number?][] = [
  ['no rules', [], {}, null],
  ['maintenance all', [R('maintenance', 'all', 'all', 471)], {}, 'authz.restrict.maintenance', 471],
  ['maintenance with a custom code', [R('maintenance', 'all', 'all', 503)], {}, 'authz.restrict.maintenance', 503],
  ['blacklist ip', [R('blacklist', 'ip', '1.2.3.4', 401)], { ip: '1.2.3.4' }, 'authz.restrict.blacklist', 401],
  ['blacklist ip, other ip', [R('blacklist', 'ip', '1.2.3.4', 401)], { ip: '1.2.3.5' }, null],
  ['blacklist ipv4 subnet', [R('blacklist', 'ip_subnet', '1.2.0.0/16', 403)], { ip: '1.2.200.1' }, 'authz.restrict.blacklist', 403],
  ['blacklist ipv6 subnet', [R('blacklist', 'ip_subnet', '2001:db8::/32', 403)], { ip: '2001:db8:1::5' }, 'authz.restrict.blacklist', 403],
  ['blacklist country by name', [R('blacklist', 'country', 'united kingdom', 423)], { loc: GB }, 'authz.restrict.blacklist', 423],
  ['blacklist country by ISO code', [R('blacklist', 'country', 'GB', 423)], { loc: GB }, 'authz.restrict.blacklist', 423],
  ['blacklist country, other country', [R('blacklist', 'country', 'Japan', 423)], { loc: GB }, null],
  ['blacklist continent by name', [R('blacklist', 'continent', 'Asia', 423)], { loc: JP }, 'authz.restrict.blacklist', 423],
  ['blacklist continent by code', [R('blacklist', 'continent', 'eu', 423)], { loc: GB }, 'authz.restrict.blacklist', 423],
  ['unknown location never matches geo rules', [R('blacklist', 'country', 'Japan', 423), R('blacklist', 'continent', 'Asia', 423)], { loc: NONE }, null],
  ['whitelist ip beats maintenance', [R('whitelist', 'ip', '1.2.3.4', 401), R('maintenance', 'all', 'all', 471)], { ip: '1.2.3.4' }, null],
  ['whitelist of another ip does not', [R('whitelist', 'ip', '9.9.9.9', 401), R('maintenance', 'all', 'all', 471)], { ip: '1.2.3.4' }, 'authz.restrict.maintenance', 471],
  ['maintenance beats blacklist', [R('blacklist', 'all', 'all', 401), R('maintenance', 'all', 'all', 471)], {}, 'authz.restrict.maintenance', 471],
  ['blocklogin denies the login path', [R('blocklogin', 'all', 'all', 401)], { path: LOGIN }, 'authz.restrict.blocklogin', 401],
  ['blocklogin ignores other paths', [R('blocklogin', 'all', 'all', 401)], { path: 'api/v2/auth/resource/users/me' }, null],
  ['within a category the all scope is found first', [R('blacklist', 'ip', '1.2.3.4', 418), R('blacklist', 'all', 'all', 409)], { ip: '1.2.3.4' }, 'authz.restrict.blacklist', 409],
  ['ip before country', [R('blacklist', 'country', 'GB', 423), R('blacklist', 'ip', '1.2.3.4', 401)], { ip: '1.2.3.4', loc: GB }, 'authz.restrict.blacklist', 401],
];

for (const [name, rules, f, key, status] of restrictionRows) {
  test(`restrictions: ${name}`, () => {
    const d = checkRestrictions(indexRestrictions(rules), { path: f.path ?? 'api/v2/auth/resource/users/me', ip: f.ip ?? '1.2.3.4', location: f.loc ?? NONE, loginPath: LOGIN });
    assert.deepEqual(d, key === null ? null : { key, status });
  });
}

test('path rules: block wins over pass; prefixes match whole segments', () => {
  const rules = { pass: ['api/v2/auth/identity', 'api/v2/auth/public'], block: ['api/v2/auth/management', 'api/v2/auth/identity/secret'] };
  assert.equal(pathRule(rules, 'api/v2/auth/identity/sessions'), 'pass');
  assert.equal(pathRule(rules, 'api/v2/auth/identity/secret/x'), 'block');
  assert.equal(pathRule(rules, 'api/v2/auth/management/users'), 'block');
  assert.equal(pathRule(rules, 'api/v2/auth/resource/users/me'), null);
  assert.equal(pathRule(rules, 'api/v2/auth/publicity'), null);
  assert.equal(pathRule(rules, 'api/v2/auth/identityfoo/x'), null);
});

const perms = permissionsByRole([
  { role: 'member', verb: 'all', path: 'api/v2/auth/resource', action: 'accept', topic: null },
  { role: 'member', verb: 'DELETE', path: 'api/v2/auth/resource/users', action: 'DROP', topic: null },
  { role: 'admin', verb: 'ALL', path: 'api/v2/auth/admin', action: 'ACCEPT', topic: null },
  { role: 'admin', verb: 'POST', path: 'api/v2/auth/admin', action: 'AUDIT', topic: 'admin' },
  { role: 'admin', verb: 'POST', path: 'api/v2/auth/admin/users', action: 'AUDIT', topic: 'users' },
  { role: 'auditor', verb: 'GET', path: 'api/v2/auth/admin', action: 'AUDIT', topic: 'a' },
]);

test('permissions: ACCEPT by role and verb, ALL matches every verb', () => {
  assert.deepEqual(checkPermission(perms, 'member', 'GET', 'api/v2/auth/resource/users/me'), { allowed: true, audited: false, auditTopic: null });
  assert.deepEqual(checkPermission(perms, 'member', 'patch', 'api/v2/auth/resource/labels'), { allowed: true, audited: false, auditTopic: null });
  assert.deepEqual(checkPermission(perms, 'member', 'GET', 'api/v2/auth/resourcexyz'), { allowed: false });
});

test('permissions: no candidate, another role, DROP beats ACCEPT, AUDIT alone is not enough', () => {
  assert.deepEqual(checkPermission(perms, 'member', 'GET', 'api/v2/auth/admin/users'), { allowed: false });
  assert.deepEqual(checkPermission(perms, 'nobody', 'GET', 'api/v2/auth/resource'), { allowed: false });
  assert.deepEqual(checkPermission(perms, 'member', 'DELETE', 'api/v2/auth/resource/users/me'), { allowed: false });
  assert.deepEqual(checkPermission(perms, 'auditor', 'GET', 'api/v2/auth/admin/users'), { allowed: false });
});

test('permissions: AUDIT with ACCEPT allows and names the first AUDIT topic in table order', () => {
  assert.deepEqual(checkPermission(perms, 'admin', 'POST', 'api/v2/auth/admin/users/role'), { allowed: true, audited: true, auditTopic: 'admin' });
  assert.deepEqual(checkPermission(perms, 'admin', 'GET', 'api/v2/auth/admin/users'), { allowed: true, audited: false, auditTopic: null });
});

test('restrictions look the location up only when a geo rule is reached', () => {
  let lookups = 0;
  const where = () => { lookups++; return GB; };
  assert.equal(checkRestrictions(indexRestrictions([R('blacklist', 'ip', '9.9.9.9', 401)]), { path: 'x', ip: '1.2.3.4', location: where, loginPath: LOGIN }), null);
  assert.equal(lookups, 0);
  const d = checkRestrictions(indexRestrictions([R('blacklist', 'country', 'GB', 423), R('blacklist', 'continent', 'Asia', 423)]), { path: 'x', ip: '1.2.3.4', location: where, loginPath: LOGIN });
  assert.deepEqual(d, { key: 'authz.restrict.blacklist', status: 423 });
  assert.equal(lookups, 1, 'looked up once');
});

test('a rule without a usable code (NULL, or no 4xx/5xx) denies with its default code', () => {
  const rules = [
    { ...R('blacklist', 'ip', '1.2.3.4', 0), code: null },
    R('blacklist', 'ip_subnet', '5.6.0.0/16', 42),
    R('maintenance', 'all', 'all', 200),
  ];
  const at = (ip: string, path = 'x') => checkRestrictions(indexRestrictions(rules.filter((r) => r.category === 'blacklist')), { path, ip, location: NONE, loginPath: LOGIN });
  assert.deepEqual(at('1.2.3.4'), { key: 'authz.restrict.blacklist', status: 401 });
  assert.deepEqual(at('5.6.7.8'), { key: 'authz.restrict.blacklist', status: 403 });
  assert.deepEqual(checkRestrictions(indexRestrictions(rules), { path: 'x', ip: '9.9.9.9', location: NONE, loginPath: LOGIN }), { key: 'authz.restrict.maintenance', status: 471 });
  assert.deepEqual(checkRestrictions(indexRestrictions([R('blacklist', 'ip', '1.2.3.4', 599)]), { path: 'x', ip: '1.2.3.4', location: NONE, loginPath: LOGIN }), { key: 'authz.restrict.blacklist', status: 599 }, 'a usable code is kept');
});
