import { randomBytes } from 'node:crypto';

/** Lower-case hex string of `chars` characters from a CSPRNG. */
export function randomHex(chars: number): string {
  return randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
}

/** Barong uid: PREFIX + 10 upper-case hex chars, e.g. ID8434CD6E8E. */
export function generateUid(prefix: string): string {
  return prefix.toUpperCase() + randomHex(10).toUpperCase();
}
