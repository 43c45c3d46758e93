import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../db/db.js';
import { AdminAudit, redactParams, toActivity } from './admin-audit.js';

test('the audit queue is bounded and written by one writer at a time, in multi-row inserts', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  let inserts = 0;
  let rowsWritten = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const db = {
    query: async (_sql: string, params: unknown[][]) => {
      inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
      await gate;
      inFlight--; inserts++; rowsWritten += params[0]!.length;
      return [];
    },
  } as unknown as Db;
  const warnings: object[] = [];
  const audit = new AdminAudit(db, { warn: (o) => warnings.push(o) }, 5);
  const entry = { userId: 1, ip: '1.2.3.4', country: null, userAgent: 'x', method: 'GET', path: 'api/v2/auth/admin/users', topic: null, result: 'denied' as const, params: {} };
  for (let i = 0; i < 20; i++) audit.record(entry);
  assert.ok(audit.droppedCount >= 14, `dropped ${audit.droppedCount}`);
  assert.equal(warnings.length, 1, 'one warning per burst, not one per entry');
  release();
  await audit.flush();
  assert.equal(maxInFlight, 1);
  assert.equal(rowsWritten, 20 - audit.droppedCount, 'every kept entry is written');
  assert.equal(inserts, 2, 'the first entry alone, then the rest of the queue in one insert');
});

test('admin activity parameters: secrets redacted, undefined dropped', () => {
  assert.deepEqual(redactParams({ uid: 'ID1', password: 'x', otp_code: '123456', totp_code: '1', secret: 's', state: 'banned', gone: undefined }), {
    uid: 'ID1', password: '[redacted]', otp_code: '[redacted]', totp_code: '[redacted]', secret: '[redacted]', state: 'banned',
  });
});

test('a row: topic from the rule or the path, action from the verb, target from uid/user_uid, redacted params with the path', () => {
  const base = { userId: 7, ip: '1.2.3.4', country: null, userAgent: 'x', result: 'succeed' as const };
  const row = toActivity({ ...base, method: 'PUT', path: 'api/v2/auth/admin/users', topic: null, params: { uid: 'ID1', state: 'banned', reason: 'r', new_password: 'p' } });
  assert.deepEqual([row.topic, row.action, row.targetUid, JSON.parse(row.data!)], ['users', 'update', 'ID1', { uid: 'ID1', state: 'banned', reason: 'r', new_password: '[redacted]', path: 'api/v2/auth/admin/users' }]);
  const other = toActivity({ ...base, method: 'OPTIONS', path: 'api/v2/peatio/x', topic: 'audit', params: { user_uid: 'ID2' } });
  assert.deepEqual([other.topic, other.action, other.targetUid], ['audit', 'system', 'ID2']);
  assert.equal(toActivity({ ...base, method: 'DELETE', path: 'api/v2/auth/resource/x', topic: null, params: {} }).topic, 'general');
});
