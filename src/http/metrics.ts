import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of the HTTP server. Label children are bound once per (method, route,
 * status) and reused: looking labels up by object on every request costs more than the
 * gateway check's own decision.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly bound = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'warden_http_requests_total', help: 'HTTP requests', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
    this.duration = new Histogram({
      name: 'warden_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
    });
  }

  /**
   * A value read at scrape time from a domain object: a gauge's current value, or a counter's
   * running total (the counter is advanced by what the total grew since the last scrape).
   */
  reading(kind: 'gauge' | 'counter', name: string, help: string, read: () => number): void {
    if (kind === 'gauge') {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
      return;
    }
    let seen = 0;
    new Counter({ name, help, registers: [this.registry], collect() { const now = read(); if (now > seen) this.inc(now - seen); seen = now; } });
  }

  /** `route` is the route pattern, never the raw URL (bounded label values). */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let b = this.bound.get(key);
    if (!b) {
      // Methods are arbitrary strings from the client: cap the label space.
      if (this.bound.size > 2000) { this.requests.inc({ method, route, status: String(status) }); this.duration.observe({ method, route }, seconds); return; }
      b = { count: this.requests.labels(method, route, String(status)), time: this.duration.labels(method, route) };
      this.bound.set(key, b);
    }
    b.count.inc();
    b.time.observe(seconds);
  }
}
