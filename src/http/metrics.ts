import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';

/** Upper bounds (seconds) of the request duration histogram. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] as const;
/** Distinct (method, route, status) series kept; beyond it requests count under method "other". */
const MAX_SERIES = 2000;

interface Series {
  method: string;
  route: string;
  status: string;
  count: number;
  sum: number;
  /** Requests per bucket, not cumulative: [i] counts durations in (bound[i-1], bound[i]]. */
  perBucket: Float64Array;
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * Prometheus metrics of the HTTP server. Requests are counted in plain numbers per series and
 * turned into the counter and histogram only when /metrics is scraped: prom-client hashes and
 * validates the label object on every inc/observe, even through a bound child, which came to a
 * few percent of a gateway check's CPU.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly series: Series[] = [];
  /** route → method → status → series. */
  private readonly index = new Map<string, Map<string, Map<number, Series>>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.registry.registerMetric(this.scraped('warden_http_requests_total', 'HTTP requests', 'counter', () => this.requestValues()) as never);
    this.registry.registerMetric(this.scraped('warden_http_request_duration_seconds', 'HTTP request duration', 'histogram', () => this.durationValues()) as never);
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
    // Nested maps rather than one joined key: no string is built per request.
    const series = this.index.get(route)?.get(method)?.get(status) ?? this.newSeries(method, route, status);
    series.count++;
    series.sum += seconds;
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (seconds <= DURATION_BUCKETS[i]) { series.perBucket[i]++; break; }
    }
  }

  private newSeries(method: string, route: string, status: number): Series {
    // Methods are whatever the client sent: cap the label space.
    const m = this.series.length < MAX_SERIES ? method : 'other';
    let byMethod = this.index.get(route);
    if (!byMethod) this.index.set(route, byMethod = new Map());
    let byStatus = byMethod.get(m);
    if (!byStatus) byMethod.set(m, byStatus = new Map());
    let series = byStatus.get(status);
    if (!series) {
      series = { method: m, route, status: String(status), count: 0, sum: 0, perBucket: new Float64Array(DURATION_BUCKETS.length) };
      byStatus.set(status, series);
      this.series.push(series);
    }
    return series;
  }

  private requestValues(): MetricValue[] {
    return this.series.map((s) => ({ labels: { method: s.method, route: s.route, status: s.status }, value: s.count }));
  }

  /** The histogram is labelled by method and route only: the status series of one route add up. */
  private durationValues(): MetricValue[] {
    const byRoute = new Map<string, { method: string; route: string; count: number; sum: number; perBucket: Float64Array }>();
    for (const s of this.series) {
      const key = `${s.method} ${s.route}`;
      let r = byRoute.get(key);
      if (!r) byRoute.set(key, r = { method: s.method, route: s.route, count: 0, sum: 0, perBucket: new Float64Array(DURATION_BUCKETS.length) });
      r.count += s.count;
      r.sum += s.sum;
      for (let i = 0; i < DURATION_BUCKETS.length; i++) r.perBucket[i] += s.perBucket[i];
    }
    const values: MetricValue[] = [];
    const name = 'warden_http_request_duration_seconds';
    for (const r of byRoute.values()) {
      let cumulative = 0;
      for (let i = 0; i < DURATION_BUCKETS.length; i++) {
        cumulative += r.perBucket[i];
        values.push({ labels: { le: DURATION_BUCKETS[i], method: r.method, route: r.route }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf', method: r.method, route: r.route }, value: r.count, metricName: `${name}_bucket` });
      values.push({ labels: { method: r.method, route: r.route }, value: r.sum, metricName: `${name}_sum` });
      values.push({ labels: { method: r.method, route: r.route }, value: r.count, metricName: `${name}_count` });
    }
    return values;
  }

  /** A metric prom-client's registry renders like its own, with values computed at scrape time. */
  private scraped(name: string, help: string, type: 'counter' | 'histogram', values: () => MetricValue[]) {
    const metric = { name, help, type, aggregator: 'sum' as const, get: () => ({ name, help, type, aggregator: 'sum' as const, values: values() }), reset: () => undefined };
    return metric;
  }
}
