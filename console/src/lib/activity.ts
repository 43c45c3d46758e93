/**
 * Activity `data` is a JSON string (BARONG.md §1.6): shown as key/value pairs when it holds an
 * object, as the text itself otherwise.
 */
export function dataEntries(data: string | null | undefined): [string, string][] | null {
  if (!data) return null;
  let parsed: unknown;
  try { parsed = JSON.parse(data); } catch { return [['', data]]; }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [['', typeof parsed === 'string' ? parsed : data]];
  return Object.entries(parsed as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
}
