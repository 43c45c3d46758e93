import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import type { Argon2Engine, Argon2Params } from '../../domain/auth/password-hasher.js';

type Job = { op: 'hash'; password: string; params: Argon2Params } | { op: 'verify'; digest: string; password: string };
interface Pending { job: Job; resolve: (v: string | boolean) => void; reject: (e: Error) => void }
interface Slot { worker: Worker; current: Pending | null }

/*
 * The worker body is plain JavaScript evaluated in the thread, so the same code runs from dist/
 * and from the TypeScript sources under tsx. It lowers its own thread's scheduling priority
 * (Linux applies nice per thread): on a small machine a login burst then takes the CPU the event
 * loop does not want, instead of delaying every other request behind argon2's 19 MiB passes.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const argon2 = require(workerData.modulePath);
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  os.setPriority(tid, os.constants.priority.PRIORITY_BELOW_NORMAL);
} catch { /* not Linux: the thread keeps the normal priority */ }
parentPort.on('message', (job) => {
  try {
    if (job.op === 'hash') {
      const p = job.params;
      parentPort.postMessage({ ok: argon2.hashSync(job.password, { algorithm: argon2.Algorithm.Argon2id, memoryCost: p.memoryKiB, timeCost: p.timeCost, parallelism: p.parallelism }) });
    } else {
      let ok = false;
      try { ok = argon2.verifySync(job.digest, job.password); } catch { ok = false; }
      parentPort.postMessage({ ok });
    }
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
});
`;

/**
 * argon2id on a fixed set of low-priority worker threads (not libuv's shared pool, whose threads
 * cannot be given a lower priority and which file and DNS work also need). Threads start at the
 * first job and are unreferenced while idle, so an idle pool never keeps a process alive.
 */
export class Argon2WorkerPool implements Argon2Engine {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly modulePath = createRequire(import.meta.url).resolve('@node-rs/argon2');
  private closed = false;

  constructor(readonly size: number) {}

  hash(password: string, params: Argon2Params): Promise<string> {
    return this.submit({ op: 'hash', password, params }) as Promise<string>;
  }

  verify(digest: string, password: string): Promise<boolean> {
    return this.submit({ op: 'verify', digest, password }) as Promise<boolean>;
  }

  /** Jobs waiting for a thread. */
  get queued(): number { return this.queue.length; }

  /** Ends the threads; jobs still queued or running are rejected, never left pending. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = new Error('argon2 pool closed');
    for (const p of this.queue.splice(0)) p.reject(closed);
    const slots = this.slots.splice(0);
    for (const s of slots) { s.current?.reject(closed); s.current = null; }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private submit(job: Job): Promise<string | boolean> {
    if (this.closed) return Promise.reject(new Error('argon2 pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      while (this.slots.length < this.size) this.slots.push(this.spawn());
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current) continue;
      slot.current = this.queue.shift()!;
      slot.worker.ref();
      slot.worker.postMessage(slot.current.job);
    }
  }

  private spawn(): Slot {
    // execArgv [] so that flags of the host process (--input-type=module, loaders) cannot change
    // how the CommonJS body above is read.
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { modulePath: this.modulePath } });
    const slot: Slot = { worker, current: null };
    worker.on('message', (msg: { ok?: string | boolean; error?: string }) => {
      const done = slot.current;
      slot.current = null;
      worker.unref();
      if (done) {
        if (msg.error !== undefined) done.reject(new Error(`argon2: ${msg.error}`));
        else done.resolve(msg.ok!);
      }
      this.dispatch();
    });
    // A thread that dies (out of memory for a huge ARGON2_MEMORY_KIB, say) fails its one job and
    // leaves the pool; the next job starts a replacement. Not at once: threads also end when the
    // process does, and a replacement started then would keep it from exiting.
    worker.on('error', (err) => this.drop(slot, err));
    worker.on('exit', () => this.drop(slot, new Error('argon2 worker exited')));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return slot;
  }

  private drop(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.current?.reject(err);
    slot.current = null;
    if (this.queue.length > 0 && !this.closed) {
      this.slots.push(this.spawn());
      this.dispatch();
    }
  }
}

let shared: Argon2WorkerPool | null = null;

/**
 * One pool per process: it is a machine resource like libuv's pool, and tests build many apps
 * in one process. The first caller's size wins.
 */
export function sharedArgon2Pool(size: number): Argon2WorkerPool {
  shared ??= new Argon2WorkerPool(size);
  return shared;
}
