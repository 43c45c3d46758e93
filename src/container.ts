import os from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config/load.js';
import type { Db } from './db/db.js';
import { openPglite } from './db/pglite.js';
import { openPostgres } from './db/pg.js';
import { migrate } from './db/migrate.js';
import type { KeyValueStore } from './infra/kv/port.js';
import { MemoryKeyValueStore } from './infra/kv/memory.js';
import { RedisKeyValueStore } from './infra/kv/redis.js';
import { assertKeysMatchDatabase, loadKeys, type Keys } from './infra/keys/keystore.js';
import { createCaptchaVerifier, type CaptchaVerifier } from './infra/captcha/captcha.js';
import { MailDispatcher } from './infra/mail/mail-dispatcher.js';
import { MailMap, loadMailMap } from './infra/mail/mail-map.js';
import type { EventPublisher } from './infra/amqp/port.js';
import { FileMailTransport, SmtpMailTransport, type MailTransport } from './infra/mail/transport.js';
import { openGeoIp, type GeoIp } from './infra/geoip/geoip.js';
import { deriveSubkey, Encryptor } from './lib/aead.js';
import { DEFAULT_PASSWORD_REGEXP, DEFAULT_PASSWORD_REGEXP_RUBY_FORM, rubyRegexpToJs, rubyRegexpToS } from './lib/password/policy.js';
import { commonPasswordMatcher } from './lib/password/dictionary.js';
import { ActivityLog } from './domain/activities/activity-log.js';
import { PasswordHasher } from './domain/auth/password-hasher.js';
import { sharedArgon2Pool } from './infra/hashing/argon2-pool.js';
import { RateLimiter } from './domain/auth/rate-limiter.js';
import { CallerResolver } from './domain/authz/caller.js';
import { EventLog } from './domain/events/event-log.js';
import { buildEventApi, type EventApi } from './domain/events/event-api-wiring.js';
import { AccountFreezeService } from './domain/identity/account-freeze-service.js';
import { AntiPhishingService } from './domain/identity/anti-phishing-service.js';
import { AccountService } from './domain/identity/account-service.js';
import { createActiveUser } from './domain/identity/admin-bootstrap.js';
import type { IdentityDeps, SecondFactor } from './domain/identity/deps.js';
import { LoginService } from './domain/identity/login-service.js';
import { PasswordResetService } from './domain/identity/password-reset-service.js';
import { UserAccountService } from './domain/identity/user-account-service.js';
import { DEFAULT_STATE_RULES } from './domain/labels/label-rules.js';
import { LabelService } from './domain/labels/label-service.js';
import { applySeeds, readSeedsFile } from './domain/seeds/apply-seeds.js';
import { defaultSeeds } from './domain/seeds/default-seeds.js';
import { SessionService } from './domain/sessions/session-service.js';
import { SignedTokens } from './domain/tokens/signed-tokens.js';
import { WhitelinkService } from './domain/restrictions/whitelink-service.js';
import { buildAdminConsole, type AdminConsole } from './domain/admin/policy-admin-wiring.js';
import { Gateway } from './domain/authz/gateway.js';
import { PolicyCache, defaultPathRules } from './domain/authz/policy-cache.js';
import { UserSnapshots, USER_CHANNEL } from './domain/authz/user-snapshots.js';
import { JwtIssuer } from './domain/authz/jwt-issuer.js';
import { AdminAudit } from './domain/authz/admin-audit.js';
import { ApiKeyService } from './domain/api-keys/api-key-service.js';
import { apiKeysRepo } from './db/repositories/api-keys.js';
import { NonceGuard } from './domain/api-keys/nonce-guard.js';
import { HmacApiKeyAuthenticator } from './domain/api-keys/api-key-authenticator.js';
import { KeyManagement } from './domain/api-keys/key-management.js';
import { Abilities, DEFAULT_ABILITIES, readAbilitiesFile } from './domain/admin/abilities.js';
import { buildAdminUsers, type AdminUsers } from './domain/admin/users-admin-wiring.js';
import { ServiceAccountService } from './domain/service-accounts/service-account-service.js';
import { ServiceAccountSnapshots } from './domain/service-accounts/service-account-snapshots.js';
import { OtpService } from './domain/otp/otp-service.js';
import { buildTokenAuth, type TokenAuth } from './domain/token-auth/wiring.js';
import { buildKycDocuments, type KycDocuments } from './domain/kyc/documents-wiring.js';
import { buildOAuth } from './domain/oauth/wiring.js';
import type { OAuthService } from './domain/oauth/oauth-service.js';
import type { Auth0Login } from './domain/oauth/auth0-login.js';
import { FetchOAuthHttp, type OAuthHttp } from './infra/oauth/http.js';
import { buildKycProfiles, type KycProfiles } from './domain/kyc/profiles-wiring.js';
import { parseStorageTitles } from './domain/data-storage/data-storage-rules.js';
import { createSmsProvider } from './infra/sms/create.js';
import type { SmsProvider } from './infra/sms/port.js';
import { buildNebeus, type Nebeus } from './domain/partners/wiring.js';
import { NO_MANAGEMENT, readManagementFile, type ManagementSettings } from './domain/management/keychain.js';

export interface Container {
  config: Config;
  db: Db;
  kv: KeyValueStore;
  keys: Keys;
  encryptor: Encryptor;
  captcha: CaptchaVerifier;
  geoip: GeoIp;
  passwordRegexpRubyForm: string;
  identity: IdentityDeps;
  accounts: AccountService;
  logins: LoginService;
  resets: PasswordResetService;
  userAccounts: UserAccountService;
  callers: CallerResolver;
  whitelinks: WhitelinkService;
  /** Admin API, policy side: permissions, restrictions, activities, metrics, keys (BARONG.md §8.1–§8.5). */
  adminConsole: AdminConsole;
  policy: PolicyCache;
  users: UserSnapshots;
  gateway: Gateway;
  apiKeys: ApiKeyService;
  keyManagement: KeyManagement;
  /** Admin abilities (BARONG.md §16.3), from ABILITIES_FILE or Barong's defaults. */
  abilities: Abilities;
  /** Admin API, user side: users, labels, comments, KYC profiles (BARONG.md §8.6, §8.7). */
  adminUsers: AdminUsers;
  serviceAccounts: ServiceAccountService;
  otp: OtpService;
  /** KYC documents, addresses, uploads storage, provider callbacks, admin review. */
  kycDocuments: KycDocuments;
  /** KYC profiles, phones (SMS port), the user's public labels, data storage; `pii` seals personal fields. */
  kycProfiles: KycProfiles;
  mailer: MailDispatcher;
  /** RabbitMQ relay of the outbox (when AMQP_URL is set), event signer, outbox pruning. */
  eventApi: EventApi;
  antiPhishing: AntiPhishingService;
  freezes: AccountFreezeService;
  /** Token sign-in, refresh tokens, mailed codes, step-by-step sign-up, 2FA type/reset (the NBC gate door). */
  tokenAuth: TokenAuth;
  /** Social login and account linking (OAuth 2.0 / OpenID Connect). */
  oauth: OAuthService;
  /** Barong's POST identity/sessions/auth0. */
  auth0: Auth0Login;
  /** The Nebeus door: partner sign-in/up, countries, dashboard with its ledger read model, profile images. */
  nebeus: Nebeus;
  /** Management API signers and scopes (BARONG.md §9), from MANAGEMENT_API_FILE; unset = no scope, every call refused. */
  management: { settings: ManagementSettings; now: () => number };
  /** Readings for /metrics kept outside the HTTP layer: a gauge's value, or a counter's running total. */
  readings: Record<string, { kind: 'gauge' | 'counter'; help: string; read: () => number }>;
  close(): Promise<void>;
}

export interface ContainerOverrides {
  db?: Db;
  kv?: KeyValueStore;
  mailTransport?: MailTransport;
  now?: () => number;
  /** Start the background mail loop (off in most tests, which drain explicitly). */
  startMailer?: boolean;
  /** Publish events through this instead of AMQP_URL (tests: the in-memory twin). */
  eventPublisher?: EventPublisher;
  /** Start the background event relay and pruner (default true). */
  startRelay?: boolean;
  /** How the OAuth module reaches providers (tests: a wrapper that tampers with answers). */
  oauthHttp?: OAuthHttp;
  /** Send phone codes through this instead of SMS_PROVIDER (tests: MemorySmsProvider). */
  sms?: SmsProvider;
}

/** Wires everything in dependency order. Opens connections, migrates, seeds. */
export async function buildContainer(config: Config, logger: FastifyBaseLogger, o: ContainerOverrides = {}): Promise<Container> {
  const now = o.now ?? Date.now;
  const db = o.db ?? (config.DATABASE_URL ? await openPostgres(config.DATABASE_URL, { prepare: config.DATABASE_PREPARED_STATEMENTS, onIdleError: (err) => logger.warn({ err: err.message }, 'database dropped an idle connection') }) : await openPglite(path.join(config.dataDir, 'pg')));
  const kv = o.kv ?? (config.REDIS_URL ? await RedisKeyValueStore.connect(config.REDIS_URL, config.REDIS_PREFIX) : new MemoryKeyValueStore(now));
  try {
    await migrate(db);
    const keys = loadKeys({ jwtPrivateKey: config.JWT_PRIVATE_KEY, encryptionKey: config.ENCRYPTION_KEY, algorithm: config.JWT_ALGORITHM, dataDir: config.dataDir, previousPublicKeys: config.JWT_PREVIOUS_PUBLIC_KEYS });
    await assertKeysMatchDatabase(db, keys);
    const management = { settings: config.MANAGEMENT_API_FILE ? readManagementFile(config.MANAGEMENT_API_FILE) : NO_MANAGEMENT, now };
    const seeds = config.SEEDS_FILE ? fromFile('SEEDS_FILE', config.SEEDS_FILE, readSeedsFile) : defaultSeeds(config.API_PREFIX);
    await applySeeds(db, seeds);
    commonPasswordMatcher(); // load the dictionary now, not on the first sign-up
    const geoip = await openGeoIp({ path: config.GEOIP_DB_PATH });

    const transport = o.mailTransport ?? (config.SMTP_URL
      ? new SmtpMailTransport(config.SMTP_URL)
      : new FileMailTransport(path.join(config.dataDir, 'mail'), logger));
    const mailMap = config.MAIL_TEMPLATES_FILE ? fromFile('MAIL_TEMPLATES_FILE', config.MAIL_TEMPLATES_FILE, loadMailMap) : MailMap.defaults();
    const mailer = new MailDispatcher({
      db, transport, logger, appUrl: config.APP_URL, appName: config.APP_NAME, defaultLanguage: config.DEFAULT_LANGUAGE,
      from: config.MAIL_FROM, maxAttempts: config.MAIL_MAX_ATTEMPTS, now: () => new Date(now()),
      mailMap, openAntiPhishing: (sealed) => encryptor.decrypt(sealed), freezeLink: (uid) => freezes.link(uid),
    });
    const eventApi = buildEventApi({ settings: config, db, key: keys, logger, now, publisher: o.eventPublisher });
    const events = new EventLog((name) => mailMap.handles(name), () => { mailer.kick(); eventApi.kick(); }, (uids) => {
      for (const uid of uids) void kv.publish(USER_CHANNEL, uid).catch((err) => logger.warn({ err: (err as Error).message }, 'user change not announced'));
    });
    // An in-process copy only pays off in front of a remote store; the in-process one is as fast.
    const sessions = new SessionService(kv, config.SESSION_EXPIRE_TIME, now,
      config.REDIS_URL ? { maxAgeMs: config.SESSION_CACHE_MS, maxEntries: 100_000 } : undefined);
    const tokens = new SignedTokens(keys, config.JWT_EXPIRE_TIME, now, deriveSubkey(keys.encryptionKey, 'warden/tokens/local-hs256/v1'));
    const passwordPolicy = {
      regexp: config.PASSWORD_REGEXP ? rubyRegexpToJs(config.PASSWORD_REGEXP) : DEFAULT_PASSWORD_REGEXP,
      minEntropy: config.PASSWORD_MIN_ENTROPY,
    };
    const hashPool = sharedArgon2Pool(config.HASH_THREADS || os.availableParallelism());
    const identity: IdentityDeps = {
      db, kv, sessions, tokens, events,
      hasher: new PasswordHasher(
        { memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST, parallelism: config.ARGON2_PARALLELISM },
        hashPool,
      ),
      labels: new LabelService(events, DEFAULT_STATE_RULES),
      activities: new ActivityLog(),
      limiter: new RateLimiter(kv, config.rateLimitExemptRanges),
      // The OTP service is built below (it needs the API-key cache); bound late, it is there before any request.
      secondFactor: { verify: (user, code, opts) => otp.verify(user, code, opts) } satisfies SecondFactor,
      settings: {
        uidPrefix: config.UID_PREFIX, domain: config.appDomain, tokenLifetime: config.JWT_EXPIRE_TIME,
        firstRegistrationSuperadmin: config.FIRST_REGISTRATION_SUPERADMIN, passwordPolicy, rates: config.rates,
      },
    };
    const accounts = new AccountService(identity);
    if (config.ADMIN_EMAIL && config.ADMIN_PASSWORD) {
      const created = await createActiveUser(identity, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, role: 'superadmin' });
      if (created) logger.info({ uid: created.uid }, 'superadmin created from ADMIN_EMAIL');
    }
    const policy = new PolicyCache(db, kv, seeds.rules ?? defaultPathRules(config.API_PREFIX), logger);
    await policy.start();
    const users = new UserSnapshots(db, kv);
    await users.start();
    await sessions.start();
    const encryptor = new Encryptor(keys.encryptionKey);
    const apiKeys = new ApiKeyService(db, encryptor, { now });
    const serviceAccountSnapshots = new ServiceAccountSnapshots(db, kv, 30_000, 10_000, now);
    await serviceAccountSnapshots.start();
    const serviceAccounts = new ServiceAccountService({
      db, apiKeys, secondFactor: identity.secondFactor, activities: identity.activities,
      settings: { allowedRoles: config.SERVICE_ACCOUNT_ROLES.split(','), maxPerOwner: config.SERVICE_ACCOUNTS_PER_USER },
      announce: (uid) => { serviceAccountSnapshots.forget(uid); void kv.publish(USER_CHANNEL, uid).catch((err) => logger.warn({ err: (err as Error).message }, 'service account change not announced')); },
    });
    identity.labels.onLeftActive(
      async (q, user) => [...await apiKeysRepo.setStateForHolder(q, 'User', user.id, 'active', 'inactive'), ...await serviceAccounts.deactivateKeysOfOwner(user.id, q)],
      (kids) => { for (const kid of kids) apiKeys.invalidate(kid); },
    );
    const keyManagement = new KeyManagement({
      db, apiKeys, secondFactor: identity.secondFactor, activities: identity.activities, now, onHold: (owner) => tokenAuth.apiKeyHold.active(owner),
    });
    const [otpAttempts, otpWindow] = config.RATE_LIMIT_OTP_USER.split('/').map(Number);
    const otp = new OtpService({
      db, encryptor, labels: identity.labels, events, activities: identity.activities, sessions, limiter: identity.limiter,
      apiKeyCache: apiKeys, issuer: config.APP_NAME, attempts: { count: otpAttempts, seconds: otpWindow }, now,
      onDisabled: [(user, q) => serviceAccounts.deactivateKeysOfOwner(user.id, q)],
    });
    const tokenAuth = buildTokenAuth({
      identity, keys, totp: otp, now,
      settings: {
        accessTokenLifetime: config.NBC_ACCESS_TOKEN_LIFETIME, refreshTokenLifetime: config.NBC_REFRESH_TOKEN_LIFETIME,
        emailCodeLifetime: config.EMAIL_CODE_LIFETIME, emailCodeMaxAttempts: config.EMAIL_CODE_MAX_ATTEMPTS,
        linkLifetime: config.JWT_EXPIRE_TIME, apiKeyHoldSeconds: config.TFA_RESET_HOLD_SECONDS,
      },
    });
    // One login for the Barong and Nebeus doors; it checks email second factors with the NBC door's codes.
    const logins = new LoginService(identity, accounts, tokenAuth.codes);
    const jwtIssuer = new JwtIssuer(keys, config.JWT_EXPIRE_TIME, now, { reuseMs: config.GATEWAY_JWT_REUSE_SECONDS * 1000 });
    const adminAudit = new AdminAudit(db, logger);
    const gateway = new Gateway({
      apiKeys: new HmacApiKeyAuthenticator(apiKeys, new NonceGuard(kv, config.APIKEY_NONCE_LIFETIME), users, serviceAccountSnapshots, config.APIKEY_NONCE_LIFETIME, now),
      policy, sessions, users, geoip, issuer: jwtIssuer, audit: adminAudit,
      csrfProtection: config.CSRF_PROTECTION, apiPrefix: config.API_PREFIX,
    });
    const kycDocuments = buildKycDocuments({
      db, events, labels: identity.labels, encryptionKey: keys.encryptionKey, log: logger, now, dataDir: config.dataDir,
      uploadsPath: `${config.API_PREFIX}/public/uploads`, urlLifetime: config.UPLOAD_URL_EXPIRE_TIME,
      settings: {
        documentTypes: config.DOCUMENT_TYPES.split(',').map((t) => t.trim()).filter(Boolean), requireExpire: config.REQUIRED_DOCS_EXPIRE,
        docNumLimit: config.DOC_NUM_LIMIT, limits: { minBytes: config.UPLOAD_SIZE_MIN_RANGE, maxBytes: config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024 },
      },
      s3: config.S3_BUCKET ? { bucket: config.S3_BUCKET, endpoint: config.S3_ENDPOINT, region: config.S3_REGION, accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY, forcePathStyle: config.S3_FORCE_PATH_STYLE } : undefined,
      provider: {
        name: config.KYC_PROVIDER, secret: config.KYC_CALLBACK_SECRET,
        kycaid: config.KYC_PROVIDER === 'kycaid' ? { url: config.KYCAID_API_URL, token: config.KYCAID_API_TOKEN!, formId: config.KYCAID_FORM_ID, callbackUrl: config.KYCAID_CALLBACK_URL } : undefined,
      },
      // Called only while serving callbacks, after kycProfiles below exists.
      reviewProfile: (user, verdict) => kycProfiles.profiles.review(user, verdict),
    });
    const freezes = new AccountFreezeService(identity, apiKeys, {
      url: config.FREEZE_URL ?? `${config.APP_URL.replace(/\/+$/, '')}${config.API_PREFIX}/identity/users/freeze`,
      lifetimeSeconds: config.FREEZE_LINK_LIFETIME,
    }, serviceAccounts);
    const antiPhishing = new AntiPhishingService(identity, encryptor);
    const { oauth, auth0 } = buildOAuth({
      identity, accounts, mailedCodes: tokenAuth, http: o.oauthHttp ?? new FetchOAuthHttp(), encryptionKey: keys.encryptionKey, now,
      warn: (fields, msg) => logger.warn(fields, msg),
      settings: {
        providersFile: config.OAUTH_PROVIDERS_FILE, apiPrefix: config.API_PREFIX, appUrl: config.APP_URL, callbackBaseUrl: config.OAUTH_CALLBACK_BASE_URL,
        resultUrl: config.OAUTH_RESULT_URL, auth0Domain: config.AUTH0_DOMAIN, auth0ClientId: config.AUTH0_CLIENT_ID,
      },
    });
    const [phoneCodes, phoneCodeWindow] = config.RATE_LIMIT_PHONE_CODE.split('/').map(Number);
    const kycProfiles = buildKycProfiles({
      db, events, labels: identity.labels, limiter: identity.limiter, encryptionKey: keys.encryptionKey, log: logger, now,
      sms: o.sms ?? createSmsProvider(config, logger), dataStorageTitles: parseStorageTitles(config.DATA_STORAGE_TITLES),
      phone: { codeLifetime: config.PHONE_CODE_LIFETIME, maxAttempts: config.PHONE_CODE_MAX_ATTEMPTS, sendRate: { count: phoneCodes, seconds: phoneCodeWindow } },
    });
    if (o.startMailer !== false) mailer.start();
    if (o.startRelay !== false) eventApi.start();
    return {
      eventApi, antiPhishing, freezes, oauth, auth0, kycProfiles, tokenAuth, management,
      config, db, kv, keys, identity, accounts, mailer, geoip, policy, users, gateway, apiKeys, encryptor, otp, keyManagement, serviceAccounts,
      abilities: new Abilities(config.ABILITIES_FILE ? fromFile('ABILITIES_FILE', config.ABILITIES_FILE, readAbilitiesFile) : DEFAULT_ABILITIES), kycDocuments,
      adminUsers: buildAdminUsers({
        db, events, labels: identity.labels, profiles: kycProfiles.profiles, otp, apiKeys, dataStorage: kycProfiles.dataStorage,
        serviceAccountKeys: (ownerId, q) => serviceAccounts.deactivateKeysOfOwner(ownerId, q),
        documentsOf: (userId) => kycDocuments.review.documentsOf(userId),
        profileReview: { doubleVerification: config.PROFILE_DOUBLE_VERIFICATION, verificationRoles: config.PROFILE_VERIFICATION_ROLES.split(',').filter(Boolean) },
      }),
      captcha: createCaptchaVerifier({ provider: config.CAPTCHA_PROVIDER, secret: config.CAPTCHA_SECRET, siteKey: config.CAPTCHA_SITE_KEY, verifyUrl: config.CAPTCHA_VERIFY_URL }),
      passwordRegexpRubyForm: config.PASSWORD_REGEXP ? rubyRegexpToS(config.PASSWORD_REGEXP) : DEFAULT_PASSWORD_REGEXP_RUBY_FORM,
      logins,
      resets: new PasswordResetService(identity),
      userAccounts: new UserAccountService(identity),
      callers: new CallerResolver(db, gateway, keys.verificationKeys, now, tokenAuth.sessions),
      whitelinks: new WhitelinkService(db, kv, { cache: policy, log: logger }),
      nebeus: buildNebeus({
        db, identity, accounts, logins, profiles: kycProfiles.profiles, oauth, storage: kycDocuments.storage, log: logger, now,
        settings: {
          db: config.NEBEUS_DB, companyId: config.NEBEUS_COMPANY_ID, lang: config.NEBEUS_LANG, tz: config.NEBEUS_TZ, defaultCurrency: config.NEBEUS_DEFAULT_CURRENCY,
          points: { address: config.NEBEUS_POINTS_ADDRESS, identity: config.NEBEUS_POINTS_IDENTITY, phone: config.NEBEUS_POINTS_PHONE },
          rating: config.NEBEUS_RATING, creditRank: config.NEBEUS_CREDIT_RANK, transactions: config.NEBEUS_TRANSACTIONS, operations: config.NEBEUS_OPERATIONS,
          avatarMaxBytes: config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024,
        },
      }),
      readings: {
        warden_password_hash_queue: { kind: 'gauge', help: 'password hashes waiting for a hashing thread', read: () => hashPool.queued },
        warden_gateway_jwt_signed_total: { kind: 'counter', help: 'gateway JWTs signed', read: () => jwtIssuer.stats().issued },
        warden_gateway_jwt_reused_total: { kind: 'counter', help: 'gateway checks answered with a still-fresh JWT', read: () => jwtIssuer.stats().reused },
        warden_admin_audit_dropped_total: { kind: 'counter', help: 'gateway admin activities dropped because the database fell 10,000 behind', read: () => adminAudit.droppedCount },
      },
      adminConsole: buildAdminConsole({
        db, kv, policy, apiKeys, log: logger,
        // blocklogin ends every session: the cookie sessions and the NBC door's token families
        sessions: { destroyEveryone: async () => (await sessions.destroyEveryone()) + (await tokenAuth.sessions.endEveryone()) },
      }),
      async close() {
        policy.stop();
        await kycDocuments.close();
        await eventApi.stop();
        await mailer.stop();
        await transport.close();
        await kv.close();
        await db.close();
      },
    };
  } catch (err) {
    await Promise.allSettled([kv.close(), db.close()]);
    throw err;
  }
}

/** A setting's file read at boot; its failure names the variable (a YAML parser's message alone does not). */
function fromFile<T>(variable: string, file: string, read: (file: string) => T): T {
  try {
    return read(file);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.includes(variable) ? message : `${variable} (${file}): ${message}`);
  }
}
