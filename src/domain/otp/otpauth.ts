/**
 * The key URI authenticator apps read (Google's "Key Uri Format"), with Barong's parameter
 * order (Vault's output, BARONG.md §7.8). Label parts and the issuer are percent-encoded, so
 * an issuer with spaces or a `+` in an email survives the round trip; only `@` stays as is in
 * the label, as Vault writes it (`Warden:a@example.com`): RFC 3986 allows it in a path.
 */
export function otpauthUrl(issuer: string, account: string, base32Secret: string): string {
  const label = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
  return `otpauth://totp/${label(issuer)}:${label(account)}?algorithm=SHA1&digits=6&issuer=${encodeURIComponent(issuer)}&period=30&secret=${base32Secret}`;
}
