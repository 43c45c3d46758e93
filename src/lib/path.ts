/**
 * The canonical form of a request path as the gateway evaluates it: percent-decoded, `\` read
 * as `/`, empty and `.` segments dropped, `..` resolved; no leading or trailing slash. Null when
 * the path cannot be decoded or climbs above the root. Rules and permissions must see the path
 * the upstream will route on, not a spelling that sneaks past a prefix (`resource/../admin`) or
 * an exact comparison (`identity/sessions/` for the blocklogin rule's `identity/sessions`).
 */
export function canonicalPath(raw: string): string | null {
  // Fast path for the common case: nothing encoded, no dots, backslashes or empty segments
  // (a leading or trailing slash is an empty segment too, dropped as the full path drops it).
  if (!/[%.\\]|\/\//.test(raw)) return raw.replace(/^\/+|\/+$/g, '');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const out: string[] = [];
  for (const segment of decoded.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return null;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

/** Prefix match on whole segments: `a/b` matches `a/b` and `a/b/c`, not `a/bc`. */
export function underPrefix(path: string, prefix: string): boolean {
  let end = prefix.length;
  while (end > 0 && prefix.charCodeAt(end - 1) === 47 /* / */) end--;
  if (end === 0) return true;
  if (!path.startsWith(end === prefix.length ? prefix : prefix.slice(0, end))) return false;
  return path.length === end || path.charCodeAt(end) === 47;
}
