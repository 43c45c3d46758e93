import type { Db } from '../../db/db.js';
import { outboxMailRepo, type ClaimedMailRow as ClaimedRow } from '../../db/repositories/outbox-mail.js';
import type { MailTransport } from './transport.js';
import { MailMap } from './mail-map.js';
import { MAIL_EVENT_SESSION_CREATE } from './templates.js';
import { WakeTimer } from '../../lib/wake-timer.js';

export interface MailLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MailDispatcherOptions {
  db: Db;
  transport: MailTransport;
  logger: MailLogger;
  /** Frontend origin used in links (APP_URL). */
  appUrl: string;
  appName: string;
  /** Language when the user has none (DEFAULT_LANGUAGE). */
  defaultLanguage: string;
  /** Sender (MAIL_FROM). */
  from: string;
  /** Delivery attempts before a mail is marked 'failed' (MAIL_MAX_ATTEMPTS). */
  maxAttempts: number;
  now?: () => Date;
  /** How long a claimed row stays invisible to other drains (default 60 000 ms). */
  leaseMs?: number;
  /** Debounce of kick() (default 20 ms). */
  kickDelayMs?: number;
  /**
   * Least time from the end of one drain to the start of the next one a kick asks for
   * (default 200 ms). A mail after a quiet spell still leaves kickDelayMs after its commit;
   * under a steady flow (a login burst sends a new-login mail each) the mails of this window
   * share one claim and one mark statement instead of paying for two each.
   */
  burstGapMs?: number;
  /** Which events get which template (MAIL_TEMPLATES_FILE); default: the built-in map. */
  mailMap?: MailMap;
  /** Opens the sealed anti-phishing phrase of the recipient (the AEAD Encryptor). */
  openAntiPhishing?: (sealed: string) => string;
  /** A fresh signed single-use freeze link for the user, put in new-login mails. */
  freezeLink?: (uid: string) => string | null;
}

/** A row sent in this batch, marked 'sent' when the batch ends. */
interface Sent { id: number; attempts: number }

const MAX_BACKOFF_S = 3600;

/** 2^attempts seconds, capped at one hour, plus up to 10 % jitter. */
export function mailBackoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(2 ** attempts, MAX_BACKOFF_S) * 1000;
  return Math.round(base + base * 0.1 * random());
}

/** Error text safe to store and log: the message only, one line, bounded. */
function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error';
}

/**
 * Sends the mails of the transactional outbox (rows with mail_status 'pending').
 *
 * Delivery is at-least-once: a row is claimed by moving its mail_next_at one lease ahead
 * (FOR UPDATE SKIP LOCKED, so concurrent instances claim disjoint rows), sent, and only then
 * marked 'sent'. A crash between send and mark leaves the row pending; it is sent again once
 * the lease expires. Nothing is dropped; at worst a mail is sent twice.
 */
export class MailDispatcher {
  private readonly db: Db;
  private readonly transport: MailTransport;
  private readonly logger: MailLogger;
  private readonly appUrl: string;
  private readonly appName: string;
  private readonly defaultLanguage: string;
  private readonly from: string;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly kickDelayMs: number;
  private readonly burstGapMs: number;
  private lastDrainEnd = 0;
  private readonly mailMap: MailMap;

  private started = false;
  private intervalMs = 500;
  private readonly wake = new WakeTimer(() => this.tick());
  private inFlight: Promise<void> | null = null;
  private rerun = false;

  constructor(private readonly opts: MailDispatcherOptions) {
    this.db = opts.db;
    this.transport = opts.transport;
    this.logger = opts.logger;
    this.appUrl = opts.appUrl;
    this.appName = opts.appName;
    this.defaultLanguage = opts.defaultLanguage;
    this.from = opts.from;
    this.maxAttempts = Math.max(1, opts.maxAttempts);
    this.now = opts.now ?? (() => new Date());
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.kickDelayMs = opts.kickDelayMs ?? 20;
    this.burstGapMs = opts.burstGapMs ?? 200;
    this.mailMap = opts.mailMap ?? MailMap.defaults();
  }

  /**
   * Claims up to `limit` due rows, sends them and records the outcome. Returns the number of
   * rows processed (sent, retried later or failed). Throws only on database errors; rows
   * claimed but not processed then come back after the lease.
   */
  async drainOnce(limit = 20): Promise<number> {
    const now = this.now();
    const lease = new Date(now.getTime() + this.leaseMs).toISOString();
    // One statement claims due rows (SKIP LOCKED: concurrent drains take different rows), pushes
    // their lease forward and fetches each recipient's current email and language.
    const rows = await outboxMailRepo.claimDue(this.db, now.toISOString(), limit, lease);
    rows.sort((a, b) => Number(a.id) - Number(b.id));
    let processed = 0;
    const claimedAt = Date.now();
    const sent: Sent[] = [];
    try {
      for (const row of rows) {
        if (await this.process(row, lease, claimedAt, sent)) processed++;
      }
    } finally {
      // One UPDATE marks the whole batch sent. A crash before it leaves these rows pending, to
      // be sent again after the lease: the at-least-once promise, with a window of one batch.
      await this.markSent(sent);
    }
    return processed;
  }

  private async markSent(sent: Sent[]): Promise<void> {
    await outboxMailRepo.markSent(this.db, sent);
  }

  /** Returns false when the row was not ours any more (lease expired and taken elsewhere). */
  private async process(row: ClaimedRow, lease: string, claimedAt: number, sent: Sent[]): Promise<boolean> {
    const id = Number(row.id);
    // Once a batch has run for half the lease (slow SMTP), renew the lease right before sending
    // and check the row is still ours, so no other instance claims and sends it meanwhile.
    if (Date.now() - claimedAt > this.leaseMs / 2) {
      if (!(await outboxMailRepo.renewLease(this.db, id, lease, new Date(this.now().getTime() + this.leaseMs).toISOString()))) return false;
    }

    const attempts = Number(row.mail_attempts) + 1;
    const log = { outboxId: id, event: row.name, attempts };
    let payload = row.payload;
    if (typeof payload === 'string') {
      try { payload = JSON.parse(payload); } catch { payload = null; }
    }
    const uid = (payload as { record?: { user?: { uid?: unknown } } } | null)?.record?.user?.uid;
    if ((typeof uid !== 'string' || uid === '') && !row.recipient) {
      await this.markFailed(id, attempts, 'payload has no record.user.uid');
      this.logger.error(log, 'mail dropped: payload has no user uid');
      return true;
    }
    const user = row.recipient ? { email: row.recipient, data: row.user_data, antiPhishing: row.user_anti_phishing }
      : row.user_email === null ? null : { email: row.user_email, data: row.user_data, antiPhishing: row.user_anti_phishing };
    if (!user) {
      await this.markFailed(id, attempts, 'recipient user no longer exists');
      this.logger.error(log, 'mail dropped: recipient user no longer exists');
      return true;
    }

    let mail;
    try {
      mail = this.mailMap.render(row.name, payload, {
        appUrl: this.appUrl, appName: this.appName, language: this.languageOf(user.data), defaultLanguage: this.defaultLanguage,
        antiPhishing: this.antiPhishingOf(user.antiPhishing, log),
        freezeLink: row.name === MAIL_EVENT_SESSION_CREATE && this.opts.freezeLink && typeof uid === 'string' ? this.opts.freezeLink(uid) : null,
      });
    } catch (err) {
      const reason = `cannot render mail: ${errorText(err)}`;
      await this.markFailed(id, attempts, reason);
      this.logger.error({ ...log, reason }, 'mail dropped: cannot render');
      return true;
    }
    if (!mail && !this.mailMap.handles(row.name)) {
      await this.markFailed(id, attempts, `no mail template for event ${row.name}`);
      this.logger.error(log, 'mail dropped: no template for event');
      return true;
    }
    if (!mail) {
      // The map has no template in any usable language, or its expression filters the event out.
      await outboxMailRepo.finish(this.db, id, 'skipped', attempts, `no mail for event ${row.name} (mail map)`);
      this.logger.info(log, 'no mail: the mail map skips this event');
      return true;
    }

    try {
      await this.transport.send({ to: user.email, from: this.from, ...mail });
    } catch (err) {
      const reason = errorText(err);
      if (attempts >= this.maxAttempts) {
        await this.markFailed(id, attempts, reason);
        this.logger.error({ ...log, err: reason }, 'mail delivery failed permanently');
      } else {
        const nextAt = new Date(this.now().getTime() + mailBackoffMs(attempts));
        await outboxMailRepo.retryAt(this.db, id, attempts, nextAt.toISOString(), reason);
        this.logger.warn({ ...log, err: reason, nextAt: nextAt.toISOString() }, 'mail delivery failed; will retry');
      }
      return true;
    }
    sent.push({ id, attempts });
    this.logger.info(log, 'mail sent');
    return true;
  }

  private async markFailed(id: number, attempts: number, reason: string): Promise<void> {
    await outboxMailRepo.finish(this.db, id, 'failed', attempts, reason);
  }

  /** The user's own language (`data.language`), or null (the map then uses DEFAULT_LANGUAGE). */
  private languageOf(data: string | null): string | null {
    if (data) {
      try {
        const lang = (JSON.parse(data) as { language?: unknown } | null)?.language;
        if (typeof lang === 'string' && lang.trim()) return lang;
      } catch { /* not JSON: use the default */ }
    }
    return null;
  }

  private antiPhishingOf(sealed: string | null, log: object): string | null {
    if (!sealed || !this.opts.openAntiPhishing) return null;
    try {
      return this.opts.openAntiPhishing(sealed);
    } catch {
      // Sealed under a key we no longer have: the mail still goes (a reset mail matters more).
      this.logger.warn(log, 'anti-phishing phrase cannot be opened; mail sent without it');
      return null;
    }
  }

  /** Drains every `intervalMs` (timer unref'd: it never keeps the process alive). */
  start(intervalMs = 500): void {
    this.intervalMs = intervalMs;
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Asks for a drain soon (call after committing an outbox row); a burst makes one drain. */
  kick(): void {
    if (!this.started) return;
    this.schedule(this.kickDelayMs);
  }

  /**
   * Stops the loop, waits for an in-flight drain to finish, then flushes once more so mails
   * committed just before shutdown go out now. Whatever is still pending stays in the outbox
   * for the next start.
   */
  async stop(): Promise<void> {
    const wasStarted = this.started;
    this.started = false;
    this.wake.cancel();
    while (this.inFlight) await this.inFlight;
    if (wasStarted) {
      this.inFlight = this.drainOnce().then(() => undefined, (err) => this.logger.error({ err: errorText(err) }, 'mail outbox flush failed'));
      await this.inFlight;
      this.inFlight = null;
    }
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.inFlight) {
      // A row committed while a drain runs may have been missed by its claim: drain again.
      if (delayMs < this.intervalMs) this.rerun = true;
      return;
    }
    if (delayMs < this.intervalMs) delayMs = Math.max(delayMs, this.lastDrainEnd + this.burstGapMs - Date.now());
    this.wake.in(delayMs);
  }

  private tick(): void {
    if (!this.started || this.inFlight) return;
    this.rerun = false;
    this.inFlight = (async () => {
      try {
        const limit = 20;
        // Keep going while batches come back full, so a backlog drains at full speed.
        while ((await this.drainOnce(limit)) >= limit && this.started) { /* next batch */ }
      } catch (err) {
        this.logger.error({ err: errorText(err) }, 'mail outbox drain failed');
      }
    })().finally(() => {
      this.inFlight = null;
      this.lastDrainEnd = Date.now();
      const again = this.rerun;
      this.rerun = false;
      this.schedule(again ? 0 : this.intervalMs);
    });
  }
}
