import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry } from '../../../engine/metrics/registry.js';
import { writePrometheus, formatValue } from '../../../engine/metrics/prometheus.js';
import { rollingSeries } from '../../../engine/metrics/series.js';
import { parsePrometheus } from './prometheus-parse.js';

test('counters, gauges and histograms keep one series per label set and write valid exposition text', async () => {
  const registry = new MetricsRegistry();
  const runs = registry.counter({ name: 'demo_runs_total', help: 'Runs by status.', labelNames: ['status'] });
  const depth = registry.gauge({ name: 'demo_depth', help: 'Depth.' });
  const durations = registry.histogram({ name: 'demo_seconds', help: 'Durations.', labelNames: ['node_type'], buckets: [0.1, 1, 10] });
  runs.inc({ status: 'success' });
  runs.inc({ status: 'success' }, 2);
  runs.inc({ status: 'error' });
  depth.set(7);
  durations.observe(0.05, { node_type: 'image.blur' });
  durations.observe(0.5, { node_type: 'image.blur' });
  durations.observe(100, { node_type: 'image.blur' });
  durations.observe(1, { node_type: 'core.int' });

  const text = writePrometheus(await registry.collect());
  const families = parsePrometheus(text);
  assert.equal(families.get('demo_runs_total')?.type, 'counter');
  assert.equal(families.get('demo_runs_total')?.help, 'Runs by status.');
  const success = families.get('demo_runs_total')!.samples.find((s) => s.labels.status === 'success');
  assert.equal(success?.value, 3);
  assert.equal(families.get('demo_depth')!.samples[0]!.value, 7);
  const blur = families.get('demo_seconds')!.samples.filter((s) => s.labels.node_type === 'image.blur');
  const bucket = (le: string) => blur.find((s) => s.name === 'demo_seconds_bucket' && s.labels.le === le)?.value;
  assert.equal(bucket('0.1'), 1);
  assert.equal(bucket('1'), 2);
  assert.equal(bucket('10'), 2);
  assert.equal(bucket('+Inf'), 3);
  assert.equal(blur.find((s) => s.name === 'demo_seconds_count')?.value, 3);
  assert.equal(blur.find((s) => s.name === 'demo_seconds_sum')?.value, 100.55);
  // A value on a bucket's bound belongs to that bucket (le = less or equal).
  const core = families.get('demo_seconds')!.samples.filter((s) => s.labels.node_type === 'core.int');
  assert.equal(core.find((s) => s.labels.le === '1')?.value, 1);
  assert.equal(core.find((s) => s.labels.le === '0.1')?.value, 0);
});

test('label values and help text are escaped so any text stays one parsable line', async () => {
  const registry = new MetricsRegistry();
  const hits = registry.counter({ name: 'demo_total', help: 'Help with a \\ backslash\nand a newline.', labelNames: ['route'] });
  const tricky = 'a "quoted" \\path\nnext';
  hits.inc({ route: tricky });
  const text = writePrometheus(await registry.collect());
  assert.equal(text.split('\n').filter((l) => l.startsWith('demo_total')).length, 1);
  const family = parsePrometheus(text).get('demo_total')!;
  assert.equal(family.samples[0]!.labels.route, tricky);
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(NaN), 'NaN');
});

test('wrong label names, decreasing counters, bad names and duplicate registrations are refused', () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: 'x_total', help: 'x', labelNames: ['a'] });
  assert.throws(() => counter.inc({ b: '1' }), /takes labels \[a\]/);
  assert.throws(() => counter.inc({ a: '1' }, -1), /only goes up/);
  assert.throws(() => registry.counter({ name: 'x_total', help: 'again' }), /registered twice/);
  assert.throws(() => registry.gauge({ name: 'bad-name', help: 'x' }), /invalid metric name/);
  assert.throws(() => registry.histogram({ name: 'h', help: 'x', labelNames: ['le'], buckets: [1] }), /invalid label name/);
  assert.throws(() => registry.histogram({ name: 'h2', help: 'x', buckets: [2, 1] }), /increasing/);
});

test('an unlabelled metric is exported at 0 before anything happens; collectors run before each collection', async () => {
  const registry = new MetricsRegistry();
  registry.counter({ name: 'idle_total', help: 'Nothing yet.' });
  const gauge = registry.gauge({ name: 'read_at_scrape', help: 'Set by a collector.' });
  let source = 41;
  registry.onCollect(async () => {
    gauge.set(++source);
  });
  const families = parsePrometheus(writePrometheus(await registry.collect()));
  assert.equal(families.get('idle_total')!.samples[0]!.value, 0);
  assert.equal(families.get('read_at_scrape')!.samples[0]!.value, 42);
  assert.equal(parsePrometheus(writePrometheus(await registry.collect())).get('read_at_scrape')!.samples[0]!.value, 43);
});

test('a rolling series keeps the newest samples, oldest first', () => {
  const series = rollingSeries<number>(3);
  assert.deepEqual(series.list(), []);
  for (let i = 1; i <= 5; i++) series.push(i);
  assert.deepEqual(series.list(), [3, 4, 5]);
  assert.equal(series.latest(), 5);
  assert.equal(series.size, 3);
  assert.throws(() => rollingSeries(0), /positive integer/);
});
