import { ModelError } from '../../errors/app-error.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { usersRepo } from '../../db/repositories/users.js';
import { generateUid } from '../../lib/random.js';
import { userModelRecord } from '../events/event-log.js';
import { emailErrors, normalizeEmail, passwordErrors } from '../users/user-rules.js';
import type { User } from '../users/user.js';
import type { IdentityDeps } from './deps.js';

/**
 * Creates an active, email-verified user with the given role (ADMIN_EMAIL at boot and
 * `warden admin create`). Returns null when the email already exists (idempotent boots).
 */
export async function createActiveUser(d: IdentityDeps, input: { email: string; password: string; role: string }): Promise<User | null> {
  const email = normalizeEmail(input.email);
  const errors = [...emailErrors(email), ...passwordErrors(input.password, d.settings.passwordPolicy)];
  // A role is only real when permissions name it (§2.1): a typo would make a user no rule lets in.
  if (!(await permissionsRepo.roleExists(d.db, input.role))) errors.push('role.doesnt_exist');
  if (errors.length) throw new ModelError(errors);
  if (await usersRepo.byEmail(d.db, email)) return null;
  const passwordDigest = await d.hasher.hash(input.password);
  const user = await d.db.tx(async (q) => {
    const created = await usersRepo.insert(q, {
      uid: generateUid(d.settings.uidPrefix), username: null, email, passwordDigest, role: input.role, data: null, state: 'pending', referralId: null,
    });
    await d.events.emit(q, 'model.user.created', userModelRecord(created, null));
    return d.labels.setPrivate(q, created, 'email', 'verified');
  });
  d.events.committed();
  return user;
}
