import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests whose handler has not finished yet (shutdown waits for them, see main.ts). */
    inFlight: InFlight;
  }
}

/**
 * Counts requests from arrival until their handler has answered. A server's close() only waits
 * for open connections, and a client that hangs up mid-request (a load balancer's timeout, a
 * closed tab) closes its connection while the handler still runs: without this count a shutdown
 * closed the database pool under such a handler, which then failed half-way with a 500.
 */
export class InFlight {
  private n = 0;
  private waiters: (() => void)[] = [];

  get count(): number { return this.n; }

  begin(): void { this.n++; }

  end(): void {
    this.n = Math.max(0, this.n - 1);
    if (this.n === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.n === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const wake = () => { clearTimeout(timer); resolve(true); };
      // Not unref'd: the wait is bounded, and shutdown must not end early because of it.
      const timer = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== wake); resolve(false); }, timeoutMs);
      this.waiters.push(wake);
    });
  }
}

const COUNTED = Symbol('warden.inFlight');
type Counted = FastifyRequest & { [COUNTED]?: boolean };

/**
 * Counts the requests Fastify routes: from onRequest until the reply is handed to onSend (the
 * handler, or the error handler, is done) or, for a request that never got that far, until
 * onResponse. Each request is counted down once.
 */
export function countInFlight(app: FastifyInstance, inFlight: InFlight): void {
  app.decorate('inFlight', inFlight);
  const done = (req: Counted) => {
    if (!req[COUNTED]) return;
    req[COUNTED] = false;
    inFlight.end();
  };
  app.addHook('onRequest', async (req: Counted) => { req[COUNTED] = true; inFlight.begin(); });
  app.addHook('onSend', async (req: Counted, _reply, payload) => { done(req); return payload; });
  app.addHook('onResponse', async (req: Counted) => { done(req); });
}
