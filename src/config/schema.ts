import { Type, type Static } from '@sinclair/typebox';

const Bool = (def: boolean, description: string) => Type.Boolean({ default: def, description });
const Int = (def: number, min: number, max: number, description: string) =>
  Type.Integer({ default: def, minimum: min, maximum: max, description });
const Str = (def: string, description: string, extra: object = {}) => Type.String({ default: def, description, ...extra });
const OptStr = (description: string, extra: object = {}) => Type.Optional(Type.String({ description, ...extra }));
/** "count/seconds", e.g. "20/60" = 20 per minute. */
const Rate = (def: string, description: string) => Str(def, description, { pattern: '^[0-9]+/[0-9]+$' });

/**
 * Every environment variable Warden reads. The server reads env exactly once, through this
 * schema (see load.ts); nothing else in src/ touches process.env.
 */
export const EnvSchema = Type.Object({
  PORT: Int(3000, 0, 65535, 'HTTP port'),
  HOST: Str('127.0.0.1', 'bind address'),
  DATABASE_URL: OptStr('postgres://… ; unset = embedded PGlite in DATA_DIR/pg', { pattern: '^postgres(ql)?://' }),
  DATA_DIR: Str('./data', 'embedded database, generated keys, local mail and files'),
  REDIS_URL: OptStr('redis://… ; unset = in-process store', { pattern: '^rediss?://' }),
  REDIS_PREFIX: Str('warden:', 'prefix of every key Warden writes in Redis'),
  AMQP_URL: OptStr('amqp://… for the RabbitMQ event API', { pattern: '^amqps?://' }),
  SMTP_URL: OptStr('smtp://user:pass@host:port; unset = log + DATA_DIR/mail', { pattern: '^smtps?://' }),
  MAIL_FROM: Str('Warden <noreply@localhost>', 'sender of outgoing mail'),
  APP_URL: Str('http://localhost:3000', 'frontend origin used in links inside mails', { pattern: '^https?://' }),
  APP_NAME: Str('Warden', 'product name in mails and TOTP issuer'),
  JWT_PRIVATE_KEY: OptStr('PEM of the key that signs JWTs; unset = generated in DATA_DIR'),
  JWT_ALGORITHM: Type.Union([Type.Literal('RS256'), Type.Literal('ES256'), Type.Literal('EdDSA')], { default: 'RS256' }),
  JWT_PREVIOUS_PUBLIC_KEYS: OptStr('PEM public keys (concatenated) still published in the JWKS and accepted on Bearer tokens after a key rotation'),
  ENCRYPTION_KEY: OptStr('32-byte key (64 hex chars or base64) for secrets at rest; unset = generated in DATA_DIR'),
  API_PREFIX: Str('/api/v2/auth', 'mount point of the Barong API groups', { pattern: '^/[A-Za-z0-9/_.-]*$' }),
  AUTHZ_PREFIX: Str('/api/v2/authz', 'mount point of the gateway check', { pattern: '^/[A-Za-z0-9/_.-]*$' }),
  ADMIN_EMAIL: OptStr('with ADMIN_PASSWORD: superadmin created at boot when missing'),
  ADMIN_PASSWORD: OptStr('password of ADMIN_EMAIL'),
  CAPTCHA_PROVIDER: Type.Union([Type.Literal('none'), Type.Literal('recaptcha'), Type.Literal('hcaptcha'), Type.Literal('turnstile'), Type.Literal('geetest')], { default: 'none' }),
  CAPTCHA_SECRET: OptStr('captcha provider secret (geetest: the geetest key)'),
  CAPTCHA_SITE_KEY: OptStr('captcha public site key (geetest: the geetest id)'),
  CAPTCHA_VERIFY_URL: OptStr('siteverify-compatible URL (geetest: API base URL)', { pattern: '^https?://' }),
  CAPTCHA_PROTECTED_ENDPOINTS: Str('user_create,session_create,password_reset,email_confirmation', 'Barong endpoint names that need a captcha'),
  CLIENT_IP_HEADER: OptStr('header set by a trusted CDN carrying the client IP'),
  GEOIP_DB_PATH: OptStr('MaxMind-format country database; unset = the packaged db-ip country database'),
  CORS_ORIGINS: Str('*', 'allowed origins, comma-separated'),
  SMS_PROVIDER: Type.Union([Type.Literal('log'), Type.Literal('twilio')], { default: 'log' }),
  LOG_LEVEL: Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info' }),
  TRUST_PROXY: Str('loopback', 'peers allowed to set X-Forwarded-For: true, false, a hop count, or names/CIDRs (loopback, linklocal, uniquelocal, 10.0.0.0/8, …)'),
  SESSION_EXPIRE_TIME: Int(1800, 1, 31_536_000, 'idle seconds before a cookie session expires (sliding)'),
  SESSION_COOKIE_NAME: Str('_barong_session', 'session cookie name', { pattern: '^[A-Za-z0-9_.-]+$' }),
  JWT_EXPIRE_TIME: Int(3600, 1, 31_536_000, 'seconds a gateway JWT, confirmation or reset token lives'),
  APIKEY_NONCE_LIFETIME: Int(5000, 1, 86_400_000, 'ms an API-key nonce may differ from server time'),
  CSRF_PROTECTION: Bool(true, 'require X-CSRF-Token on state-changing cookie requests'),
  FIRST_REGISTRATION_SUPERADMIN: Bool(false, 'the first user to sign up becomes an active superadmin'),
  SEEDS_FILE: OptStr('YAML/JSON with permissions, levels and restrictions'),
  UID_PREFIX: Str('ID', 'prefix of user uids', { pattern: '^[A-Za-z]{2,6}$' }),
  DEFAULT_LANGUAGE: Str('en', 'language of mails when a user has none'),
  PASSWORD_REGEXP: OptStr('Ruby-style password regexp (default Barong\'s)'),
  PASSWORD_MIN_ENTROPY: Type.Number({ default: 14, minimum: 0, maximum: 1000, description: 'minimum password entropy' }),
  ARGON2_MEMORY_KIB: Int(19456, 8192, 4_194_304, 'argon2id memory cost (KiB)'),
  ARGON2_TIME_COST: Int(2, 1, 100, 'argon2id iterations'),
  ARGON2_PARALLELISM: Int(1, 1, 16, 'argon2id lanes'),
  RATE_LIMIT_LOGIN_IP: Rate('30/60', 'login attempts per client IP'),
  RATE_LIMIT_LOGIN_ACCOUNT: Rate('10/900', 'failed logins per account'),
  RATE_LIMIT_RESET_IP: Rate('20/900', 'reset/confirmation mail requests per client IP'),
  RATE_LIMIT_RESET_ACCOUNT: Rate('5/900', 'reset/confirmation mail requests per email'),
  RATE_LIMIT_SIGNUP_IP: Rate('20/3600', 'sign-ups per client IP'),
  RATE_LIMIT_OTP_USER: Rate('10/300', '2FA code attempts per user between two correct codes (then every code is refused)'),
  MAIL_MAX_ATTEMPTS: Int(8, 1, 100, 'delivery attempts before a mail is marked failed'),
  SERVICE_ACCOUNT_ROLES: Str('service_account', 'roles a user may give the service accounts he creates (comma-separated; each needs permissions)', { pattern: '^[A-Za-z0-9_]+(,[A-Za-z0-9_]+)*$' }),
  SERVICE_ACCOUNTS_PER_USER: Int(10, 0, 1000, 'service accounts one user may own'),
});

export type Env = Static<typeof EnvSchema>;
