import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../db/db.js';
import { AdminAudit } from './admin-audit.js';

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
