import fs from 'node:fs';
import YAML from 'yaml';
import { PRESET_NAMES, PRESETS, type Endpoints, type PresetName, type ProfileShape, type ProviderKind, type TokenAuth } from './presets.js';

/** How Warden authenticates at a provider's token endpoint. */
export type ClientSecret =
  | { kind: 'static'; value: string }
  /** Sign in with Apple: a short ES256 JWT signed with the developer key (see client-secret.ts). */
  | { kind: 'apple'; teamId: string; keyId: string; privateKeyPem: string };

/** One configured provider, everything resolved (preset + operator settings). */
export interface OAuthProviderSpec {
  /** URL segment and link key: `…/identity/oauth/<name>`. */
  name: string;
  displayName: string;
  preset: PresetName;
  kind: ProviderKind;
  clientId: string;
  clientSecret: ClientSecret;
  /** OpenID Connect issuer (discovery, and the `iss` the ID token must carry). */
  issuer: string | null;
  /** Explicit endpoints; for OIDC they win over discovery. */
  endpoints: Endpoints;
  scopes: string[];
  pkce: boolean;
  tokenAuth: TokenAuth;
  responseMode: 'query' | 'form_post';
  profile: ProfileShape;
  /** Claim names for the `claims` profile shape (generic OAuth 2.0). */
  claims: { subject: string; email: string; emailVerified: string | null };
  trustEmail: boolean;
  /** Extra authorization request parameters (`prompt`, `hd`, `access_type` …). */
  authParams: Record<string, string>;
  redirectUri: string;
}

export interface ProviderDefaults {
  /** Origin (and path) the provider redirects the browser back to: OAUTH_CALLBACK_BASE_URL or APP_URL. */
  callbackBase: string;
  apiPrefix: string;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https everywhere; plain http only to a loopback host (a provider run by tests or a developer). */
export function isAllowedUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
  } catch {
    return false;
  }
}

/** Reads OAUTH_PROVIDERS_FILE (YAML or JSON): a list, or `{providers: [...]}`. */
export function readProvidersFile(file: string, defaults: ProviderDefaults): OAuthProviderSpec[] {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const list = Array.isArray(doc) ? doc : (doc as { providers?: unknown } | null)?.providers ?? [];
  if (!Array.isArray(list)) throw new Error(`${file}: expected a list of providers`);
  return parseProviders(list, defaults, (p) => fs.readFileSync(p, 'utf8').trim());
}

/** Validates every entry and reports all problems at once (like the environment schema). */
export function parseProviders(list: unknown[], defaults: ProviderDefaults, readFile: (path: string) => string): OAuthProviderSpec[] {
  const problems: string[] = [];
  const specs: OAuthProviderSpec[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const label = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : `#${i + 1}`;
    const bad = (msg: string) => problems.push(`provider ${label}: ${msg}`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('must be a mapping');
    const spec = parseOne(raw as Record<string, unknown>, defaults, readFile, bad);
    if (!spec) return;
    if (seen.has(spec.name)) return bad('name used twice');
    seen.add(spec.name);
    specs.push(spec);
  });
  if (problems.length) throw new Error(`invalid OAuth providers:\n  - ${problems.join('\n  - ')}`);
  return specs;
}

function parseOne(r: Record<string, unknown>, d: ProviderDefaults, readFile: (path: string) => string, bad: (m: string) => void): OAuthProviderSpec | null {
  let problems = 0;
  const fail = (m: string) => { problems += 1; bad(m); };
  const str = (key: string): string | undefined => {
    const v = r[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') { fail(`${key} must be a non-empty string`); return undefined; }
    return v.trim();
  };
  const bool = (key: string): boolean | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') { fail(`${key} must be true or false`); return undefined; }
    return v;
  };
  const url = (key: string): string | undefined => {
    const v = str(key);
    if (v !== undefined && !isAllowedUrl(v)) fail(`${key} must be an https:// URL (plain http only to a loopback host)`);
    return v;
  };

  const name = str('name');
  if (name === undefined) fail('name is required');
  else if (!NAME.test(name)) fail('name must be lower-case letters, digits, - or _, starting with a letter (at most 32)');
  const presetName = (str('preset') ?? 'oidc') as PresetName;
  if (!PRESET_NAMES.includes(presetName)) { fail(`preset must be one of ${PRESET_NAMES.join(', ')}`); return null; }
  const preset = PRESETS[presetName];
  const clientId = str('client_id');
  if (clientId === undefined) fail('client_id is required');

  let issuer = url('issuer') ?? preset.issuer ?? null;
  const domain = str('domain');
  if (presetName === 'auth0' && !issuer) {
    if (domain === undefined) fail('auth0 needs domain (the tenant, e.g. example.eu.auth0.com) or issuer');
    else {
      issuer = auth0Tenant(domain)?.issuer ?? null;
      if (!issuer) fail('domain must be a host name or an https:// URL');
    }
  }
  const endpoints: Endpoints = { ...preset.endpoints };
  for (const [key, field] of [['authorization_endpoint', 'authorization'], ['token_endpoint', 'token'], ['userinfo_endpoint', 'userinfo'], ['jwks_uri', 'jwks']] as const) {
    const v = url(key);
    if (v !== undefined) endpoints[field] = v;
  }
  if (preset.kind === 'oidc' && !issuer) fail('issuer is required for an OpenID Connect provider');
  if (preset.kind === 'oauth2' && (!endpoints.authorization || !endpoints.token || !endpoints.userinfo)) {
    fail('authorization_endpoint, token_endpoint and userinfo_endpoint are required');
  }

  const clientSecret = secretOf(presetName, str, readFile, fail);
  const scopes = scopesOf(r.scopes, preset.scopes, fail);
  const tokenAuth = (str('token_endpoint_auth_method') ?? preset.tokenAuth) as TokenAuth;
  if (tokenAuth !== 'client_secret_basic' && tokenAuth !== 'client_secret_post') fail('token_endpoint_auth_method must be client_secret_basic or client_secret_post');
  const responseMode = (str('response_mode') ?? preset.responseMode) as 'query' | 'form_post';
  if (responseMode !== 'query' && responseMode !== 'form_post') fail('response_mode must be query or form_post');
  const claims = claimsOf(r.claims, fail);
  const authParams = stringMap(r.auth_params, 'auth_params', fail);
  const redirectUri = url('redirect_uri');
  const pkce = bool('pkce') ?? preset.pkce;
  const trustEmail = bool('trust_email') ?? preset.trustEmail;
  const displayName = str('display_name') ?? preset.displayName ?? name;
  if (problems > 0 || !name || !clientId || !clientSecret || !displayName) return null;
  return {
    name, displayName, preset: presetName, kind: preset.kind, clientId, clientSecret, issuer, endpoints, scopes, pkce, tokenAuth,
    responseMode, profile: preset.profile, claims, trustEmail, authParams,
    redirectUri: redirectUri ?? `${d.callbackBase.replace(/\/+$/, '')}${d.apiPrefix}/identity/oauth/${name}/callback`,
  };
}

function secretOf(preset: PresetName, str: (k: string) => string | undefined, readFile: (p: string) => string, fail: (m: string) => void): ClientSecret | null {
  const read = (key: string, fileKey: string): string | undefined => {
    const inline = str(key);
    const file = str(fileKey);
    if (inline !== undefined && file !== undefined) fail(`set ${key} or ${fileKey}, not both`);
    if (file === undefined) return inline;
    try { return readFile(file); } catch { fail(`${fileKey} cannot be read`); return undefined; }
  };
  if (preset === 'apple' && str('client_secret') === undefined && str('client_secret_file') === undefined) {
    const teamId = str('team_id');
    const keyId = str('key_id');
    const privateKeyPem = read('private_key', 'private_key_file');
    if (!teamId || !keyId || !privateKeyPem) { fail('apple needs team_id, key_id and private_key (or private_key_file), or a client_secret'); return null; }
    return { kind: 'apple', teamId, keyId, privateKeyPem };
  }
  const value = read('client_secret', 'client_secret_file');
  if (value === undefined) { fail('client_secret (or client_secret_file) is required'); return null; }
  return { kind: 'static', value };
}

function scopesOf(v: unknown, fallback: string[], fail: (m: string) => void): string[] {
  if (v === undefined) return [...fallback];
  const list = typeof v === 'string' ? v.split(/[\s,]+/) : Array.isArray(v) ? v : null;
  if (!list || !list.every((s) => typeof s === 'string')) { fail('scopes must be a list or a space-separated string'); return []; }
  return (list as string[]).filter(Boolean);
}

function claimsOf(v: unknown, fail: (m: string) => void): OAuthProviderSpec['claims'] {
  const names = stringMap(v, 'claims', fail);
  return { subject: names.subject ?? 'sub', email: names.email ?? 'email', emailVerified: names.email_verified ?? 'email_verified' };
}

function stringMap(v: unknown, key: string, fail: (m: string) => void): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    fail(`${key} must be a mapping of strings`);
    return {};
  }
  return { ...(v as Record<string, string>) };
}

/**
 * An Auth0 tenant from a domain (`example.eu.auth0.com`) or a URL (`https://login.example.com`;
 * plain http only to a loopback stand-in): its issuer (`https://<domain>/`) and JWKS address.
 */
export function auth0Tenant(domain: string): { issuer: string; jwksUri: string } | null {
  const base = (/^https?:\/\//.test(domain) ? domain : `https://${domain}`).replace(/\/+$/, '');
  if (!isAllowedUrl(base)) return null;
  return { issuer: `${base}/`, jwksUri: `${base}/.well-known/jwks.json` };
}
