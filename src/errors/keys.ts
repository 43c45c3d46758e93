/**
 * Every fixed error key Warden emits, with its HTTP status. A key not listed here cannot be
 * thrown (AppError only takes ErrorKey), so a typo is a compile error. Validation keys
 * (`<module>.<resource>.missing_<param>` …) and model keys (`email.taken` …) are derived and
 * always 422; they are built by validation.ts and model-errors.ts.
 */
export const ERROR_KEYS = {
  // generic
  'server.internal_error': 500,
  'record.not_found': 404,
  'jwt.decode_and_verify': 401,
  // identity: sessions
  'identity.session.invalid_params': 401,
  'identity.session.banned': 401,
  'identity.session.deleted': 401,
  'identity.session.not_active': 401,
  'identity.session.missing_otp': 401,
  'identity.session.invalid_otp': 403,
  'identity.session.not_found': 404,
  'identity.session.invalid_captcha_format': 422,
  'identity.session.too_many_requests': 429,
  'identity.session.auth0.invalid_params': 422,
  // identity: users
  'identity.user.invalid_referral_format': 422,
  'identity.user.referral_doesnt_exist': 422,
  'identity.user.active_or_doesnt_exist': 422,
  'identity.user.utilized_token': 422,
  'identity.user.passwords_doesnt_match': 422,
  'identity.user.access.invalid_token': 422,
  'identity.user.too_many_requests': 429,
  // captcha
  'identity.captcha.required': 400,
  'identity.captcha.verification_failed': 422,
  'identity.captcha.mandatory_fields': 400,
  // resource: users
  'resource.user.invalid_password': 422,
  'resource.user.missing_otp_code': 422,
  'resource.user.invalid_otp': 422,
  'resource.user.wrong_topic': 422,
  'resource.user.no_activity': 422,
  'resource.password.doesnt_match': 422,
  'resource.password.prev_pass_not_correct': 400,
  'resource.password.no_change_provided': 400,
  // resource: otp (verify with 2FA off answers not_enabled with 422, §20.2a fix #4)
  'resource.otp.already_enabled': 400,
  'resource.otp.not_enabled': 400,
  'resource.otp.invalid': 422,
  // authentication of resource/admin calls and the gateway
  'authz.invalid_session': 401,
  'authz.client_session_mismatch': 401,
  'authz.user_not_active': 401,
  'authz.missing_csrf_token': 401,
  'authz.csrf_token_mismatch': 401,
  'authz.invalid_permission': 401,
  'authz.permission_denied': 401,
  'authz.invalid_path': 400,
  'authz.invalid_api_key_headers': 422,
  'authz.unexistent_apikey': 401,
  'authz.nonce_not_valid_timestamp': 401,
  'authz.nonce_expired': 401,
  'authz.nonce_reused': 401,
  'authz.invalid_signature': 401,
  'authz.apikey_not_active': 401,
  'authz.disabled_2fa': 401,
  'authz.restrict.maintenance': 471,
  'authz.restrict.blacklist': 403,
  'authz.restrict.blocklogin': 401,
  'authz.ip_not_allowed': 401,
  'authz.apikey_expired': 401,
  // resource: API keys and service accounts (BARONG.md §7.9, §7.10)
  'resource.api_key.2fa_disabled': 400,
  'resource.api_key.missing_totp': 422,
  'resource.api_key.invalid_totp': 422,
  'resource.service_accounts.2fa_disabled': 400,
  'resource.service_accounts.missing_totp': 422,
  'resource.service_accounts.invalid_totp': 422,
  'resource.service_account.doesnt_exist': 404,
  'resource.service_accounts.invalid_role': 422,
  'resource.service_accounts.limit_reached': 422,
  'totp.error': 422,
} as const;

export type ErrorKey = keyof typeof ERROR_KEYS;

export function statusOf(key: ErrorKey): number {
  return ERROR_KEYS[key];
}
