import type { FastifyInstance } from 'fastify';
import type { Container } from '../../../container.js';
import { requestContext } from '../../request-context.js';
import { mergedParams, P, parseParams } from '../params.js';
import { activityEntity, userWithFullInfo } from '../entities.js';
import { decryptor, PageFields, pageParams, setPageHeaders } from '../common.js';
import { callerOf, requireCaller } from './auth.js';

const UpdateMe = P.obj({ data: P.str({ 'x-nonblank': true }) });
const DeleteMe = P.obj({ password: P.str({ 'x-nonblank': true }), otp_code: P.opt(P.str({ 'x-nonblank': true })) });
const ChangePassword = P.obj({
  old_password: P.str({ 'x-nonblank': true }), new_password: P.str({ 'x-nonblank': true }), confirm_password: P.str({ 'x-nonblank': true }),
});
const ActivityQuery = P.obj({
  topic: P.str(),
  time_from: P.opt(P.int({ 'x-nonblank': true, 'x-invalid': 'resource.user.non_integer_time_from', 'x-empty': 'resource.user.empty_time_from' })),
  time_to: P.opt(P.int({ 'x-nonblank': true, 'x-invalid': 'resource.user.non_integer_time_to', 'x-empty': 'resource.user.empty_time_to' })),
  result: P.opt(P.str({ 'x-nonblank': true })),
  ...PageFields,
});

/** The caller's own account (BARONG.md §7.2). */
export async function resourceUserRoutes(app: FastifyInstance, { c }: { c: Container }) {
  requireCaller(app, c);
  const tags = ['resource'];
  const security: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];

  app.get('/users/me', { schema: { tags, security, summary: 'The caller with labels, phones, profiles and data storages' } }, async (req) =>
    userWithFullInfo(await c.userAccounts.view(callerOf(req).user), decryptor(c)));

  app.put('/users/me', { schema: { tags, security, summary: 'Replace the caller\'s data (JSON string)', body: UpdateMe } }, async (req) => {
    const p = parseParams(UpdateMe, mergedParams(req), 'resource.user');
    return userWithFullInfo(await c.userAccounts.updateData(callerOf(req).user, p.data), decryptor(c));
  });

  app.delete('/users/me', { schema: { tags, security, summary: 'Delete the caller\'s account (password, and OTP when 2FA is on)', body: DeleteMe } }, async (req, reply) => {
    const p = parseParams(DeleteMe, mergedParams(req), 'resource.user');
    await c.userAccounts.deleteSelf(callerOf(req).user, { password: p.password, otpCode: p.otp_code });
    return reply.status(200).send();
  });

  app.put('/users/password', { schema: { tags, security, summary: 'Change the password', body: ChangePassword } }, async (req, reply) => {
    const p = parseParams(ChangePassword, mergedParams(req), 'resource.user');
    await c.userAccounts.changePassword(callerOf(req).user, { oldPassword: p.old_password, newPassword: p.new_password, confirmPassword: p.confirm_password }, requestContext(req, c.config.CLIENT_IP_HEADER, c.geoip));
    return reply.status(201).send();
  });

  app.get('/users/activity/:topic', { schema: { tags, security, summary: 'The caller\'s activities, newest first (paginated)', querystring: ActivityQuery } }, async (req, reply) => {
    const p = parseParams(ActivityQuery, mergedParams(req), 'resource.user');
    const { page, limit } = pageParams(p);
    const result = await c.userAccounts.activity(callerOf(req).user, { topic: p.topic, timeFrom: p.time_from, timeTo: p.time_to, result: p.result, page, limit });
    setPageHeaders(reply, result.total, page, limit);
    return result.rows.map(activityEntity);
  });
}
