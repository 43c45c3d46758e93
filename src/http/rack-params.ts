import querystring from 'node:querystring';

type Nested = Record<string, unknown>;

/** Keys that would reach an object's prototype if used as property names. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);
/** Rack stops at 100 levels; no Barong parameter is nested deeper than two. */
const MAX_DEPTH = 16;
const SEGMENTS = /^(?:\[[^[\]]*\])+$/;

/** The bracket path of a key, null for a plain key, 'drop' for one that must not be stored. */
function pathOf(key: string): string[] | null | 'drop' {
  const open = key.indexOf('[');
  if (open <= 0) return UNSAFE.has(key) ? 'drop' : null;
  const rest = key.slice(open);
  if (!SEGMENTS.test(rest)) return null;
  const path = [key.slice(0, open), ...rest.slice(1, -1).split('][')];
  return path.length <= MAX_DEPTH && !path.some((p) => UNSAFE.has(p)) ? path : 'drop';
}

/** Without a prototype, as Node's querystring.parse makes its objects. */
const hashOf = (): Nested => Object.create(null) as Nested;
const isHash = (v: unknown): v is Nested => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Stores one value under a bracket path the way Rack builds Barong's params: `a[]` appends to an
 * array, `a[b]` sets a key of a hash, `a[][b]` fills the last hash of an array until a key
 * repeats. A value that clashes with what is there (`a=1&a[]=2`) is dropped: Rack refuses the
 * whole request, and a dropped value still fails the endpoint's own validation.
 */
function put(target: Nested, path: string[], value: string): void {
  const [key, ...rest] = path;
  if (rest.length === 0) { target[key] = value; return; }
  if (rest[0] === '') {
    const list = target[key] ?? (target[key] = []);
    if (!Array.isArray(list)) return;
    if (rest.length === 1) { list.push(value); return; }
    const last = list[list.length - 1];
    const hash = isHash(last) && !Object.hasOwn(last, rest[1]) ? last : hashOf();
    if (hash !== last) list.push(hash);
    put(hash, rest.slice(1), value);
    return;
  }
  const hash = target[key] ?? (target[key] = hashOf());
  if (isHash(hash)) put(hash, rest, value);
}

/**
 * Barong (Rack) reads `name[]=a&name[]=b` as the array `name: ["a", "b"]` and `name[k]=v` as the
 * hash `name: {k: "v"}`, in query strings and form bodies alike (BARONG.md §1.1), so that an array
 * where a string is expected is refused with the endpoint's `non_string_*` or `invalid_*` key
 * instead of being ignored. Plain keys stay as Node parses them (a repeated one is an array).
 * `pairs` in the order they came: `a[][k]=1&a[][v]=2&a[][k]=3` depends on it.
 */
export function nestBracketParams(pairs: Iterable<[string, string]>): Nested {
  const out = hashOf();
  for (const [key, value] of pairs) {
    const path = pathOf(key);
    if (path === 'drop') continue;
    if (path) { put(out, path, value); continue; }
    const had = out[key];
    out[key] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  return out;
}

// NULs are dropped: no parameter may hold one, and a query string cannot be refused as cleanly as a body.
const decode = (s: string) => querystring.unescape(s.replace(/\+/g, ' ')).replace(/\0/g, '');

/** Query-string and urlencoded-form parser with Rack's bracket names; a plain string is parsed as Node's querystring does. */
export function parseRackQuery(text: string): Nested {
  if (!text.includes('[') && !/%5b|%00/i.test(text)) return querystring.parse(text) as Nested;
  const pairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    pairs.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return nestBracketParams(pairs);
}
