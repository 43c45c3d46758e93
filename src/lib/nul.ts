/**
 * NUL characters have no place in any parameter of this API, and PostgreSQL refuses them in text
 * (a 500 where the caller deserves a 400). Parsers refuse bodies that carry one.
 */

/** Whether a parsed JSON value holds a NUL in any string, key or value, at any depth. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k.includes('\0') || holdsNul(v)) return true;
  }
  return false;
}

/** JSON.parse that throws on a NUL anywhere in the result; the scan only runs when the text could hold one. */
export function parseJsonWithoutNul(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if ((text.includes('u0000') || text.includes('\0')) && holdsNul(value)) throw new Error('NUL character in the body');
  return value;
}
