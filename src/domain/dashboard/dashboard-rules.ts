import { Decimal, canonicalDecimal } from '../../lib/decimal.js';

export type VerificationStatus = 'not_verified' | 'pending' | 'verified' | 'rejected';
/** Where `rating` and `credit_rank` come from: the user's level, his earned points, or the value an operator stored. */
export type ScoreSource = 'level' | 'points' | 'stored';
export const SCORE_SOURCES: readonly ScoreSource[] = ['level', 'points', 'stored'];

export interface VerificationPoints { address: number; identity: number; phone: number }

/** A KYC label value as the dashboard states it; no label at all is `not_verified`. */
export function verificationStatus(labelValue: string | undefined): VerificationStatus {
  if (labelValue === undefined) return 'not_verified';
  if (labelValue === 'verified' || labelValue === 'rejected') return labelValue;
  if (labelValue === 'pending' || labelValue === 'submitted') return 'pending';
  return 'not_verified';
}

/** Points are earned by a verified step only. */
export const earned = (verified: boolean, points: number) => (verified ? points : 0);

/** A score from its configured source; a stored value that is missing (or not a number) counts as 0. */
export function score(source: ScoreSource, facts: { level: number; points: number; stored?: string }): Decimal {
  if (source === 'level') return Decimal.of(String(facts.level));
  if (source === 'points') return Decimal.of(String(facts.points));
  const c = facts.stored === undefined ? null : canonicalDecimal(facts.stored);
  return c === null ? Decimal.ZERO : Decimal.of(c);
}
