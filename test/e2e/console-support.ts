import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { activeUser, Client, STRONG_PASSWORD, uniqueEmail } from '../helpers/client.js';
import type { TestApp } from '../helpers/test-app.js';
import { field, file, postMultipart } from '../integration/kyc/helpers.js';

/** Shared by the console's browser tests: Chromium, the build, seeded users, screenshots. */

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Why the browser tests skip (CI installs Chromium, so there they run). */
export const SKIP = fs.existsSync(CHROMIUM) ? false : `Chromium is not installed at ${CHROMIUM} (.ci/run installs it): console browser tests skipped`;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `npm test` builds the console first; a lone run of this file builds it when it is missing. */
export function ensureConsoleBuilt(): void {
  if (fs.existsSync(path.join(ROOT, 'dist/console/index.html'))) return;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `console build failed: ${r.stderr}`);
}

/** Screenshots of every screen: CONSOLE_SCREENSHOTS_DIR, or a fresh temporary directory. */
export function screenshotDir(): string {
  const dir = process.env.CONSOLE_SCREENSHOTS_DIR || fs.mkdtempSync(path.join(os.tmpdir(), 'warden-console-shots-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export async function newPage(browser: Browser, base: string, headers: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1360, height: 900 }, locale: 'en-US', extraHTTPHeaders: headers });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  return page;
}

/** Email and password, then (when given) the authenticator code. */
export async function signIn(page: Page, email: string, password: string, otp?: () => string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (otp) {
    await page.getByLabel('Authenticator code').fill(otp());
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByTestId('sign-out').waitFor();
}

/** A readable fake passport page (PNG), so the review screenshots show a document. */
export async function passportImage(name: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="420">
    <rect width="640" height="420" rx="18" fill="#e7f0fb" stroke="#4a6fa5" stroke-width="4"/>
    <text x="32" y="56" font-family="sans-serif" font-size="30" font-weight="bold" fill="#24426b">PASSPORT · SPECIMEN</text>
    <rect x="32" y="90" width="170" height="220" fill="#c5d5ea"/>
    <circle cx="117" cy="165" r="45" fill="#94aacb"/><rect x="62" y="220" width="110" height="70" rx="30" fill="#94aacb"/>
    <text x="232" y="120" font-family="sans-serif" font-size="20" fill="#333">Surname / Nom</text>
    <text x="232" y="150" font-family="sans-serif" font-size="26" font-weight="bold" fill="#111">${name.toUpperCase()}</text>
    <text x="232" y="200" font-family="sans-serif" font-size="20" fill="#333">Document no.</text>
    <text x="232" y="230" font-family="monospace" font-size="26" fill="#111">AB1234567</text>
    <text x="32" y="370" font-family="monospace" font-size="22" fill="#333">P&lt;UTO${name.toUpperCase()}&lt;&lt;ZOE&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * A month of sign-ups and logins before today (activities of `userId`), so the dashboard draws
 * real curves: per day 3–7 sign-ups, 7–11 logins, 2–6 failed logins.
 */
export async function seedHistory(t: TestApp, userId: number): Promise<void> {
  await t.c.db.query(`
    INSERT INTO activities (user_id, category, user_ip, user_agent, topic, action, result, created_at)
    SELECT $1, 'user', '198.51.100.1', 'history', k.topic, k.action, k.result, now() - make_interval(days => d, mins => n)
    FROM generate_series(1, 29) AS d
    CROSS JOIN (VALUES ('account', 'signup', 'succeed', 3), ('session', 'login', 'succeed', 7), ('session', 'login', 'failed', 2)) AS k(topic, action, result, base)
    CROSS JOIN LATERAL generate_series(1, k.base + (d * 7) % 5) AS n`, [userId]);
}

/** An active user with phone verified (level 2), a drafted profile and a pending passport (document=pending). */
export async function applicant(t: TestApp, admin: Client, surname: string): Promise<{ client: Client; uid: string; email: string }> {
  const email = uniqueEmail('applicant');
  const client = await activeUser(t, email);
  const me = await client.get('/resource/users/me');
  const uid = me.body.uid as string;
  const phone = await admin.send('POST', '/admin/users/labels', { uid, key: 'phone', value: 'verified', scope: 'private' });
  assert.equal(phone.status, 200, JSON.stringify(phone.body));
  const profile = await client.send('POST', '/resource/profiles', {
    first_name: 'Zoë', last_name: surname, dob: '1990-05-17', address: '221B Baker St.', postcode: 'NW1 6XE', city: 'London', country: 'GB',
  });
  assert.equal(profile.status, 201, JSON.stringify(profile.body));
  const expire = new Date(t.clock.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const doc = await postMultipart(t, client, '/resource/documents', [
    field('doc_type', 'Passport'), field('doc_number', 'AB1234567'), field('doc_expire', expire), field('doc_category', 'front_side'),
    file(await passportImage(surname), 'passport.png'),
  ]);
  assert.equal(doc.status, 201, JSON.stringify(doc.body));
  return { client, uid, email };
}

export { activeUser, Client, STRONG_PASSWORD, uniqueEmail };
