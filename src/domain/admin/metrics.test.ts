import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricsBound, series } from './metrics.js';

test('metricsBound: unix seconds, calendar dates (a `to` date covers the whole UTC day), ISO times; anything else is null', () => {
  assert.equal(metricsBound('0', 'from')?.toISOString(), '1970-01-01T00:00:00.000Z');
  assert.equal(metricsBound(' 1700000000 ', 'to')?.toISOString(), '2023-11-14T22:13:20.000Z');
  assert.equal(metricsBound('2024-02-29', 'from')?.toISOString(), '2024-02-29T00:00:00.000Z');
  assert.equal(metricsBound('2024-02-29', 'to')?.toISOString(), '2024-02-29T23:59:59.999Z');
  assert.equal(metricsBound('2024-01-01T10:00:00+02:00', 'from')?.toISOString(), '2024-01-01T08:00:00.000Z');
  for (const bad of ['2023-02-29', '2024-13-01', '2024-01-01T99:00', '-5', 'yesterday', '1.5', '']) assert.equal(metricsBound(bad, 'from'), null, bad);
});

test('series: quiet days between the first and the last active day are 0; nothing before or after', () => {
  assert.deepEqual(series([]), {});
  assert.deepEqual(series([{ day: '2024-02-28', n: 2 }, { day: '2024-03-02', n: 1 }]),
    { '2024-02-28': 2, '2024-02-29': 0, '2024-03-01': 0, '2024-03-02': 1 });
  assert.deepEqual(series([{ day: '2024-12-31', n: 5 }]), { '2024-12-31': 5 });
});
