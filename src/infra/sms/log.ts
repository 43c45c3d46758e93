import type { FastifyBaseLogger } from 'fastify';
import { maskForLog, type SmsChannel, type SmsProvider } from './port.js';

/**
 * DEVELOPMENT ONLY (`SMS_PROVIDER=log`, the default): nothing is sent; the code is written to
 * the log so a developer can finish phone verification without an SMS account.
 *
 * This is the one deliberate exception to "never log OTP codes": it is the whole purpose of
 * this provider, the line says so, and boot warns that the provider is on. Production sets
 * SMS_PROVIDER=twilio, where codes never pass through Warden at all.
 */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  readonly checksCodes = false;

  constructor(private readonly logger: Pick<FastifyBaseLogger, 'info' | 'warn'>) {
    logger.warn('SMS_PROVIDER=log: phone verification codes are written to this log (development only; use twilio in production)');
  }

  async sendCode(to: string, channel: SmsChannel, code: string | null): Promise<void> {
    this.logger.info({ to: maskForLog(to), channel, devVerificationCode: code }, 'DEVELOPMENT SMS (SMS_PROVIDER=log): phone verification code, not sent');
  }

  async checkCode(): Promise<boolean> {
    throw new Error('the log provider does not check codes: Warden does');
  }
}
