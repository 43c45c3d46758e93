import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export interface NormalizedPhone {
  /** Country calling code + national number, digits only, no `+` (Barong's stored form). */
  digits: string;
  /** `+<digits>`, what SMS providers take. */
  e164: string;
  /** ISO alpha-2 of the number ('' for non-geographic numbers such as +800). */
  country: string;
}

/**
 * Barong's normalisation (BARONG.md §2.5): every non-digit is dropped, the result read as
 * `+<digits>` with no default region, the national trunk prefix after the country code removed
 * (`+44 07418084106` → `447418084106`); only strictly valid numbers pass (null otherwise).
 */
export function normalizePhone(input: string): NormalizedPhone | null {
  const raw = input.replace(/\D/g, '');
  if (raw.length < 4 || raw.length > 20) return null;
  const n = parsePhoneNumberFromString(`+${raw}`);
  if (!n || !n.isValid()) return null;
  const digits = `${n.countryCallingCode}${n.nationalNumber}`;
  return { digits, e164: `+${digits}`, country: n.country ?? '' };
}

/**
 * Keeps the country calling code (2 digits when the number is not valid) and the last 4:
 * `79225551234` → `7******1234`, `380971232322` → `380*****2322`, `1112222` → `11*2222`.
 */
export function maskPhoneNumber(digits: string): string {
  const n = parsePhoneNumberFromString(`+${digits}`);
  const cc = n && n.isValid() ? n.countryCallingCode.length : 2;
  if (digits.length <= cc + 4) return digits;
  return digits.slice(0, cc) + '*'.repeat(digits.length - cc - 4) + digits.slice(-4);
}

/** Twilio error codes → Barong's keys (BARONG.md §7.7 step 5); Verify's own codes folded in. */
export function smsErrorKey(providerCode: number | null): string {
  switch (providerCode) {
    case 21612: case 60205: return 'resource.phone.num_not_reachable';
    case 21614: case 60200: return 'resource.phone.num_not_valid';
    case 21618: return 'resource.phone.sms_content_invalid';
    case 21610: return 'resource.phone.unsubscribed_recipient';
    default: return 'resource.phone.twilio_unexpected';
  }
}
