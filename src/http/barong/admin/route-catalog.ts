import type { FastifyInstance } from 'fastify';
import type { AdminAbility } from './guard.js';

/** One admin endpoint as declared: what the ability matrix and the docs are built from. */
export interface AdminRoute { method: string; url: string; ability: AdminAbility | undefined; superadminOnly: boolean }

declare module 'fastify' {
  interface FastifyInstance { adminRoutes: readonly AdminRoute[] }
  /** Beyond the ability: only a superadmin may call the route (permission edits, issue 6). */
  interface FastifyContextConfig { superadminOnly?: boolean }
}

/**
 * Records every route registered under `adminPrefix` from now on (call it before the admin
 * plugins). Tests walk the list to check each role against each endpoint.
 */
export function catalogAdminRoutes(app: FastifyInstance, adminPrefix: string): void {
  const routes: AdminRoute[] = [];
  app.decorate('adminRoutes', routes);
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith(`${adminPrefix}/`)) return;
    for (const method of [r.method].flat()) {
      // HEAD twins of GET routes are Fastify's, not declared endpoints.
      if (method !== 'HEAD') routes.push({ method, url: r.url, ability: r.config?.ability, superadminOnly: r.config?.superadminOnly === true });
    }
  });
}
