import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config/load.js';
import { LogSmsProvider } from './log.js';
import type { SmsProvider } from './port.js';
import { TwilioVerifySmsProvider } from './twilio-verify.js';

/** The provider SMS_PROVIDER names (load.ts already required the Twilio credentials). */
export function createSmsProvider(config: Config, logger: FastifyBaseLogger): SmsProvider {
  if (config.SMS_PROVIDER === 'twilio') {
    return new TwilioVerifySmsProvider({
      accountSid: config.TWILIO_ACCOUNT_SID!, authToken: config.TWILIO_AUTH_TOKEN!, serviceSid: config.TWILIO_VERIFY_SERVICE_SID!,
      baseUrl: config.TWILIO_VERIFY_URL,
    });
  }
  return new LogSmsProvider(logger);
}
