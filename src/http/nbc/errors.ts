import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ModelError } from '../../errors/app-error.js';

/** One problem of a failed request: a stable code and the request field it is about (or null). */
export interface NbcProblem { code: string; field: string | null }

/** The door's error dialect: `{statusCode, message, errors: [{code, field}]}`. */
export class NbcInputError extends Error {
  constructor(readonly problems: NbcProblem[], readonly status = 400, message = 'Validation failed') {
    super(message);
    this.name = 'NbcInputError';
  }
}

/** The route's field for mailed codes (`otp` unless the route says `code`). */
declare module 'fastify' {
  interface FastifyContextConfig { nbcCodeField?: string }
}

interface Known { status: number; code: string; field?: string | ((codeField: string) => string); message: string }

const codeField = (f: string) => f;

/** Domain (and shared Barong) error keys in this door's words. */
const KNOWN: Record<string, Known> = {
  'auth.user_not_found': { status: 404, code: 'user_not_found', field: 'email', message: 'No account with this email' },
  'auth.invalid_credentials': { status: 400, code: 'invalid_credentials', field: 'password', message: 'Invalid email or password' },
  'auth.otp_required': { status: 400, code: 'otp_required', field: 'otp', message: 'A second-factor code is required' },
  'auth.invalid_otp': { status: 400, code: 'invalid_otp', field: 'otp', message: 'The second-factor code is invalid' },
  'auth.account_banned': { status: 403, code: 'account_banned', message: 'The account is banned' },
  'auth.account_deleted': { status: 403, code: 'account_deleted', message: 'The account is deleted' },
  'auth.account_not_active': { status: 403, code: 'account_not_active', message: 'The account is not active' },
  'auth.too_many_requests': { status: 429, code: 'too_many_requests', message: 'Too many attempts, try again later' },
  // The seed knows 400, 404 and 500 only: a failed captcha is 400 here (422 on the Barong door).
  'identity.captcha.required': { status: 400, code: 'captcha_required', field: 'captcha_response', message: 'A captcha response is required' },
  'identity.captcha.mandatory_fields': { status: 400, code: 'captcha_mandatory_fields', field: 'captcha_response', message: 'The captcha response lacks fields' },
  'identity.captcha.verification_failed': { status: 400, code: 'captcha_verification_failed', field: 'captcha_response', message: 'Captcha verification failed' },
  'auth.token_required': { status: 401, code: 'token_required', message: 'An access token is required' },
  'auth.same_password': { status: 400, code: 'same_password', field: 'password', message: 'The new password is the current one' },
  'tokens.access.invalid': { status: 401, code: 'invalid_token', message: 'The access token is invalid, expired or its session has ended' },
  'tokens.refresh.missing': { status: 401, code: 'refresh_token_required', field: 'refreshToken', message: 'A refresh token is required' },
  'tokens.refresh.invalid': { status: 401, code: 'invalid_refresh_token', field: 'refreshToken', message: 'The refresh token is invalid or expired' },
  'tokens.refresh.reused': { status: 401, code: 'refresh_token_reused', field: 'refreshToken', message: 'The refresh token was already used: the session is revoked' },
  'email_code.invalid': { status: 400, code: 'invalid_code', field: codeField, message: 'The code is invalid' },
  'email_code.expired': { status: 400, code: 'code_expired', field: codeField, message: 'The code has expired: ask for a new one' },
  'email_code.attempts_exceeded': { status: 400, code: 'code_attempts_exceeded', field: codeField, message: 'Too many wrong codes: ask for a new one' },
  'email_code.too_many_requests': { status: 429, code: 'too_many_requests', message: 'Too many mails requested, try again later' },
  'registration.token_invalid': { status: 400, code: 'invalid_registration_token', field: 'registrationToken', message: 'The registration token is invalid or expired: confirm the email again' },
  'registration.completed': { status: 400, code: 'registration_completed', field: 'registrationToken', message: 'This registration already has a password: sign in' },
  'registration.email_taken': { status: 400, code: 'email_taken', field: 'email', message: 'An account with this email exists' },
  'registration.user_step_required': { status: 400, code: 'user_step_required', message: 'Send the personal details (sign-up/user/update) first' },
  'tfa.not_enabled': { status: 400, code: 'tfa_not_enabled', message: 'Two-factor authentication is not enabled' },
  'tfa.type_not_email': { status: 400, code: 'tfa_type_not_email', message: 'The account does not use email codes' },
  'tfa.google_enabled': { status: 400, code: 'google_enabled', field: 'type', message: 'Disable the authenticator (DELETE /api/tfa/otp) first' },
  'tfa.google_not_enabled': { status: 400, code: 'google_not_enabled', field: 'type', message: 'Enable the authenticator (/auth/qrcode, then POST /api/tfa/otp)' },
  'tfa.reset_invalid': { status: 400, code: 'invalid_reset_link', field: 'id', message: 'The reset link is invalid, used or expired' },
  'personal.email_taken': { status: 400, code: 'email_taken', field: 'email', message: 'An account with this email exists' },
  'personal.same_email': { status: 400, code: 'same_email', field: 'email', message: 'This is the current email' },
  'country.not_found': { status: 404, code: 'country_not_found', field: 'id', message: 'No such country' },
  'resource.otp.invalid': { status: 400, code: 'invalid_otp', field: 'code', message: 'The authenticator code is invalid' },
  'resource.otp.already_enabled': { status: 400, code: 'otp_already_enabled', message: 'The authenticator is already enabled' },
  'resource.otp.not_enabled': { status: 400, code: 'otp_not_enabled', message: 'The authenticator is not enabled' },
  'totp.error': { status: 500, code: 'internal_error', message: 'Internal Server Error' },
};

function fromAppError(err: AppError, codeFieldName: string): { status: number; body: NbcErrorBody } {
  if (err instanceof ModelError) {
    // Model keys are `<field>.<reason>`: `password.weak` → {code: "weak", field: "password"}.
    const errors = err.keys.map((k) => {
      const dot = k.indexOf('.');
      return dot > 0 ? { code: k.slice(dot + 1).replace(/\./g, '_'), field: k.slice(0, dot) } : { code: k, field: null };
    });
    return { status: 400, body: { statusCode: 400, message: 'Validation failed', errors } };
  }
  const known = KNOWN[err.keys[0]];
  if (known) {
    const field = typeof known.field === 'function' ? known.field(codeFieldName) : known.field ?? null;
    return { status: known.status, body: { statusCode: known.status, message: known.message, errors: [{ code: known.code, field }] } };
  }
  const status = err.status === 422 ? 400 : err.status;
  const errors = err.keys.map((k) => ({ code: k.split('.').pop() ?? k, field: null }));
  return { status, body: { statusCode: status, message: err.keys.join(', '), errors } };
}

export interface NbcErrorBody { statusCode: number; message: string; errors: NbcProblem[] }

/** Renders every failure of this door in its dialect; nothing unexpected leaks beyond a 500. */
export function nbcErrorHandler(error: FastifyError | AppError | NbcInputError, req: FastifyRequest, reply: FastifyReply) {
  let out: { status: number; body: NbcErrorBody };
  if (error instanceof NbcInputError) {
    out = { status: error.status, body: { statusCode: error.status, message: error.message, errors: error.problems } };
  } else if (error instanceof AppError) {
    out = fromAppError(error, req.routeOptions.config?.nbcCodeField ?? 'otp');
  } else {
    const status = (error as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) {
      const [s, code, message] = status === 413 ? [413, 'body_too_large', 'The body is too large']
        : status === 415 ? [415, 'unsupported_media_type', 'Send JSON (or a form)']
        : [400, 'invalid_body', 'The body is not valid JSON'];
      out = { status: s, body: { statusCode: s, message, errors: [{ code, field: null }] } };
    } else {
      req.log.error({ err: error }, 'unhandled error');
      out = { status: 500, body: { statusCode: 500, message: 'Internal Server Error', errors: [{ code: 'internal_error', field: null }] } };
    }
  }
  return reply.status(out.status).type('application/json').header('cache-control', 'no-store').send(out.body);
}
