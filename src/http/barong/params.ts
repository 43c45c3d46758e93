import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { ValidationError } from '../../errors/app-error.js';

/**
 * Barong's parameter rules (BARONG.md §1.1–§1.2) on top of TypeBox schemas. The same schema
 * documents the route in OpenAPI. Per parameter, in declaration order: presence ("missing")
 * → blank ("empty") → coercion ("invalid" or the declared key). All failing keys of all
 * parameters are reported together with status 422.
 *
 * Annotations (OpenAPI vendor extensions, so the generated document stays valid):
 *   x-nonblank   the value must not be blank (nil, "", whitespace, empty array/object)
 *   x-missing    explicit key for the missing check
 *   x-empty      explicit key for the blank check
 *   x-invalid    explicit key for a coercion/format failure
 *   x-value      explicit key for a value check after coercion (Grape's `values:`): an integer
 *                outside `minimum`/`maximum`, a string outside `enum`
 *   x-any-case   `enum` is matched case-insensitively
 */
export interface BarongAnnotations {
  'x-nonblank'?: boolean;
  'x-missing'?: string;
  'x-empty'?: string;
  'x-invalid'?: string;
  'x-value'?: string;
  'x-any-case'?: boolean;
}

export const P = {
  str: (a: BarongAnnotations & { description?: string; enum?: readonly string[] } = {}) => Type.String(a),
  int: (a: BarongAnnotations & { description?: string; minimum?: number; maximum?: number } = {}) => Type.Integer(a),
  bool: (a: BarongAnnotations & { description?: string } = {}) => Type.Boolean(a),
  /** A string or a JSON object (captcha responses). */
  any: (a: BarongAnnotations & { description?: string } = {}) => Type.Union([Type.String(), Type.Object({})], a),
  opt: <T extends TSchema>(s: T) => Type.Optional(s),
  obj: <T extends TProperties>(props: T) => Type.Object(props, { additionalProperties: true }),
};

export function isBlank(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

const TRUE_WORDS = new Set(['true', '1', 't', 'yes', 'y', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'f', 'no', 'n', 'off']);

type Coerced = { ok: true; value: unknown } | { ok: false };

function coerce(schema: TSchema, v: unknown): Coerced {
  if (schema.anyOf) return { ok: true, value: v };
  switch (schema.type) {
    case 'string':
      if (typeof v === 'string') return { ok: true, value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { ok: true, value: String(v) };
      return { ok: false };
    case 'integer':
      if (typeof v === 'number' && Number.isInteger(v)) return { ok: true, value: v };
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) {
        const n = Number(v);
        return Number.isSafeInteger(n) ? { ok: true, value: n } : { ok: false };
      }
      return { ok: false };
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (typeof v === 'string' || typeof v === 'number') {
        const w = String(v).trim().toLowerCase();
        if (TRUE_WORDS.has(w)) return { ok: true, value: true };
        if (FALSE_WORDS.has(w)) return { ok: true, value: false };
      }
      return { ok: false };
    default:
      return { ok: true, value: v };
  }
}

/** Grape's `values:` check on a coerced value; without an explicit key the literal `value` (§1.2). */
function valueError(prop: TSchema & BarongAnnotations, v: unknown): string | null {
  const outOfRange = typeof v === 'number' && ((prop.minimum !== undefined && v < prop.minimum) || (prop.maximum !== undefined && v > prop.maximum));
  const words = prop.enum as readonly string[] | undefined;
  const notListed = typeof v === 'string' && words !== undefined && !words.includes(prop['x-any-case'] ? v.toLowerCase() : v);
  return outOfRange || notListed ? prop['x-value'] ?? 'value' : null;
}

/** Validates `input` against `schema`, naming keys with `prefix` (e.g. `identity.user`). */
export function parseParams<T extends TObject>(schema: T, input: Record<string, unknown>, prefix: string): Static<T> {
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties) as [string, TSchema & BarongAnnotations][]) {
    const present = Object.prototype.hasOwnProperty.call(input, name) && input[name] !== undefined;
    const value = present ? input[name] : undefined;
    const nonBlank = prop['x-nonblank'] === true;
    if (!present) {
      if (required.has(name)) {
        errors.push(prop['x-missing'] ?? `${prefix}.missing_${name}`);
        if (nonBlank) errors.push(prop['x-empty'] ?? `${prefix}.empty_${name}`);
      }
      continue;
    }
    if (nonBlank && isBlank(value)) {
      errors.push(prop['x-empty'] ?? `${prefix}.empty_${name}`);
      continue;
    }
    if (value === null) {
      // JSON null passes Grape's presence check; a required string becomes '' (it matches
      // nothing downstream), an optional parameter counts as absent.
      if (required.has(name) && prop.type === 'string') out[name] = '';
      else if (required.has(name)) errors.push(prop['x-invalid'] ?? 'invalid');
      continue;
    }
    const c = coerce(prop, value);
    if (!c.ok) {
      errors.push(prop['x-invalid'] ?? 'invalid');
      continue;
    }
    const bad = valueError(prop, c.value);
    if (bad !== null) {
      errors.push(bad);
      continue;
    }
    out[name] = c.value;
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return out as Static<T>;
}

/** Grape merges path params, query string and body into one map; the body wins. */
export function mergedParams(req: { query: unknown; body: unknown; params: unknown }): Record<string, unknown> {
  const asObj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
  return { ...asObj(req.query), ...asObj(req.body), ...asObj(req.params) };
}
