import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import type { AdminAction, AdminModel } from '../../../domain/admin/abilities.js';
import { AppError } from '../../../errors/app-error.js';
import type { User } from '../../../domain/users/user.js';
import { callerOf, requireCaller } from '../resource/auth.js';

/** What an admin route needs: an action on a model, or `none` for the caller's own ability map. */
export type AdminAbility = readonly [Exclude<AdminAction, 'manage'>, AdminModel] | 'none';

declare module 'fastify' {
  interface FastifyContextConfig { ability?: AdminAbility }
}

/**
 * Authentication (Bearer JWT, or cookie/API key without a gateway) and the ability check of
 * BARONG.md §8.0 for every route of an admin plugin. A route that declares no `config.ability`
 * stops the boot, so no admin endpoint can ship without a check (Warden fix #9).
 */
export function adminGuard(app: FastifyInstance, c: Container): void {
  requireCaller(app, c, { auditBody: true });
  app.addHook('onRoute', (route) => {
    if (!route.config?.ability) throw new Error(`admin route ${String(route.method)} ${route.url} declares no config.ability`);
  });
  app.addHook('preHandler', async (req) => {
    const ability = req.routeOptions.config.ability!;
    if (ability === 'none') return;
    if (!c.abilities.can(callerOf(req).user.role, ability[0], ability[1])) throw new AppError('admin.ability.not_permitted');
  });
}

/** The admin making the call. */
export const adminOf = (req: FastifyRequest): User => callerOf(req).user;

/**
 * Superadmin protection (§8.0): only a superadmin may change a superadmin (or make one).
 * `key` is the group's own error key (`admin.user.superadmin_change`, `admin.profiles.superadmin_change`).
 */
export function protectSuperadmin(caller: User, target: { role: string }, key: 'admin.user.superadmin_change' | 'admin.profiles.superadmin_change'): void {
  if (target.role === 'superadmin' && caller.role !== 'superadmin') throw new AppError(key);
}
