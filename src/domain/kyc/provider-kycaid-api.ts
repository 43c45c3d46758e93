import { ProviderUnavailableError } from './provider.js';

/** What Warden asks of KYCAID (docs.kycaid.com); a port so tests use a local fake server. */
export interface KycaidApi {
  createApplicant(a: { type: 'PERSON'; first_name: string | null; last_name: string | null; dob: string | null; residence_country: string | null; email: string }): Promise<string>;
  uploadFile(data: Buffer, filename: string, contentType: string): Promise<string>;
  createDocument(d: { applicant_id: string; type: string; document_number?: string | null; expiry_date?: string | null; front_side_id?: string; back_side_id?: string }): Promise<string>;
  createAddress(a: { applicant_id: string; type: 'REGISTERED'; country: string; city: string | null; postal_code: string | null; full_address: string }): Promise<string>;
  createVerification(v: { applicant_id: string; types: string[]; form_id?: string; callback_url?: string }): Promise<string>;
  getVerification(id: string): Promise<KycaidVerification>;
}

export interface KycaidVerification {
  verification_id: string;
  applicant_id: string;
  status: string;
  verified?: boolean;
  verifications?: Record<string, { verified?: boolean; comment?: string } | null>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * KYCAID over HTTPS with `Authorization: Token <token>`. Plain http is refused except to a
 * loopback address (the tests' fake server). Network errors, timeouts and 5xx answers are
 * ProviderUnavailableError (worth a retry); other refusals are plain errors. Neither message
 * carries the token or personal data.
 */
export class HttpKycaidApi implements KycaidApi {
  private readonly base: URL;

  constructor(baseUrl: string, private readonly token: string, private readonly timeoutMs = 10_000, private readonly fetchImpl: typeof fetch = fetch) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    if (this.base.protocol !== 'https:' && !(this.base.protocol === 'http:' && LOOPBACK.has(this.base.hostname))) {
      throw new Error('KYCAID_API_URL must be https:// (plain http only to a loopback address)');
    }
  }

  async createApplicant(a: Parameters<KycaidApi['createApplicant']>[0]): Promise<string> {
    return this.idFrom(await this.call('POST', 'applicants', a), 'applicant_id');
  }

  async uploadFile(data: Buffer, filename: string, contentType: string): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type: contentType }), filename);
    return this.idFrom(await this.call('POST', 'files', form), 'file_id');
  }

  async createDocument(d: Parameters<KycaidApi['createDocument']>[0]): Promise<string> {
    return this.idFrom(await this.call('POST', 'documents', d), 'document_id');
  }

  async createAddress(a: Parameters<KycaidApi['createAddress']>[0]): Promise<string> {
    return this.idFrom(await this.call('POST', 'addresses', a), 'address_id');
  }

  async createVerification(v: Parameters<KycaidApi['createVerification']>[0]): Promise<string> {
    return this.idFrom(await this.call('POST', 'verifications', v), 'verification_id');
  }

  async getVerification(id: string): Promise<KycaidVerification> {
    const body = await this.call('GET', `verifications/${encodeURIComponent(id)}`);
    if (typeof body.verification_id !== 'string' || typeof body.status !== 'string') throw new Error('KYCAID verification answer is malformed');
    return body as unknown as KycaidVerification;
  }

  private idFrom(body: Record<string, unknown>, field: string): string {
    const id = body[field];
    if (typeof id !== 'string' || id === '') throw new Error(`KYCAID answer lacks ${field}`);
    return id;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: object | FormData): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { authorization: `Token ${this.token}`, accept: 'application/json' };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) { headers['content-type'] = 'application/json'; payload = JSON.stringify(body); }
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.base), { method, headers, body: payload, signal: AbortSignal.timeout(this.timeoutMs), redirect: 'error' });
    } catch (err) {
      throw new ProviderUnavailableError(`KYCAID ${method} ${path.split('/')[0]} failed`, { cause: err });
    }
    const text = await res.text();
    if (res.status >= 500) throw new ProviderUnavailableError(`KYCAID ${method} ${path.split('/')[0]} answered ${res.status}`);
    if (!res.ok) throw new Error(`KYCAID ${method} ${path.split('/')[0]} refused with ${res.status}`);
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch { /* fall through */ }
    throw new Error(`KYCAID ${method} ${path.split('/')[0]} answered something other than a JSON object`);
  }
}
