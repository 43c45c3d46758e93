import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface MailMessage {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
}

/** Port the mail dispatcher sends through. `send` resolves once the mail was accepted. */
export interface MailTransport {
  send(msg: MailMessage): Promise<void>;
  close(): Promise<void>;
}

export interface SmtpTransportOptions {
  /** ms to wait for the TCP connection (default 10 000). */
  connectionTimeoutMs?: number;
  /** ms of socket inactivity before giving up (default 30 000). */
  socketTimeoutMs?: number;
  /** Reuse connections between mails (default true). */
  pool?: boolean;
}

/**
 * SMTP through nodemailer, configured from `smtp://[user:pass@]host[:port]` (STARTTLS when the
 * server offers it; default port 587) or `smtps://…` (implicit TLS; default port 465).
 * Without user info in the URL no AUTH is attempted.
 */
export class SmtpMailTransport implements MailTransport {
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;
  private readonly password: string;

  constructor(url: string, opts: SmtpTransportOptions = {}) {
    const u = new URL(url);
    if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
    if (!u.hostname) throw new Error('SMTP_URL has no host');
    const secure = u.protocol === 'smtps:';
    const user = decodeURIComponent(u.username);
    this.password = decodeURIComponent(u.password);
    const host = u.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literal
    const options: SMTPTransport.Options = {
      host,
      port: u.port ? Number(u.port) : secure ? 465 : 587,
      secure,
      connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
      greetingTimeout: opts.connectionTimeoutMs ?? 10_000,
      socketTimeout: opts.socketTimeoutMs ?? 30_000,
      ...(user ? { auth: { user, pass: this.password } } : {}),
    };
    this.transporter = opts.pool === false
      ? nodemailer.createTransport(options)
      : nodemailer.createTransport({ ...options, pool: true, maxConnections: 2 } as SMTPTransport.Options);
  }

  async send(msg: MailMessage): Promise<void> {
    try {
      await this.transporter.sendMail({ to: msg.to, from: msg.from, subject: msg.subject, text: msg.text, html: msg.html });
    } catch (err) {
      // Rethrow with the message only (never the SMTP password, should a library echo it).
      const e = err as { message?: string; code?: string; responseCode?: number };
      let message = String(e?.message ?? err);
      if (this.password) message = message.split(this.password).join('***');
      const out = new Error(message) as Error & { code?: string; responseCode?: number };
      if (e?.code) out.code = e.code;
      if (e?.responseCode) out.responseCode = e.responseCode;
      throw out;
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

export interface InfoLogger {
  info(obj: object, msg: string): void;
}

/**
 * Development transport used when SMTP is not configured: writes each mail as a readable
 * `.eml` file into `dir` (normally DATA_DIR/mail) and logs only the file path, never the body
 * (bodies carry confirmation and reset tokens).
 */
export class FileMailTransport implements MailTransport {
  constructor(private readonly dir: string, private readonly logger: InfoLogger, private readonly now: () => Date = () => new Date()) {}

  /** Whether `dir` was made already: a mkdir per mail was a fifth of the mailer's cost under load. */
  private dirMade = false;

  /*
   * Synchronous writes on purpose: a mail file is a few KiB into the page cache (no fsync), about
   * 35 µs of CPU, where fs.promises spent about 250 µs on three thread-pool round trips (open,
   * write, close), each waking a pool thread. Every login writes a new-login mail here, so that was
   * CPU taken from the password hashes running beside it.
   */
  async send(msg: MailMessage): Promise<void> {
    if (!this.dirMade) {
      mkdirSync(this.dir, { recursive: true });
      this.dirMade = true;
    }
    const date = this.now();
    const stamp = date.toISOString().replace(/[:.]/g, '-');
    const to = msg.to.replace(/[^A-Za-z0-9@._+-]+/g, '_').slice(0, 100);
    const slug = msg.subject.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'mail';
    const content = toEml(msg, date);
    let remade = false;
    for (let n = 0; ; n++) {
      const file = path.join(this.dir, `${stamp}-${to}-${slug}${n ? `-${n}` : ''}.eml`);
      try {
        writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
        this.logger.info({ path: file }, `mail written to ${file}`);
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        // Someone removed the directory since: make it again and retry this name.
        if (code === 'ENOENT' && !remade) { remade = true; mkdirSync(this.dir, { recursive: true }); n--; continue; }
        if (code !== 'EEXIST' || n > 1000) throw err;
      }
    }
  }

  async close(): Promise<void> {}
}

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

/** A MIME multipart/alternative message in 8bit UTF-8, so links stay copyable. */
function toEml(msg: MailMessage, date: Date): string {
  const boundary = `warden-${date.getTime().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return [
    `From: ${oneLine(msg.from)}`,
    `To: ${oneLine(msg.to)}`,
    `Subject: ${oneLine(msg.subject)}`,
    `Date: ${date.toUTCString()}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    msg.text,
    `--${boundary}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    msg.html,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
