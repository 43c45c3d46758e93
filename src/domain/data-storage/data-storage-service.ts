import { isUniqueViolation, type Db, type Queryable } from '../../db/db.js';
import { dataStoragesRepo, type DataStorageRecord } from '../../db/repositories/data-storages.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import { isoSeconds, userEventForm, type EventLog } from '../events/event-log.js';
import type { LabelService } from '../labels/label-service.js';
import type { User } from '../users/user.js';
import { dataStorageErrors } from './data-storage-rules.js';

export interface DataStorageDeps { db: Db; labels: LabelService; events: EventLog; titles: readonly string[] }

/**
 * Free-form JSON records under operator-chosen titles (BARONG.md §2.7, §7.11), e.g. a
 * questionnaire. Each record sets the private label `<title>=recorded`, which level
 * definitions may require. Records are shown in UserWithFullInfo; there is no read endpoint.
 */
export class DataStorageService {
  constructor(private readonly d: DataStorageDeps) {}

  async create(user: User, title: string, data: string): Promise<DataStorageRecord> {
    const errors = dataStorageErrors(title, data, this.d.titles);
    if (errors.length) throw new ModelError(errors);
    const out = await this.d.db.tx(async (q) => {
      const u = (await usersRepo.lockById(q, user.id)) ?? user;
      if (await dataStoragesRepo.byTitle(q, u.id, title)) throw new ModelError(['title.taken']);
      let row: DataStorageRecord;
      try {
        row = await dataStoragesRepo.insert(q, u.id, title, data);
      } catch (err) {
        if (isUniqueViolation(err)) throw new ModelError(['title.taken']);
        throw err;
      }
      await this.d.events.emit(q, 'model.data_storage.created', await this.eventRecord(q, u, row));
      await this.d.labels.setPrivate(q, u, title.toLowerCase(), 'recorded');
      return row;
    });
    this.d.events.committed();
    return out;
  }

  /**
   * Deletes a record and its `<title>` label (Warden fix #17; admin `DELETE users/data_storage`).
   * False when the user has no record with that title.
   */
  async remove(user: User, title: string): Promise<boolean> {
    const removed = await this.d.db.tx(async (q) => {
      const u = (await usersRepo.lockById(q, user.id)) ?? user;
      const row = await dataStoragesRepo.byTitle(q, u.id, title);
      if (!row) return false;
      await dataStoragesRepo.remove(q, row.id);
      await this.d.labels.removePrivate(q, u, row.title.toLowerCase());
      return true;
    });
    this.d.events.committed();
    return removed;
  }

  private async eventRecord(q: Queryable, user: User, row: DataStorageRecord): Promise<Record<string, unknown>> {
    const refUid = user.referralId ? await usersRepo.uidById(q, user.referralId) : null;
    return {
      user: userEventForm(user, refUid), title: row.title, data: row.data,
      created_at: isoSeconds(new Date(row.created_at)), updated_at: isoSeconds(new Date(row.updated_at)),
    };
  }
}
