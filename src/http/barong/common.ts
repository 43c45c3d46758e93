import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Container } from '../../container.js';
import { AppError } from '../../errors/app-error.js';
import { passwordEntropy } from '../../lib/password/entropy.js';
import type { OpenedSession } from '../../domain/identity/account-service.js';
import { userWithFullInfo } from './entities.js';
import { mergedParams, P, parseParams } from './params.js';

const pkg = JSON.parse(fs.readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
const BUILD_DATE = new Date(fs.statSync(fileURLToPath(import.meta.url)).mtimeMs).toISOString();

function gitSha(): string {
  try {
    const gitDir = fileURLToPath(new URL('../../../.git/', import.meta.url));
    const head = fs.readFileSync(gitDir + 'HEAD', 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 40);
    return fs.readFileSync(gitDir + head.slice(5), 'utf8').trim().slice(0, 40);
  } catch {
    return 'unknown';
  }
}
const GIT_SHA = gitSha();

/** Shared by identity and public: ping, time, version, configs, password/validate. */
export const general = {
  ping: () => ({ ping: 'pong' }),
  time: () => ({ time: Math.floor(Date.now() / 1000) }),
  version: () => ({ git_tag: pkg.version, git_sha: GIT_SHA, build_date: BUILD_DATE, version: pkg.version }),
  configs(c: Container) {
    const provider = c.config.CAPTCHA_PROVIDER;
    const out: Record<string, unknown> = {
      session_expire_time: c.config.SESSION_EXPIRE_TIME,
      captcha_type: provider,
      // Geetest frontends get their id from register_geetest; the others need the site key here.
      captcha_id: provider === 'none' || provider === 'geetest' ? null : c.config.CAPTCHA_SITE_KEY ?? null,
      // SMS_PROVIDER=twilio is Twilio Verify (Barong's `twilio_verify`); `log` behaves like Barong's `mock` for frontends.
      phone_verification_type: c.config.SMS_PROVIDER === 'twilio' ? 'twilio_verify' : 'mock',
      password_min_entropy: c.config.PASSWORD_MIN_ENTROPY,
      password_regexp: c.passwordRegexpRubyForm,
    };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== null && v !== undefined));
  },
  // `password` may be a JSON null (present, so no missing_password): scored like ''.
  entropy: (password: string, c: Container) => ({ entropy: passwordEntropy(password, c.config.PASSWORD_MIN_ENTROPY) }),
};

const PasswordOnly = P.obj({ password: P.str() });

/** ping, time, version, configs and password/validate: the same in identity and public (§6). */
export function registerGeneralRoutes(app: FastifyInstance, c: Container, group: 'identity' | 'public'): void {
  const tags = [group];
  app.get('/ping', { schema: { tags, summary: 'Liveness' } }, async () => general.ping());
  app.get('/time', { schema: { tags, summary: 'Server time (unix seconds)' } }, async () => general.time());
  app.get('/version', { schema: { tags, summary: 'Version and build' } }, async () => general.version());
  app.get('/configs', { schema: { tags, summary: 'Public settings for frontends' } }, async () => general.configs(c));
  app.post('/password/validate', { schema: { tags, summary: 'Password entropy', body: PasswordOnly } }, async (req, reply) => {
    const p = parseParams(PasswordOnly, mergedParams(req), `${group}.general`);
    return reply.status(201).send(general.entropy(p.password, c));
  });
}

/** Runs the configured captcha for a protected Barong endpoint name (BARONG.md §17.7). */
export async function checkCaptcha(c: Container, endpoint: string, response: unknown, ip: string): Promise<void> {
  if (c.config.CAPTCHA_PROVIDER === 'none' || !c.config.captchaProtected.has(endpoint)) return;
  await c.captcha.verify(response, ip);
}

export function cookieOptions(c: Container) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: c.config.APP_URL.startsWith('https://'), maxAge: 24 * 3600 };
}

/** Sets the session cookie and answers UserWithFullInfo with the csrf_token. */
export function sendOpenedSession(c: Container, reply: FastifyReply, opened: OpenedSession, status: number) {
  reply.setCookie(c.config.SESSION_COOKIE_NAME, opened.sessionId, cookieOptions(c));
  return reply.status(status).send(userWithFullInfo(opened.view, decryptor(c), opened.csrfToken));
}

export function decryptor(c: Container) {
  return (sealed: string | null) => {
    if (sealed === null) return null;
    try { return c.encryptor.decrypt(sealed); } catch { return null; }
  };
}

export function sessionCookie(c: Container, req: FastifyRequest): string | undefined {
  return req.cookies?.[c.config.SESSION_COOKIE_NAME];
}

/**
 * `page` and `limit` of paginated endpoints (BARONG.md §1.7, Grape's `pagination_filters`),
 * declared last. The bounds are checked by parseParams in declaration order, so one 422 names
 * every failing parameter (`["non_integer_page","invalid_limit"]`).
 */
export const PageFields = {
  page: P.opt(P.int({ 'x-invalid': 'non_integer_page', minimum: 1, 'x-value': 'non_positive_page', description: 'page number (default 1)' })),
  limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit', minimum: 1, maximum: 100, 'x-value': 'invalid_limit', description: 'per page, 1..100 (default 100)' })),
};

/** Page/limit with their defaults; also checks the bounds for schemas that declare page/limit without PageFields. */
export function pageParams(p: { page?: number; limit?: number }): { page: number; limit: number } {
  const errors: string[] = [];
  const page = p.page ?? 1;
  const limit = p.limit ?? 100;
  if (page < 1) errors.push('non_positive_page');
  if (limit < 1 || limit > 100) errors.push('invalid_limit');
  if (errors.length) throw new AppError(errors, { status: 422 });
  return { page, limit };
}

export function setPageHeaders(reply: FastifyReply, total: number, page: number, limit: number): void {
  reply.header('Total', String(total)).header('Page', String(page)).header('Per-Page', String(limit));
}
