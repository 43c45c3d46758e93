import type { AbilityAction, AbilityMap } from './types.js';

/**
 * CanCan semantics of the admin abilities (BARONG.md §16.3): `manage` grants every action on a
 * model, `read` the read actions, other verbs themselves; the model `all` means every model.
 */
export function can(map: AbilityMap | null | undefined, action: Exclude<AbilityAction, 'manage'>, model: string): boolean {
  if (!map) return false;
  const has = (a: AbilityAction) => (map[a] ?? []).some((m) => m === model || m === 'all');
  return has('manage') || has(action);
}

/** Whether the map grants anything at all (`{}`: the role has no admin abilities). */
export function hasAnyAbility(map: AbilityMap | null | undefined): boolean {
  return !!map && Object.values(map).some((models) => (models?.length ?? 0) > 0);
}

export type Section = 'dashboard' | 'users' | 'kyc' | 'permissions' | 'restrictions' | 'levels' | 'activities';

type Need = readonly [Exclude<AbilityAction, 'manage'>, string];

/** What each console section needs: the endpoints it reads and, for the queue, writes (BARONG.md §8). */
export const SECTION_NEEDS: Record<Section, readonly Need[]> = {
  dashboard: [['read', 'User']],
  users: [['read', 'User']],
  // A verdict is the private document/address label (labels/update) or the profile state.
  kyc: [['read', 'User'], ['update', 'Label']],
  permissions: [['read', 'Permission']],
  restrictions: [['read', 'Restriction']],
  levels: [['read', 'Level']],
  activities: [['read', 'Activity']],
};

export const SECTIONS = Object.keys(SECTION_NEEDS) as Section[];

export function canOpen(map: AbilityMap | null | undefined, section: Section): boolean {
  return SECTION_NEEDS[section].every(([action, model]) => can(map, action, model));
}

/** The sections the navigation shows, in menu order. */
export function visibleSections(map: AbilityMap | null | undefined): Section[] {
  return SECTIONS.filter((s) => canOpen(map, s));
}

/** What the user page may do, from the same map. */
export function userPageRights(map: AbilityMap | null | undefined) {
  return {
    update: can(map, 'update', 'User'),
    labels: can(map, 'update', 'Label') || can(map, 'create', 'Label'),
    destroyLabels: can(map, 'destroy', 'Label'),
    apiKeys: can(map, 'read', 'APIKey'),
    activities: can(map, 'read', 'Activity'),
    comments: can(map, 'update', 'User'),
    profiles: can(map, 'update', 'Profile'),
    /** Unmasked personal data only for roles that may read profiles. */
    unmasked: can(map, 'read', 'Profile'),
  };
}
