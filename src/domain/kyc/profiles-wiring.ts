import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import type { SmsProvider } from '../../infra/sms/port.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { DataStorageService } from '../data-storage/data-storage-service.js';
import type { EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import { PublicLabelService } from '../labels/public-labels.js';
import { PhoneService, type PhoneSettings } from './phones-service.js';
import { piiFor, type Pii } from './pii.js';
import { ProfileService } from './profiles-service.js';

/** KYC part A: profiles, phones, the user's public labels and data storage. */
export interface KycProfiles {
  pii: Pii;
  sms: SmsProvider;
  profiles: ProfileService;
  phones: PhoneService;
  publicLabels: PublicLabelService;
  dataStorage: DataStorageService;
}

export interface KycProfilesOptions {
  db: Db;
  events: EventLog;
  labels: LabelService;
  limiter: RateLimiter;
  encryptionKey: Buffer;
  sms: SmsProvider;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  now: () => number;
  phone: PhoneSettings;
  dataStorageTitles: readonly string[];
}

export function buildKycProfiles(o: KycProfilesOptions): KycProfiles {
  const pii = piiFor(o.encryptionKey);
  const base = { db: o.db, events: o.events, labels: o.labels };
  return {
    pii,
    sms: o.sms,
    profiles: new ProfileService({ ...base, pii, now: o.now }),
    phones: new PhoneService({ ...base, pii, sms: o.sms, limiter: o.limiter, settings: o.phone, now: o.now }),
    publicLabels: new PublicLabelService(base),
    dataStorage: new DataStorageService({ ...base, titles: o.dataStorageTitles }),
  };
}
