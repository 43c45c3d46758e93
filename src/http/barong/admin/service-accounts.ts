import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { pageParams, setPageHeaders } from '../common.js';
import { iso, userEntity } from '../entities.js';
import { mergedParams, P, parseParams } from '../params.js';
import { adminGuard } from './guard.js';

const AccountsQuery = P.obj({
  owner_uid: P.opt(P.str({ 'x-nonblank': true, description: 'only this user\'s service accounts' })),
  page: P.opt(P.int({ 'x-invalid': 'non_integer_page' })),
  limit: P.opt(P.int({ 'x-invalid': 'non_integer_limit' })),
});

/**
 * Service accounts for admins (BARONG.md §16.4; Warden's addition), with their owner. Guarded by
 * read User (Barong's abilities file has no ServiceAccount model; the rows carry the owner's User).
 */
export async function adminServiceAccountRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/service_accounts', {
    config: { ability: ['read', 'User'] },
    schema: { tags, security, summary: 'Service accounts, all or one owner\'s, id order (paginated)', querystring: AccountsQuery },
  }, async (req, reply) => {
    const p = parseParams(AccountsQuery, mergedParams(req), 'admin.serviceaccount');
    const { page, limit } = pageParams(p);
    const { total, items } = await c.adminConsole.accounts.serviceAccounts(p.owner_uid?.trim(), page, limit);
    setPageHeaders(reply, total, page, limit);
    // The ServiceAccounts entity (§4), keys in Barong's order.
    return items.map(({ account: a, owner }) => ({
      email: a.email, uid: a.uid, role: a.role, level: a.level, state: a.state,
      user: owner ? userEntity(owner.user, owner.referralUid) : null, created_at: iso(a.createdAt), updated_at: iso(a.updatedAt),
    }));
  });
}
