import { countries, getCountryDataList } from 'countries-list';

/** Profile states as stored (Barong's enum values, BARONG.md §2.4). */
export const PROFILE_STATE_CODES = { drafted: 0, submitted: 1, verified: 3, rejected: 4 } as const;
export type ProfileState = keyof typeof PROFILE_STATE_CODES;
export const OPEN_PROFILE_STATES: readonly ProfileState[] = ['drafted', 'submitted'];

export function profileStateName(code: number): ProfileState {
  const found = (Object.entries(PROFILE_STATE_CODES) as [ProfileState, number][]).find(([, v]) => v === code);
  return found ? found[0] : 'drafted';
}

export function isProfileState(v: string): v is ProfileState {
  return Object.prototype.hasOwnProperty.call(PROFILE_STATE_CODES, v);
}

/** The personal fields a user (or an admin) may give; null clears, undefined keeps. */
export interface ProfileFields {
  first_name?: string | null;
  last_name?: string | null;
  /** `YYYY-MM-DD` (already parsed by the front door). */
  dob?: string | null;
  address?: string | null;
  postcode?: string | null;
  city?: string | null;
  country?: string | null;
  metadata?: string | null;
}
export const PROFILE_FIELDS = ['first_name', 'last_name', 'dob', 'address', 'postcode', 'city', 'country', 'metadata'] as const;

const squish = (v: string) => v.trim().replace(/\s+/g, ' ');

/**
 * Blank becomes null; names, city and postcode are whitespace-squished, country upper-cased
 * (it is compared and filtered on).
 */
export function normalizeProfileFields(f: ProfileFields): ProfileFields {
  const out: ProfileFields = {};
  for (const k of PROFILE_FIELDS) {
    const v = f[k];
    if (v === undefined) continue;
    if (v === null || v.trim() === '') { out[k] = null; continue; }
    if (k === 'first_name' || k === 'last_name' || k === 'city' || k === 'postcode') out[k] = squish(v);
    else if (k === 'country') out[k] = v.trim().toUpperCase();
    else if (k === 'address') out[k] = v.trim();
    else out[k] = v;
  }
  return out;
}

// Barong's character classes (§2.4), with Unicode letters and digits as word characters: a
// profile for "Zoë O'Brien-Løkken" from "Zürich" is valid.
const W = '\\p{L}\\p{M}\\p{N}_';
const NAME = new RegExp(`^[${W}\\s'-]+$`, 'u');
const CITY = new RegExp(`^[${W}\\s\\-–.~']+$`, 'u');
const POSTCODE = new RegExp(`^[${W}\\s-]+$`, 'u');
const ADDRESS = new RegExp(`^[${W}\\s\\-–,.~;/:#"\\\\&'()]+$`, 'u');

const ALPHA2 = new Set(Object.keys(countries));
const ALPHA3 = new Set(getCountryDataList().map((c) => c.iso3));

export function isCountryCode(v: string): boolean {
  const u = v.toUpperCase();
  return (u.length === 2 && ALPHA2.has(u)) || (u.length === 3 && ALPHA3.has(u));
}

function lengthErrors(name: string, v: string, min: number, max: number): string[] {
  const n = [...v].length;
  return n < min ? [`${name}.too_short`] : n > max ? [`${name}.too_long`] : [];
}

/**
 * Model errors of the given (normalised) fields, each checked only when present (§2.4). `today`
 * is `YYYY-MM-DD` in UTC: a dob after it is `dob.invalid`.
 */
export function profileErrors(f: ProfileFields, today: string): string[] {
  const errors: string[] = [];
  const check = (name: keyof ProfileFields, min: number, re: RegExp) => {
    const v = f[name];
    if (v === undefined || v === null) return;
    errors.push(...lengthErrors(name, v, min, 255));
    if (!re.test(v)) errors.push(`${name}.invalid`);
  };
  check('first_name', 1, NAME);
  check('last_name', 1, NAME);
  if (f.dob) {
    if (!/^\d{4}-\d\d-\d\d$/.test(f.dob)) errors.push('dob.invalid_format');
    else if (f.dob > today) errors.push('dob.invalid');
  }
  check('address', 1, ADDRESS);
  check('postcode', 2, POSTCODE);
  check('city', 1, CITY);
  if (f.country && !isCountryCode(f.country)) errors.push('country.must have alpha2 or alpha3 format');
  if (f.metadata) {
    try { JSON.parse(f.metadata); } catch { errors.push('metadata.invalid_format'); }
  }
  return errors;
}

/**
 * Grape's lenient Date coercion (§1.1): `YYYY-MM-DD`, `YYYY/MM/DD`, `DD/MM/YYYY`, `DD-MM-YYYY`,
 * `DD.MM.YYYY`, or an ISO timestamp; the day must exist. Returns `YYYY-MM-DD` or null.
 */
export function parseCalendarDate(input: string): string | null {
  const s = input.trim();
  let y: number, m: number, d: number;
  let g: RegExpExecArray | null;
  if ((g = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?$/.exec(s))) [y, m, d] = [+g[1], +g[2], +g[3]];
  else if ((g = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(s))) [y, m, d] = [+g[3], +g[2], +g[1]];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
