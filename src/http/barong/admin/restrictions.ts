import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import type { Restriction } from '../../../domain/admin/policy-admin-restrictions.js';
import { CATEGORIES, SCOPES } from '../../../domain/restrictions/restriction-rules.js';
import { ValidationError } from '../../../errors/app-error.js';
import { requestContext } from '../../request-context.js';
import { pageParams, setPageHeaders } from '../common.js';
import { iso } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard, adminOf } from './guard.js';

const PREFIX = 'admin.restriction';
const STATES = ['enabled', 'disabled'];
const paging = { page: P.opt(P.int({ 'x-invalid': 'non_integer_page' })), limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit' })) };
const ListQuery = P.obj({
  scope: P.opt(P.str({ description: SCOPES.join(', ') })), category: P.opt(P.str({ description: CATEGORIES.join(', ') })),
  range: P.opt(P.str({ description: 'created (default) or updated: the column from/to apply to' })),
  from: P.opt(P.int({ description: 'unix seconds, inclusive' })), to: P.opt(P.int({ description: 'unix seconds, inclusive' })), ...paging,
});
const scope = P.str({ 'x-nonblank': true, description: SCOPES.join(', ') });
const category = P.str({ 'x-nonblank': true, description: CATEGORIES.join(', ') });
const value = P.str({ 'x-nonblank': true, description: 'an IPv4/IPv6 address (ip), a CIDR (ip_subnet), a country or continent name or ISO code, or all' });
const state = P.opt(P.str({ description: 'enabled (default) or disabled' }));
const code = P.opt(P.int({ description: 'HTTP status of a denial (default per category and scope; whitelists always get theirs)' }));
const Create = P.obj({ scope, value, category, state, code });
const Update = P.obj({ id: P.int(), scope: P.opt(scope), category: P.opt(category), value: P.opt(value), state, code });
const Delete = P.obj({ id: P.int() });
const Whitelink = P.obj({
  expire_time: P.opt(P.int({ 'x-invalid': 'invalid_expire', description: '1..30 (default 1)' })),
  range: P.opt(P.str({ description: 'day (default) or hour' })),
});

/** Grape's `values:` checks of the group, run after presence and coercion. */
function checkValues(p: { scope?: string; category?: string; state?: string; range?: string }, ranges?: readonly string[]): void {
  const errors: string[] = [];
  if (p.scope !== undefined && !(SCOPES as readonly string[]).includes(p.scope)) errors.push('admin.restriction.invalid_scope');
  if (p.category !== undefined && !(CATEGORIES as readonly string[]).includes(p.category)) errors.push('admin.restriction.invalid_category');
  if (p.state !== undefined && !STATES.includes(p.state)) errors.push('admin.restriction.invalid_state');
  if (ranges && p.range !== undefined && !ranges.includes(p.range)) errors.push('admin.restriction.invalid_range');
  if (errors.length) throw new ValidationError(errors);
}

export function restrictionEntity(r: Restriction) {
  return { id: r.id, category: r.category, scope: r.scope, value: r.value, code: r.code, state: r.state, created_at: iso(r.createdAt), updated_at: iso(r.updatedAt) };
}

/** Gateway restrictions and whitelinks (BARONG.md §8.5, §16.1). Every edit reaches every instance's gateway. */
export async function adminRestrictionRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const ctx = (req: FastifyRequest) => requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip);

  app.get('/restrictions', {
    config: { ability: ['read', 'Restriction'] }, schema: { tags, security, summary: 'Restrictions, id order (paginated)', querystring: ListQuery },
  }, async (req, reply) => {
    const p = parseParams(ListQuery, mergedParams(req), PREFIX);
    checkValues(p, ['created', 'updated']);
    const { page, limit } = pageParams(p);
    const filter = { scope: p.scope, category: p.category, range: p.range === 'updated' ? 'updated' as const : 'created' as const, from: p.from, to: p.to };
    const { total, rows } = await c.adminConsole.restrictions.list(filter, page, limit);
    setPageHeaders(reply, total, page, limit);
    return rows.map(restrictionEntity);
  });

  app.post('/restrictions', {
    config: { ability: ['create', 'Restriction'] }, schema: { tags, security, summary: 'Add a restriction (an enabled blocklogin ends every session)', body: Create },
  }, async (req, reply) => {
    const p = parseParams(Create, mergedParams(req), PREFIX);
    checkValues(p);
    await c.adminConsole.restrictions.create(adminOf(req), ctx(req), p);
    return reply.status(200).send();
  });

  app.put('/restrictions', {
    config: { ability: ['update', 'Restriction'] }, schema: { tags, security, summary: 'Change a restriction (validated as a whole)', body: Update },
  }, async (req, reply) => {
    const { id, ...patch } = parseParams(Update, mergedParams(req), PREFIX);
    checkValues(patch);
    await c.adminConsole.restrictions.update(adminOf(req), ctx(req), id, patch);
    return reply.status(200).send();
  });

  app.delete('/restrictions', {
    config: { ability: ['destroy', 'Restriction'] }, schema: { tags, security, summary: 'Delete a restriction', querystring: Delete },
  }, async (req, reply) => {
    const p = parseParams(Delete, mergedParams(req), PREFIX);
    await c.adminConsole.restrictions.remove(adminOf(req), ctx(req), p.id);
    return reply.status(200).send();
  });

  app.post('/restrictions/whitelink', {
    config: { ability: ['create', 'Restriction'] },
    schema: { tags, security, summary: 'A single-use token whose holder gets his IP whitelisted (identity/users/access)', body: Whitelink },
  }, async (req, reply) => {
    const p = parseParams(Whitelink, mergedParams(req), PREFIX);
    const errors: string[] = [];
    const expire = p.expire_time ?? 1;
    if (expire < 1 || expire > 30) errors.push('invalid_expire');
    if (p.range !== undefined && p.range !== 'day' && p.range !== 'hour') errors.push('invalid_range');
    if (errors.length) throw new ValidationError(errors);
    const token = await c.adminConsole.restrictions.whitelink(adminOf(req), ctx(req), expire, p.range === 'hour' ? 'hour' : 'day');
    return reply.status(201).send({ whitelink_token: token });
  });
}
