import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail { rcptTo: string[]; raw: string; subject: string; text: string }

/** Decodes what our mails use: quoted-printable bodies and RFC 2047 encoded-word subjects. */
export function decodeMail(raw: string): { subject: string; text: string } {
  const unfolded = raw.replace(/\r\n[ \t]+/g, ' ');
  const subjectLine = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? '';
  const subject = subjectLine.replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replace(/_/g, ' ')));
  const text = qp(raw.replace(/=\r?\n/g, ''));
  return { subject, text };
}

function qp(s: string): string {
  return Buffer.from(s.replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

/** A real SMTP server in process (the `smtp-server` package) that keeps what it receives. */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const waiters: { match: (m: ReceivedMail) => boolean; resolve: (m: ReceivedMail) => void }[] = [];
  const state = { reject: false };
  const server = new SMTPServer({
    authOptional: true, hideSTARTTLS: true, disableReverseLookup: true, logger: false, closeTimeout: 200,
    onRcptTo(_address, _session, cb) {
      if (!state.reject) return cb();
      const err = new Error('mailbox temporarily unavailable') as Error & { responseCode?: number };
      err.responseCode = 450;
      cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail = { rcptTo: session.envelope.rcptTo.map((a) => a.address), raw, ...decodeMail(raw) };
        received.push(mail);
        for (const w of [...waiters]) if (w.match(mail)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(mail); }
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port, received, state, url: `smtp://127.0.0.1:${port}`,
    /** Resolves with the first mail (already received or coming) for `to` whose subject matches. */
    waitFor(to: string, subject: RegExp, timeoutMs = 5000): Promise<ReceivedMail> {
      const match = (m: ReceivedMail) => m.rcptTo.includes(to) && subject.test(m.subject);
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no mail to ${to} matching ${subject} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ match, resolve: (m) => { clearTimeout(t); resolve(m); } });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpCapture = Awaited<ReturnType<typeof startSmtpServer>>;

/** The token in a mailed link (`…?token=<token>&lang=…`). */
export function tokenFrom(mail: ReceivedMail): string {
  const m = /[?&]token=([^&\s"<]+)/.exec(mail.text);
  if (!m) throw new Error('no token in mail');
  return decodeURIComponent(m[1]);
}
