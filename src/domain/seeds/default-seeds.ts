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

/** Barong's roles (BARONG.md §16.2) and Warden's default service-account role (SERVICE_ACCOUNT_ROLES). */
export const ROLES = ['superadmin', 'admin', 'accountant', 'compliance', 'technical', 'support', 'trader', 'broker', 'member', 'maker', 'sa_maker', 'service_account'] as const;

/** `verb path action` lines of one role; `B/` stands for Barong's own API (`api/v2/barong/`). */
type Lines = readonly string[];

const AUDIT_WRITES: Lines = ['post api/v2/ audit', 'put api/v2/ audit', 'delete api/v2/ audit'];
/** "Standard user permissions to ACCOUNT, MARKET, RESOURCE modules" of the back-office roles. */
const STANDARD: Lines = ['all api/v2/peatio/account accept', 'all api/v2/peatio/market accept', 'all api/v2/finex/market accept', 'all B/resource accept', 'get api/v2/ranger accept', 'all api/v2/applogic accept'];
const TRADING: Lines = [...STANDARD, 'get api/v2/open_finance accept'];
const ABILITIES: Lines = ['all api/v2/peatio/admin/abilities accept', 'all B/admin/abilities accept'];
const peatioAdmin = (verb: string, action: string, ...names: string[]) => names.map((n) => `${verb} api/v2/peatio/admin/${n} ${action}`);
const CONFIG_DROPS = peatioAdmin('all', 'drop', 'adjustments', 'revenues', 'blockchains', 'wallets', 'trading_fees', 'withdraw_limits');

/** Barong's `config/seeds.yml` permissions (BARONG.md §16.2), role by role, in its order. */
const BARONG: Record<string, Lines> = {
  superadmin: ['all api/v2 accept', 'get api/v2/ranger accept', ...AUDIT_WRITES],
  admin: [
    'all api/v2 accept', 'get api/v2/ranger accept', 'get api/v2/open_finance accept',
    'all B/admin/permissions drop', 'all B/admin/users/role drop', 'all B/admin/activities/admin drop', ...AUDIT_WRITES,
  ],
  accountant: [
    'get B/admin accept',
    ...peatioAdmin('get', 'accept', 'members', 'beneficiaries', 'currencies', 'blockchains', 'orders', 'markets', 'engine', 'trades', 'deposits', 'withdraws', 'adjustments'),
    'post api/v2/peatio/admin/adjustments/new accept',
    ...peatioAdmin('get', 'accept', 'assets', 'liabilities', 'revenues', 'expenses'),
    'get B/admin/users/documents/pending drop', 'all B/admin/users/role drop', 'all B/admin/permissions drop', 'all B/admin/activities/admin drop',
    ...AUDIT_WRITES, ...STANDARD, ...ABILITIES,
  ],
  compliance: [
    'get B/admin accept', ...peatioAdmin('get', 'accept', 'members', 'beneficiaries', 'currencies'), 'all B/admin/users accept',
    ...peatioAdmin('get', 'accept', 'deposits', 'withdraws', 'assets', 'liabilities', 'expenses', 'markets', 'engine'),
    ...CONFIG_DROPS, 'all B/admin/restrictions drop', 'all B/admin/users/role drop', 'all B/admin/activities/admin drop', 'all B/admin/permissions drop',
    ...AUDIT_WRITES, ...STANDARD, ...ABILITIES,
  ],
  technical: [
    'get B/admin accept', 'get api/v2/peatio/admin accept',
    ...peatioAdmin('all', 'accept', 'blockchains', 'currencies', 'markets', 'wallets', 'trading_fees', 'withdraw_limits'),
    'delete api/v2/finex/admin/bulk/orders_by_id accept', 'post api/v2/finex/admin/orders/cancel accept', 'all B/admin/restrictions accept',
    ...peatioAdmin('all', 'drop', 'deposits', 'withdraws', 'adjustments'), 'get api/v2/open_finance accept',
    'get B/admin/users/documents/pending drop', 'all B/admin/activities/admin drop', 'all B/admin/permissions drop',
    ...AUDIT_WRITES, ...STANDARD, ...ABILITIES,
  ],
  support: [
    'get B/admin accept', 'get api/v2/peatio/admin accept', ...CONFIG_DROPS, 'all B/admin/restrictions drop',
    'post B/admin/users/update accept', 'all B/admin/activities/admin drop', 'all B/admin/permissions drop',
    ...AUDIT_WRITES, ...STANDARD, ...ABILITIES,
  ],
  trader: TRADING,
  broker: TRADING,
  member: TRADING,
  maker: TRADING,
  sa_maker: [
    'all api/v2/peatio/account accept', 'all api/v2/peatio/market accept', 'all api/v2/finex/market accept', 'all B/resource accept',
    ...['otp', 'phones', 'profiles', 'documents', 'addresses'].map((r) => `all B/resource/${r} drop`), 'all api/v2/applogic/private/tenants drop',
    'all B/resource/api_keys drop', 'all B/resource/users/password drop',
    ...['deposit_address', 'withdraws', 'beneficiaries'].map((r) => `all api/v2/peatio/account/${r} drop`),
    'get api/v2/open_finance accept', 'get api/v2/ranger accept', 'all api/v2/applogic accept',
  ],
  // Warden's default SERVICE_ACCOUNT_ROLES role (not in Barong's file): what it had before, the
  // resource API and peatio account/market, so service accounts made with the default role work.
  service_account: ['all B/resource accept', 'all api/v2/peatio/account accept', 'all api/v2/peatio/market accept'],
};

/**
 * Warden's own admin endpoints that Barong's file cannot name (the Nebeus ledger and country
 * switches): open at the gateway to every back-office role as they were before, so the in-app
 * abilities (User, Restriction) decide, as for admin and superadmin whose `api/v2` covers them.
 */
const WARDEN_ADMIN: Lines = ['all B/admin/ledger accept', 'all B/admin/countries accept'];
for (const role of ['accountant', 'compliance', 'technical', 'support']) BARONG[role] = [...BARONG[role], ...WARDEN_ADMIN];

/**
 * `apiPrefix` like `/api/v2/auth` becomes the path prefix `api/v2/auth` the gateway matches:
 * Barong's `api/v2/barong/<group>` rules apply to Warden's `<API_PREFIX>/<group>`; other
 * services' paths (peatio, finex, applogic, ranger, open_finance) stay as Barong wrote them.
 * Superadmin's and admin's `api/v2` rules also get the prefix itself when it lies outside `api/v2`.
 */
export function defaultSeeds(apiPrefix: string): Seeds {
  const p = apiPrefix.replace(/^\/+|\/+$/g, '');
  const outside = p !== 'api/v2' && !p.startsWith('api/v2/');
  const permissions: SeedPermission[] = [];
  for (const [role, lines] of Object.entries(BARONG)) {
    for (const line of lines) {
      const [verb, raw, action] = line.split(' ');
      const path = raw.startsWith('B/') ? `${p}/${raw.slice(2)}` : raw;
      permissions.push({ role, verb: verb.toUpperCase(), path, action: action.toUpperCase() });
      if (outside && (raw === 'api/v2' || raw === 'api/v2/')) permissions.push({ role, verb: verb.toUpperCase(), path: p, action: action.toUpperCase() });
    }
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
/** A status a restriction may deny with: a 4xx or 5xx. */
export function isDenialStatus(code: unknown): code is number {
  return typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599;
}

export function defaultRestrictionCode(category: string, scope: string): number {
  if (category === 'maintenance') return 471;
  return ({ continent: 423, country: 423, ip_subnet: 403, ip: 401, all: 401 } as Record<string, number>)[scope] ?? 403;
}
