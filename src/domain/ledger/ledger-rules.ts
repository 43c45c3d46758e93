import { parseDecimalInput, type Decimal } from '../../lib/decimal.js';

/** Amounts: up to 20 digits before the point and 18 after (enough for satoshis and wei-like units). */
export const AMOUNT_LIMITS = { intDigits: 20, scale: 18, signed: true } as const;

const CURRENCY = /^[A-Z0-9]{2,10}$/;

/** `eur` → `EUR`; null unless 2..10 letters or digits (ISO 4217 codes and crypto tickers alike). */
export function currencyCode(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const c = v.trim().toUpperCase();
  return CURRENCY.test(c) ? c : null;
}

/** A signed, non-zero entry amount (> 0 credits the account, < 0 debits it). */
export function entryAmount(v: unknown): Decimal | null {
  const d = parseDecimalInput(v, AMOUNT_LIMITS);
  return d && !d.zero ? d : null;
}

/** A non-negative amount (scheduled operations carry their direction separately). */
export function unsignedAmount(v: unknown): Decimal | null {
  return parseDecimalInput(v, { ...AMOUNT_LIMITS, signed: false });
}

/** A rate: positive. */
export function positiveRate(v: unknown): Decimal | null {
  const d = parseDecimalInput(v, { ...AMOUNT_LIMITS, signed: false });
  return d && !d.zero ? d : null;
}

const SPACED = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?$/;

/**
 * A point in time from `YYYY-MM-DD HH:MM[:SS]` (or with `T`; UTC, the dashboard's own format), `YYYY-MM-DD`
 * (midnight UTC) or ISO 8601 with a zone (`…Z`, `…+02:00`). Null for anything else or a day that
 * does not exist.
 */
export function parseUtcDateTime(v: unknown): Date | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  let m = SPACED.exec(s);
  if (!m && /^\d{4}-\d\d-\d\d$/.test(s)) m = SPACED.exec(`${s} 00:00:00`);
  if (m) {
    const [y, mo, d, h, mi, se] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
    const exists = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && se < 60;
    return exists ? date : null;
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(s)) return null;
  const date = new Date(s);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** `2016-12-03 10:13:53`: the dashboard's date format, always UTC. */
export function formatUtc(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A free text label (entry type, operation description, counterparty name): trimmed, 1..255 chars. */
export function label(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim().replace(/\s+/g, ' ');
  return s.length >= 1 && s.length <= 255 ? s : null;
}
