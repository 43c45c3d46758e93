import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { joseSign } from '../../../src/lib/jws.js';
import { UA, type Res } from '../../helpers/client.js';
import type { TestApp } from '../../helpers/test-app.js';

/** Test signers: applogic (RS256), peatio (ES256), ops (EdDSA), rogue (RS256, in no scope). */
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
export const KEYS: Record<string, { alg: string; privateKey: KeyObject; publicKey: KeyObject }> = {
  applogic: { alg: 'RS256', ...rsa() },
  peatio: { alg: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  ops: { alg: 'EdDSA', ...generateKeyPairSync('ed25519') },
  rogue: { alg: 'RS256', ...rsa() },
};

const SCOPES = ['tools', 'read_users', 'write_users', 'read_labels', 'write_labels', 'read_phones', 'write_phones', 'write_documents', 'otp_sign', 'read_service_accounts', 'write_service_accounts', 'write_apikeys'];

/** Every scope: applogic, peatio and ops permitted, applogic mandatory; `scopes` overrides some. */
export function keychainFile(scopeOverrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-mgmt-'));
  const keychain = Object.fromEntries(Object.entries(KEYS).map(([name, k]) => [name, {
    algorithm: k.alg, value: Buffer.from(k.publicKey.export({ type: 'spki', format: 'pem' }) as string).toString('base64url'),
  }]));
  const scopes = Object.fromEntries(SCOPES.map((s) => [s, { permitted_signers: ['applogic', 'peatio', 'ops'], mandatory_signers: ['applogic'] }]));
  const file = path.join(dir, 'management_api.json');
  fs.writeFileSync(file, JSON.stringify({ keychain, jwt: {}, scopes: { ...scopes, ...scopeOverrides }, ...extra }));
  return file;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** RFC 7515 general JSON serialization of `payload`, signed by each of `signers`. */
export function envelope(payload: Record<string, unknown>, signers: string[] = ['applogic'], opts: { algOf?: Record<string, string> } = {}) {
  const encoded = b64(payload);
  return {
    payload: encoded,
    signatures: signers.map((kid) => {
      const k = KEYS[kid];
      const alg = opts.algOf?.[kid] ?? k.alg;
      const protectedPart = b64({ alg });
      return { protected: protectedPart, header: { kid }, signature: joseSign(k.alg, `${protectedPart}.${encoded}`, k.privateKey).toString('base64url') };
    }),
  };
}

export const claims = (data?: Record<string, unknown>) => ({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60, ...(data ? { data } : {}) });

export class Mgmt {
  constructor(private readonly t: TestApp) {}

  async raw(method: string, p: string, payload: string | undefined, contentType: string | null = 'application/json'): Promise<Res> {
    const headers: Record<string, string> = { 'user-agent': UA };
    if (contentType) headers['content-type'] = contentType;
    const res = await this.t.app.inject({ method: method as 'POST', url: `${this.t.prefix}/management${p}`, headers, payload });
    const body = res.body !== '' && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(res.body) : res.body;
    return { status: res.statusCode, body, headers: res.headers };
  }

  /** A signed call with `data`, signed by `signers` (applogic by default). */
  call(method: 'POST' | 'PUT', p: string, data?: Record<string, unknown>, signers?: string[]): Promise<Res> {
    return this.raw(method, p, JSON.stringify(envelope(claims(data), signers)));
  }
  post(p: string, data?: Record<string, unknown>, signers?: string[]) { return this.call('POST', p, data, signers); }
  put(p: string, data?: Record<string, unknown>, signers?: string[]) { return this.call('PUT', p, data, signers); }
}

export const answer = (r: Res) => [r.status, r.body];
