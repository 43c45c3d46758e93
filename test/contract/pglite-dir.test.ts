import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPglite } from '../../src/db/pglite.js';

test('the embedded database directory is the server user\'s only (0700), even when it existed with wider modes', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-pgdir-'));
  const dir = path.join(root, 'pg');
  fs.mkdirSync(dir, { mode: 0o777 });
  fs.chmodSync(dir, 0o777);
  const db = await openPglite(dir);
  try {
    await db.query('SELECT 1');
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  } finally {
    await db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
