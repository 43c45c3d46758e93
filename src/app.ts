import http from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Container } from './container.js';
import { jwksDocument } from './domain/authz/jwks.js';
import { barongErrorHandler, installNotFound } from './http/barong/error-handler.js';
import { identityRoutes } from './http/barong/identity/routes.js';
import { publicRoutes } from './http/barong/public/routes.js';
import { identityOAuthRoutes } from './http/barong/identity/oauth.js';
import { resourceOAuthRoutes } from './http/barong/resource/oauth.js';
import { publicAuth0Routes } from './http/barong/public/auth0.js';
import { resourceUserRoutes } from './http/barong/resource/users.js';
import { resourceAntiPhishingRoutes } from './http/barong/resource/anti-phishing.js';
import { freezeRoutes } from './http/barong/identity/freeze.js';
import { resourceOtpRoutes } from './http/barong/resource/otp.js';
import { resourceApiKeyRoutes } from './http/barong/resource/api-keys.js';
import { resourceServiceAccountRoutes } from './http/barong/resource/service-accounts.js';
import { resourceProfileRoutes } from './http/barong/resource/profiles.js';
import { resourcePhoneRoutes } from './http/barong/resource/phones.js';
import { resourceLabelRoutes } from './http/barong/resource/labels.js';
import { resourceDataStorageRoutes } from './http/barong/resource/data-storage.js';
import { adminUserRoutes } from './http/barong/admin/users.js';
import { adminUserLabelRoutes } from './http/barong/admin/user-labels.js';
import { adminCommentRoutes } from './http/barong/admin/comments.js';
import { adminProfileRoutes } from './http/barong/admin/profiles.js';
import { catalogAdminRoutes } from './http/barong/admin/route-catalog.js';
import { adminGeneralRoutes } from './http/barong/admin/general.js';
import { adminActivityRoutes } from './http/barong/admin/activities.js';
import { adminApiKeyRoutes } from './http/barong/admin/api-keys.js';
import { adminPermissionRoutes } from './http/barong/admin/permissions.js';
import { adminRestrictionRoutes } from './http/barong/admin/restrictions.js';
import { adminServiceAccountRoutes } from './http/barong/admin/service-accounts.js';
import { resourceDocumentRoutes } from './http/barong/resource/documents.js';
import { resourceAddressRoutes } from './http/barong/resource/addresses.js';
import { publicKycRoutes } from './http/barong/public/kyc.js';
import { publicUploadRoutes } from './http/barong/public/uploads.js';
import { opsRoutes } from './http/ops.js';
import { gatewayRoutes } from './http/gateway/routes.js';
import { countInFlight, InFlight } from './http/in-flight.js';
import { gatewayFastPath } from './http/gateway/fast-path.js';
import { parseRackQuery } from './http/rack-params.js';
import { parseJsonWithoutNul } from './lib/nul.js';
import { acceptGetBodies } from './http/get-body-params.js';
import { addMultipartFieldsParser } from './http/multipart-fields.js';
import { HttpMetrics } from './http/metrics.js';
import { nbcDoor } from './http/nbc/door.js';
import { consoleRoutes } from './http/console.js';
import { nebeusDoor } from './http/nebeus/door.js';
import { resourceProfileImageRoutes } from './http/barong/resource/profile-image.js';
import { adminNebeusRoutes } from './http/barong/admin/nebeus.js';
import { managementRoutes } from './http/barong/management/index.js';

/** Paths whose values must never reach a log line. */
export const REDACTED = [
  'req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'req.headers["x-auth-signature"]',
  'res.headers["set-cookie"]', 'req.headers["x-refresh-token"]', 'res.headers["x-refresh-token"]', 'req.headers["x-registration-token"]',
];

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return { level, redact: { paths: REDACTED, censor: '[redacted]' } };
}

/** Builds the HTTP application on a container; does not listen (tests use inject). */
export async function buildApp(c: Container, opts: { logger?: FastifyServerOptions['logger'] | boolean } = {}): Promise<FastifyInstance> {
  const metrics = new HttpMetrics();
  for (const [name, r] of Object.entries(c.readings)) metrics.reading(r.kind, name, r.help, r.read);
  // Set once the app exists; the server only gets requests after listen().
  let fastPath: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean) | null = null;
  const app = Fastify({
    // The gateway check skips Fastify on a listening server (http/gateway/fast-path.ts).
    serverFactory: (handler, options) => {
      // Timeouts are enforced at each connection check: every 2 s, not Node's default 30 s.
      const server = http.createServer({ connectionsCheckingInterval: 2000 }, (req, res) => { if (!fastPath?.(req, res)) handler(req, res); });
      const o = options as { keepAliveTimeout?: number };
      server.keepAliveTimeout = o.keepAliveTimeout ?? 72_000;
      // Fastify's default (0) kept a request whose body never came open for ever: a slow client
      // could hold every file handle. A request must arrive whole within REQUEST_TIMEOUT seconds
      // (its headers within 20 s), or Node answers 408 and closes the connection.
      server.requestTimeout = c.config.REQUEST_TIMEOUT * 1000;
      server.headersTimeout = Math.min(20_000, server.requestTimeout);
      return server;
    },
    logger: opts.logger ?? loggerOptions(c.config.LOG_LEVEL),
    // Fastify accepts a hop count too (proxy-addr); its types only list the other forms.
    trustProxy: c.config.trustProxy as boolean | string | string[],
    bodyLimit: 1024 * 1024,
    // Rack's `name[]` arrays and `name[key]` hashes (http/rack-params.ts).
    routerOptions: { querystringParser: parseRackQuery },
    // Fastify's own request lines carry the full URL, and query strings may hold tokens: we log
    // method, route pattern, status and time ourselves (onResponse below).
    logController: new LogController({ disableRequestLogging: true }),
    // A URL that cannot be decoded never reaches a route: answer in the dialect of its door.
    frameworkErrors: (error, req, rawReply) => {
      const reply = rawReply as unknown as FastifyReply;
      if ((error as { code?: string }).code === 'FST_ERR_BAD_URL') {
        if (req.url.startsWith(`${c.config.AUTHZ_PREFIX}/`)) return reply.status(400).type('application/json; charset=utf-8').send('{"errors":["authz.invalid_path"]}');
        return reply.status(404).type('application/json').send({ error: 'Route is not found' });
      }
      return reply.status(400).type('application/json').send({ errors: ['server.request.invalid_body'] });
    },
  });
  const inFlight = new InFlight();
  countInFlight(app, inFlight);
  // Barong params are validated by http/barong/params.ts (Barong's keys); route schemas only document.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  // Barong clients send DELETE/POST with a JSON content type and no body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, {});
    try { done(null, parseJsonWithoutNul(text)); } catch { const e = new Error('invalid JSON body') as Error & { statusCode: number }; e.statusCode = 400; done(e, undefined); }
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(cookie);
  await app.register(formbody, { parser: parseRackQuery });
  addMultipartFieldsParser(app, 1024 * 1024);
  acceptGetBodies(app, c.config.API_PREFIX);
  await app.register(cors, {
    // '*' is sent as '*' (rack-cors does the same without credentials), not the caller's Origin echoed back.
    origin: c.config.corsOrigins === '*' ? '*' : [...c.config.corsOrigins],
    credentials: c.config.corsOrigins !== '*',
    methods: ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'HEAD'],
    maxAge: 3600,
  });
  const prefix = c.config.API_PREFIX;
  await app.register(swagger, {
    openapi: {
      info: { title: 'Warden', version: '0.1.0', description: 'Barong v2 compatible identity API' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: { type: 'apiKey', in: 'cookie', name: c.config.SESSION_COOKIE_NAME },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.setErrorHandler(barongErrorHandler);
  installNotFound(app);
  // Before any admin plugin: the list of admin endpoints and their abilities (the ability matrix test).
  catalogAdminRoutes(app, `${prefix}/admin`);
  await app.register(opsRoutes, { c, metrics });
  fastPath = gatewayFastPath(c, metrics, app.log, inFlight);
  const jwks = jwksDocument(c.keys);
  app.get('/.well-known/jwks.json', { schema: { tags: ['gateway'], summary: 'Public keys that verify the gateway JWTs (current key first, then previous ones)' } },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=300').send(jwks));
  await app.register(identityRoutes, { prefix: `${prefix}/identity`, c });
  await app.register(publicRoutes, { prefix: `${prefix}/public`, c });
  await app.register(identityOAuthRoutes, { prefix: `${prefix}/identity`, c });
  await app.register(resourceOAuthRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(publicAuth0Routes, { prefix: `${prefix}/public`, c });
  await app.register(publicKycRoutes, { prefix: `${prefix}/public`, c });
  await app.register(publicUploadRoutes, { prefix: `${prefix}/public`, c });
  await app.register(resourceDocumentRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceAddressRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceUserRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceAntiPhishingRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(freezeRoutes, { prefix: `${prefix}/identity`, c });
  await app.register(resourceOtpRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceApiKeyRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceServiceAccountRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceProfileRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourcePhoneRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceLabelRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceDataStorageRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(resourceProfileImageRoutes, { prefix: `${prefix}/resource`, c });
  await app.register(adminUserRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminUserLabelRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminCommentRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminProfileRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminGeneralRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminActivityRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminApiKeyRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminPermissionRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminRestrictionRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminServiceAccountRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(adminNebeusRoutes, { prefix: `${prefix}/admin`, c });
  await app.register(managementRoutes, { prefix: `${prefix}/management`, c });
  await app.register(gatewayRoutes, { prefix: c.config.AUTHZ_PREFIX, c });
  // The NBC gate door at the root, with its own error dialect (scoped to its plugin).
  await app.register(nbcDoor, { c });
  // The admin console (single-page app) at /admin.
  await app.register(consoleRoutes, { c });
  // The Nebeus door at the root: JSON-RPC, with its own body parsing and error rendering (scoped to its plugin).
  await app.register(nebeusDoor, { c });
  app.get(`${prefix}/resource/swagger_doc`, { schema: { hide: true } }, async () => app.swagger());
  return app;
}
