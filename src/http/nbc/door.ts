import type { FastifyInstance } from 'fastify';
import type { Container } from '../../container.js';
import { nbcErrorHandler } from './errors.js';
import { TAG } from './http-kit.js';
import { nbcApiRoutes } from './routes-api.js';
import { nbcAuthRoutes } from './routes-auth.js';
import { nbcSignUpRoutes } from './routes-sign-up.js';
import { nbcTfaResetRoutes } from './routes-tfa.js';

/**
 * The NBC gate front door at the root (`/auth/*`, `/tfa/*`, `/api/<nbc groups>`), each path
 * also reachable with a doubled leading slash. Its error handler is scoped to this plugin, so
 * the Barong door keeps its own dialect. GET /auth/openapi.json is this door's OpenAPI document.
 */
export async function nbcDoor(app: FastifyInstance, { c }: { c: Container }) {
  app.setErrorHandler(nbcErrorHandler);
  await app.register(nbcAuthRoutes, { c });
  await app.register(nbcSignUpRoutes, { c });
  await app.register(nbcTfaResetRoutes, { c });
  await app.register(nbcApiRoutes, { c });

  let doc: object | null = null;
  app.get('/auth/openapi.json', { schema: { hide: true } }, async () => {
    doc ??= doorDocument(app.swagger() as unknown as OpenApi);
    return doc;
  });
}

interface OpenApi { openapi: string; info: object; components?: { securitySchemes?: Record<string, unknown> }; paths: Record<string, Record<string, { tags?: string[] }>> }

/** The application's document cut down to this door's operations. */
function doorDocument(all: OpenApi) {
  const paths: OpenApi['paths'] = {};
  for (const [path, ops] of Object.entries(all.paths ?? {})) {
    const mine = Object.fromEntries(Object.entries(ops).filter(([, op]) => op && typeof op === 'object' && op.tags?.includes(TAG)));
    if (Object.keys(mine).length) paths[path] = mine;
  }
  return {
    openapi: all.openapi,
    info: {
      title: 'Warden — NBC gate door', version: (all.info as { version?: string }).version ?? '0',
      description: 'Token sign-in (access token JWT + rotating refresh token), email or authenticator second factor, step-by-step sign-up. '
        + 'Errors: {"statusCode", "message", "errors": [{"code", "field"}]}. Every path also answers with a doubled leading slash.',
    },
    components: { securitySchemes: { bearer: all.components?.securitySchemes?.bearer ?? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  };
}
