/**
 * The key URI authenticator apps read (Google's "Key Uri Format"), with Barong's parameter
 * order (Vault's output, BARONG.md §7.8). Label parts and the issuer are percent-encoded, so
 * an issuer with spaces or a `+` in an email survives the round trip.
 */
export function otpauthUrl(issuer: string, account: string, base32Secret: string): string {
  const enc = encodeURIComponent;
  return `otpauth://totp/${enc(issuer)}:${enc(account)}?algorithm=SHA1&digits=6&issuer=${enc(issuer)}&period=30&secret=${base32Secret}`;
}
