import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { enableOtp, type EnabledOtp } from '../helpers/otp.js';
import {
  activeUser, applicant, seedHistory, CHROMIUM, CHROMIUM_ARGS, Client, ensureConsoleBuilt, newPage, screenshotDir, shoot, signIn, SKIP, STRONG_PASSWORD, uniqueEmail,
} from './console-support.js';

/**
 * The admin console in a real browser against a real listening Warden: Chromium (playwright-core)
 * signs in, reads and changes users, decides a KYC item, edits restrictions, and meets an
 * expired session. Every screen is saved as a screenshot.
 */

const ADMIN_EMAIL = 'root@console.example.com';
let t: TestApp;
let base = '';
let browser: Browser;
let otp: EnabledOtp;
let shots = '';

/** An API client signed in as the superadmin now (tests move the clock, which ends idle sessions). */
async function superadmin(): Promise<Client> {
  const c = new Client(t);
  const r = await c.login(ADMIN_EMAIL, STRONG_PASSWORD, { otp_code: otp.freshCode() });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return c;
}

describe('admin console in Chromium', { skip: SKIP, timeout: 300_000 }, () => {
  before(async () => {
    ensureConsoleBuilt();
    shots = screenshotDir();
    t = await startTestApp({ ADMIN_EMAIL, ADMIN_PASSWORD: STRONG_PASSWORD, CONSOLE_REJECT_REASONS: 'Photo is blurred|Document expired' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const admin = new Client(t);
    const login = await admin.login(ADMIN_EMAIL);
    assert.equal(login.status, 200, JSON.stringify(login.body));
    otp = await enableOtp(t, admin);
    const [root] = await t.c.db.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [ADMIN_EMAIL]);
    await seedHistory(t, Number(root.id));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    console.log(`console screenshots: ${shots}`);
  });

  test('serves the app at /admin: index for client routes, hashed assets cached, settings injected', async () => {
    const index = await fetch(`${base}/admin/users/ID123`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    assert.match(index.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const html = await index.text();
    assert.match(html, /<script id="warden-config" type="application\/json">\{"apiPrefix":"\/api\/v2\/auth","rejectReasons":\["Photo is blurred","Document expired"\]/);
    const asset = /src="(\/admin\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset, 'the entry script is referenced');
    const js = await fetch(base + asset, { headers: { 'accept-encoding': 'br' } });
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal((await fetch(`${base}/admin/assets/missing-abc.js`)).status, 404);
  });

  test('a superadmin signs in with 2FA, changes a user\'s state with a reason, approves a document and the level rises, then signs out', async () => {
    const kyc = await applicant(t, await superadmin(), 'Berezniy');
    const targetEmail = uniqueEmail('target');
    const target = await activeUser(t, targetEmail);
    const targetUid = (await target.get('/resource/users/me')).body.uid as string;
    const page = await newPage(browser, base);

    await page.goto('/admin/');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await shoot(page, shots, '01-sign-in');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByRole('textbox', { name: 'Password' }).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Authenticator code').waitFor();
    await shoot(page, shots, '02-sign-in-2fa');
    await page.getByLabel('Authenticator code').fill(otp.freshCode());
    await page.getByRole('button', { name: 'Verify' }).click();

    // Dashboard: the metrics as charts; one document waits.
    await page.getByTestId('stat-pending').waitFor();
    assert.equal(await page.getByTestId('stat-pending').textContent(), '1');
    assert.ok(Number(await page.getByTestId('stat-signups').textContent()) > 80, 'a month of history plus today');
    await page.locator('.recharts-surface').first().waitFor();
    await shoot(page, shots, '03-dashboard');
    await page.getByText('7 days').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="stat-signups"]')?.textContent) < 60);
    // In Russian, the same screen.
    await page.getByText('RU', { exact: true }).click();
    await page.getByRole('heading', { name: 'Сводка' }).waitFor();
    await shoot(page, shots, '03-dashboard-ru');
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // Users: filter by email, open the user, change the state with a reason.
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    await shoot(page, shots, '04-users');
    await page.getByTestId('sort-email').click();
    await page.waitForURL(/order_by=email&ordering=asc/);
    await page.waitForFunction(() => {
      const emails = [...document.querySelectorAll('[data-testid="users-table"] tbody tr td:first-child')].map((td) => td.textContent ?? '');
      return emails.length >= 3 && emails.join('\n') === [...emails].sort().join('\n') && emails[0].startsWith('applicant');
    });
    await page.getByLabel('Email').fill(targetEmail);
    await page.getByTestId('apply-filters').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="users-table"] tbody tr').length === 1);
    await page.locator(`tr[data-uid="${targetUid}"]`).click();
    await page.getByTestId('user-email').waitFor();
    await shoot(page, shots, '05-user');
    await page.getByTestId('user-actions').click();
    await page.getByTestId('action-state').click();
    await page.getByRole('combobox', { name: 'New state' }).click();
    await page.getByRole('option', { name: 'locked' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill('Chargeback under investigation');
    await shoot(page, shots, '06-user-change-state');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="user-state"]')?.textContent === 'locked');
    const [state] = await t.c.db.query<{ state: string }>('SELECT state FROM users WHERE uid = $1', [targetUid]);
    assert.equal(state.state, 'locked');
    // The permission check's admin activity (BARONG.md §11.6): topic users, POST → create, the request's params.
    const audit = await t.c.db.query<{ action: string; data: string }>(
      "SELECT action, data FROM activities WHERE category = 'admin' AND target_uid = $1 AND topic = 'users' AND data LIKE '%admin/users/update%' ORDER BY id", [targetUid]);
    assert.equal(audit.length, 1, JSON.stringify(audit));
    assert.equal(audit[0].action, 'create');
    assert.match(audit[0].data, /"state":"locked"/);
    assert.match(audit[0].data, /Chargeback under investigation/, 'the reason lands in the admin activity log');

    // The applicant's page: a private label added, a comment written, the documents previewed.
    await page.goto(`/admin/users/${kyc.uid}?tab=labels`);
    await page.getByTestId('add-label').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Key').fill('vip');
    await dialog.getByLabel('Value').fill('gold');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-label="vip:private"]').waitFor();
    await shoot(page, shots, '05-user-labels');
    await page.getByRole('tab', { name: /Comments/ }).click();
    await page.getByTestId('add-comment').click();
    await dialog.getByLabel('Title').fill('Call');
    await dialog.getByLabel('Text').fill('Asked for a sharper passport photo.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('comment').waitFor();
    await page.getByRole('tab', { name: /Documents/ }).click();
    await page.locator('[data-testid="document"] img').first().waitFor();
    await shoot(page, shots, '05-user-documents');
    const [labels] = await t.c.db.query<{ n: number }>("SELECT count(*)::int AS n FROM labels l JOIN users u ON u.id = l.user_id WHERE u.uid = $1 AND l.key = 'vip' AND l.value = 'gold' AND l.scope = 'private'", [kyc.uid]);
    assert.equal(labels.n, 1);

    // KYC queue: the applicant's passport, approved; level 2 → 3.
    await page.getByTestId('nav-kyc').click();
    await page.getByTestId('review-panel').waitFor();
    assert.equal(await page.getByTestId('review-email').textContent(), kyc.email);
    await page.locator('[data-testid="review-panel"] img').first().waitFor();
    assert.ok(await page.locator('[data-testid="review-panel"] img').first().evaluate((img) => (img as HTMLImageElement).naturalWidth > 0), 'the document image loads through its signed URL');
    await shoot(page, shots, '07-kyc-review');
    await page.keyboard.press('a'); // A approves (keyboard flow of the queue)
    const result = page.getByTestId('verdict-result');
    await result.waitFor();
    assert.match(await result.textContent() ?? '', /2 → 3/);
    await page.getByTestId('queue-empty').waitFor();
    await shoot(page, shots, '08-kyc-approved');
    const me = await kyc.client.get('/resource/users/me');
    assert.equal(me.body.level, 3);
    assert.ok(me.body.labels.some((l: { key: string; value: string; scope: string }) => l.key === 'document' && l.value === 'verified' && l.scope === 'private'));

    // Activities, permissions, levels: the other screens.
    await page.getByTestId('nav-activities').click();
    await page.getByTestId('activities-user').waitFor();
    await page.getByText('Admin activities').click();
    await page.getByTestId('activities-admin').waitFor();
    await page.getByText('Chargeback under investigation').first().waitFor();
    await shoot(page, shots, '09-activities-admin');
    await page.getByTestId('nav-permissions').click();
    await page.getByTestId('permissions-table').waitFor();
    await shoot(page, shots, '10-permissions');
    await page.getByTestId('nav-levels').click();
    await page.getByTestId('levels-table').waitFor();
    await shoot(page, shots, '11-levels');

    // Sign out: back to the form, and the cookie's session is gone on the server.
    const cookie = (await page.context().cookies()).find((c) => c.name === t.c.config.SESSION_COOKIE_NAME);
    assert.ok(cookie, 'the session cookie was set');
    await page.getByTestId('sign-out').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent() ?? '', /signed out/);
    const after = await fetch(`${base}${t.prefix}/resource/users/me`, { headers: { cookie: `${cookie.name}=${cookie.value}`, 'user-agent': await page.evaluate(() => navigator.userAgent) } });
    assert.equal(after.status, 401);
    await page.context().close();
  });

  test('a restriction created in the editor blocks a request at the gateway check; a whitelink is created, copied and used', async () => {
    const page = await newPage(browser, base);
    await page.goto('/admin/restrictions');
    await signIn(page, ADMIN_EMAIL, STRONG_PASSWORD, () => otp.freshCode());
    await page.getByTestId('restrictions-table').waitFor();

    const check = (ip: string) => fetch(`${base}${t.c.config.AUTHZ_PREFIX}${t.prefix}/resource/users/me`, { headers: { 'x-forwarded-for': ip, 'user-agent': 'e2e' } });
    const before = await check('203.0.113.77');
    assert.notDeepEqual(await before.json(), { errors: ['authz.restrict.blacklist'] });

    await page.getByTestId('add-restriction').click();
    await page.getByRole('dialog').getByLabel('Value').fill('203.0.113.77');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-value="203.0.113.77"]').waitFor();
    await shoot(page, shots, '12-restrictions');

    const blocked = await check('203.0.113.77');
    assert.equal(blocked.status, 401);
    assert.deepEqual(await blocked.json(), { errors: ['authz.restrict.blacklist'] });
    const other = await check('203.0.113.78');
    assert.notDeepEqual(await other.json(), { errors: ['authz.restrict.blacklist'] }, 'only that address is blocked');

    await page.getByTestId('whitelink').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create a whitelink' }).click();
    const url = await page.getByTestId('whitelink-url').inputValue();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/admin\/access\?token=[0-9a-f]{64}$/);
    await shoot(page, shots, '13-whitelink');

    // The link works from the visitor's network (no sign-in): his address becomes a whitelist rule.
    const visitor = await newPage(browser, base, { 'x-forwarded-for': '203.0.113.90' });
    await visitor.goto(url);
    await visitor.getByTestId('access-done').waitFor();
    await shoot(visitor, shots, '14-whitelink-used');
    const rows = await t.c.db.query<{ category: string; state: string }>("SELECT category, state FROM restrictions WHERE value = '203.0.113.90'");
    assert.deepEqual(rows, [{ category: 'whitelist', state: 'enabled' }]);
    await visitor.context().close();
    await page.context().close();
  });

  test('an expired session brings the sign-in form back with a message; signing in again returns to the page', async () => {
    const page = await newPage(browser, base);
    await page.goto('/admin/levels');
    await signIn(page, ADMIN_EMAIL, STRONG_PASSWORD, () => otp.freshCode());
    await page.getByTestId('levels-table').waitFor();
    t.clock.advance(31 * 60); // idle past SESSION_EXPIRE_TIME
    await page.getByTestId('nav-users').click();
    await page.getByTestId('notice').waitFor();
    assert.match(await page.getByTestId('notice').textContent() ?? '', /session has expired/);
    await shoot(page, shots, '15-session-expired');
    await signIn(page, ADMIN_EMAIL, STRONG_PASSWORD, () => otp.code());
    await page.getByTestId('users-table').waitFor();
    assert.match(page.url(), /\/admin\/users$/);
    await page.context().close();
  });

  test('a member is refused; a support admin sees no permissions editor, even by typing its address', async () => {
    const email = uniqueEmail('support');
    const support = await activeUser(t, email);
    const uid = (await support.get('/resource/users/me')).body.uid as string;
    const page = await newPage(browser, base);
    await page.goto('/admin/');

    // Still a member: the console refuses him in words (and closes the session it opened).
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This account has no admin access').waitFor();
    assert.match(await page.getByTestId('error').textContent() ?? '', /console\.no_admin_abilities/);

    const role = await (await superadmin()).send('POST', '/admin/users/role', { uid, role: 'support' });
    assert.equal(role.status, 200, JSON.stringify(role.body));
    await page.reload();
    await signIn(page, email, STRONG_PASSWORD);
    await page.getByTestId('nav-users').waitFor();
    assert.equal(await page.getByTestId('nav-permissions').count(), 0);
    assert.equal(await page.getByTestId('nav-restrictions').count(), 0);
    assert.equal(await page.getByTestId('nav-kyc').count(), 0, 'support may not record KYC verdicts');
    await page.goto('/admin/permissions');
    await page.getByTestId('not-allowed').waitFor();
    await shoot(page, shots, '16-support-no-permissions');
    await page.context().close();
  });
});
