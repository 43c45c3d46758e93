import { SmsDeliveryError, type SmsChannel, type SmsProvider } from './port.js';

export interface TwilioVerifyOptions {
  accountSid: string;
  authToken: string;
  serviceSid: string;
  /** `https://verify.twilio.com`; plain http is accepted only for a loopback stand-in (tests). */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Twilio Verify v2 over HTTPS (BARONG.md §17.1 `twilio_verify`): Twilio makes, sends (sms or
 * voice call) and checks the code, so the code never exists in Warden.
 * - start:  POST /v2/Services/{sid}/Verifications       To, Channel → 201 {status: "pending"}
 * - check:  POST /v2/Services/{sid}/VerificationCheck   To, Code    → 200 {status: "approved" | "pending"}
 *   A check with no pending verification (expired, used, too many attempts) answers 404/429: not approved.
 */
export class TwilioVerifySmsProvider implements SmsProvider {
  readonly name = 'twilio';
  readonly checksCodes = true;
  private readonly base: string;
  private readonly auth: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: TwilioVerifyOptions) {
    const url = new URL(o.baseUrl);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
      throw new Error('TWILIO_VERIFY_URL must be https (plain http only to a loopback stand-in)');
    }
    this.base = `${o.baseUrl.replace(/\/+$/, '')}/v2/Services/${encodeURIComponent(o.serviceSid)}`;
    this.auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
    this.doFetch = o.fetch ?? fetch;
  }

  async sendCode(to: string, channel: SmsChannel): Promise<void> {
    const res = await this.post('/Verifications', { To: to, Channel: channel });
    if (res.status === 200 || res.status === 201) return;
    throw new SmsDeliveryError(res.code, `Twilio Verify refused to send (${res.status}${res.code ? `, code ${res.code}` : ''})`);
  }

  async checkCode(to: string, code: string): Promise<boolean> {
    const res = await this.post('/VerificationCheck', { To: to, Code: code });
    if (res.status === 200) return res.body?.status === 'approved';
    // No pending verification for this number, or too many checks: the code is not good.
    if (res.status === 404 || res.status === 429 || (res.status === 400 && res.code === 60200)) return false;
    throw new SmsDeliveryError(res.code, `Twilio Verify check failed (${res.status})`);
  }

  private async post(path: string, form: Record<string, string>): Promise<{ status: number; code: number | null; body: { status?: string; code?: number } | null }> {
    let res: Response;
    try {
      res = await this.doFetch(this.base + path, {
        method: 'POST',
        headers: { authorization: this.auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (err) {
      throw new SmsDeliveryError(null, 'Twilio Verify is unreachable', { cause: err });
    }
    let body: { status?: string; code?: number } | null = null;
    try { body = (await res.json()) as { status?: string; code?: number }; } catch { body = null; }
    return { status: res.status, code: typeof body?.code === 'number' ? body.code : null, body };
  }
}
