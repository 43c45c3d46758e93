import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { EnvSchema, type Env } from './schema.js';
import { rubyRegexpToJs } from '../lib/password/policy.js';
import { isCidr, parseIpRanges } from '../lib/ip.js';
import { parseEncryptionKey } from '../lib/aead.js';

/** `perIp`: the rule counts per client address, so RATE_LIMIT_EXEMPT_IPS applies to it. */
export interface RateRule { readonly count: number; readonly seconds: number; readonly perIp?: boolean }

export interface Config extends Env {
  readonly dataDir: string;
  readonly corsOrigins: '*' | readonly string[];
  readonly captchaProtected: ReadonlySet<string>;
  readonly appDomain: string;
  readonly trustProxy: boolean | number | string[];
  readonly rateLimitExemptRanges: readonly string[];
  readonly rates: Readonly<Record<'loginIp' | 'loginAccount' | 'resetIp' | 'resetAccount' | 'signupIp', RateRule>>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const BOOL_WORDS: Record<string, boolean> = { true: true, false: false };

/** "one of a, b, c" for a variable whose schema is a list of literals (TypeBox says only "Expected union value"). */
function allowedValues(schema: unknown): string | null {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (!anyOf || !anyOf.every((s) => typeof s.const === 'string')) return null;
  return `must be one of ${anyOf.map((s) => s.const).join(', ')}`;
}

/** Reads the environment once, validates every variable and reports all problems together. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const keys = Object.keys(EnvSchema.properties) as (keyof Env)[];
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of keys) {
    const value = source[key];
    if (value === undefined || value === '') continue; // empty means "use the default"
    const prop = EnvSchema.properties[key] as { type?: string };
    if (prop.type === 'boolean') {
      if (!(value.toLowerCase() in BOOL_WORDS)) problems.push(`${key}: must be true or false (got "${value}")`);
      else raw[key] = BOOL_WORDS[value.toLowerCase()];
    } else if (prop.type === 'integer' || prop.type === 'number') {
      const re = prop.type === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
      if (!re.test(value.trim())) problems.push(`${key}: must be ${prop.type === 'integer' ? 'an integer' : 'a number'} (got "${value}")`);
      else raw[key] = Number(value);
    } else raw[key] = value;
  }
  const withDefaults = Value.Default(EnvSchema, raw) as Record<string, unknown>;
  for (const err of Value.Errors(EnvSchema, withDefaults)) {
    const name = err.path.replace(/^\//, '');
    if (problems.some((p) => p.startsWith(`${name}:`))) continue;
    problems.push(`${name}: ${allowedValues(err.schema) ?? err.message} (got ${JSON.stringify(err.value)})`);
  }
  const env = withDefaults as Env;
  const rates = parseRates(env, problems);
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL, ADMIN_PASSWORD: set both or neither');
  }
  if (env.CAPTCHA_PROVIDER !== 'none' && !env.CAPTCHA_SECRET && !problems.some((p) => p.startsWith('CAPTCHA_PROVIDER:'))) {
    problems.push(`CAPTCHA_SECRET: required when CAPTCHA_PROVIDER=${env.CAPTCHA_PROVIDER}`);
  }
  // Workers share nothing in memory: the embedded database and the in-process store cannot be shared.
  if (env.WORKERS > 1 && (!env.DATABASE_URL || !env.REDIS_URL)) problems.push('WORKERS: above 1 needs DATABASE_URL and REDIS_URL (the embedded stores live in one process)');
  if (env.KYC_PROVIDER !== 'local' && !env.KYC_CALLBACK_SECRET) problems.push(`KYC_CALLBACK_SECRET: required when KYC_PROVIDER=${env.KYC_PROVIDER}`);
  if (env.KYC_PROVIDER === 'kycaid' && !env.KYCAID_API_TOKEN) problems.push('KYCAID_API_TOKEN: required when KYC_PROVIDER=kycaid');
  if ((env.S3_ACCESS_KEY_ID === undefined) !== (env.S3_SECRET_ACCESS_KEY === undefined)) problems.push('S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither');
  if (env.SMS_PROVIDER === 'twilio') {
    for (const k of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_VERIFY_SERVICE_SID'] as const) if (!env[k]) problems.push(`${k}: required when SMS_PROVIDER=twilio`);
  }
  checkFiles(env, problems);
  const jwtPrivateKey = readKeyFile(env, problems);
  if (env.JWT_PRIVATE_KEY_PATH === undefined) checkJwtKey(env.JWT_PRIVATE_KEY, problems);
  if (env.ENCRYPTION_KEY !== undefined) {
    try { parseEncryptionKey(env.ENCRYPTION_KEY); } catch { problems.push('ENCRYPTION_KEY: must be 32 bytes, as 64 hex chars or base64'); }
  }
  checkTrustProxy(env.TRUST_PROXY, problems);
  let rateLimitExemptRanges: string[] = [];
  try { rateLimitExemptRanges = parseIpRanges(env.RATE_LIMIT_EXEMPT_IPS); } catch (e) { problems.push(`RATE_LIMIT_EXEMPT_IPS: ${(e as Error).message}`); }
  const corsOrigins = parseCors(env.CORS_ORIGINS ?? '*', problems);
  if (env.PASSWORD_REGEXP !== undefined) {
    try { rubyRegexpToJs(env.PASSWORD_REGEXP); } catch (e) { problems.push(`PASSWORD_REGEXP: ${(e as Error).message}`); }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const protectedList = (source.CAPTCHA_PROTECTED_ENDPOINTS ?? env.CAPTCHA_PROTECTED_ENDPOINTS)
    .split(',').map((s) => s.trim()).filter(Boolean);
  return Object.freeze({
    ...env,
    JWT_PRIVATE_KEY: jwtPrivateKey,
    API_PREFIX: env.API_PREFIX.replace(/\/+$/, ''),
    AUTHZ_PREFIX: env.AUTHZ_PREFIX.replace(/\/+$/, ''),
    dataDir: path.resolve(env.DATA_DIR),
    corsOrigins,
    captchaProtected: new Set(protectedList),
    appDomain: new URL(env.APP_URL).host,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    rates,
    rateLimitExemptRanges,
  });
}

function parseRates(env: Env, problems: string[]): Config['rates'] {
  const one = (name: keyof Env, perIp = false): RateRule => {
    const [count, seconds] = String(env[name]).split('/').map(Number);
    if (!(count > 0 && seconds > 0)) problems.push(`${name}: must be "count/seconds" with both above 0`);
    return perIp ? { count, seconds, perIp } : { count, seconds };
  };
  return {
    loginIp: one('RATE_LIMIT_LOGIN_IP', true), loginAccount: one('RATE_LIMIT_LOGIN_ACCOUNT'),
    resetIp: one('RATE_LIMIT_RESET_IP', true), resetAccount: one('RATE_LIMIT_RESET_ACCOUNT'),
    signupIp: one('RATE_LIMIT_SIGNUP_IP', true),
  };
}

/** Every *_FILE and *_PATH variable names a file Warden reads at boot: it must be readable now. */
function checkFiles(env: Env, problems: string[]): void {
  for (const [name, value] of Object.entries(env)) {
    if (!/_(FILE|PATH)$/.test(name) || name === 'JWT_PRIVATE_KEY_PATH' || typeof value !== 'string') continue;
    try { accessSync(path.resolve(value), fsConstants.R_OK); } catch (e) {
      problems.push(`${name}: cannot read ${value} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

/** JWT_PRIVATE_KEY is a PEM (newlines may be written \\n) or, for older setups, a file path. */
function checkJwtKey(value: string | undefined, problems: string[]): void {
  if (value === undefined) return;
  let pem = value;
  if (!value.includes('-----BEGIN')) {
    try { pem = readFileSync(path.resolve(value), 'utf8'); } catch {
      problems.push('JWT_PRIVATE_KEY: neither a PEM private key nor a readable file holding one');
      return;
    }
  }
  try { createPrivateKey(pem.replace(/\\n/g, '\n')); } catch {
    problems.push('JWT_PRIVATE_KEY: not a PEM private key that can be read');
  }
}

/** TRUST_PROXY: true, false, a hop count, or names/CIDRs as proxy-addr takes them. */
function checkTrustProxy(value: string, problems: string[]): void {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'true' || v === 'false' || /^\d+$/.test(v)) return;
  const names = new Set(['loopback', 'linklocal', 'uniquelocal']);
  const bad = v.split(',').map((s) => s.trim()).filter((s) => s && !names.has(s) && !isCidr(s));
  if (bad.length) problems.push(`TRUST_PROXY: ${bad.map((b) => `"${b}"`).join(', ')} is not true, false, a hop count, loopback, linklocal, uniquelocal or an address/CIDR`);
}

/** JWT_PRIVATE_KEY_PATH is read here, once, so the rest of Warden only ever sees JWT_PRIVATE_KEY. */
function readKeyFile(env: Env, problems: string[]): string | undefined {
  if (env.JWT_PRIVATE_KEY_PATH === undefined) return env.JWT_PRIVATE_KEY;
  if (env.JWT_PRIVATE_KEY !== undefined) {
    problems.push('JWT_PRIVATE_KEY, JWT_PRIVATE_KEY_PATH: set one or the other, not both');
    return undefined;
  }
  try {
    const pem = readFileSync(path.resolve(env.JWT_PRIVATE_KEY_PATH), 'utf8');
    if (!pem.includes('-----BEGIN')) problems.push(`JWT_PRIVATE_KEY_PATH: ${env.JWT_PRIVATE_KEY_PATH} does not hold a PEM key`);
    return pem;
  } catch (e) {
    problems.push(`JWT_PRIVATE_KEY_PATH: cannot read ${env.JWT_PRIVATE_KEY_PATH} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return undefined;
  }
}

function parseCors(value: string, problems: string[]): '*' | string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0 || items.includes('*')) return '*';
  for (const origin of items) {
    if (!/^https?:\/\/[^\s/]+$/.test(origin)) problems.push(`CORS_ORIGINS: "${origin}" is not an origin like https://host[:port]`);
  }
  return items;
}

function parseTrustProxy(value: string): boolean | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}
