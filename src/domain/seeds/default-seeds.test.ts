import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPermission, permissionsByRole } from '../authz/decide.js';
import { defaultSeeds } from './default-seeds.js';

const decide = (prefix: string) => {
  const byRole = permissionsByRole(defaultSeeds(prefix).permissions.map((p) => ({ ...p, topic: p.topic ?? null })));
  return (role: string, method: string, path: string) => {
    const d = checkPermission(byRole, role, method, path);
    return d.allowed ? (d.audited ? 'audit' : 'accept') : 'deny';
  };
};

test('Barong\'s seeds.yml permissions (BARONG.md §16.2) with api/v2/barong rewritten to API_PREFIX', () => {
  const can = decide('/api/v2/auth');
  // superadmin: everything under api/v2, writes audited
  assert.equal(can('superadmin', 'GET', 'api/v2/auth/admin/permissions'), 'accept');
  assert.equal(can('superadmin', 'POST', 'api/v2/auth/admin/permissions'), 'audit');
  assert.equal(can('superadmin', 'GET', 'api/v2/peatio/admin/orders'), 'accept');
  // admin: everything but permissions, roles and admin activities
  assert.equal(can('admin', 'GET', 'api/v2/auth/admin/users'), 'accept');
  assert.equal(can('admin', 'PUT', 'api/v2/auth/admin/users'), 'audit');
  for (const path of ['admin/permissions', 'admin/users/role', 'admin/activities/admin']) assert.equal(can('admin', 'GET', `api/v2/auth/${path}`), 'deny', path);
  // accountant: reads the admin API, no writes there, no pending documents
  assert.equal(can('accountant', 'GET', 'api/v2/auth/admin/users'), 'accept');
  assert.equal(can('accountant', 'POST', 'api/v2/auth/admin/users/role'), 'deny');
  assert.equal(can('accountant', 'GET', 'api/v2/auth/admin/users/documents/pending'), 'deny');
  assert.equal(can('accountant', 'POST', 'api/v2/peatio/admin/adjustments/new'), 'audit');
  assert.equal(can('accountant', 'PUT', 'api/v2/auth/resource/users/me'), 'audit');
  // compliance: user writes; no restrictions
  assert.equal(can('compliance', 'POST', 'api/v2/auth/admin/users/labels'), 'audit');
  assert.equal(can('compliance', 'GET', 'api/v2/auth/admin/restrictions'), 'deny');
  // technical: restrictions, not users
  assert.equal(can('technical', 'POST', 'api/v2/auth/admin/restrictions'), 'audit');
  assert.equal(can('technical', 'POST', 'api/v2/auth/admin/users/update'), 'deny');
  // support: reads, and POST users/update only
  assert.equal(can('support', 'POST', 'api/v2/auth/admin/users/update'), 'audit');
  assert.equal(can('support', 'PUT', 'api/v2/auth/admin/users'), 'deny');
  assert.equal(can('support', 'GET', 'api/v2/auth/admin/restrictions'), 'deny');
  // member and the other trading roles
  for (const role of ['member', 'trader', 'broker', 'maker']) {
    assert.equal(can(role, 'POST', 'api/v2/applogic/private/x'), 'accept', role);
    assert.equal(can(role, 'DELETE', 'api/v2/finex/market/orders'), 'accept', role);
    assert.equal(can(role, 'GET', 'api/v2/open_finance/x'), 'accept', role);
    assert.equal(can(role, 'POST', 'api/v2/open_finance/x'), 'deny', role);
    assert.equal(can(role, 'GET', 'api/v2/ranger/private'), 'accept', role);
    assert.equal(can(role, 'PUT', 'api/v2/auth/resource/users/me'), 'accept', role);
    assert.equal(can(role, 'GET', 'api/v2/auth/admin/users'), 'deny', role);
  }
  // sa_maker: like member without the sensitive resource paths
  assert.equal(can('sa_maker', 'GET', 'api/v2/auth/resource/users/me'), 'accept');
  assert.equal(can('sa_maker', 'POST', 'api/v2/auth/resource/api_keys'), 'deny');
  assert.equal(can('sa_maker', 'POST', 'api/v2/peatio/account/withdraws'), 'deny');
  // Warden's own admin endpoints (Nebeus ledger, countries): left to the abilities
  assert.equal(can('support', 'POST', 'api/v2/auth/admin/ledger/entries'), 'audit');
  assert.equal(can('technical', 'PUT', 'api/v2/auth/admin/countries/ES'), 'audit');
  assert.equal(can('member', 'GET', 'api/v2/auth/admin/ledger/rates'), 'deny');
  // Warden's default service-account role
  assert.equal(can('service_account', 'GET', 'api/v2/auth/resource/users/me'), 'accept');
});

test('API_PREFIX outside api/v2: Barong\'s paths move with it, superadmin and admin keep reaching it', () => {
  const can = decide('/auth/');
  assert.equal(can('member', 'GET', 'auth/resource/users/me'), 'accept');
  assert.equal(can('superadmin', 'DELETE', 'auth/admin/permissions'), 'audit');
  assert.equal(can('admin', 'GET', 'auth/admin/users'), 'accept');
  assert.equal(can('admin', 'GET', 'auth/admin/permissions'), 'deny');
  assert.equal(can('accountant', 'GET', 'auth/admin/users'), 'accept');
  assert.equal(can('superadmin', 'GET', 'api/v2/peatio/admin/orders'), 'accept');
});
