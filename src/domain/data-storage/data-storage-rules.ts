/** Titles that would collide with Barong's own label keys (BARONG.md §2.7). */
export const RESERVED_STORAGE_TITLES: readonly string[] = ['document', 'label', 'profile', 'phone', 'user'];
export const MAX_STORAGE_DATA = 5120;

const TITLE = /^[A-Za-z0-9_-]{3,64}$/;

/**
 * DATA_STORAGE_TITLES: comma-separated. Each title also becomes the private label key
 * `<title>=recorded`, so it must be a valid label key once lower-cased; a bad title stops the
 * boot rather than failing every user later.
 */
export function parseStorageTitles(text: string): string[] {
  const titles = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of titles) {
    if (!TITLE.test(t)) throw new Error(`DATA_STORAGE_TITLES: "${t}" must be 3–64 letters, digits, "_" or "-" (it becomes a label key)`);
  }
  return titles;
}

/** Model errors, in Barong's order: title whitelist, title blacklist, then data (§2.7, §7.11). */
export function dataStorageErrors(title: string, data: string, allowed: readonly string[]): string[] {
  const errors: string[] = [];
  if (!allowed.includes(title)) errors.push('title.inclusion');
  if (RESERVED_STORAGE_TITLES.includes(title)) errors.push('title.exclusion');
  try { JSON.parse(data); } catch { errors.push('data.invalid_format'); }
  if (data.length > MAX_STORAGE_DATA) errors.push('data.too_long');
  return errors;
}
