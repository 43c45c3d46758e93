import type { Queryable } from '../../db/db.js';
import { documentsRepo } from '../../db/repositories/documents.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { User } from '../users/user.js';
import type { KycDocumentDeps } from './documents-deps.js';
import { documentViews, type DocumentView } from './documents-view.js';
import type { ReviewKey, Verdict } from './provider.js';

/**
 * Verdicts on a user's KYC steps, from admins (manual review, the `local` provider) or from a
 * provider callback. A verdict is the private label `document|address|profile = verified|rejected`;
 * the label service recomputes state and level and emits `system.document.*` (BARONG.md §2.2).
 */
export class KycReview {
  constructor(private readonly d: Pick<KycDocumentDeps, 'db' | 'labels' | 'events' | 'pii' | 'urls'>) {}

  /** Inside the caller's transaction, on a locked user (`pending` when something was submitted). */
  apply(q: Queryable, user: User, key: ReviewKey, verdict: Verdict | 'pending'): Promise<User> {
    return this.d.labels.setPrivate(q, user, key, verdict);
  }

  /** Whether the user submitted something for this step (a private label with this key exists). */
  async hasSubmitted(q: Queryable, user: User, key: ReviewKey): Promise<boolean> {
    return (await labelsRepo.find(q, user.id, key, 'private')) !== null;
  }

  /** An admin (or a failed provider call) decides: sets the label, commits, announces. */
  async setVerdict(userId: number, key: 'document' | 'address', verdict: Verdict): Promise<User> {
    const updated = await this.d.db.tx(async (q) => {
      const user = await usersRepo.lockById(q, userId);
      if (!user) throw new AppError('record.not_found');
      return this.apply(q, user, key, verdict);
    });
    this.d.events.committed();
    return updated;
  }

  /** The review queue: users whose `document` label is pending, with their documents (unmasked). */
  async pendingDocuments(page: number, limit: number): Promise<{ total: number; users: { user: User; documents: DocumentView[] }[] }> {
    const { total, userIds } = await documentsRepo.usersWithLabel(this.d.db, 'document', 'pending', page, limit);
    const users: { user: User; documents: DocumentView[] }[] = [];
    for (const id of userIds) {
      const user = await usersRepo.byId(this.d.db, id);
      if (!user) continue;
      users.push({ user, documents: documentViews(await documentsRepo.forUser(this.d.db, id), this.d) });
    }
    return { total, users };
  }

  /** A user's documents for the admin view (`UserWithKYC.documents`). */
  async documentsOf(userId: number): Promise<DocumentView[]> {
    return documentViews(await documentsRepo.forUser(this.d.db, userId), this.d);
  }
}
