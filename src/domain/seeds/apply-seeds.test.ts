import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSeedsFile } from './apply-seeds.js';

function seedsFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'warden-seeds-'));
  const file = path.join(dir, 'seeds.yml');
  fs.writeFileSync(file, text);
  return file;
}

test('SEEDS_FILE: restriction codes must be denial statuses; every problem is listed at once', () => {
  const file = seedsFile([
    'restrictions:',
    '  - { category: maintenance, scope: all, value: all, code: 200 }',
    '  - { category: blacklist, scope: ip, value: 192.0.2.1, code: teapot }',
    '  - { category: greylist, scope: ip, value: 192.0.2.2 }',
    '  - { category: blacklist, scope: country, value: JP, code: 451 }',
  ].join('\n'));
  assert.throws(() => readSeedsFile(file), (err: Error) => {
    assert.match(err.message, /restrictions\[0\]: code 200 is not an HTTP status from 400 to 599/);
    assert.match(err.message, /restrictions\[1\]: code "teapot" is not an HTTP status from 400 to 599/);
    assert.match(err.message, /restrictions\[2\]: unknown category greylist/);
    assert.doesNotMatch(err.message, /restrictions\[3\]/);
    return true;
  });
  const ok = readSeedsFile(seedsFile('restrictions:\n  - { category: blacklist, scope: country, value: JP, code: 451 }\n  - { category: maintenance, scope: all, value: all }\n'));
  assert.deepEqual(ok.restrictions.map((r) => r.code ?? null), [451, null]);
});
