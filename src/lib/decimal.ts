/**
 * Exact decimals as text. Money and rates never pass through a binary float: the database keeps
 * them as `numeric`, arithmetic happens in SQL, and JSON answers carry the digits verbatim
 * (`jsonWithDecimals`), so 0.001163 is written as 0.001163 and 12345678901234567.89 survives.
 */
export class Decimal {
  private constructor(readonly text: string) {}

  /** A canonical decimal from trusted text (a numeric column); throws on anything else. */
  static of(text: string): Decimal {
    const c = canonicalDecimal(text);
    if (c === null) throw new Error(`not a decimal: ${JSON.stringify(text)}`);
    return new Decimal(c);
  }

  static readonly ZERO = new Decimal('0');
  static readonly ONE = new Decimal('1');

  get negative(): boolean { return this.text.startsWith('-'); }
  get zero(): boolean { return this.text === '0'; }
  abs(): Decimal { return this.negative ? new Decimal(this.text.slice(1)) : this; }
  toString(): string { return this.text; }
}

const SHAPE = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** `+007.2500` → `7.25`, `-0.0` → `0`; null when the text is not a plain decimal (no exponent, NaN, …). */
export function canonicalDecimal(text: string): string | null {
  const m = SHAPE.exec(text.trim());
  if (!m) return null;
  const int = m[2].replace(/^0+(?=\d)/, '');
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return m[1] === '-' && body !== '0' ? `-${body}` : body;
}

export interface DecimalLimits {
  /** Digits before the point. */
  intDigits: number;
  /** Digits after the point. */
  scale: number;
  signed: boolean;
}

/**
 * A decimal from client input: a string (preferred) or a JSON number whose shortest form is
 * plain. Null when malformed or beyond the limits.
 */
export function parseDecimalInput(v: unknown, limits: DecimalLimits): Decimal | null {
  let text: string;
  if (typeof v === 'string') text = v;
  else if (typeof v === 'number' && Number.isFinite(v)) text = String(v);
  else return null;
  const m = SHAPE.exec(text.trim());
  if (!m) return null;
  if (!limits.signed && m[1] === '-') return null;
  const c = canonicalDecimal(text)!;
  const [int, frac = ''] = c.replace(/^-/, '').split('.');
  if (int.length > limits.intDigits || frac.length > limits.scale) return null;
  return Decimal.of(c);
}

/**
 * JSON text where Decimal values appear as numbers with exactly their digits. Otherwise like
 * JSON.stringify (undefined object members are left out).
 */
export function jsonWithDecimals(value: unknown): string {
  if (value instanceof Decimal) return value.text;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => jsonWithDecimals(v)).join(',')}]`;
  if (typeof value === 'object' && !(value instanceof Date)) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${jsonWithDecimals(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
