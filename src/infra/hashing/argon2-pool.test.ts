import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import bcrypt from 'bcryptjs';
import { PasswordHasher } from '../../domain/auth/password-hasher.js';
import { Argon2WorkerPool } from './argon2-pool.js';

const PARAMS = { memoryKiB: 8192, timeCost: 1, parallelism: 1 };
// Written by the node-argon2 addon Warden used before (parameters in m,p,t order): stored
// digests from those versions must keep verifying.
const NODE_ARGON2_DIGEST = '$argon2id$v=19$m=8192,p=1,t=1$SyAwJKhjOrXZ58eafPyAbQ$RRIc/x7TuVgfqbpCFj4amz2vUZu1eVNNn9IA0jlWsCQ';

/** Nice value of one thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function niceOf(tid: string): number {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

describe('Argon2WorkerPool and PasswordHasher', () => {
  const pool = new Argon2WorkerPool(2);
  const hasher = new PasswordHasher(PARAMS, pool);
  after(() => pool.close());

  it('hashes argon2id with the configured parameters and verifies only the right password', async () => {
    const digest = await hasher.hash('Tecohvi0-Xq');
    assert.match(digest, /^\$argon2id\$v=19\$m=8192,t=1,p=1\$/);
    assert.equal(await hasher.verify(digest, 'Tecohvi0-Xq'), true);
    assert.equal(await hasher.verify(digest, 'Tecohvi0-Xr'), false);
    assert.equal(hasher.needsRehash(digest), false);
  });

  it('verifies digests of the earlier addon and of imported bcrypt, and asks to rehash both only when needed', async () => {
    assert.equal(await hasher.verify(NODE_ARGON2_DIGEST, 'Tecohvi0-Xq'), true);
    assert.equal(await hasher.verify(NODE_ARGON2_DIGEST, 'wrong'), false);
    assert.equal(hasher.needsRehash(NODE_ARGON2_DIGEST), false, 'same parameters in another order');
    assert.equal(new PasswordHasher({ ...PARAMS, timeCost: 2 }, pool).needsRehash(NODE_ARGON2_DIGEST), true);
    const bcryptDigest = bcrypt.hashSync('Tecohvi0-Xq', 4);
    assert.equal(await hasher.verify(bcryptDigest, 'Tecohvi0-Xq'), true);
    assert.equal(hasher.needsRehash(bcryptDigest), true);
  });

  it('answers false, not an error, for digests that are not argon2', async () => {
    for (const digest of ['', '!', '$argon2id$v=19$m=8192,t=1,p=1$bad', '$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA', 'plain-text']) {
      assert.equal(await hasher.verify(digest, 'x'), false, digest);
    }
    assert.equal(hasher.needsRehash('!'), true);
    assert.equal(hasher.needsRehash('$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA'), true, 'argon2i is upgraded to argon2id');
  });

  it('queues more jobs than threads and answers each with its own result', async () => {
    const passwords = Array.from({ length: 9 }, (_, i) => `pw-${i}-Tecohvi0`);
    const digests = await Promise.all(passwords.map((p) => hasher.hash(p)));
    const checks = await Promise.all(digests.map((d, i) => hasher.verify(d, passwords[(i + 1) % passwords.length]!)));
    assert.deepEqual(checks, passwords.map(() => false));
    assert.deepEqual(await Promise.all(digests.map((d, i) => hasher.verify(d, passwords[i]!))), passwords.map(() => true));
    assert.equal(pool.queued, 0);
  });

  it('runs its threads below the event loop\'s priority (Linux)', { skip: process.platform !== 'linux' }, async () => {
    await hasher.hash('warm');
    const nice = fs.readdirSync('/proc/self/task').map(niceOf);
    assert.equal(nice.filter((n) => n === 10).length, 2, `nice values: ${nice.join(',')}`);
    assert.equal(niceOf(String(process.pid)), 0, 'the main thread keeps its priority');
  });

  it('lets a process exit once its jobs are done (idle threads hold nothing open)', () => {
    const script = `import { Argon2WorkerPool } from ${JSON.stringify(new URL('./argon2-pool.ts', import.meta.url).href)};
      const pool = new Argon2WorkerPool(2);
      console.log(await pool.verify(await pool.hash('x', ${JSON.stringify(PARAMS)}), 'x'));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.signal, null, 'the process did not exit by itself');
    assert.equal(run.stdout.trim(), 'true', run.stderr);
  });

  it('rejects running and queued jobs at close, and refuses work after it', async () => {
    const closing = new Argon2WorkerPool(1);
    const running = assert.rejects(closing.hash('x', { ...PARAMS, memoryKiB: 65536, timeCost: 3 }), /closed/);
    const queued = assert.rejects(closing.hash('y', PARAMS), /closed/);
    await closing.close();
    await running;
    await queued;
    await assert.rejects(closing.hash('z', PARAMS), /closed/);
  });
});
