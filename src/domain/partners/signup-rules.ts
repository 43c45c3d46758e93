import { checkPassword, type PasswordPolicy } from '../../lib/password/policy.js';
import type { DeviceFields } from '../../db/repositories/devices.js';
import { readDevice } from '../devices/device-rules.js';
import { normalizeProfileFields, profileErrors } from '../kyc/profiles-rules.js';
import { emailErrors, normalizeEmail } from '../users/user-rules.js';

export interface PartnerSignup {
  email: string;
  name: string;
  surname: string;
  password: string;
  countryId: number;
  device: DeviceFields | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const blank = (v: string | null) => v === null || v.trim() === '';

/**
 * Reads the Nebeus sign-up parameters. Every problem is a model key `<field>.<reason>`, with
 * the door's field names (`email` is the `login` parameter). Only what needs the database
 * (email taken, the country being active) is left to the service.
 */
export function readPartnerSignup(params: Record<string, unknown>, policy: PasswordPolicy, today: string): { signup: PartnerSignup | null; countryId: number | null; errors: string[] } {
  const errors: string[] = [];
  const login = str(params.login);
  if (blank(login)) errors.push('email.blank');
  else errors.push(...emailErrors(login!));

  const names: Record<'name' | 'surname', string | null> = { name: str(params.name), surname: str(params.surname) };
  for (const field of ['name', 'surname'] as const) {
    if (blank(names[field])) errors.push(`${field}.blank`);
  }
  const normal = normalizeProfileFields({ first_name: names.name ?? undefined, last_name: names.surname ?? undefined });
  for (const k of profileErrors(normal, today)) {
    const [f, reason] = k.split('.');
    const field = f === 'first_name' ? 'name' : f === 'last_name' ? 'surname' : null;
    if (field && !blank(names[field])) errors.push(`${field}.${reason}`);
  }

  const password = str(params.password);
  if (password === null || password === '') errors.push('password.blank');
  else {
    const bad = checkPassword(password, policy);
    if (bad) errors.push(bad);
  }
  const confirm = str(params.confirm_password);
  if (confirm === null || confirm === '') errors.push('confirm_password.blank');
  else if (password !== null && confirm !== password) errors.push('confirm_password.mismatch');

  let countryId: number | null = null;
  const c = params.country;
  if (c === undefined || c === null || (typeof c === 'string' && c.trim() === '')) errors.push('country.blank');
  else if (typeof c === 'number' && Number.isSafeInteger(c) && c > 0) countryId = c;
  else if (typeof c === 'string' && /^\s*\d{1,9}\s*$/.test(c) && Number(c) > 0) countryId = Number(c);
  else errors.push('country.invalid');

  const { device, errors: deviceErrors } = readDevice(params);
  errors.push(...deviceErrors);
  // The country id is returned on its own too: whether it is offered is worth reporting with the other problems.
  if (errors.length) return { signup: null, countryId, errors };
  return {
    signup: { email: normalizeEmail(login!), name: normal.first_name!, surname: normal.last_name!, password: password!, countryId: countryId!, device },
    countryId, errors,
  };
}
