import type { RequestContext } from '../activities/activity-log.js';
import type { User } from '../users/user.js';

/**
 * An admin acting through the API: who and from where. His admin activity (with the request's
 * parameters, `reason` included) is written by the permission check (BARONG.md §11.6, §18.2).
 */
export interface AdminActor { admin: User; ctx: RequestContext }

/** An actor whose writes to a user obey the superadmin protection of the front door (§8.0). */
export interface ProtectingActor extends AdminActor { protect: (target: User) => void }
