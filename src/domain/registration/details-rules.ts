import { normalizePhone } from '../kyc/phones-rules.js';

/** Model-error keys (`<field>.<reason>`) of a required free-text field, or none. */
export function textErrors(field: string, value: string, max: number): string[] {
  const v = value.trim();
  if (v === '') return [`${field}.blank`];
  if (v.length > max) return [`${field}.too_long`];
  return /[\u0000-\u001f\u007f]/.test(v) ? [`${field}.invalid`] : [];
}

/** The canonical IANA name of a time zone (`europe/moscow` → `Europe/Moscow`), or null. */
export function canonicalTimezone(input: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(input)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: input }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** `en`, `ru`, `pt-BR`, `pt_BR` → lower-case language with an upper-case region, or null. */
export function canonicalLanguage(input: string): string | null {
  const m = /^([A-Za-z]{2})(?:[-_]([A-Za-z]{2}))?$/.exec(input.trim());
  if (!m) return null;
  return m[2] ? `${m[1].toLowerCase()}-${m[2].toUpperCase()}` : m[1].toLowerCase();
}

/** `+34 612 345 678` → `+34612345678` when the number is valid, else null. */
export function canonicalPhone(input: string): string | null {
  return normalizePhone(input)?.e164 ?? null;
}

/**
 * `data` with `language` set (Warden's mailer reads the recipient's language there), or null
 * when `data` holds something other than a JSON object, which is then left alone.
 */
export function dataWithLanguage(data: string | null, language: string): string | null {
  let parsed: unknown = {};
  if (data !== null && data.trim() !== '') {
    try { parsed = JSON.parse(data); } catch { return null; }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const next = JSON.stringify({ ...(parsed as Record<string, unknown>), language });
  return next.length <= 1024 ? next : null;
}
