import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { FetchOAuthHttp, type HttpAnswer, type OAuthHttp } from '../../../src/infra/oauth/http.js';
import { Browser, WARDEN, resultOf } from './browser.js';
import { TestOp } from './op.js';

export const PREFIX = '/api/v2/auth';
const callbackOf = (name: string) => `${WARDEN}${PREFIX}/identity/oauth/${name}/callback`;
export const WARDEN_CLIENT = { client_id: 'warden', client_secret: 'warden-secret-0123456789abcdef', redirect_uris: [callbackOf('op')] };
export const OTHER_RP = { client_id: 'other-rp', client_secret: 'other-rp-secret-0123456789abcdef', redirect_uris: ['http://127.0.0.1:9/other'] };

/**
 * The real network client with one hook: tests may replace the ID token of a token response
 * (a provider mix-up, as a man in the middle would) to prove Warden checks it.
 */
export class HookedHttp implements OAuthHttp {
  private readonly real = new FetchOAuthHttp();
  replaceIdToken: ((original: string) => Promise<string>) | null = null;

  getJson(url: string, headers?: Record<string, string>) { return this.real.getJson(url, headers); }

  async postForm(url: string, form: Record<string, string>, headers?: Record<string, string>): Promise<HttpAnswer> {
    const res = await this.real.postForm(url, form, headers);
    const body = res.body as { id_token?: string } | null;
    if (this.replaceIdToken && body?.id_token) return { status: res.status, body: { ...body, id_token: await this.replaceIdToken(body.id_token) } };
    return res;
  }
}

export interface OAuthWorld { t: TestApp; op: TestOp; http: HookedHttp; close(): Promise<void> }

/**
 * Warden with two providers on one test OP: `op` (client `warden`) and `opshort` (client
 * `warden-short`, whose ID tokens live 60 s).
 */
export async function startOAuthWorld(env: Record<string, string> = {}): Promise<OAuthWorld> {
  const op = await TestOp.start([
    WARDEN_CLIENT,
    { client_id: 'warden-short', client_secret: 'short-secret-0123456789abcdef', redirect_uris: [callbackOf('opshort')], idTokenTtl: 60 },
    OTHER_RP,
  ]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-oauth-'));
  const file = path.join(dir, 'providers.yml');
  fs.writeFileSync(file, [
    'providers:',
    '  - name: op', '    preset: oidc', '    display_name: Test OP', `    issuer: ${op.issuer}`, '    client_id: warden', '    client_secret: warden-secret-0123456789abcdef',
    '  - name: opshort', '    preset: oidc', `    issuer: ${op.issuer}`, '    client_id: warden-short', '    client_secret: short-secret-0123456789abcdef',
  ].join('\n'));
  const http = new HookedHttp();
  const t = await startTestApp({ OAUTH_PROVIDERS_FILE: file, ...env }, { oauthHttp: http });
  return {
    t, op, http,
    async close() {
      await t.close();
      await op.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Follows `GET identity/oauth/<provider>` to the provider and back to Warden's callback, without opening it. */
export async function toCallback(b: Browser, provider = 'op', startUrl = `${WARDEN}${PREFIX}/identity/oauth/${provider}`): Promise<string> {
  const start = await b.open(startUrl);
  assert.equal(start.status, 303, start.body);
  return b.followUntil(start.location!, (u) => u.startsWith(callbackOf(provider)));
}

/** The whole round trip; returns the result query Warden redirected to. */
export async function socialSignIn(b: Browser, provider = 'op', startUrl?: string): Promise<Record<string, string>> {
  const cb = await b.open(await toCallback(b, provider, startUrl));
  assert.equal(cb.status, 303, cb.body);
  return resultOf(cb.location!);
}

/** `POST identity/sessions/oauth` from the browser that ran the flow (its cookies and User-Agent). */
export async function redeem(b: Browser, token: string, otpCode?: string): Promise<{ status: number; body: any }> {
  const form: Record<string, string> = { token };
  if (otpCode !== undefined) form.otp_code = otpCode;
  const res = await b.open(`${WARDEN}${PREFIX}/identity/sessions/oauth`, { method: 'POST', form });
  return { status: res.status, body: res.body ? JSON.parse(res.body) : null };
}

/** Sign-in round trip and redemption; returns the callback's result and the session answer. */
export async function signInFully(b: Browser, provider = 'op'): Promise<{ result: Record<string, string>; session: { status: number; body: any } }> {
  const result = await socialSignIn(b, provider);
  assert.ok(result.token, `no sign-in token: ${JSON.stringify(result)}`);
  return { result, session: await redeem(b, result.token) };
}

/**
 * A genuine ID token from the provider for `client` (default: another relying party, `other-rp`)
 * carrying the given nonce: the test plays that client through a whole authorization.
 */
export async function idTokenFor(w: OAuthWorld, nonce: string, client = OTHER_RP): Promise<string> {
  const b = new Browser(w.t);
  const redirect = client.redirect_uris[0];
  const auth = new URL(`${w.op.issuer}/auth`);
  for (const [k, v] of Object.entries({ client_id: client.client_id, response_type: 'code', scope: 'openid email', redirect_uri: redirect, nonce, state: 'x' })) auth.searchParams.set(k, v);
  const back = await b.followUntil(auth.toString(), (u) => u.startsWith(redirect));
  const code = new URL(back).searchParams.get('code')!;
  const res = await fetch(`${w.op.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect }),
  });
  const body = await res.json() as { id_token: string };
  assert.equal(decodeJwt(body.id_token).aud, client.client_id);
  return body.id_token;
}

/** The reasons Warden logs for failed flows (codes go to the browser; details only to the log). */
export function captureFailures(w: OAuthWorld): { details: string[] } {
  const seen = { details: [] as string[] };
  const deps = (w.t.c.oauth as unknown as { d: { warn: (f: Record<string, unknown>, m: string) => void } }).d;
  deps.warn = (fields) => { seen.details.push(`${String(fields.error)}: ${String(fields.detail)}`); };
  return seen;
}
