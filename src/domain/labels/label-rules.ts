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

export const LABEL_SCOPES = ['public', 'private'] as const;
const LABEL_PART = /^[a-z0-9_-]+$/;

/** Before validation keys and values are lower-cased and whitespace-squished (BARONG.md §2.2). */
export function normalizeLabelPart(v: string): string {
  return v.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Model errors of a (normalised) label: `key.*` then `value.*`, then `scope.inclusion`. */
export function labelErrors(l: { key: string; value: string; scope?: string }): string[] {
  const errors: string[] = [];
  for (const [name, v] of [['key', l.key], ['value', l.value]] as const) {
    if (v === '') errors.push(`${name}.blank`);
    if (v.length < 3) errors.push(`${name}.too_short`);
    if (v.length > 255) errors.push(`${name}.too_long`);
    if (!LABEL_PART.test(v)) errors.push(`${name}.invalid`);
  }
  if (l.scope !== undefined && !(LABEL_SCOPES as readonly string[]).includes(l.scope)) errors.push('scope.inclusion');
  return errors;
}

/** Every key that changes a user's state in any scope (ban, fraud, delete, suspicious, lock by default). */
export function triggerKeys(rules: StateRules): Set<string> {
  return new Set(rules.stateTriggers.flatMap(([, keys]) => keys));
}
