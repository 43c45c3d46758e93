import { isIP } from 'node:net';

/** Parses an IPv4 or IPv6 address into 16 bytes (IPv4 as ::ffff:a.b.c.d). Null when invalid. */
export function ipToBytes(ip: string): Uint8Array | null {
  const kind = isIP(ip);
  if (kind === 4) {
    const out = new Uint8Array(16);
    out[10] = 0xff; out[11] = 0xff;
    ip.split('.').forEach((part, i) => { out[12 + i] = Number(part); });
    return out;
  }
  if (kind !== 6) return null;
  let addr = ip;
  const zone = addr.indexOf('%');
  if (zone >= 0) addr = addr.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = addr.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    addr = addr.slice(0, -v4[1].length) + ((b[0] << 8) | b[1]).toString(16) + ':' + ((b[2] << 8) | b[3]).toString(16);
  }
  const [head, tail] = addr.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = [...headParts, ...Array(addr.includes('::') ? missing : 0).fill('0'), ...tailParts];
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); out[i * 2] = v >> 8; out[i * 2 + 1] = v & 0xff; });
  return out;
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** True when `ip` lies inside `cidr` (IPv4 or IPv6 notation, prefix optional). */
export function cidrContains(cidr: string, ip: string): boolean {
  const slash = cidr.indexOf('/');
  const base = slash >= 0 ? cidr.slice(0, slash) : cidr;
  const baseBytes = ipToBytes(base);
  const ipBytes = ipToBytes(ip);
  if (!baseBytes || !ipBytes) return false;
  const baseIsV4 = isIP(base) === 4;
  let prefix = slash >= 0 ? Number(cidr.slice(slash + 1)) : baseIsV4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (baseIsV4 ? 32 : 128)) return false;
  if (baseIsV4) {
    if (!isV4Mapped(ipBytes)) return false;
    prefix += 96;
  }
  return prefixEqual(baseBytes, ipBytes, prefix);
}

function prefixEqual(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const full = Math.floor(bits / 8);
  for (let i = 0; i < full; i++) if (a[i] !== b[i]) return false;
  const rest = bits % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[full] & mask) === (b[full] & mask);
}

/** The /16 (IPv4) or /96 (IPv6) a session is bound to, as a comparable string; null when invalid. */
function sessionNetworkOf(ip: string): string | null {
  const b = ipToBytes(ip);
  if (!b) return null;
  return isV4Mapped(b) ? `4:${b[12]}.${b[13]}` : `6:${Buffer.from(b.subarray(0, 12)).toString('hex')}`;
}

// Every cookie request compares its address with its session's: remember the networks of
// recent addresses instead of parsing both on each request (a few µs of the gateway check).
// Bounded: emptied when full, so a flood of distinct addresses costs memory for 10,000 only.
const NETWORK_MEMO_MAX = 10_000;
const networkMemo = new Map<string, string | null>();
function memoNetwork(ip: string): string | null {
  let net = networkMemo.get(ip);
  if (net === undefined) {
    net = sessionNetworkOf(ip);
    if (networkMemo.size >= NETWORK_MEMO_MAX) networkMemo.clear();
    networkMemo.set(ip, net);
  }
  return net;
}

/**
 * Session binding (Barong §10.3): the same /16 for IPv4 and the same /96 for IPv6.
 * An IPv4 address and an IPv6 one never share a network.
 */
export function sameSessionNetwork(a: string, b: string): boolean {
  const na = memoNetwork(a);
  return na !== null && na === memoNetwork(b);
}

/** True for an IPv4 or IPv6 address with an optional, in-range prefix length (`10.0.0.0/8`, `2001:db8::/32`, `1.2.3.4`). */
export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  const base = slash >= 0 ? text.slice(0, slash) : text;
  const kind = isIP(base);
  if (kind === 0) return false;
  if (slash < 0) return true;
  const bits = text.slice(slash + 1);
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (kind === 4 ? 32 : 128);
}

/** Names accepted in address-range settings, as TRUST_PROXY knows them. */
const NAMED_RANGES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * A comma-separated list of CIDRs, addresses and the names loopback, linklocal, uniquelocal as
 * CIDRs; `none` is the empty list. Throws on an entry that is none of these.
 */
export function parseIpRanges(list: string): string[] {
  const out: string[] = [];
  for (const item of list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)) {
    if (item === 'none') continue;
    const named = NAMED_RANGES[item];
    if (named) out.push(...named);
    else if (isCidr(item)) out.push(item);
    else throw new Error(`"${item}" is not an address, a CIDR or one of none, ${Object.keys(NAMED_RANGES).join(', ')}`);
  }
  return out;
}

/** True when `ip` lies in one of `ranges` (from parseIpRanges). */
export function inRanges(ranges: readonly string[], ip: string): boolean {
  return ranges.some((r) => cidrContains(r, ip));
}
