/** Field rules of documents (BARONG.md §2.6, §7.5): pure functions, Barong's keys. */

export const DOC_CATEGORIES = ['front_side', 'back_side', 'selfie'] as const;
export const ADDRESS_DOC_TYPE = 'Address';
export const DEFAULT_DOCUMENT_TYPES = ['Passport', 'Identity card', 'Driver license', 'Utility Bill', 'Residental', 'Institutional', 'Address'];

const DATE_FORMS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => [string, string, string]]> = [
  [/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/, (m) => [m[1], m[2], m[3]]],
  [/^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, (m) => [m[1], m[2], m[3]]],
  [/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/, (m) => [m[3], m[2], m[1]]],
];

/**
 * A calendar date as `YYYY-MM-DD`, or null. Lenient like Barong's Date coercion about the
 * form (`2030-01-22`, `2030/01/22`, `22/01/2030`, `22.01.2030`), strict about the calendar.
 */
export function parseDate(text: string): string | null {
  const t = text.trim();
  for (const [re, pick] of DATE_FORMS) {
    const m = re.exec(t);
    if (!m) continue;
    const [y, mo, d] = pick(m).map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d));
    if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
    return date.toISOString().slice(0, 10);
  }
  return null;
}

/** Today's date (UTC) as `YYYY-MM-DD`. */
export function today(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 10);
}

export function isJson(text: string): boolean {
  try { JSON.parse(text); return true; } catch { return false; }
}

export interface DocumentFields {
  docType: string;
  docNumber: string | null;
  metadata: string | null;
}

/** Model errors of a document's fields, in Barong's validation order (upload is checked apart). */
export function documentFieldErrors(f: DocumentFields, documentTypes: readonly string[]): string[] {
  const errors: string[] = [];
  if (f.docType.trim() === '') errors.push('doc_type.blank');
  else if (!documentTypes.includes(f.docType)) errors.push('doc_type.inclusion');
  if (f.metadata !== null && !isJson(f.metadata)) errors.push('metadata.invalid_format');
  if (f.docNumber !== null && (f.docNumber.length > 128 || !/^[A-Za-z0-9\-\s]+$/.test(f.docNumber))) errors.push('doc_number.invalid');
  return errors;
}

/** `AA1234BB` → `AA****BB`: the first and last two characters stay. */
export function maskDocNumber(v: string | null): string | null {
  if (v === null) return null;
  const chars = [...v];
  if (chars.length <= 4) return v;
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
}
