import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { safeEqual } from '../../lib/timing-safe.js';

/**
 * Captcha verification port (BARONG.md §17.7). `verify` resolves when the response is
 * accepted and throws an AppError (`identity.captcha.required` 400,
 * `identity.captcha.mandatory_fields` 400, `identity.captcha.verification_failed` 422)
 * otherwise. The secret is never logged nor put into an error message.
 */
export interface CaptchaVerifier {
  verify(response: unknown, remoteIp: string): Promise<void>;
}

export type CaptchaProvider = 'none' | 'recaptcha' | 'hcaptcha' | 'turnstile' | 'geetest';

export interface CaptchaOptions {
  provider: CaptchaProvider;
  secret?: string;
  siteKey?: string;
  /** Siteverify URL (recaptcha/hcaptcha/turnstile) or API base URL (geetest). */
  verifyUrl?: string;
  /** Timeout of each provider call; default 5000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const DEFAULT_VERIFY_URLS = {
  recaptcha: 'https://www.google.com/recaptcha/api/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  geetest: 'http://api.geetest.com',
} as const;

const DEFAULT_TIMEOUT_MS = 5000;

function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** Blank in the Rails sense: nullish, whitespace-only string, empty object/array. */
export function isBlankCaptcha(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function geetestBase(verifyUrl: string | undefined): string {
  return (verifyUrl ?? DEFAULT_VERIFY_URLS.geetest).replace(/\/+$/, '');
}

function verificationFailed(cause?: unknown): AppError {
  return new AppError('identity.captcha.verification_failed', cause === undefined ? undefined : { cause });
}

export function createCaptchaVerifier(opts: CaptchaOptions): CaptchaVerifier {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secret = opts.secret ?? '';

  switch (opts.provider) {
    case 'none':
      return { verify: async () => {} };

    case 'recaptcha':
    case 'hcaptcha':
    case 'turnstile': {
      const provider = opts.provider;
      const url = opts.verifyUrl ?? DEFAULT_VERIFY_URLS[provider];
      return {
        async verify(response: unknown, remoteIp: string): Promise<void> {
          if (isBlankCaptcha(response)) throw new AppError('identity.captcha.required');
          if (typeof response !== 'string') throw verificationFailed();
          const form = new URLSearchParams({ secret, response });
          // Barong does not send the remote IP to Google; hCaptcha/Turnstile accept it.
          if (provider !== 'recaptcha' && remoteIp) form.set('remoteip', remoteIp);
          let body: unknown;
          try {
            const res = await doFetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: form.toString(),
              signal: AbortSignal.timeout(timeoutMs),
            });
            if (!res.ok) throw new Error(`captcha provider answered HTTP ${res.status}`);
            body = await res.json();
          } catch (err) {
            throw verificationFailed(sanitize(err));
          }
          if (!body || typeof body !== 'object' || (body as { success?: unknown }).success !== true) {
            throw verificationFailed();
          }
        },
      };
    }

    case 'geetest': {
      const base = geetestBase(opts.verifyUrl);
      return {
        async verify(response: unknown): Promise<void> {
          if (isBlankCaptcha(response)) throw new AppError('identity.captcha.required');
          if (typeof response !== 'object' || response === null || Array.isArray(response)) {
            throw new AppError('identity.captcha.mandatory_fields');
          }
          const r = response as Record<string, unknown>;
          const challenge = r.geetest_challenge;
          const validate = r.geetest_validate;
          const seccode = r.geetest_seccode;
          if (typeof challenge !== 'string' || typeof validate !== 'string' || typeof seccode !== 'string') {
            throw new AppError('identity.captcha.mandatory_fields');
          }
          if (!secret || !safeEqual(validate, md5(secret + 'geetest' + challenge))) {
            throw verificationFailed();
          }
          let text: string;
          try {
            const res = await doFetch(`${base}/validate.php`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ seccode }).toString(),
              signal: AbortSignal.timeout(timeoutMs),
            });
            if (!res.ok) throw new Error(`geetest answered HTTP ${res.status}`);
            text = (await res.text()).trim();
          } catch (err) {
            throw verificationFailed(sanitize(err));
          }
          if (!safeEqual(text, md5(seccode))) throw verificationFailed();
        },
      };
    }

    default: {
      const never: never = opts.provider;
      throw new Error(`unknown captcha provider: ${String(never)}`);
    }
  }
}

export interface RegisterGeetestOptions {
  siteKey?: string;
  secret?: string;
  /** Geetest API base URL; default http://api.geetest.com. */
  verifyUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * §5.8 `GET /identity/users/register_geetest`: asks Geetest for a challenge and answers
 * `{gt: siteKey, challenge: md5(challenge + secret)}`; any failure → `''`.
 */
export async function registerGeetest(
  opts: RegisterGeetestOptions,
): Promise<{ gt: string; challenge: string } | ''> {
  const { siteKey, secret } = opts;
  if (!siteKey || !secret) return '';
  const doFetch = opts.fetch ?? globalThis.fetch;
  const url = `${geetestBase(opts.verifyUrl)}/register.php?gt=${encodeURIComponent(siteKey)}`;
  try {
    const res = await doFetch(url, {
      method: 'GET',
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    if (!res.ok) return '';
    const challenge = (await res.text()).trim();
    if (!challenge) return '';
    return { gt: siteKey, challenge: md5(challenge + secret) };
  } catch {
    return '';
  }
}

/** Keep only a secret-free description of a transport error for `cause`. */
function sanitize(err: unknown): Error {
  if (err instanceof Error) {
    const e = new Error(err.name === 'TimeoutError' ? 'captcha provider timed out' : err.message);
    e.name = err.name;
    return e;
  }
  return new Error('captcha provider call failed');
}
