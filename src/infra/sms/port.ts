/** How a verification code reaches the phone (BARONG.md §7.7 `channel`). */
export type SmsChannel = 'sms' | 'call';
export const SMS_CHANNELS: readonly SmsChannel[] = ['sms', 'call'];

/**
 * Sends phone verification codes. Two kinds:
 * - `checksCodes = false` (log, memory): Warden makes the code, keeps its digest and checks it;
 *   the provider only delivers the code it is given.
 * - `checksCodes = true` (Twilio Verify): the provider makes, sends and checks the code;
 *   `sendCode` gets `null` and `checkCode` asks the provider.
 * `to` is always E.164 (`+` and digits).
 */
export interface SmsProvider {
  readonly name: string;
  readonly checksCodes: boolean;
  sendCode(to: string, channel: SmsChannel, code: string | null): Promise<void>;
  /** Only called when `checksCodes`; true when the provider approves the code. */
  checkCode(to: string, code: string): Promise<boolean>;
}

/**
 * The provider refused to send. `providerCode` is Twilio's numeric error code when there is one
 * (21610, 21612, 21614, 21618, 60200 …), mapped to Barong's `resource.phone.*` keys by the domain.
 */
export class SmsDeliveryError extends Error {
  constructor(readonly providerCode: number | null, message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'SmsDeliveryError';
  }
}

/** `+447418084106` → `+44*******106`: enough to tell numbers apart in a log line. */
export function maskForLog(to: string): string {
  return to.length <= 6 ? '***' : to.slice(0, 3) + '*'.repeat(to.length - 6) + to.slice(-3);
}
