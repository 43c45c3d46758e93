import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { AppError } from '../../errors/app-error.js';
import { createCaptchaVerifier, registerGeetest } from './captcha.js';

const SECRET = 's3cr3t-key';
const SITE_KEY = 'geetest-site-id';
const GEETEST_CHALLENGE_FROM_REGISTER = 'abcdef0123456789abcdef0123456789';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

let server: Server;
let base: string;
let seen: Seen[] = [];
let registerFails = false;
const hanging = new Set<ServerResponse>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

before(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const form = new URLSearchParams(await readBody(req));
    if (url.pathname.startsWith('/hang')) {
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, form });
      hanging.add(res); // never answers
      return;
    }
    seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, form });
    switch (url.pathname) {
      case '/siteverify': {
        const ok = form.get('secret') === SECRET && form.get('response') === 'good-token';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(ok ? { success: true } : { success: false, 'error-codes': ['invalid-input-response'] }));
        return;
      }
      case '/broken':
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ success: true }));
        return;
      case '/gt/validate.php': {
        const seccode = form.get('seccode') ?? '';
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(seccode === 'bad-seccode' ? 'false' : md5(seccode));
        return;
      }
      case '/gt/register.php':
        if (registerFails || url.searchParams.get('gt') !== SITE_KEY) {
          res.writeHead(500);
          res.end('');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(GEETEST_CHALLENGE_FROM_REGISTER);
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rejectsWith(p: Promise<unknown>, key: string, status: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`);
    assert.deepEqual(err.keys, [key]);
    assert.equal(err.status, status);
    assert.ok(!err.message.includes(SECRET));
    return true;
  });
}

const siteverify = (provider: 'recaptcha' | 'hcaptcha' | 'turnstile' = 'recaptcha', path = '/siteverify', timeoutMs?: number) =>
  createCaptchaVerifier({ provider, secret: SECRET, verifyUrl: `${base}${path}`, timeoutMs });

const geetest = () => createCaptchaVerifier({ provider: 'geetest', secret: SECRET, siteKey: SITE_KEY, verifyUrl: `${base}/gt` });

test('blank responses → identity.captcha.required (400), provider not called', async () => {
  seen = [];
  for (const v of [undefined, null, '', '   ', {}]) {
    await rejectsWith(siteverify().verify(v, '1.2.3.4'), 'identity.captcha.required', 400);
    await rejectsWith(geetest().verify(v, '1.2.3.4'), 'identity.captcha.required', 400);
  }
  assert.equal(seen.length, 0);
});

test('recaptcha success posts secret and response (no remoteip)', async () => {
  seen = [];
  await siteverify('recaptcha').verify('good-token', '1.2.3.4');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].method, 'POST');
  assert.equal(seen[0].form.get('secret'), SECRET);
  assert.equal(seen[0].form.get('response'), 'good-token');
  assert.equal(seen[0].form.has('remoteip'), false);
});

test('hcaptcha and turnstile success post remoteip too', async () => {
  for (const provider of ['hcaptcha', 'turnstile'] as const) {
    seen = [];
    await siteverify(provider).verify('good-token', '5.6.7.8');
    assert.equal(seen.length, 1);
    assert.equal(seen[0].form.get('secret'), SECRET);
    assert.equal(seen[0].form.get('response'), 'good-token');
    assert.equal(seen[0].form.get('remoteip'), '5.6.7.8');
  }
});

test('siteverify success:false → identity.captcha.verification_failed (422)', async () => {
  seen = [];
  await rejectsWith(siteverify().verify('bad-token', '1.2.3.4'), 'identity.captcha.verification_failed', 422);
  assert.equal(seen[0].form.get('response'), 'bad-token');
});

test('provider 500 → verification_failed', async () => {
  await rejectsWith(siteverify('recaptcha', '/broken').verify('good-token', '1.2.3.4'), 'identity.captcha.verification_failed', 422);
});

test('provider timeout → verification_failed', async () => {
  const t0 = Date.now();
  await rejectsWith(siteverify('turnstile', '/hang', 100).verify('good-token', '1.2.3.4'), 'identity.captcha.verification_failed', 422);
  assert.ok(Date.now() - t0 < 3000);
});

test('network error → verification_failed', async () => {
  const v = createCaptchaVerifier({ provider: 'hcaptcha', secret: SECRET, verifyUrl: 'http://127.0.0.1:1/siteverify' });
  await rejectsWith(v.verify('good-token', '1.2.3.4'), 'identity.captcha.verification_failed', 422);
});

test('object response to recaptcha → verification_failed, provider not called', async () => {
  seen = [];
  await rejectsWith(siteverify().verify({ token: 'good-token' }, '1.2.3.4'), 'identity.captcha.verification_failed', 422);
  assert.equal(seen.length, 0);
});

test('provider none always resolves', async () => {
  await createCaptchaVerifier({ provider: 'none' }).verify(undefined, '1.2.3.4');
});

test('geetest missing/non-string fields → identity.captcha.mandatory_fields (400)', async () => {
  seen = [];
  const cases: unknown[] = [
    'a-string',
    { geetest_challenge: 'c', geetest_validate: 'v' },
    { geetest_challenge: 'c', geetest_validate: 'v', geetest_seccode: 1 },
    ['x'],
  ];
  for (const c of cases) {
    await rejectsWith(geetest().verify(c, '1.2.3.4'), 'identity.captcha.mandatory_fields', 400);
  }
  assert.equal(seen.length, 0);
});

test('geetest wrong validate hash → verification_failed', async () => {
  await rejectsWith(
    geetest().verify({ geetest_challenge: 'chal', geetest_validate: md5('wrong'), geetest_seccode: 'sc' }, '1.2.3.4'),
    'identity.captcha.verification_failed',
    422,
  );
});

test('geetest validate API rejecting seccode → verification_failed', async () => {
  await rejectsWith(
    geetest().verify(
      { geetest_challenge: 'chal', geetest_validate: md5(SECRET + 'geetest' + 'chal'), geetest_seccode: 'bad-seccode' },
      '1.2.3.4',
    ),
    'identity.captcha.verification_failed',
    422,
  );
});

test('geetest ok posts seccode to validate.php', async () => {
  seen = [];
  await geetest().verify(
    { geetest_challenge: 'chal', geetest_validate: md5(SECRET + 'geetest' + 'chal'), geetest_seccode: 'sc|jordan' },
    '1.2.3.4',
  );
  assert.equal(seen.length, 1);
  assert.equal(seen[0].method, 'POST');
  assert.equal(seen[0].path, '/gt/validate.php');
  assert.equal(seen[0].form.get('seccode'), 'sc|jordan');
});

test('registerGeetest ok → {gt, challenge: md5(challenge + secret)}', async () => {
  seen = [];
  registerFails = false;
  const out = await registerGeetest({ siteKey: SITE_KEY, secret: SECRET, verifyUrl: `${base}/gt` });
  assert.deepEqual(out, { gt: SITE_KEY, challenge: md5(GEETEST_CHALLENGE_FROM_REGISTER + SECRET) });
  assert.equal(seen[0].method, 'GET');
  assert.equal(seen[0].path, '/gt/register.php');
  assert.equal(seen[0].query.get('gt'), SITE_KEY);
});

test('registerGeetest failures → ""', async () => {
  registerFails = true;
  try {
    assert.equal(await registerGeetest({ siteKey: SITE_KEY, secret: SECRET, verifyUrl: `${base}/gt` }), '');
  } finally {
    registerFails = false;
  }
  assert.equal(await registerGeetest({ siteKey: SITE_KEY, secret: SECRET, verifyUrl: 'http://127.0.0.1:1' }), '');
  seen = [];
  assert.equal(await registerGeetest({ siteKey: SITE_KEY, secret: SECRET, verifyUrl: `${base}/hang`, timeoutMs: 100 }), '');
  assert.equal(seen[0].path, '/hang/register.php');
  assert.equal(await registerGeetest({ secret: SECRET, verifyUrl: `${base}/gt` }), '');
});
