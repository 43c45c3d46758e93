import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net, { type AddressInfo } from 'node:net';
import type { Db } from '../../../src/db/db.js';
import { openTestDb } from '../../helpers/test-db.js';
import { startSmtpServer } from '../../helpers/smtp.js';
import { MailDispatcher, type MailLogger } from '../../../src/infra/mail/mail-dispatcher.js';
import { FileMailTransport, SmtpMailTransport, type MailMessage, type MailTransport } from '../../../src/infra/mail/transport.js';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function decodeQp(s: string): string {
  const src = s.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) { bytes.push(parseInt(src.slice(i + 1, i + 3), 16)); i += 2; }
    else bytes.push(src.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words; adjacent words are joined byte-wise before decoding. */
function decodeWords(s: string): string {
  return s.replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=\s*)+/g, (run) => {
    const bytes: Buffer[] = [];
    for (const [, enc, data] of run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)) {
      bytes.push(enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : Buffer.from(decodeQp(data.replace(/_/g, ' ')), 'utf8'));
    }
    return Buffer.concat(bytes).toString('utf8') + (/\s$/.test(run) ? ' ' : '');
  }).trim();
}

function splitEntity(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { headers, body };
}

function decodeBody(headers: Record<string, string>, body: string): string {
  const cte = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (cte === 'quoted-printable') return decodeQp(body);
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body;
}

/** To, Subject and every text part (decoded) of a raw message. */
function parseMail(raw: string): { to: string; subject: string; text: string; html: string } {
  const { headers, body } = splitEntity(raw);
  let text = '';
  let html = '';
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1).map(splitEntity) : [{ headers, body }];
  for (const p of parts) {
    const type = (p.headers['content-type'] ?? 'text/plain').toLowerCase();
    if (type.startsWith('text/html')) html += decodeBody(p.headers, p.body);
    else if (type.startsWith('text/plain')) text += decodeBody(p.headers, p.body);
  }
  return { to: headers.to ?? '', subject: decodeWords(headers.subject ?? ''), text, html };
}

// ---------------------------------------------------------------------------------------------
// Fixtures.

const APP_URL = 'https://exchange.example.com';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb25maXJtIn0.c2lnbmF0dXJl_-x';
const start = Date.parse('2030-01-01T00:00:00Z');

let db: Db;
let cleanup: () => Promise<void>;
let clock = start;
const now = () => new Date(clock);

interface LogLine { level: string; obj: object; msg: string }
function captureLogger(): MailLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: string) => (obj: object, msg: string) => { lines.push({ level, obj, msg }); };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Records mails; `gate` lets a test hold a send in flight. */
class MemoryTransport implements MailTransport {
  sent: MailMessage[] = [];
  gate: Promise<void> | null = null;
  started = 0;
  async send(msg: MailMessage): Promise<void> { this.started++; if (this.gate) await this.gate; this.sent.push(msg); }
  async close(): Promise<void> {}
}

function dispatcher(transport: MailTransport, logger: MailLogger = captureLogger(), extra: { maxAttempts?: number; burstGapMs?: number } = {}) {
  return new MailDispatcher({
    db, transport, logger, now,
    appUrl: APP_URL, appName: 'Warden', defaultLanguage: 'en', from: 'Warden <noreply@example.com>',
    maxAttempts: extra.maxAttempts ?? 5, burstGapMs: extra.burstGapMs,
  });
}

async function insertUser(uid: string, email: string, data: string | null = null): Promise<void> {
  await db.query('INSERT INTO users (uid, email, password_digest, data) VALUES ($1, $2, $3, $4)', [uid, email, 'x', data]);
}

async function insertOutbox(name: string, record: object, opts: { status?: string; nextAt?: Date } = {}): Promise<number> {
  const [r] = await db.query<{ id: number }>(
    'INSERT INTO outbox (name, payload, mail_status, mail_next_at) VALUES ($1, $2, $3, $4::timestamptz) RETURNING id',
    [name, JSON.stringify({ record, name }), opts.status ?? 'pending', (opts.nextAt ?? new Date(clock - 1000)).toISOString()],
  );
  return Number(r.id);
}

interface OutboxRow { mail_status: string; mail_attempts: number; mail_next_at: Date; mail_error: string | null }
async function row(id: number): Promise<OutboxRow> {
  const [r] = await db.query<OutboxRow>('SELECT mail_status, mail_attempts, mail_next_at, mail_error FROM outbox WHERE id = $1', [id]);
  return { ...r, mail_next_at: new Date(r.mail_next_at), mail_attempts: Number(r.mail_attempts) };
}

const userRecord = (uid: string, email: string) => ({ uid, email, username: null, role: 'member', level: 0, otp: false, state: 'pending' });
const confirmation = (uid: string, email: string) => ({ user: userRecord(uid, email), domain: 'example.com', token: TOKEN });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(5);
  }
}

before(async () => { ({ db, cleanup } = await openTestDb()); });
after(async () => { await cleanup(); });
beforeEach(async () => {
  clock = start;
  await db.query('DELETE FROM outbox');
  await db.query('DELETE FROM users');
});

// ---------------------------------------------------------------------------------------------

test('sends due pending mails over SMTP to the current email, marks them sent, leaves others alone', async () => {
  const smtp = await startSmtpServer();
  const transport = new SmtpMailTransport(`smtp://127.0.0.1:${smtp.port}`);
  const logger = captureLogger();
  try {
    await insertUser('ID0001', 'new@example.com');
    // The event recorded the old address; the mail goes to the user's current email.
    const id = await insertOutbox('system.user.email.confirmation.token', confirmation('ID0001', 'old@example.com'));
    const reset = await insertOutbox('system.user.password.reset.token', confirmation('ID0001', 'old@example.com'));
    const notMail = await insertOutbox('system.user.create', { user: userRecord('ID0001', 'x') }, { status: 'none' });
    const future = await insertOutbox('system.user.password.change', { user: userRecord('ID0001', 'x') }, { nextAt: new Date(clock + 60_000) });

    assert.equal(await dispatcher(transport, logger).drainOnce(), 2);

    assert.equal(smtp.received.length, 2);
    const [first, second] = smtp.received.map((r) => ({ ...r, mail: parseMail(r.raw) }));
    assert.deepEqual(first.rcptTo, ['new@example.com']);
    assert.match(first.mail.to, /new@example\.com/);
    assert.match(first.mail.subject, /^Confirm your email/);
    const link = `${APP_URL}/accounts/confirmation?token=${encodeURIComponent(TOKEN)}&lang=en`;
    assert.ok(first.mail.text.includes(link), first.mail.text);
    assert.ok(first.mail.html.includes(link.replace('&', '&amp;')));
    assert.match(second.mail.subject, /^Reset your password/);
    assert.ok(second.mail.text.includes(`${APP_URL}/accounts/password_reset?token=${encodeURIComponent(TOKEN)}&lang=en`));

    for (const r of [await row(id), await row(reset)]) {
      assert.equal(r.mail_status, 'sent');
      assert.equal(r.mail_attempts, 1);
      assert.equal(r.mail_error, null);
    }
    assert.equal((await row(notMail)).mail_status, 'none');
    assert.equal((await row(future)).mail_status, 'pending');
    assert.equal(await dispatcher(transport, logger).drainOnce(), 0, 'nothing left that is due');

    assert.ok(logger.lines.some((l) => l.msg === 'mail sent'));
    const logged = JSON.stringify(logger.lines);
    assert.ok(!logged.includes(TOKEN), 'the token is never logged');
    assert.ok(!logged.includes('Confirm'), 'the mail is never logged');
  } finally {
    await transport.close();
    await smtp.close();
  }
});

test('SMTP rejection → stays pending with backoff; sent once the server recovers and time advances', async () => {
  const smtp = await startSmtpServer();
  const transport = new SmtpMailTransport(`smtp://127.0.0.1:${smtp.port}`);
  const logger = captureLogger();
  try {
    await insertUser('ID0002', 'b@example.com');
    const id = await insertOutbox('system.user.email.confirmation.token', confirmation('ID0002', 'b@example.com'));
    const d = dispatcher(transport, logger);

    smtp.state.reject = true;
    assert.equal(await d.drainOnce(), 1);
    let r = await row(id);
    assert.equal(r.mail_status, 'pending');
    assert.equal(r.mail_attempts, 1);
    assert.ok(r.mail_next_at.getTime() > clock, 'retried later, not now');
    assert.ok(r.mail_next_at.getTime() <= clock + 2_200 + 1, 'first backoff is about 2 s');
    assert.match(r.mail_error ?? '', /450|unavailable/);
    assert.ok(!r.mail_error!.includes(TOKEN));
    assert.equal(smtp.received.length, 0);
    assert.ok(logger.lines.some((l) => l.level === 'warn'));

    smtp.state.reject = false;
    assert.equal(await d.drainOnce(), 0, 'not due yet');
    clock += 10_000;
    assert.equal(await d.drainOnce(), 1);
    r = await row(id);
    assert.equal(r.mail_status, 'sent');
    assert.equal(r.mail_attempts, 2);
    assert.equal(r.mail_error, null);
    assert.equal(smtp.received.length, 1);
    assert.ok(!JSON.stringify(logger.lines).includes(TOKEN));
  } finally {
    await transport.close();
    await smtp.close();
  }
});

test('after maxAttempts failures (nothing listening) the row is failed', async () => {
  const transport = new SmtpMailTransport(`smtp://127.0.0.1:${await closedPort()}`);
  try {
    await insertUser('ID0003', 'c@example.com');
    const id = await insertOutbox('system.user.password.change', { user: userRecord('ID0003', 'c@example.com') });
    const d = dispatcher(transport, captureLogger(), { maxAttempts: 3 });
    let previousNext = 0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      assert.equal(await d.drainOnce(), 1);
      const r = await row(id);
      assert.equal(r.mail_attempts, attempt);
      assert.match(r.mail_error ?? '', /ECONNREFUSED|connect/i);
      if (attempt < 3) {
        assert.equal(r.mail_status, 'pending');
        const delay = r.mail_next_at.getTime() - clock;
        assert.ok(delay >= 2 ** attempt * 1000 && delay <= 2 ** attempt * 1100 + 1, `backoff ${delay}`);
        assert.ok(r.mail_next_at.getTime() > previousNext);
        previousNext = r.mail_next_at.getTime();
        clock = r.mail_next_at.getTime();
      } else {
        assert.equal(r.mail_status, 'failed');
      }
    }
    clock += 3_600_000;
    assert.equal(await d.drainOnce(), 0, 'a failed row is never picked again');
  } finally {
    await transport.close();
  }
});

test('Russian template when users.data has language ru', async () => {
  const smtp = await startSmtpServer();
  const transport = new SmtpMailTransport(`smtp://127.0.0.1:${smtp.port}`, { pool: false });
  try {
    await insertUser('ID0004', 'd@example.com', '{"language":"RU","other":1}');
    await insertUser('ID0005', 'e@example.com', 'not json');
    await insertOutbox('system.user.email.confirmation.token', confirmation('ID0004', 'd@example.com'));
    await insertOutbox('system.session.create', { user: userRecord('ID0004', 'd@example.com'), user_ip: '198.51.100.7', user_agent: 'Mozilla/5.0 <b>' });
    await insertOutbox('system.user.password.change', { user: userRecord('ID0005', 'e@example.com') });
    assert.equal(await dispatcher(transport).drainOnce(), 3);
    const mails = smtp.received.map((r) => parseMail(r.raw));
    assert.equal(mails[0].subject, 'Подтвердите адрес электронной почты — Warden');
    assert.ok(mails[0].text.includes(`${APP_URL}/accounts/confirmation?token=${encodeURIComponent(TOKEN)}&lang=ru`));
    assert.match(mails[0].text, /Здравствуйте/);
    assert.match(mails[1].subject, /^Новый вход/);
    assert.ok(mails[1].html.includes('198.51.100.7'));
    assert.ok(mails[1].html.includes('Mozilla/5.0 &lt;b&gt;'));
    assert.match(mails[2].subject, /^Your password was changed/, 'unreadable data → default language');
  } finally {
    await transport.close();
    await smtp.close();
  }
});

test('a deleted user, an event without template or a token event without token → failed, nothing sent', async () => {
  const transport = new MemoryTransport();
  await insertUser('ID0006', 'f@example.com');
  const gone = await insertOutbox('system.user.password.change', { user: userRecord('ID9999', 'gone@example.com') });
  const unknown = await insertOutbox('system.user.create', { user: userRecord('ID0006', 'f@example.com') });
  const noToken = await insertOutbox('system.user.password.reset.token', { user: userRecord('ID0006', 'f@example.com') });
  const noUid = await insertOutbox('system.user.password.change', { user: {} });
  assert.equal(await dispatcher(transport).drainOnce(), 4);
  assert.equal(transport.sent.length, 0);
  assert.equal((await row(gone)).mail_status, 'failed');
  assert.match((await row(gone)).mail_error ?? '', /user no longer exists/);
  assert.equal((await row(unknown)).mail_status, 'failed');
  assert.match((await row(unknown)).mail_error ?? '', /no mail template for event system\.user\.create/);
  assert.equal((await row(noToken)).mail_status, 'failed');
  assert.match((await row(noToken)).mail_error ?? '', /no token/);
  assert.equal((await row(noUid)).mail_status, 'failed');
});

test('FileMailTransport writes an .eml into the directory and logs only the path', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'warden-mail-')), 'mail');
  const logger = captureLogger();
  const transport = new FileMailTransport(dir, logger);
  try {
    await insertUser('ID0007', 'g+tag@example.com');
    const id = await insertOutbox('system.user.password.reset.token', confirmation('ID0007', 'g+tag@example.com'));
    assert.equal(await dispatcher(transport, logger).drainOnce(), 1);
    assert.equal((await row(id)).mail_status, 'sent');
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^\d{4}-\d\d-\d\dT[\d-]+Z-g\+tag@example\.com-reset-your-password-warden\.eml$/);
    const content = fs.readFileSync(path.join(dir, files[0]), 'utf8');
    const mail = parseMail(content);
    assert.equal(mail.to, 'g+tag@example.com');
    assert.match(mail.subject, /^Reset your password/);
    assert.ok(mail.text.includes(`${APP_URL}/accounts/password_reset?token=${encodeURIComponent(TOKEN)}&lang=en`));
    const written = logger.lines.filter((l) => l.msg.startsWith('mail written to '));
    assert.equal(written.length, 1);
    assert.equal(written[0].msg, `mail written to ${path.join(dir, files[0])}`);
    assert.ok(!JSON.stringify(logger.lines).includes(TOKEN));

    // Same second, same recipient, same subject: a second file, not an overwrite.
    const fixed = new FileMailTransport(dir, logger, () => new Date(start));
    const msg = { to: 'h@example.com', from: 'x@example.com', subject: 'Hi', text: 'a', html: '<p>a</p>' };
    await fixed.send(msg);
    await fixed.send(msg);
    assert.equal(fs.readdirSync(dir).filter((f) => f.includes('h@example.com')).length, 2);

    // The directory is made once; removed behind the transport's back, it is made again.
    fs.rmSync(dir, { recursive: true, force: true });
    await fixed.send(msg);
    assert.equal(fs.readdirSync(dir).length, 1);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test('a batch costs two statements: one claims it, one marks every sent row; a failure in between is kept apart', async () => {
  const transport = new MemoryTransport();
  const failing = 'fail@example.com';
  const flaky: MailTransport = {
    async send(msg) { if (msg.to === failing) throw new Error('mailbox unavailable'); await transport.send(msg); },
    async close() {},
  };
  const ids: number[] = [];
  for (let i = 0; i < 6; i++) {
    const email = i === 3 ? failing : `b${i}@example.com`;
    await insertUser(`IDB00${i}`, email);
    ids.push(await insertOutbox('system.user.password.reset.token', confirmation(`IDB00${i}`, email)));
  }
  const before = db.queryCount;
  assert.equal(await dispatcher(flaky).drainOnce(), 6);
  // claim + the failed row's retry UPDATE + one UPDATE for the five sent rows
  assert.equal(db.queryCount - before, 3);
  assert.equal(transport.sent.length, 5);
  for (const [i, id] of ids.entries()) {
    const r = await row(id);
    if (i === 3) {
      assert.equal(r.mail_status, 'pending');
      assert.equal(r.mail_error, 'mailbox unavailable');
    } else {
      assert.equal(r.mail_status, 'sent');
      assert.equal(r.mail_error, null);
    }
    assert.equal(r.mail_attempts, 1);
  }
});

test('a row claimed by a process that died is sent again after the lease, never dropped', async () => {
  await insertUser('ID0008', 'i@example.com');
  const id = await insertOutbox('system.user.password.change', { user: userRecord('ID0008', 'i@example.com') });
  const stuck = new MemoryTransport();
  let release!: () => void;
  stuck.gate = new Promise<void>((r) => { release = r; });
  const crashed = dispatcher(stuck).drainOnce(); // "crashes" while sending
  await waitFor(() => stuck.started === 1);
  const claimed = await row(id);
  assert.equal(claimed.mail_status, 'pending');
  assert.ok(claimed.mail_next_at.getTime() >= clock + 60_000, 'claimed rows are leased ahead');

  const other = new MemoryTransport();
  assert.equal(await dispatcher(other).drainOnce(), 0, 'invisible while leased');
  clock += 61_000;
  assert.equal(await dispatcher(other).drainOnce(), 1, 'retried once the lease expired');
  assert.equal(other.sent.length, 1);
  assert.equal((await row(id)).mail_status, 'sent');

  release(); // the "dead" process wakes up: at worst a duplicate, never a loss
  assert.equal(await crashed, 1);
  assert.equal((await row(id)).mail_status, 'sent');
});

test('start/kick/stop: a burst of kicks runs one drain; stop waits for the in-flight drain and flushes', async () => {
  const transport = new MemoryTransport();
  const d = dispatcher(transport);
  let drains = 0;
  const drainOnce = d.drainOnce.bind(d);
  d.drainOnce = async (limit?: number) => { drains++; return drainOnce(limit); };
  await insertUser('ID0009', 'j@example.com');

  d.start(60_000);
  await waitFor(() => drains === 1);
  await sleep(50);
  for (let i = 0; i < 3; i++) await insertOutbox('system.user.password.change', { user: userRecord('ID0009', 'j@example.com') });
  for (let i = 0; i < 10; i++) d.kick();
  await waitFor(() => transport.sent.length === 3);
  await sleep(100);
  assert.equal(drains, 2, 'one drain for the burst');

  // A drain in flight when stop() is called completes; a row committed meanwhile is flushed.
  let release!: () => void;
  transport.gate = new Promise<void>((r) => { release = r; });
  const a = await insertOutbox('system.user.password.change', { user: userRecord('ID0009', 'j@example.com') });
  d.kick();
  await waitFor(() => transport.started === 4);
  const b = await insertOutbox('system.user.password.change', { user: userRecord('ID0009', 'j@example.com') });
  d.kick();
  let stopped = false;
  const stopping = d.stop().then(() => { stopped = true; });
  await sleep(50);
  assert.equal(stopped, false, 'stop waits for the in-flight send');
  release();
  await stopping;
  assert.equal((await row(a)).mail_status, 'sent');
  assert.equal((await row(b)).mail_status, 'sent', 'flushed on stop');
  const after = drains;
  d.kick();
  await sleep(60);
  assert.equal(drains, after, 'no drains after stop');
});

test('a steady flow of kicks drains at most once per burst gap; a kick after a quiet spell is served at once', async () => {
  const transport = new MemoryTransport();
  const d = dispatcher(transport, captureLogger(), { burstGapMs: 1000 });
  const starts: number[] = [];
  const drainOnce = d.drainOnce.bind(d);
  d.drainOnce = async (limit?: number) => { starts.push(Date.now()); return drainOnce(limit); };
  await insertUser('ID0011', 'l@example.com');
  d.start(60_000);
  await waitFor(() => starts.length === 1);
  // Mails committed right after a drain wait for the gap, and go out together.
  for (let i = 0; i < 3; i++) {
    await insertOutbox('system.user.password.change', { user: userRecord('ID0011', 'l@example.com') });
    d.kick();
    await sleep(20);
  }
  await waitFor(() => transport.sent.length === 3, 5000);
  assert.equal(starts.length, 2, 'one drain for the three mails');
  assert.ok(starts[1]! - starts[0]! >= 990, `second drain ${starts[1]! - starts[0]!} ms after the first`);
  // Once the gap has passed, a kick is not held back by it.
  await sleep(1100);
  await insertOutbox('system.user.password.change', { user: userRecord('ID0011', 'l@example.com') });
  const kickedAt = Date.now();
  d.kick();
  await waitFor(() => transport.sent.length === 4, 5000);
  assert.ok(starts[2]! - kickedAt < 1000, `drain ${starts[2]! - kickedAt} ms after the kick`);
  await d.stop();
});

test('concurrent drains claim disjoint rows (FOR UPDATE SKIP LOCKED): each mail is sent once', async () => {
  await insertUser('ID0010', 'k@example.com');
  const ids: number[] = [];
  for (let i = 0; i < 30; i++) ids.push(await insertOutbox('system.user.password.change', { user: userRecord('ID0010', 'k@example.com') }));
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  const [na, nb] = await Promise.all([dispatcher(a).drainOnce(20), dispatcher(b).drainOnce(20)]);
  assert.equal(na + nb, 30);
  assert.equal(a.sent.length + b.sent.length, 30);
  const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE mail_status = 'sent'");
  assert.equal(n, 30);
});
