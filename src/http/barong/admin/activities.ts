import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import type { AdminActivityFilter } from '../../../domain/admin/activities-admin.js';
import type { AdminActivityRow } from '../../../db/repositories/admin-activities.js';
import type { UserRef } from '../../../db/repositories/admin-user-refs.js';
import { ValidationError } from '../../../errors/app-error.js';
import { pageParams, setPageHeaders } from '../common.js';
import { iso, userEntity } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard } from './guard.js';

const text = (name: string, description: string) => P.opt(P.str({ 'x-invalid': `admin.activity.non_string_${name}`, description }));
const Filters = {
  topic: text('topic', 'activity topic (session, account, password, otp, …; admin rows: the API group)'),
  action: text('action', 'activity action'),
  uid: text('uid', 'the actor\'s uid'),
  email: text('email', 'the actor\'s email'),
  target_uid: text('target_uid', 'uid of the user an admin acted on'),
  from: P.opt(P.int({ description: 'unix seconds; created at or after' })),
  to: P.opt(P.int({ description: 'unix seconds; created at or before' })),
  page: P.opt(P.int({ 'x-invalid': 'non_integer_page' })),
  limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit' })),
};
const UserQuery = P.obj(Filters);
const AdminQuery = P.obj({ ...Filters, range: P.opt(P.str({ description: 'created (the only time column of activities)' })) });

/** Blank filters are no filters (a cleared search box). */
const given = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

function filterOf(p: { topic?: string; action?: string; uid?: string; email?: string; target_uid?: string; from?: number; to?: number }): Omit<AdminActivityFilter, 'category'> {
  return { topic: given(p.topic), action: given(p.action), uid: given(p.uid), email: given(p.email), targetUid: given(p.target_uid), from: p.from, to: p.to };
}

const user = (r: UserRef | null) => (r ? userEntity(r.user, r.referralUid) : null);
const common = (a: AdminActivityRow) => ({
  user_ip: a.user_ip, user_ip_country: a.user_ip_country, user_agent: a.user_agent, topic: a.topic, action: a.action, result: a.result, data: a.data,
});

/** The audit log (BARONG.md §8.2): user activities and admin activities, newest first. */
export async function adminActivityRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/activities', {
    config: { ability: ['read', 'Activity'] },
    schema: { tags, security, summary: 'User activities with their user, newest first (paginated)', querystring: UserQuery },
  }, async (req, reply) => {
    const p = parseParams(UserQuery, mergedParams(req), 'admin.activity');
    const { page, limit } = pageParams(p);
    const { total, items } = await c.adminConsole.activities.userActivities(filterOf(p), page, limit);
    setPageHeaders(reply, total, page, limit);
    return items.map((i) => ({ ...common(i.activity), user: user(i.user), created_at: iso(i.activity.created_at) }));
  });

  app.get('/activities/admin', {
    config: { ability: ['read', 'Activity'] },
    schema: { tags, security, summary: 'Admin activities with the admin and the target user, newest first (paginated)', querystring: AdminQuery },
  }, async (req, reply) => {
    const p = parseParams(AdminQuery, mergedParams(req), 'admin.activity');
    if (p.range !== undefined && p.range !== 'created') throw new ValidationError(['admin.activity.invalid_range']);
    const { page, limit } = pageParams(p);
    const { total, items } = await c.adminConsole.activities.adminActivities(filterOf(p), page, limit);
    setPageHeaders(reply, total, page, limit);
    return items.map((i) => ({ ...common(i.activity), admin: user(i.admin), target: user(i.target), created_at: iso(i.activity.created_at) }));
  });
}
