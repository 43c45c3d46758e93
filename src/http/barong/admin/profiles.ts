import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Container } from '../../../container.js';
import { parseCalendarDate, type ProfileFields } from '../../../domain/kyc/profiles-rules.js';
import { decryptor, setPageHeaders } from '../common.js';
import { profileEntity } from '../entities.js';
import { isBlank, mergedParams, P, parseParams } from '../params.js';
import { adminGuard } from './guard.js';
import { actorOf, PAGE_PROPS, pageErrors, parseChecked, REASON_PROPS } from './users-params.js';

const ListQuery = P.obj({ ...PAGE_PROPS });
const ReviewBody = P.obj({ uid: P.str(), state: P.str({ description: 'verified or rejected' }), ...REASON_PROPS });
const CreateBody = P.obj({
  uid: P.str(),
  first_name: P.opt(P.str()), last_name: P.opt(P.str()), dob: P.opt(P.str({ description: 'date, YYYY-MM-DD' })),
  address: P.opt(P.str()), postcode: P.opt(P.str()), city: P.opt(P.str()),
  country: P.opt(P.str({ description: 'ISO 3166 alpha-2 or alpha-3' })), metadata: P.opt(P.str({ description: 'JSON string' })), ...REASON_PROPS,
});

const PREFIX = 'admin.profile';

/** KYC profiles for admins (BARONG.md §8.6), unmasked. */
export async function adminProfileRoutes(app: FastifyInstance, { c }: { c: Container }) {
  adminGuard(app, c);
  const tags = ['admin'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const svc = c.adminUsers.profiles;
  const decrypt = decryptor(c);
  const render = (row: Parameters<typeof profileEntity>[0]) => profileEntity(row, decrypt, false);
  const actor = (req: FastifyRequest) => actorOf(req, c, 'admin.profiles.superadmin_change');

  app.get('/profiles', {
    config: { ability: ['read', 'Profile'] },
    schema: { tags, security, summary: 'Every profile, newest first (paginated, unmasked)', querystring: ListQuery },
  }, async (req, reply) => {
    const p = parseChecked(ListQuery, mergedParams(req), PREFIX, pageErrors);
    const page = p.page ?? 1;
    const limit = p.limit ?? 100;
    const out = await svc.list(page, limit);
    setPageHeaders(reply, out.total, page, limit);
    return out.rows.map(render);
  });

  app.put('/profiles', {
    config: { ability: ['update', 'Profile'] },
    schema: { tags, security, summary: 'Verify or reject the user\'s submitted profile', body: ReviewBody },
  }, async (req) => {
    const p = parseParams(ReviewBody, mergedParams(req), PREFIX);
    return render(await svc.review(actor(req), p.uid, p.state));
  });

  /** Barong checks no ability here (quirk #9); Warden requires create Profile. */
  app.post('/profiles', {
    config: { ability: ['create', 'Profile'] },
    schema: { tags, security, summary: 'Create a submitted profile for a user, authored by the caller', body: CreateBody },
  }, async (req, reply) => {
    const p = parseChecked(CreateBody, mergedParams(req), PREFIX, (v) => (v.dob !== undefined && !isBlank(v.dob) && parseCalendarDate(v.dob) === null ? ['invalid'] : []));
    const { uid, dob, reason: _reason, ...rest } = p;
    const fields: ProfileFields = { ...rest, ...(dob !== undefined ? { dob: isBlank(dob) ? null : parseCalendarDate(dob) } : {}) };
    return reply.status(201).send(render(await svc.create(actor(req), uid, fields)));
  });
}
