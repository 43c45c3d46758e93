import type { DocumentEntity, UserWithKyc } from './types.js';

/** The three KYC steps an officer reviews (BARONG.md §3.3 private labels). */
export type ReviewKind = 'document' | 'address' | 'profile';
export type Verdict = 'verified' | 'rejected';

export interface QueueItem { kind: ReviewKind; uid: string; email: string; level: number; since: string }

/** Label values that put a step in the queue. */
export const WAITING: Record<ReviewKind, readonly string[]> = {
  document: ['pending', 'replaced'],
  address: ['pending'],
  profile: ['submitted'],
};

/** The queue entry of a user for a step, dated by its private label (null when not waiting). */
export function queueItem(kind: ReviewKind, u: UserWithKyc): QueueItem | null {
  const label = u.labels.find((l) => l.key === kind && l.scope === 'private' && WAITING[kind].includes(l.value));
  if (!label) return null;
  return { kind, uid: u.uid, email: u.email, level: u.level, since: label.updated_at };
}

/** Oldest first; ties in a stable order (uid, then step). */
export function sortQueue(items: QueueItem[]): QueueItem[] {
  return [...items].sort((a, b) => a.since.localeCompare(b.since) || a.uid.localeCompare(b.uid) || a.kind.localeCompare(b.kind));
}

export const sameItem = (a: QueueItem | null | undefined, b: QueueItem | null | undefined) =>
  !!a && !!b && a.kind === b.kind && a.uid === b.uid;

/** The item after `current` (the first one when current left the queue or is absent). */
export function nextItem(queue: QueueItem[], current: QueueItem | null): QueueItem | null {
  if (!queue.length) return null;
  const i = current ? queue.findIndex((q) => sameItem(q, current)) : -1;
  if (i === -1) return queue[0];
  return queue[i + 1] ?? null;
}

const isAddress = (d: DocumentEntity) => d.doc_type.toLowerCase() === 'address';

/** The files an officer looks at for a step: identity documents, or the proofs of address. */
export function filesFor(kind: ReviewKind, docs: DocumentEntity[]): DocumentEntity[] {
  if (kind === 'profile') return [];
  return docs.filter((d) => (kind === 'address' ? isAddress(d) : !isAddress(d)));
}

/**
 * The text stored with the verdict (the label's description, sent in the label events the
 * notification mails are made from): the reason, then the officer's words for the user.
 * Labels keep at most 255 characters.
 */
export function verdictText(reason: string | null | undefined, comment: string | null | undefined): string | undefined {
  const text = [reason?.trim(), comment?.trim()].filter((s): s is string => !!s).join(' — ');
  return text ? text.slice(0, 255) : undefined;
}

export interface VerdictCall { method: 'POST' | 'PUT'; path: string; params: Record<string, string | undefined> }

/**
 * The admin API call that records a verdict: the private `document`/`address` label
 * (labels/update, created if missing) or the submitted profile's state (BARONG.md §8.6, §8.7).
 */
export function verdictCall(kind: ReviewKind, uid: string, verdict: Verdict, reason?: string, comment?: string): VerdictCall {
  const text = verdictText(reason, comment);
  if (kind === 'profile') return { method: 'PUT', path: '/admin/profiles', params: { uid, state: verdict, reason: text } };
  return { method: 'POST', path: '/admin/users/labels/update', params: { uid, key: kind, scope: 'private', value: verdict, description: text, reason: text } };
}

/** Document images and PDFs: previewed by the kind of file behind the signed URL. */
export function previewKind(url: string | null | undefined): 'image' | 'pdf' | 'none' {
  if (!url) return 'none';
  const path = url.split('?')[0].toLowerCase();
  if (path.endsWith('.pdf')) return 'pdf';
  if (/\.(jpe?g|png|gif|webp)$/.test(path)) return 'image';
  return 'image';
}
