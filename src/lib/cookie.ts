/**
 * The value of one cookie in a `Cookie` request header, decoded as the `cookie` package does
 * 2 (first occurrence wins, %-escapes decoded when valid, quotes kept). Used on the
 * gateway's fast path, where parsing every cookie of every request would be wasted work.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let from = 0;
  while (from < header.length) {
    let end = header.indexOf(';', from);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', from);
    if (eq !== -1 && eq < end && header.slice(from, eq).trim() === name) {
      let value = header.slice(eq + 1, end).trim();
      if (value.includes('%')) {
        try { value = decodeURIComponent(value); } catch { /* kept as sent */ }
      }
      return value;
    }
    from = end + 1;
  }
  return undefined;
}
