import { isIP } from 'node:net';
import { defaultRestrictionCode, isDenialStatus } from '../seeds/default-seeds.js';

export const CATEGORIES = ['whitelist', 'maintenance', 'blacklist', 'blocklogin'] as const;
export const SCOPES = ['all', 'ip', 'ip_subnet', 'continent', 'country'] as const;

export interface RestrictionInput { category: string; scope: string; value: string; code?: number | null; state?: string }

function validCidr(value: string): boolean {
  const [addr, bits, extra] = value.split('/');
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
  const kind = isIP(addr);
  return (kind === 4 && Number(bits) <= 32) || (kind === 6 && Number(bits) <= 128);
}

/**
 * Model validation of a restriction (BARONG.md §2.11). Warden accepts IPv6 addresses and
 * subnets as well as IPv4 (Barong only knew IPv4), and country names or ISO codes.
 */
export function restrictionErrors(r: RestrictionInput): string[] {
  const errors: string[] = [];
  if (!(CATEGORIES as readonly string[]).includes(r.category)) errors.push('category.inclusion');
  if (!(SCOPES as readonly string[]).includes(r.scope)) errors.push('scope.inclusion');
  if (!r.value || r.value.trim() === '') errors.push('value.blank');
  else if (r.value.length > 64) errors.push('value.too_long');
  else if (r.scope === 'ip' && isIP(r.value) === 0) errors.push('value.invalid');
  else if (r.scope === 'ip_subnet' && !validCidr(r.value)) errors.push('value.invalid');
  if (r.state !== undefined && r.state !== 'enabled' && r.state !== 'disabled') errors.push('state.inclusion');
  // Barong takes any integer; a code that is no denial status would be answered as a pass (2xx
  // at nginx's auth_request) or could not be written as a status line at all.
  if (r.code != null && !isDenialStatus(r.code)) errors.push('code.invalid');
  return errors;
}

/** Barong assigns the default code when none is given, and always for whitelists. */
export function restrictionCode(r: RestrictionInput): number {
  return r.category === 'whitelist' || r.code == null ? defaultRestrictionCode(r.category, r.scope) : r.code;
}
