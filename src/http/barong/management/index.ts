import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { buildManagement } from '../../../domain/management/wiring.js';
import { mountManagement, ManagementRouter } from './router.js';
import { userRoutes } from './users.js';
import { labelRoutes } from './labels.js';
import { kycRoutes } from './kyc.js';
import { serviceAccountRoutes } from './service-accounts.js';
import { apiKeyRoutes } from './api-keys.js';

/**
 * The management API (BARONG.md §9): service-to-service calls signed by several parties
 * (multi-signature JWS). The gateway's default rules block it at the edge.
 */
export async function managementRoutes(app: FastifyInstance, { c }: { c: Container }) {
  const router = new ManagementRouter();
  router.post('/timestamp', 'tools', 'Server time (unix seconds)', async () => ({ timestamp: Math.floor(c.management.now() / 1000) }));
  const m = buildManagement({
    db: c.db, events: c.identity.events, hasher: c.identity.hasher, labels: c.identity.labels, users: c.adminUsers.users,
    uidPrefix: c.config.UID_PREFIX, passwordPolicy: c.identity.settings.passwordPolicy, pii: c.kycProfiles.pii, profiles: c.kycProfiles.profiles, now: c.management.now,
    apiKeys: c.apiKeys, apiKeySettings: { uidPrefix: c.config.UID_PREFIX, forUsers: c.config.MANAGEMENT_API_KEYS_USER, forServiceAccounts: c.config.MANAGEMENT_API_KEYS_SA },
    secondFactor: c.identity.secondFactor, signingKey: c.keys.signingKey, signingAlgorithm: c.keys.algorithm, documents: c.kycDocuments.documents,
    serviceAccounts: c.serviceAccounts, serviceAccountPage: (owner, page, limit) => c.adminConsole.accounts.serviceAccounts(owner, page, limit),
  });
  userRoutes(router, c, m);
  labelRoutes(router, c, m);
  kycRoutes(router, c, m);
  serviceAccountRoutes(router, c, m);
  apiKeyRoutes(router, c, m);
  // Documents carry the file as base64 inside a base64url payload: room for the largest upload, twice inflated.
  const bodyLimit = Math.max(1024 * 1024, Math.ceil(c.config.UPLOAD_SIZE_MAX_RANGE * 1024 * 1024 * 1.8) + 64 * 1024);
  mountManagement(app, c, router, bodyLimit);
}
