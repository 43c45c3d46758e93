import fs from 'node:fs';
import YAML from 'yaml';
import type { Db } from '../../db/db.js';
import { levelsRepo } from '../../db/repositories/levels.js';
import { permissionsRepo } from '../../db/repositories/permissions.js';
import { restrictionsRepo } from '../../db/repositories/restrictions.js';
import { lockForSeeding } from '../../db/seed-lock.js';
import { restrictionCode } from '../restrictions/restriction-rules.js';
import { isDenialStatus, type Seeds } from './default-seeds.js';

const VERBS = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'ALL']);
const ACTIONS = new Set(['ACCEPT', 'DROP', 'AUDIT']);
const CATEGORIES = new Set(['whitelist', 'maintenance', 'blacklist', 'blocklogin']);
const SCOPES = new Set(['all', 'ip', 'ip_subnet', 'continent', 'country']);

/** Reads a YAML or JSON seeds file; any invalid entry aborts boot with its position. */
export function readSeedsFile(file: string): Seeds {
  const doc = YAML.parse(fs.readFileSync(file, 'utf8')) as Partial<Seeds> | null;
  const seeds: Seeds = { levels: doc?.levels ?? [], permissions: doc?.permissions ?? [], restrictions: doc?.restrictions ?? [] };
  const problems: string[] = [];
  if (doc?.rules !== undefined) {
    const list = (v: unknown, name: string): string[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.trim() === '')) { problems.push(`rules.${name}: must be a list of path prefixes`); return []; }
      return v.map((x: string) => x.trim().replace(/^\/+/, ''));
    };
    seeds.rules = { pass: list(doc.rules.pass, 'pass'), block: list(doc.rules.block, 'block') };
  }
  seeds.levels.forEach((l, i) => { if (!l?.key || !l?.value) problems.push(`levels[${i}]: key and value are required`); });
  seeds.permissions.forEach((p, i) => {
    if (!p?.role || !p?.path) problems.push(`permissions[${i}]: role and path are required`);
    if (!VERBS.has(String(p?.verb).toUpperCase())) problems.push(`permissions[${i}]: verb must be one of ${[...VERBS].join(' ')}`);
    if (!ACTIONS.has(String(p?.action).toUpperCase())) problems.push(`permissions[${i}]: action must be ACCEPT, DROP or AUDIT`);
  });
  seeds.restrictions.forEach((r, i) => {
    if (!CATEGORIES.has(r?.category)) problems.push(`restrictions[${i}]: unknown category ${r?.category}`);
    if (!SCOPES.has(r?.scope)) problems.push(`restrictions[${i}]: unknown scope ${r?.scope}`);
    if (!r?.value) problems.push(`restrictions[${i}]: value is required`);
    if (r?.code != null && !isDenialStatus(r.code)) problems.push(`restrictions[${i}]: code ${JSON.stringify(r.code)} is not an HTTP status from 400 to 599`);
  });
  if (problems.length) throw new Error(`invalid SEEDS_FILE ${file}:\n  - ${problems.join('\n  - ')}`);
  return seeds;
}

/** Idempotent: levels by (key, value), permissions by (role, verb, path, action), restrictions by (scope, category, value). */
export async function applySeeds(db: Db, seeds: Seeds): Promise<void> {
  await db.tx(async (q) => {
    await lockForSeeding(q);
    for (const l of seeds.levels) await levelsRepo.ensure(q, l.key, l.value, l.description ?? `${l.key} ${l.value}`);
    for (const p of seeds.permissions) {
      await permissionsRepo.ensure(q, { role: p.role, verb: p.verb.toUpperCase(), path: p.path.replace(/^\/+/, ''), action: p.action.toUpperCase(), topic: p.topic ?? null });
    }
    for (const r of seeds.restrictions) {
      await restrictionsRepo.ensure(q, { category: r.category, scope: r.scope, value: r.value, code: restrictionCode(r), state: r.state ?? 'enabled' });
    }
  });
}
