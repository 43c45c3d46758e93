import { AppError, ModelError } from '../../errors/app-error.js';

/** The one answer to every bad sign-in credential: unknown login, wrong password, wrong code. */
export const BAD_CREDENTIALS = 'Login or password is incorrect';
export const OTP_REQUIRED = 'Two-factor authentication required';
export const SESSION_EXPIRED = 'Session expired';

/** Core error keys in this door's words (business errors: HTTP 200, `result.status = "error"`). */
const KNOWN: Record<string, string> = {
  'identity.session.invalid_params': BAD_CREDENTIALS,
  'identity.session.invalid_otp': BAD_CREDENTIALS,
  'identity.session.missing_otp': OTP_REQUIRED,
  'identity.session.banned': 'Your account is banned',
  'identity.session.deleted': 'Your account is deleted',
  'identity.session.not_active': 'Your account is not active',
  'identity.session.too_many_requests': 'Too many attempts, try again later',
  'identity.user.too_many_requests': 'Too many requests, try again later',
  'identity.captcha.required': 'Captcha is required',
  'identity.captcha.mandatory_fields': 'Captcha is required',
  'identity.captcha.verification_failed': 'Captcha verification failed',
  'identity.session.invalid_captcha_format': 'Captcha verification failed',
};

/** The message of a core failure this door expects; null for anything else (a real fault). */
export function businessMessage(err: unknown): string | null {
  if (!(err instanceof AppError) || err instanceof ModelError) return null;
  return KNOWN[err.keys[0]] ?? null;
}

const LABELS: Record<string, string> = {
  email: 'Email', name: 'Name', surname: 'Surname', password: 'Password', confirm_password: 'Password confirmation',
  country: 'Country', device_type: 'Device type', identifier: 'Push identifier', language: 'Language', timezone: 'Timezone',
  app_version: 'Application version', device_model: 'Device model', device_os: 'Device OS',
};

const REASONS: Record<string, string> = {
  'email.taken': 'An account with this email already exists',
  'password.requirements': 'Password does not meet the password requirements',
  'password.weak': 'Password is too weak',
  'password.too_long': 'Password is too long (at most 72 bytes)',
  'confirm_password.mismatch': 'Passwords do not match',
  'country.invalid': 'Country is not available',
  'device_type.invalid': 'Device type must be an integer from 0 to 14',
  'timezone.invalid': 'Timezone must be the offset from UTC in seconds',
};

/** Sign-up field errors in the seed's shape: `{field: {field, message}}`, the first problem of each field. */
export function fieldErrors(keys: readonly string[]): Record<string, { field: string; message: string }> {
  const out: Record<string, { field: string; message: string }> = {};
  for (const key of keys) {
    const dot = key.indexOf('.');
    const field = dot > 0 ? key.slice(0, dot) : key;
    const reason = dot > 0 ? key.slice(dot + 1) : 'invalid';
    if (out[field]) continue;
    const label = LABELS[field] ?? field;
    const message = REASONS[key] ?? (reason === 'blank' ? `${label} is required` : reason === 'too_long' ? `${label} is too long` : `${label} is invalid`);
    out[field] = { field, message };
  }
  return out;
}
