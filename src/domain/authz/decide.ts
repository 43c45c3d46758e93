import { cidrContains } from '../../lib/ip.js';
import { underPrefix } from '../../lib/path.js';
import { defaultRestrictionCode, isDenialStatus } from '../seeds/default-seeds.js';

/** Pure decisions of the gateway check (BARONG.md §11.3, §11.6, §11.8); no I/O here. */
export interface RestrictionRule { category: string; scope: string; value: string; code: number }
export interface PermissionRule { role: string; verb: string; path: string; action: string; topic: string | null }
export interface PathRules { pass: readonly string[]; block: readonly string[] }
export interface Location { country: string | null; countryCode: string | null; continent: string | null; continentCode: string | null }

export type Denial = { key: string; status: number };

const CATEGORY_ORDER = ['whitelist', 'maintenance', 'blacklist', 'blocklogin'] as const;
const SCOPE_ORDER = ['all', 'ip', 'ip_subnet', 'continent', 'country'] as const;

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

function scopeMatches(rule: RestrictionRule, ip: string, where: () => Location): boolean {
  switch (rule.scope) {
    case 'all': return true;
    case 'ip': return rule.value === ip;
    case 'ip_subnet': return cidrContains(rule.value, ip);
    // Names as Barong writes them ("Europe", "United Kingdom") or ISO codes ("EU", "GB").
    case 'continent': { const loc = where(); return same(loc.continent, rule.value) || same(loc.continentCode, rule.value); }
    case 'country': { const loc = where(); return same(loc.country, rule.value) || same(loc.countryCode, rule.value); }
    default: return false;
  }
}

/** Enabled restrictions grouped by category, each list in Barong's scope order. */
export type RestrictionIndex = ReadonlyMap<string, readonly RestrictionRule[]>;

export function indexRestrictions(rules: readonly (Omit<RestrictionRule, 'code'> & { code: number | null })[]): RestrictionIndex {
  // A row written around the admin API (SQL, a database migrated from Barong) may hold no code
  // or one that is no denial status; it denies with its default code rather than with a status
  // line Node refuses to write.
  const usable = rules.map((r): RestrictionRule => ({ ...r, code: isDenialStatus(r.code) ? r.code : defaultRestrictionCode(r.category, r.scope) }));
  const index = new Map<string, RestrictionRule[]>();
  for (const category of CATEGORY_ORDER) {
    index.set(category, usable.filter((r) => r.category === category)
      .sort((a, b) => SCOPE_ORDER.indexOf(a.scope as never) - SCOPE_ORDER.indexOf(b.scope as never)));
  }
  return index;
}

/**
 * Restrictions in category order: a whitelist match skips the rest; maintenance and blacklist
 * deny with the rule's code; blocklogin denies only the login path.
 */
export function checkRestrictions(index: RestrictionIndex, f: { path: string; ip: string; location: Location | (() => Location); loginPath: string }): Denial | null {
  // The GeoIP lookup runs only when a country or continent rule is reached.
  let known: Location | undefined = typeof f.location === 'function' ? undefined : f.location;
  const where = () => (known ??= (f.location as () => Location)());
  for (const category of CATEGORY_ORDER) {
    const rule = (index.get(category) ?? []).find((r) => scopeMatches(r, f.ip, where));
    if (!rule) continue;
    if (category === 'whitelist') return null;
    if (category === 'blocklogin') {
      if (f.path === f.loginPath) return { key: 'authz.restrict.blocklogin', status: rule.code };
      continue;
    }
    return { key: `authz.restrict.${category}`, status: rule.code };
  }
  return null;
}

/** Runs on every check: plain loops, no closure per call. */
export function pathRule(rules: PathRules, path: string): 'block' | 'pass' | null {
  for (const p of rules.block) if (underPrefix(path, p)) return 'block';
  for (const p of rules.pass) if (underPrefix(path, p)) return 'pass';
  return null;
}

export type PermissionDecision = { allowed: false } | { allowed: true; auditTopic: string | null; audited: boolean };

/**
 * Role × verb (or ALL) × path prefix on whole segments (Barong compared plain string prefixes,
 * so `resource` also matched `resourcexyz`); DROP beats ACCEPT, ACCEPT is required, AUDIT only logs (§11.6). */
export function checkPermission(byRole: ReadonlyMap<string, readonly PermissionRule[]>, role: string, method: string, path: string): PermissionDecision {
  const verb = method.toUpperCase();
  let accept = false;
  let audit: PermissionRule | null = null;
  for (const p of byRole.get(role) ?? []) {
    if ((p.verb !== verb && p.verb !== 'ALL') || !underPrefix(path, p.path)) continue;
    if (p.action === 'DROP') return { allowed: false };
    if (p.action === 'ACCEPT') accept = true;
    if (p.action === 'AUDIT' && !audit) audit = p;
  }
  if (!accept) return { allowed: false };
  return { allowed: true, audited: audit !== null, auditTopic: audit?.topic ?? null };
}

export function permissionsByRole(rules: readonly PermissionRule[]): Map<string, PermissionRule[]> {
  const map = new Map<string, PermissionRule[]>();
  for (const r of rules) {
    const list = map.get(r.role) ?? [];
    list.push({ ...r, verb: r.verb.toUpperCase(), action: r.action.toUpperCase() });
    map.set(r.role, list);
  }
  return map;
}
