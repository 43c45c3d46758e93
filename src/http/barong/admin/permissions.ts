import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { mayEditPermissions, type Permission } from '../../../domain/admin/policy-admin.js';
import { AppError } from '../../../errors/app-error.js';
import { requestContext } from '../../request-context.js';
import { pageParams, setPageHeaders } from '../common.js';
import { iso } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard, adminOf } from './guard.js';
import './route-catalog.js';

const PREFIX = 'admin.permission';
const field = (description: string) => P.str({ 'x-nonblank': true, description });
const role = field('role the rule applies to (must already have a permission)');
const verb = field('GET, POST, PUT, DELETE, PATCH, HEAD or ALL');
const path = field('path prefix without leading slash, e.g. api/v2/auth/resource');
const action = field('ACCEPT, DROP or AUDIT');
const topic = P.opt(field('admin activity topic for AUDIT rules'));
const ListQuery = P.obj({ page: P.opt(P.int({ 'x-invalid': 'non_integer_page' })), limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit' })) });
const Create = P.obj({ role, verb, path, action, topic });
const Update = P.obj({ id: P.int(), role: P.opt(role), verb: P.opt(verb), path: P.opt(path), action: P.opt(action), topic });
const Delete = P.obj({ id: P.int() });

export function permissionEntity(p: Permission) {
  return { id: p.id, action: p.action, role: p.role, verb: p.verb, path: p.path, topic: p.topic, created_at: iso(p.createdAt), updated_at: iso(p.updatedAt) };
}

/**
 * The gateway's permission rules (BARONG.md §8.4). Edits are for superadmins only, checked
 * before the parameters; every edit reaches every instance's gateway cache.
 */
export async function adminPermissionRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  app.addHook('preHandler', async (req) => {
    if (req.routeOptions.config.superadminOnly && !mayEditPermissions(adminOf(req))) throw new AppError('admin.ability.not_permitted');
  });
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const ctx = (req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

  app.get('/permissions', {
    config: { ability: ['read', 'Permission'] }, schema: { tags, security, summary: 'Permission rules, id order (paginated)', querystring: ListQuery },
  }, async (req, reply) => {
    const { page, limit } = pageParams(parseParams(ListQuery, mergedParams(req), PREFIX));
    const { total, rows } = await c.adminConsole.permissions.list(page, limit);
    setPageHeaders(reply, total, page, limit);
    return rows.map(permissionEntity);
  });

  app.post('/permissions', {
    config: { ability: ['create', 'Permission'], superadminOnly: true }, schema: { tags, security, summary: 'Add a rule (superadmin)', body: Create },
  }, async (req, reply) => {
    const p = parseParams(Create, mergedParams(req), PREFIX);
    await c.adminConsole.permissions.create(adminOf(req), ctx(req), p);
    return reply.status(200).send();
  });

  app.put('/permissions', {
    config: { ability: ['update', 'Permission'], superadminOnly: true }, schema: { tags, security, summary: 'Change a rule (superadmin)', body: Update },
  }, async (req, reply) => {
    const { id, ...patch } = parseParams(Update, mergedParams(req), PREFIX);
    await c.adminConsole.permissions.update(adminOf(req), ctx(req), id, patch);
    return reply.status(200).send();
  });

  app.delete('/permissions', {
    config: { ability: ['destroy', 'Permission'], superadminOnly: true }, schema: { tags, security, summary: 'Delete a rule (superadmin)', querystring: Delete },
  }, async (req, reply) => {
    const p = parseParams(Delete, mergedParams(req), PREFIX);
    await c.adminConsole.permissions.remove(adminOf(req), ctx(req), p.id);
    return reply.status(200).send();
  });
}
