import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Abilities, DEFAULT_ABILITIES, readAbilitiesFile } from './abilities.js';

test('CanCan semantics on Barong\'s default file', () => {
  const a = new Abilities(DEFAULT_ABILITIES);
  assert.equal(a.can('superadmin', 'destroy', 'Permission'), true);
  assert.equal(a.can('admin', 'read', 'Permission'), true);
  assert.equal(a.can('admin', 'update', 'Permission'), false, 'read grants no write');
  assert.equal(a.can('technical', 'update', 'Restriction'), true);
  assert.equal(a.can('technical', 'update', 'User'), false);
  assert.equal(a.can('compliance', 'read', 'User'), true, 'manage includes read');
  assert.equal(a.can('member', 'read', 'User'), false, 'roles absent from the file have nothing');
  assert.equal(a.can('toString', 'read', 'User'), false, 'no prototype lookups');
  assert.deepEqual(a.mapFor('admin'), { read: ['Activity', 'Permission'], manage: DEFAULT_ABILITIES.admin.manage });
  assert.deepEqual(a.mapFor('member'), {});
});

test('the reported maps are exactly Barong\'s §16.3 lists', () => {
  const a = new Abilities(DEFAULT_ABILITIES);
  assert.deepEqual(a.mapFor('superadmin'), { manage: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity', 'APIKey', 'Permission', 'Restriction', 'Document'] });
  assert.deepEqual(a.mapFor('admin'), { read: ['Activity', 'Permission'], manage: ['Ability', 'User', 'Level', 'Label', 'Profile', 'APIKey', 'Restriction', 'Document'] });
  assert.deepEqual(a.mapFor('technical'), { read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'], manage: ['APIKey', 'Restriction'] });
  assert.deepEqual(a.mapFor('accountant'), { read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'] });
  assert.deepEqual(a.mapFor('compliance'), { read: ['Ability', 'Document'], manage: ['User', 'Level', 'Label', 'Profile'] });
  assert.deepEqual(a.mapFor('support'), { read: ['Ability', 'Label', 'Level', 'Profile', 'Activity'], manage: ['User'] });
});

test('an abilities file in Barong\'s shape, with all and literal verbs; bad files are refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abilities-'));
  const file = path.join(dir, 'abilities.yml');
  fs.writeFileSync(file, 'roles: [ops]\nadmin_permissions:\n  ops: {read: [all], update: [Profile]}\n');
  const a = new Abilities(readAbilitiesFile(file));
  assert.equal(a.can('ops', 'read', 'Restriction'), true);
  assert.equal(a.can('ops', 'update', 'Profile'), true);
  assert.equal(a.can('ops', 'destroy', 'Profile'), false);
  fs.writeFileSync(file, 'admin_permissions:\n  ops: {fly: [User]}\n');
  assert.throws(() => readAbilitiesFile(file), /unknown action fly/);
  fs.writeFileSync(file, 'admin_permissions:\n  ops: {read: [Users]}\n');
  assert.throws(() => readAbilitiesFile(file), /models must be/);
  fs.rmSync(dir, { recursive: true });
});
