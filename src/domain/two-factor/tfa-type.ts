import type { Queryable } from '../../db/db.js';
import { accountDetailsRepo } from '../../db/repositories/account-details.js';
import type { User } from '../users/user.js';

/** The second factor a user signs in with: an authenticator app, a code by mail, or none. */
export type TfaType = 'google' | 'email' | 'none';

/** An enabled authenticator (users.otp, shared with the Barong door) always wins over mailed codes. */
export function tfaTypeFrom(user: User, emailCodes: boolean): TfaType {
  return user.otp ? 'google' : emailCodes ? 'email' : 'none';
}

export async function tfaTypeOf(q: Queryable, user: User): Promise<TfaType> {
  if (user.otp) return 'google';
  return tfaTypeFrom(user, (await accountDetailsRepo.get(q, user.id))?.tfaType === 'email');
}

/** What `psw/check` and `GET /api/tfa/type` answer. */
export function tfaView(type: TfaType): { tfa: boolean; type: 'google' | 'email' | null } {
  return { tfa: type !== 'none', type: type === 'none' ? null : type };
}
