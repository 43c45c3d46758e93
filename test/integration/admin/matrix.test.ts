import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import type { AdminRoute } from '../../../src/http/barong/admin/route-catalog.js';
import { caller, makeUser, ROLES, type Caller } from './users-fixtures.js';

let t: TestApp;
before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

const NOT_PERMITTED = JSON.stringify({ errors: ['admin.ability.not_permitted'] });

/** What the declaration says: the ability from the abilities file, and superadmin-only routes. */
function expectedAllowed(route: AdminRoute, role: string): boolean {
  if (route.ability === 'none') return true;
  if (!route.ability || !t.c.abilities.can(role, route.ability[0], route.ability[1])) return false;
  return !route.superadminOnly || role === 'superadmin';
}

/**
 * Every admin endpoint registered (both parts of the admin API, whatever is mounted) × every
 * role: refused is exactly 401 admin.ability.not_permitted, allowed is anything else (the empty
 * parameters then fail validation or find nothing, never a 500).
 */
test('ability matrix: each role × each admin endpoint, allowed or refused exactly as declared', async (ctx) => {
  const adminPrefix = `${t.prefix}/admin`;
  const routes = [...t.app.adminRoutes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  assert.ok(routes.length >= 17, `only ${routes.length} admin routes registered`);
  for (const r of routes) assert.ok(r.ability, `${r.method} ${r.url} declares no ability`);
  const mine = ['GET /abilities', 'GET /levels', 'GET /metrics', 'GET /activities', 'GET /activities/admin', 'GET /api_keys', 'GET /service_accounts',
    'GET /permissions', 'POST /permissions', 'PUT /permissions', 'DELETE /permissions',
    'GET /restrictions', 'POST /restrictions', 'PUT /restrictions', 'DELETE /restrictions', 'POST /restrictions/whitelink'];
  const declared = new Set(routes.map((r) => `${r.method} ${r.url.slice(adminPrefix.length)}`));
  for (const m of mine) assert.ok(declared.has(m), `${m} missing from the catalog`);

  const callers = new Map<string, Caller>();
  for (const role of ROLES) callers.set(role, await caller(t, role));
  const target = await makeUser(t);
  const table: string[][] = [];
  const mismatches: string[] = [];
  for (const route of routes) {
    const path = route.url.slice(adminPrefix.length).replace(/:uid\b/g, target.uid).replace(/:(\w+)/g, '1');
    const row = [`${route.method} ${route.url.slice(adminPrefix.length)}`, route.ability === 'none' ? 'none' : `${route.ability![0]} ${route.ability![1]}${route.superadminOnly ? ' (superadmin)' : ''}`];
    for (const role of ROLES) {
      const res = await callers.get(role)!.call(route.method, path, route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} });
      const refused = res.status === 401 && JSON.stringify(res.body) === NOT_PERMITTED;
      const expected = expectedAllowed(route, role);
      if (expected === refused) mismatches.push(`${role} ${row[0]}: expected ${expected ? 'allowed' : 'refused'}, got ${res.status} ${JSON.stringify(res.body).slice(0, 80)}`);
      if (!refused && res.status >= 500) mismatches.push(`${role} ${row[0]}: ${res.status}`);
      row.push(refused ? '·' : `${res.status}`);
    }
    table.push(row);
  }
  const header = ['endpoint', 'ability', ...ROLES];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ');
  ctx.diagnostic(`ability matrix (${routes.length} endpoints × ${ROLES.length} roles; · = 401 admin.ability.not_permitted, a number = allowed, its status with empty parameters)`);
  ctx.diagnostic(line(header));
  ctx.diagnostic(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of table) ctx.diagnostic(line(r));
  assert.deepEqual(mismatches, []);
});
