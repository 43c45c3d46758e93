import fs from 'node:fs';
import YAML from 'yaml';

/**
 * Models of Barong's abilities file (BARONG.md §16.3). Warden's own admin endpoints are guarded
 * by these too (comments and service accounts by User), so Barong's file covers every route.
 */
export const ADMIN_MODELS = ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity', 'APIKey', 'Permission', 'Restriction', 'Document'] as const;
export type AdminModel = (typeof ADMIN_MODELS)[number];
export type AdminAction = 'read' | 'create' | 'update' | 'destroy' | 'manage';

/** role → action → models, as in Barong's `config/abilities.yml` `admin_permissions`. */
export type AbilityMap = Record<string, Partial<Record<AdminAction, string[]>>>;

/** Barong's default abilities file (§16.3), exactly: `GET admin/abilities` reports these lists. */
export const DEFAULT_ABILITIES: AbilityMap = {
  superadmin: { manage: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity', 'APIKey', 'Permission', 'Restriction', 'Document'] },
  admin: { read: ['Activity', 'Permission'], manage: ['Ability', 'User', 'Level', 'Label', 'Profile', 'APIKey', 'Restriction', 'Document'] },
  technical: { read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'], manage: ['APIKey', 'Restriction'] },
  accountant: { read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'] },
  compliance: { read: ['Ability', 'Document'], manage: ['User', 'Level', 'Label', 'Profile'] },
  support: { read: ['Ability', 'Label', 'Level', 'Profile', 'Activity'], manage: ['User'] },
};

const ACTIONS: readonly AdminAction[] = ['read', 'create', 'update', 'destroy', 'manage'];

/**
 * CanCan semantics (§8.0, §16.3): `manage` grants every action, `read` the read actions, other
 * verbs only themselves; the model `all` means every model. A role absent from the map has no
 * admin ability at all.
 */
export class Abilities {
  constructor(private readonly map: AbilityMap) {}

  can(role: string, action: Exclude<AdminAction, 'manage'>, model: AdminModel): boolean {
    const granted = Object.prototype.hasOwnProperty.call(this.map, role) ? this.map[role] : undefined;
    if (!granted) return false;
    const has = (a: AdminAction) => (granted[a] ?? []).some((m) => m === model || m === 'all');
    return has('manage') || has(action);
  }

  /** `GET admin/abilities`: the caller's map as configured, `{}` for roles without abilities. */
  mapFor(role: string): Partial<Record<AdminAction, string[]>> {
    const granted = Object.prototype.hasOwnProperty.call(this.map, role) ? this.map[role] : undefined;
    if (!granted) return {};
    const out: Partial<Record<AdminAction, string[]>> = {};
    for (const a of ACTIONS) if (granted[a]?.length) out[a] = [...granted[a]!];
    return out;
  }
}

/**
 * Reads an abilities file: Barong's shape (`admin_permissions: {role: {manage: [...], read: [...]}}`)
 * or the map itself. Unknown actions or models stop the boot with a clear message.
 */
export function readAbilitiesFile(file: string): AbilityMap {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as unknown;
  const root = (doc && typeof doc === 'object' && 'admin_permissions' in doc ? (doc as { admin_permissions: unknown }).admin_permissions : doc) as unknown;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new Error(`${file}: expected admin_permissions: {role: {action: [Model, …]}}`);
  const map: AbilityMap = {};
  for (const [role, grants] of Object.entries(root as Record<string, unknown>)) {
    if (!grants || typeof grants !== 'object' || Array.isArray(grants)) throw new Error(`${file}: ${role}: expected {action: [Model, …]}`);
    map[role] = {};
    for (const [action, models] of Object.entries(grants as Record<string, unknown>)) {
      if (!(ACTIONS as readonly string[]).includes(action)) throw new Error(`${file}: ${role}: unknown action ${action} (${ACTIONS.join(', ')})`);
      if (!Array.isArray(models) || !models.every((m) => typeof m === 'string' && (m === 'all' || (ADMIN_MODELS as readonly string[]).includes(m)))) {
        throw new Error(`${file}: ${role}.${action}: models must be some of ${ADMIN_MODELS.join(', ')} or all`);
      }
      map[role][action as AdminAction] = models as string[];
    }
  }
  return map;
}
