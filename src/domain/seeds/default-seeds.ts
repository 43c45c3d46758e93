/**
 * What a fresh installation starts with (CONTRACT.md: default permissions, levels and path
 * rules matching API_PREFIX; six disabled example restrictions). SEEDS_FILE replaces it.
 */
export interface SeedPermission { role: string; verb: string; path: string; action: string; topic?: string | null }
export interface SeedRestriction { category: string; scope: string; value: string; code?: number | null; state?: string }
export interface SeedLevel { key: string; value: string; description: string }
/** Gateway path rules (§11.8): prefixes of the original path, without a leading slash. */
export interface SeedRules { pass: string[]; block: string[] }
export interface Seeds { levels: SeedLevel[]; permissions: SeedPermission[]; restrictions: SeedRestriction[]; rules?: SeedRules }

export const ROLES = ['member', 'admin', 'superadmin', 'accountant', 'compliance', 'technical', 'support', 'service_account'] as const;
const BACK_OFFICE = ['admin', 'superadmin', 'accountant', 'compliance', 'technical', 'support'];

/** `apiPrefix` like `/api/v2/auth` becomes the path prefix `api/v2/auth` the gateway matches. */
export function defaultSeeds(apiPrefix: string): Seeds {
  const p = apiPrefix.replace(/^\/+/, '');
  const permissions: SeedPermission[] = [];
  for (const role of ROLES) {
    permissions.push({ role, verb: 'ALL', path: `${p}/resource`, action: 'ACCEPT' });
    permissions.push({ role, verb: 'ALL', path: 'api/v2/peatio/account', action: 'ACCEPT' });
    permissions.push({ role, verb: 'ALL', path: 'api/v2/peatio/market', action: 'ACCEPT' });
  }
  for (const role of BACK_OFFICE) {
    permissions.push({ role, verb: 'ALL', path: `${p}/admin`, action: 'ACCEPT' });
    permissions.push({ role, verb: 'ALL', path: 'api/v2/peatio/admin', action: 'ACCEPT' });
    permissions.push({ role, verb: 'PUT', path: `${p}/admin`, action: 'AUDIT', topic: 'admin' });
    permissions.push({ role, verb: 'POST', path: `${p}/admin`, action: 'AUDIT', topic: 'admin' });
    permissions.push({ role, verb: 'DELETE', path: `${p}/admin`, action: 'AUDIT', topic: 'admin' });
  }
  return {
    levels: [
      { key: 'email', value: 'verified', description: 'User clicked on the confirmation link' },
      { key: 'phone', value: 'verified', description: 'User verified his phone number' },
      { key: 'document', value: 'verified', description: 'User identity documents were verified' },
    ],
    permissions,
    restrictions: [
      { category: 'maintenance', scope: 'all', value: 'all', state: 'disabled' },
      { category: 'whitelist', scope: 'ip', value: '127.0.0.1', state: 'disabled' },
      { category: 'blacklist', scope: 'ip', value: '192.0.2.1', state: 'disabled' },
      { category: 'blacklist', scope: 'ip_subnet', value: '198.51.100.0/24', state: 'disabled' },
      { category: 'blacklist', scope: 'country', value: 'North Korea', state: 'disabled' },
      { category: 'blocklogin', scope: 'continent', value: 'Antarctica', state: 'disabled' },
    ],
  };
}

/** Barong's default status codes (§2.11): maintenance 471, else by scope. */
export function defaultRestrictionCode(category: string, scope: string): number {
  if (category === 'maintenance') return 471;
  return ({ continent: 423, country: 423, ip_subnet: 403, ip: 401, all: 401 } as Record<string, number>)[scope] ?? 403;
}
