import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from '../../helpers/server.js';
import { MetricsSnapshotSchema } from '../../../engine/server/ops/metrics.js';
import { parsePrometheus } from '../metrics/prometheus-parse.js';
import { exampleWorkflow, runWorkflow } from './ops-harness.js';

test('GET /api/metrics counts a real run, its node durations by type, and cache hits when it runs again', async () => {
  const server = await startTestServer();
  try {
    const workflow = await exampleWorkflow('image-chain');
    const first = await runWorkflow(server, workflow);
    assert.equal(first.status, 'success');
    const after1 = MetricsSnapshotSchema.parse((await server.request('/api/metrics')).body);
    assert.equal(after1.runs.submitted, 1);
    assert.equal(after1.runs.finished.success, 1);
    assert.equal(after1.runs.duration.count, 1);
    assert.equal(after1.nodes.executed, 4);
    const types = after1.nodes.byType.map((t) => t.type).sort();
    assert.deepEqual(types, ['image.blur', 'image.empty', 'image.invert', 'image.save']);
    for (const entry of after1.nodes.byType) assert.equal(entry.count, 1);
    assert.equal(after1.cache.hits, 0);
    assert.ok(after1.cache.misses > 0);
    assert.ok(after1.cache.entries > 0 && after1.cache.bytes > 0);

    // The same workflow again: every node comes from the cache, nothing executes.
    const second = await runWorkflow(server, workflow);
    assert.equal(second.status, 'success');
    const after2 = MetricsSnapshotSchema.parse((await server.request('/api/metrics')).body);
    assert.equal(after2.runs.finished.success, 2);
    assert.ok(after2.cache.hits > 0);
    assert.ok(after2.cache.hitRate !== null && after2.cache.hitRate > 0);
    assert.equal(after2.nodes.executed, after1.nodes.executed + second.executed.length);
    assert.equal(after2.queue.queued, 0);
    assert.equal(after2.models.loads, 0);
    assert.deepEqual(after2.models.evictions, { memory: 0, count: 0, idle: 0, request: 0 });
    assert.ok(after2.memory.rssBytes > 0);
    // HTTP requests are labelled by route pattern.
    assert.ok(after2.http.byRoute.some((r) => r.method === 'POST' && r.route === '/api/runs' && r.status === 202 && r.count === 2));

    // The series: a sample taken now sees the two runs.
    await server.server.ctx.metrics.sample();
    const after3 = MetricsSnapshotSchema.parse((await server.request('/api/metrics')).body);
    assert.equal(after3.series.intervalMs, 5000);
    assert.equal(after3.series.capacity, 60);
    const samples = after3.series.samples;
    assert.ok(samples.length >= 2);
    assert.equal(samples.reduce((sum, s) => sum + s.runsFinished, 0), 2);
    assert.equal(samples.reduce((sum, s) => sum + s.nodesExecuted, 0), after2.nodes.executed);
  } finally {
    await server.dispose();
  }
});

test('GET /metrics answers Prometheus text 0.0.4 that parses, with the runs, nodes, cache, queue, model and memory metrics', async () => {
  const server = await startTestServer();
  try {
    const run = await runWorkflow(server, await exampleWorkflow('text-math'));
    assert.equal(run.status, 'success');
    await server.request('/api/runs/no-such-run');
    await server.request('/api/runs/also-missing');
    await server.request('/definitely/not/a/route?x=1');
    const response = await fetch(`${server.url}/metrics`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    const families = parsePrometheus(text);
    for (const name of families.keys()) assert.match(name, /^switchyard_/);
    for (const family of families.values()) assert.ok(family.help.length > 0, `${family.name} has HELP`);
    const value = (name: string, labels: Record<string, string> = {}) =>
      [...families.values()].flatMap((f) => f.samples).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.equal(value('switchyard_runs_total', { status: 'success' }), 1);
    assert.equal(value('switchyard_runs_total', { status: 'error' }), 0);
    assert.equal(value('switchyard_runs_submitted_total'), 1);
    assert.equal(families.get('switchyard_node_duration_seconds')?.type, 'histogram');
    assert.equal(value('switchyard_node_duration_seconds_count', { node_type: 'core.int_math' }), 1);
    assert.equal(value('switchyard_queue_runs', { state: 'queued' }), 0);
    assert.ok((value('switchyard_cache_misses_total') ?? 0) > 0);
    assert.equal(value('switchyard_model_loads_total'), 0);
    assert.equal(value('switchyard_model_evictions_total', { reason: 'idle' }), 0);
    assert.ok((value('switchyard_process_memory_bytes', { kind: 'rss' }) ?? 0) > 0);
    assert.ok((value('switchyard_uptime_seconds') ?? -1) >= 0);
    // Route labels are patterns: two different run ids are one series; unknown paths are "(unmatched)".
    assert.equal(value('switchyard_http_requests_total', { method: 'GET', route: '/api/runs/:id', status: '404' }), 2);
    assert.equal(value('switchyard_http_requests_total', { method: 'GET', route: '(unmatched)', status: '404' }), 1);
    assert.ok(!text.includes('no-such-run') && !text.includes('definitely'), 'raw URLs never become labels');
  } finally {
    await server.dispose();
  }
});

test('the model manager reports loads and evictions through ctx.metrics.models', async () => {
  const server = await startTestServer();
  try {
    const models = server.server.ctx.metrics.models;
    models.loaded();
    models.loaded();
    models.evicted('memory');
    models.resident(1, 123_456);
    const snapshot = MetricsSnapshotSchema.parse((await server.request('/api/metrics')).body);
    assert.equal(snapshot.models.loads, 2);
    assert.equal(snapshot.models.evictions.memory, 1);
    assert.equal(snapshot.models.loaded, 1);
    assert.equal(snapshot.models.bytes, 123_456);
    const families = parsePrometheus(await (await fetch(`${server.url}/metrics`)).text());
    assert.equal(families.get('switchyard_model_loads_total')!.samples[0]!.value, 2);
  } finally {
    await server.dispose();
  }
});
