import type { Db, Queryable } from '../../db/db.js';
import { labelsRepo } from '../../db/repositories/labels.js';
import { usersRepo } from '../../db/repositories/users.js';
import { AppError, ModelError } from '../../errors/app-error.js';
import type { EventLog } from '../events/event-log.js';
import type { Label, User } from '../users/user.js';
import type { LabelService } from './label-service.js';
import { normalizeLabelPart } from './label-rules.js';

export interface PublicLabelDeps { db: Db; labels: LabelService; events: EventLog }

/**
 * The user's own labels (BARONG.md §7.3): he reads all of them (public and private) and writes
 * only public ones. Only private labels carry security meaning; on top of Barong a user cannot
 * create a public label whose key is a state trigger (`ban`, `delete`, `lock` …), which would
 * otherwise lock him out at the next recomputation (`key.exclusion`).
 */
export class PublicLabelService {
  constructor(private readonly d: PublicLabelDeps) {}

  list(user: User, ordering: 'asc' | 'desc'): Promise<Label[]> {
    return labelsRepo.ordered(this.d.db, user.id, ordering);
  }

  /** The first label with that key, any scope, or 404 `record.not_found`. */
  async get(user: User, key: string): Promise<Label> {
    const [label] = await labelsRepo.byKey(this.d.db, user.id, normalizeLabelPart(key));
    if (!label) throw new AppError('record.not_found');
    return label;
  }

  async create(user: User, key: string, value: string): Promise<Label> {
    if (this.d.labels.triggerKeys.has(normalizeLabelPart(key))) throw new ModelError(['key.exclusion']);
    return this.write(user, (q, u) => this.d.labels.create(q, u, { key, value, scope: 'public' }));
  }

  async update(user: User, key: string, value: string): Promise<Label> {
    return this.write(user, async (q, u) => this.d.labels.update(q, u, await this.ownPublic(q, u, key), { value }));
  }

  async remove(user: User, key: string): Promise<void> {
    await this.write(user, async (q, u) => {
      const label = await this.ownPublic(q, u, key);
      await this.d.labels.remove(q, u, label);
      return { label, user: u };
    });
  }

  /**
   * The public label with that key; when there is only a private one, 400
   * `resource.labels.private`; none at all, 404. (Barong looks at the first label of any scope,
   * so a public twin of a private key was unreachable; here it is the one edited.)
   */
  private async ownPublic(q: Queryable, user: User, key: string): Promise<Label> {
    const labels = await labelsRepo.byKey(q, user.id, normalizeLabelPart(key));
    const pub = labels.find((l) => l.scope === 'public');
    if (pub) return pub;
    if (labels.length) throw new AppError('resource.labels.private');
    throw new AppError('record.not_found');
  }

  private async write(user: User, fn: (q: Queryable, u: User) => Promise<{ label: Label; user: User }>): Promise<Label> {
    const { label } = await this.d.db.tx(async (q) => fn(q, (await usersRepo.lockById(q, user.id)) ?? user));
    this.d.events.committed();
    return label;
  }
}
