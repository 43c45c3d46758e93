import type { KeyObject } from 'node:crypto';
import type { Db } from '../../db/db.js';
import { usersRepo } from '../../db/repositories/users.js';
import { joseSign } from '../../lib/jws.js';
import type { SecondFactor } from '../identity/deps.js';
import { ManagementError, notFound } from './errors.js';

const B64URL = /^[A-Za-z0-9_-]+$/;
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const invalid = (reason: string) => new ManagementError(422, `JWT is invalid by the reason "${reason}"`);

/** Subjects of the tokens Warden itself accepts when signed with its key (sessions, mailed links). */
const OWN_SUBJECTS = new Set(['session', 'confirmation', 'reset', 'freeze']);

/**
 * otp/sign (BARONG.md §9.2): once the user's TOTP code checks out, Warden co-signs a
 * multi-signature JWT (kid `barong`, its own signing key), replacing an earlier `barong`
 * signature, so a downstream service can require the user's second factor.
 */
export class ManagementOtpSign {
  constructor(private readonly d: { db: Db; secondFactor: SecondFactor; signingKey: KeyObject; algorithm: string }) {}

  async sign(userUid: string, code: string, jwt: Record<string, unknown>): Promise<{ payload: string; signatures: unknown[] }> {
    const user = await usersRepo.byUid(this.d.db, userUid);
    if (!user || user.state !== 'active') throw notFound();
    if (!user.otp) throw new ManagementError(422, 'Account has not enabled 2FA');
    const { payload, signatures } = jwt;
    if (typeof payload !== 'string' || !B64URL.test(payload)) throw invalid('payload must be a base64url string');
    if (signatures !== undefined && !Array.isArray(signatures)) throw invalid('signatures must be a list');
    // Warden's signature turns the payload into a token its own key vouches for. A payload shaped
    // like one of Warden's tokens (a session, a mailed link) or claiming Warden as issuer would then
    // pass as one, here and at every service that trusts the key: a superadmin session for anyone
    // with this scope and a 2FA account. Barong signed whatever came; Warden refuses those.
    let claims: unknown;
    try { claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { claims = null; }
    if (!isObj(claims)) throw invalid('payload must be a JSON object');
    if (OWN_SUBJECTS.has(claims.sub as string) || claims.iss === 'barong') throw invalid('payload must not be shaped like a Warden token (sub session/confirmation/reset/freeze or iss barong)');
    // Checked after the JWT, so that a request that cannot be signed does not spend the user's code.
    if (!(await this.d.secondFactor.verify(user, code))) throw new ManagementError(422, 'OTP code is invalid');
    const others = ((signatures as unknown[] | undefined) ?? []).filter((s) => !(isObj(s) && isObj(s.header) && s.header.kid === 'barong'));
    const protectedPart = Buffer.from(JSON.stringify({ alg: this.d.algorithm })).toString('base64url');
    const signature = joseSign(this.d.algorithm, `${protectedPart}.${payload}`, this.d.signingKey).toString('base64url');
    return { payload, signatures: [...others, { protected: protectedPart, header: { kid: 'barong' }, signature }] };
  }
}
