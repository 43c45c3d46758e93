import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { ValidationError } from '../../../errors/app-error.js';
import { parseCalendarDate, type ProfileFields } from '../../../domain/kyc/profiles-rules.js';
import { decryptor } from '../common.js';
import { profileEntity } from '../entities.js';
import { isBlank, mergedParams, P, parseParams } from '../params.js';
import { callerOf, requireCaller } from './auth.js';

const ProfileParams = P.obj({
  first_name: P.opt(P.str()),
  last_name: P.opt(P.str()),
  dob: P.opt(P.str({ description: 'date, YYYY-MM-DD' })),
  address: P.opt(P.str()),
  postcode: P.opt(P.str()),
  city: P.opt(P.str()),
  country: P.opt(P.str({ description: 'ISO 3166 alpha-2 or alpha-3' })),
  metadata: P.opt(P.str({ description: 'JSON string' })),
  confirm: P.opt(P.bool({ description: 'true: submit the profile for review' })),
});

/** Parameters as Barong coerces them; `dob` is a Date (a bad one is the literal key `invalid`). */
function profileParams(input: Record<string, unknown>): { fields: ProfileFields; confirm: boolean } {
  const errors: string[] = [];
  let p: ReturnType<typeof parseParams<typeof ProfileParams>> | undefined;
  try {
    p = parseParams(ProfileParams, input, 'resource.profile');
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    errors.push(...err.keys);
  }
  let dob: string | null | undefined;
  if (p?.dob !== undefined) {
    dob = isBlank(p.dob) ? null : parseCalendarDate(p.dob);
    if (dob === null && !isBlank(p.dob)) errors.push('invalid');
  }
  if (errors.length || !p) throw new ValidationError(errors);
  const { confirm, ...rest } = p;
  return { fields: { ...rest, ...(dob !== undefined ? { dob } : {}) }, confirm: confirm ?? false };
}

/** The caller's KYC profiles (BARONG.md §7.4), masked. */
export async function resourceProfileRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
  const render = (row: Parameters<typeof profileEntity>[0]) => profileEntity(row, decryptor(c), true);

  app.get('/profiles/me', { schema: { tags, security, summary: 'The caller\'s profiles (last name and dob masked)' } }, async (req) =>
    (await c.kycProfiles.profiles.list(callerOf(req).user)).map(render));

  app.post('/profiles', { schema: { tags, security, summary: 'Create a profile: drafted, or submitted with confirm=true', body: ProfileParams } }, async (req, reply) => {
    const { fields, confirm } = profileParams(mergedParams(req));
    return reply.status(201).send(render(await c.kycProfiles.profiles.create(callerOf(req).user, fields, confirm)));
  });

  app.put('/profiles', { schema: { tags, security, summary: 'Edit the drafted profile; confirm=true submits it', body: ProfileParams } }, async (req) => {
    const { fields, confirm } = profileParams(mergedParams(req));
    return render(await c.kycProfiles.profiles.update(callerOf(req).user, fields, confirm));
  });
}
