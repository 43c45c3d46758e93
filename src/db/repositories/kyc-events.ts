import type { Queryable } from '../db.js';

/** Provider callbacks already applied (idempotency) and the provider's applicant ids. */
export const kycEventsRepo = {
  /** True when this call recorded the event; false when it was seen before (a replay). */
  async claim(q: Queryable, provider: string, eventId: string, userId: number | null): Promise<boolean> {
    const rows = await q.query(
      'INSERT INTO kyc_callback_events (provider, event_id, user_id) VALUES ($1, $2, $3) ON CONFLICT (provider, event_id) DO NOTHING RETURNING event_id',
      [provider, eventId, userId],
    );
    return rows.length > 0;
  },
  async setResult(q: Queryable, provider: string, eventId: string, userId: number | null, result: object): Promise<void> {
    await q.query('UPDATE kyc_callback_events SET user_id = $3, result = $4 WHERE provider = $1 AND event_id = $2', [provider, eventId, userId, JSON.stringify(result)]);
  },
  async find(q: Queryable, provider: string, eventId: string): Promise<{ user_id: number | null; result: string | null } | null> {
    const [r] = await q.query<{ user_id: string | null; result: string | null }>(
      'SELECT user_id, result FROM kyc_callback_events WHERE provider = $1 AND event_id = $2', [provider, eventId]);
    return r ? { user_id: r.user_id === null ? null : Number(r.user_id), result: r.result } : null;
  },
  /** The user whose profile carries this provider applicant id (§17.6). */
  async userIdByApplicant(q: Queryable, applicantId: string): Promise<number | null> {
    const [r] = await q.query<{ user_id: string }>('SELECT user_id FROM profiles WHERE applicant_id = $1 ORDER BY id DESC LIMIT 1', [applicantId]);
    return r ? Number(r.user_id) : null;
  },
  /** The user's newest profile, as the provider applicant is created from it. */
  async latestProfile(q: Queryable, userId: number): Promise<ApplicantProfile | null> {
    const [r] = await q.query<ApplicantProfile>(
      `SELECT id, applicant_id, first_name_encrypted, last_name_encrypted, dob_encrypted, country
         FROM profiles WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, [userId]);
    return r ? { ...r, id: Number(r.id) } : null;
  },
  async setApplicantId(q: Queryable, profileId: number, applicantId: string): Promise<void> {
    await q.query('UPDATE profiles SET applicant_id = $2, updated_at = now() WHERE id = $1', [profileId, applicantId]);
  },
};

export interface ApplicantProfile {
  id: number;
  applicant_id: string | null;
  first_name_encrypted: string | null;
  last_name_encrypted: string | null;
  dob_encrypted: string | null;
  country: string | null;
}
