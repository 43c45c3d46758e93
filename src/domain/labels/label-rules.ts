import type { Label } from '../users/user.js';

export interface StateRules {
  /** key → value every one of which must be a private label for the user to be active. */
  activationRequirements: Readonly<Record<string, string>>;
  /** state → label keys; in order, later states win (BARONG.md §3.1). */
  stateTriggers: ReadonlyArray<readonly [state: string, keys: readonly string[]]>;
}

export const DEFAULT_STATE_RULES: StateRules = {
  activationRequirements: { email: 'verified' },
  stateTriggers: [['banned', ['ban', 'fraud']], ['deleted', ['delete']], ['locked', ['suspicious', 'lock']]],
};

/** User state from labels: activation requirements on private labels, then triggers on any label. */
export function computeState(labels: readonly Label[], rules: StateRules = DEFAULT_STATE_RULES): string {
  const priv = labels.filter((l) => l.scope === 'private');
  let result = 'pending';
  const reqs = Object.entries(rules.activationRequirements);
  if (reqs.every(([k, v]) => priv.some((l) => l.key === k && l.value === v))) result = 'active';
  for (const [state, keys] of rules.stateTriggers) {
    if (labels.some((l) => keys.includes(l.key))) result = state;
  }
  return result;
}

/** Level: walk levels by id while the user has the private key:value; gaps stop the walk (§3.2). */
export function computeLevel(labels: readonly Label[], levels: ReadonlyArray<{ id: number; key: string; value: string }>): number {
  const priv = labels.filter((l) => l.scope === 'private');
  let level = 0;
  for (const lv of [...levels].sort((a, b) => a.id - b.id)) {
    if (!priv.some((l) => l.key === lv.key && l.value === lv.value)) break;
    level = lv.id;
  }
  return level;
}
