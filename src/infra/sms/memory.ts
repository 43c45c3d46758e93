import { randomInt } from 'node:crypto';
import { SmsDeliveryError, type SmsChannel, type SmsProvider } from './port.js';

export interface SentSms { to: string; channel: SmsChannel; code: string }

/**
 * In-memory twin of the SMS port for tests. By default it behaves like the log provider
 * (Warden's code, delivered and recorded); with `checksCodes: true` it behaves like Twilio
 * Verify (it makes the code itself, keeps the pending one per number and approves it once).
 * `failNext(code)` makes the next send fail with a provider error code.
 */
export class MemorySmsProvider implements SmsProvider {
  readonly name = 'memory';
  readonly sent: SentSms[] = [];
  private readonly pending = new Map<string, string>();
  private failure: number | null | undefined;

  constructor(readonly checksCodes = false) {}

  failNext(providerCode: number | null): void { this.failure = providerCode; }

  async sendCode(to: string, channel: SmsChannel, code: string | null): Promise<void> {
    if (this.failure !== undefined) {
      const providerCode = this.failure;
      this.failure = undefined;
      throw new SmsDeliveryError(providerCode, `simulated failure ${providerCode}`);
    }
    const sentCode = this.checksCodes ? String(randomInt(0, 1_000_000)).padStart(6, '0') : code;
    if (sentCode === null) throw new Error('a code is required when Warden checks codes');
    if (this.checksCodes) this.pending.set(to, sentCode);
    this.sent.push({ to, channel, code: sentCode });
  }

  async checkCode(to: string, code: string): Promise<boolean> {
    if (!this.checksCodes) throw new Error('this twin does not check codes');
    if (this.pending.get(to) !== code) return false;
    this.pending.delete(to);
    return true;
  }

  /** The last code sent to `to` (E.164). */
  lastCode(to: string): string | undefined {
    return [...this.sent].reverse().find((s) => s.to === to)?.code;
  }
}
