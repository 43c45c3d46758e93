import type { Db } from '../../db/db.js';
import { commentsRepo, type Comment } from '../../db/repositories/comments.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError } from '../../errors/app-error.js';
import type { User } from '../users/user.js';
import type { AdminActor } from './users-admin-audit.js';
import type { UserKyc } from './users-admin-view.js';

export const COMMENT_TITLE_MAX = 64;
export const COMMENT_DATA_MAX = 65_535;

/** Length rules of a comment's title and data (BARONG.md §8.7), checked with the parameters. */
export function commentErrors(c: { title?: string; data?: string }): string[] {
  const errors: string[] = [];
  if (c.title !== undefined && [...c.title].length > COMMENT_TITLE_MAX) errors.push('admin.comments.title_too_long');
  if (c.data !== undefined && [...c.data].length > COMMENT_DATA_MAX) errors.push('admin.comments.data_too_long');
  return errors;
}

export interface CommentsDeps {
  db: Db;
  /** The commented user's UserWithKYC view, which every write answers. */
  kyc: (user: User) => Promise<UserKyc>;
}

/**
 * Admins' notes on a user (BARONG.md §2.8, §8.7). The author is the calling admin; the admin
 * activity is the permission check's (§18.2), with the request's parameters.
 */
export class CommentsAdmin {
  constructor(private readonly d: CommentsDeps) {}

  async list(uid: string, page: number, limit: number): Promise<{ total: number; rows: Comment[] }> {
    return commentsRepo.pageForUser(this.d.db, (await this.user(uid)).id, page, limit);
  }

  async create(who: AdminActor, uid: string, input: { title: string; data: string }): Promise<UserKyc> {
    const user = await this.user(uid);
    await commentsRepo.insert(this.d.db, { userId: user.id, authorUid: who.admin.uid, title: input.title, data: input.data });
    return this.d.kyc(user);
  }

  /** Unknown id → 404 `record.not_found`; omitted fields stay. */
  async update(who: AdminActor, id: number, input: { title?: string; data?: string }): Promise<UserKyc> {
    const userId = await this.d.db.tx(async (q) => {
      const before = await commentsRepo.lockById(q, id);
      if (!before) throw new AppError('record.not_found');
      await commentsRepo.update(q, id, { title: input.title ?? null, data: input.data ?? null });
      return before.userId;
    });
    return this.d.kyc(await this.userById(userId));
  }

  async remove(who: AdminActor, id: number): Promise<UserKyc> {
    const userId = await this.d.db.tx(async (q) => {
      const before = await commentsRepo.lockById(q, id);
      if (!before) throw new AppError('record.not_found');
      await commentsRepo.remove(q, id);
      return before.userId;
    });
    return this.d.kyc(await this.userById(userId));
  }

  private async user(uid: string): Promise<User> {
    const user = uid ? await usersRepo.byUid(this.d.db, uid) : null;
    if (!user) throw new AppError('admin.user.doesnt_exist');
    return user;
  }

  private async userById(id: number): Promise<User> {
    const user = await usersRepo.byId(this.d.db, id);
    if (!user) throw new AppError('record.not_found');
    return user;
  }
}
