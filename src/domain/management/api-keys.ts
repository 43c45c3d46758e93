import type { Db } from '../../db/db.js';
import { serviceAccountsRepo } from '../../db/repositories/service-accounts.js';
import { usersRepo } from '../../db/repositories/users.js';
import { ModelError } from '../../errors/app-error.js';
import type { ApiKeyRecord, ApiKeyService, CreatedApiKey, KeyHolder } from '../api-keys/api-key-service.js';
import { ManagementError } from './errors.js';

export interface ManagementApiKeySettings { uidPrefix: string; forUsers: boolean; forServiceAccounts: boolean }

const API_KEY_STATES = ['active', 'inactive'];
const refuse = (key: string) => new ManagementError(422, key);

/**
 * API keys of users and service accounts through the management API (BARONG.md §9.2), each
 * kind switched on by its own setting. The holder is told apart by the uid prefix.
 */
export class ManagementApiKeys {
  constructor(private readonly d: { db: Db; apiKeys: ApiKeyService; settings: ManagementApiKeySettings }) {}

  async create(uid: string, algorithm: string, scopes: string | undefined): Promise<CreatedApiKey> {
    const holder = await this.holder(uid);
    try {
      return await this.d.apiKeys.create(holder, { algorithm, scope: splitScopes(scopes) });
    } catch (e) {
      if (e instanceof ModelError) throw new ManagementError(422, e.keys, 'errors');
      throw e;
    }
  }

  /** The holder's key by kid: the state and scopes given (Warden fix #5: no `scopes` keeps the scope). */
  async update(uid: string, kid: string, change: { scopes?: string; state?: string }): Promise<ApiKeyRecord> {
    const holder = await this.holder(uid);
    if (!(await this.d.apiKeys.ofHolder(holder, kid))) throw refuse('api_key_doesnt_exist');
    if (change.state !== undefined && !API_KEY_STATES.includes(change.state)) throw new ManagementError(422, ['state.inclusion'], 'errors');
    const patch = { ...(change.state !== undefined ? { state: change.state } : {}), ...(change.scopes !== undefined ? { scope: splitScopes(change.scopes) } : {}) };
    try {
      const row = await this.d.apiKeys.update(holder, kid, patch);
      if (!row) throw refuse('api_key_doesnt_exist');
      return row;
    } catch (e) {
      if (e instanceof ModelError) throw new ManagementError(422, e.keys, 'errors');
      throw e;
    }
  }

  private async holder(uid: string): Promise<KeyHolder> {
    const s = this.d.settings;
    if (uid.startsWith(s.uidPrefix.toUpperCase())) {
      if (!s.forUsers) throw refuse('disabled_management_endpoint');
      const user = await usersRepo.byUid(this.d.db, uid);
      if (!user) throw refuse('user_doesnt_exist');
      return { type: 'User', id: user.id, state: user.state };
    }
    if (uid.startsWith('SI')) {
      if (!s.forServiceAccounts) throw refuse('disabled_management_endpoint');
      const sa = await serviceAccountsRepo.byUid(this.d.db, uid);
      if (!sa) throw refuse('service_account_doesnt_exist');
      return { type: 'ServiceAccount', id: sa.id, state: sa.state };
    }
    throw refuse('uid_prefix_doesnt_exist');
  }
}

function splitScopes(scopes: string | undefined): string[] {
  return scopes === undefined ? [] : scopes.split(',').map((s) => s.trim()).filter(Boolean);
}
