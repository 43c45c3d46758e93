/**
 * Masking for admins whose role may not read personal data: the admin API answers unmasked
 * (BARONG.md §4), the console hides what the role should not see.
 */
export function maskMiddle(value: string | null | undefined, keepStart = 2, keepEnd = 2): string | null {
  if (!value) return value ?? null;
  if (value.length <= keepStart + keepEnd) return '*'.repeat(value.length);
  return value.slice(0, keepStart) + '*'.repeat(value.length - keepStart - keepEnd) + value.slice(value.length - keepEnd);
}

/** Only the first letter of a name. */
export const maskName = (v: string | null | undefined) => (v ? v[0] + '*'.repeat(Math.max(v.length - 1, 1)) : v ?? null);

/** A date of birth without day and month. */
export const maskDate = (v: string | null | undefined) => (v ? v.replace(/^(\d{4})-\d{2}-\d{2}$/, '$1-**-**') : v ?? null);
