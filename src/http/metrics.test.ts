import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HttpMetrics } from './metrics.js';

const lines = async (m: HttpMetrics, name: string) => (await m.registry.metrics()).split('\n').filter((l) => l.startsWith(name));

describe('HttpMetrics', () => {
  it('counts requests per method, route and status', async () => {
    const m = new HttpMetrics();
    m.observe('GET', '/a', 200, 0.0004);
    m.observe('GET', '/a', 200, 0.02);
    m.observe('GET', '/a', 401, 0.003);
    m.observe('POST', '/b', 201, 0.1);
    assert.deepEqual(await lines(m, 'warden_http_requests_total{'), [
      'warden_http_requests_total{method="GET",route="/a",status="200"} 2',
      'warden_http_requests_total{method="GET",route="/a",status="401"} 1',
      'warden_http_requests_total{method="POST",route="/b",status="201"} 1',
    ]);
  });

  it('renders a cumulative duration histogram per method and route, over all statuses', async () => {
    const m = new HttpMetrics();
    m.observe('GET', '/a', 200, 0.0004); // ≤ 0.001
    m.observe('GET', '/a', 401, 0.003); // ≤ 0.005
    m.observe('GET', '/a', 200, 0.005); // a bound is inclusive
    m.observe('GET', '/a', 200, 7); // above every bound: +Inf only
    const text = await m.registry.metrics();
    assert.match(text, /# TYPE warden_http_request_duration_seconds histogram/);
    assert.deepEqual(await lines(m, 'warden_http_request_duration_seconds'), [
      'warden_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/a"} 1',
      'warden_http_request_duration_seconds_bucket{le="0.0025",method="GET",route="/a"} 1',
      'warden_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.01",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.25",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="0.5",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="1",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="2.5",method="GET",route="/a"} 3',
      'warden_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/a"} 4',
      'warden_http_request_duration_seconds_sum{method="GET",route="/a"} 7.0084',
      'warden_http_request_duration_seconds_count{method="GET",route="/a"} 4',
    ]);
  });

  it('folds methods beyond 2000 series into method "other"', async () => {
    const m = new HttpMetrics();
    for (let i = 0; i < 2000; i++) m.observe(`M${i}`, '/a', 200, 0.001);
    m.observe('LATE', '/a', 200, 0.001);
    m.observe('LATER', '/a', 200, 0.001);
    m.observe('M7', '/a', 200, 0.001); // a known series still counts under its own method
    const counts = await lines(m, 'warden_http_requests_total{');
    assert.equal(counts.length, 2001);
    assert.ok(counts.includes('warden_http_requests_total{method="other",route="/a",status="200"} 2'));
    assert.ok(counts.includes('warden_http_requests_total{method="M7",route="/a",status="200"} 2'));
  });

  it('keeps the readings of domain objects', async () => {
    const m = new HttpMetrics();
    let total = 5;
    m.reading('counter', 'warden_test_total', 'test', () => total);
    m.reading('gauge', 'warden_test_depth', 'test', () => 3);
    assert.deepEqual(await lines(m, 'warden_test_'), ['warden_test_total 5', 'warden_test_depth 3']);
    total = 8;
    assert.deepEqual(await lines(m, 'warden_test_total'), ['warden_test_total 8']);
  });
});
