/** RFC 4648 §6 base32 (the alphabet authenticator apps expect in `otpauth://` secrets). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUE: Record<string, number> = Object.fromEntries([...ALPHABET].map((ch, i) => [ch, i]));

/** Encodes bytes; `padding: false` drops the trailing `=` (as otpauth URIs do). */
export function base32Encode(data: Uint8Array, opts: { padding?: boolean } = {}): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1; // keep only the bits not yet emitted, so `acc` never overflows
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  if (opts.padding !== false) while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Decodes base32, case-insensitively, with or without padding. Throws on characters outside
 * the alphabet, on misplaced padding and on lengths no encoder produces.
 */
export function base32Decode(text: string) {
  const upper = text.toUpperCase();
  const body = upper.replace(/=+$/, '');
  if (body.includes('=')) throw new Error('base32: padding inside the data');
  if (upper.length !== body.length && upper.length % 8 !== 0) throw new Error('base32: bad padding');
  // Valid unpadded lengths mod 8: 0, 2, 4, 5, 7 (1, 3 and 6 cannot come from whole bytes).
  if ([1, 3, 6].includes(body.length % 8)) throw new Error('base32: bad length');
  const out: number[] = [];
  let bits = 0;
  let acc = 0;
  for (const ch of body) {
    const v = VALUE[ch];
    if (v === undefined) throw new Error('base32: invalid character');
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >>> bits) & 0xff);
    }
    acc &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}
