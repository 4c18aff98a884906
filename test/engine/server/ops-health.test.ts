import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestServer } from '../../helpers/server.js';
import { ENGINE_VERSION } from '../../../engine/version.js';
import { HealthReportSchema } from '../../../engine/server/ops/health.js';
import { connectSocket } from './helpers-runs.js';
import { ModelsReportSchema } from '../../../engine/server/ops/models.js';
import { availableProviders, parseNvidiaSmi, type OnnxRuntimeInfo } from '../../../engine/server/ops/system-info.js';

test('GET /api/health reports version, runtime, onnxruntime providers, machine, queue, cache and packs', async () => {
  const server = await startTestServer();
  try {
    const health = await server.request('/api/health');
    assert.equal(health.status, 200);
    assert.equal(health.headers.get('cache-control'), 'no-store');
    const report = HealthReportSchema.parse(health.body);
    assert.equal(report.status, 'ok', `problems: ${report.problems.join('; ')}`);
    assert.deepEqual(report.problems, []);
    assert.equal(report.version, ENGINE_VERSION);
    assert.equal(report.node, process.version);
    assert.equal(report.pid, process.pid);
    assert.ok(report.uptimeSeconds >= 0);
    // onnxruntime-node is installed: its CPU provider is always there.
    assert.equal(report.onnxruntime.loaded, true);
    assert.ok(report.onnxruntime.available.includes('cpu'));
    assert.ok(report.onnxruntime.providers.some((p) => p.name === 'cpu' && p.bundled));
    if (report.gpu.devices.length === 0) assert.ok(!report.onnxruntime.available.includes('cuda'), 'no GPU, no CUDA');
    // What sessions open with by default: cpu, min(4, CPUs) threads per operator, one across operators.
    assert.deepEqual(report.sessions, { providers: ['cpu'], intraOpThreads: Math.min(4, report.cpu.count), interOpThreads: 1, unavailable: [] });
    assert.ok(report.cpu.count >= 1);
    assert.equal(report.cpu.loadAverage.length, 3);
    assert.ok(report.memory.process.rssBytes > 0);
    assert.ok(report.memory.system.totalBytes >= report.memory.system.freeBytes);
    // Either devices were read from nvidia-smi, or the reason none is listed is given.
    assert.ok(report.gpu.devices.length > 0 || (report.gpu.reason ?? '').length > 0);
    assert.deepEqual(report.queue, { queued: 0, running: 0, finished: 0 });
    assert.equal(report.cache.hits, 0);
    assert.ok(report.packs.loaded >= 2);
    assert.equal(report.packs.failed, 0);
    assert.equal(report.logs.capturing, false, 'the test logger feeds no buffer, and health says so');
  } finally {
    await server.dispose();
  }
});

test('health is degraded, with the reason, when a pack failed to load or a store file was corrupt', async () => {
  const server = await startTestServer();
  const dataDir = server.dataDir;
  await server.close();
  // A community pack that cannot load, and a run store file that is not JSON.
  await mkdir(join(dataDir, 'packs', 'broken'), { recursive: true });
  await writeFile(join(dataDir, 'packs', 'broken', 'package.json'), '{ not json');
  await writeFile(join(dataDir, 'store', 'runs.json'), '{"version":1,"nextNumber":');
  const again = await startTestServer({ dataDir, packsDirs: [join(dataDir, 'packs')] });
  try {
    const report = HealthReportSchema.parse((await again.request('/api/health')).body);
    assert.equal(report.status, 'degraded');
    assert.equal(report.packs.failed, 1);
    assert.ok(report.problems.some((p) => /pack\(s\) failed to load/.test(p)));
    assert.equal(report.store.corruptFiles, 1);
    assert.ok(report.problems.some((p) => /unreadable at start and were moved aside/.test(p)));
  } finally {
    await again.dispose();
  }
});

test('nvidia-smi CSV output is read into devices, names with commas included', () => {
  const devices = parseNvidiaSmi('0, NVIDIA H200, 143771, 512, 3, 550.54.15\n1, Tesla, Inc. T4, 15360, 0, [N/A], 535.1\n\n');
  assert.equal(devices.length, 2);
  assert.deepEqual(devices[0], { index: 0, name: 'NVIDIA H200', memoryTotalBytes: 143771 * 1024 * 1024, memoryUsedBytes: 512 * 1024 * 1024, utilizationPercent: 3, driverVersion: '550.54.15' });
  assert.equal(devices[1]!.name, 'Tesla, Inc. T4');
  assert.equal(devices[1]!.utilizationPercent, null);
});

test('GPU providers count as available only where a GPU they can use was seen', () => {
  const info: OnnxRuntimeInfo = {
    loaded: true,
    version: '1.30.0',
    providers: [
      { name: 'cpu', bundled: true, installed: true },
      { name: 'webgpu', bundled: true, installed: true },
      { name: 'cuda', bundled: false, installed: true },
      { name: 'tensorrt', bundled: false, installed: false },
    ],
    available: ['cpu'],
    error: null,
  };
  const noGpu = { devices: [], reason: 'nvidia-smi is not installed' };
  const h200 = { devices: parseNvidiaSmi('0, NVIDIA H200, 143771, 0, 0, 550.54.15'), reason: null };
  assert.deepEqual(availableProviders(info, noGpu, 'linux'), ['cpu']);
  assert.deepEqual(availableProviders(info, h200, 'linux'), ['cpu', 'webgpu', 'cuda']);
  assert.deepEqual(availableProviders(info, noGpu, 'darwin'), ['cpu', 'webgpu']);
  assert.deepEqual(availableProviders({ ...info, loaded: false, providers: [] }, h200, 'linux'), []);
});

test('GET /api/models lists the models folder and what is loaded; a model used by a run can be unloaded', async () => {
  const server = await startTestServer();
  try {
    const models = join(server.dataDir, 'models');
    await mkdir(join(models, 'sdxl-tiny', 'unet'), { recursive: true });
    await writeFile(join(models, 'sdxl-tiny', 'model_index.json'), '{}');
    await writeFile(join(models, 'sdxl-tiny', 'unet', 'model.onnx'), Buffer.alloc(4096));
    await writeFile(join(models, 'caption.onnx'), Buffer.alloc(1000));
    await writeFile(join(models, '.hidden'), 'x');
    const listed = await server.request('/api/models');
    assert.equal(listed.status, 200);
    const report = ModelsReportSchema.parse(listed.body);
    assert.equal(report.manager, 'ready');
    assert.deepEqual(report.loaded, []);
    assert.equal(report.truncated, false);
    assert.deepEqual(report.available.map((m) => [m.id, m.kind, m.bytes, m.files]), [
      ['caption.onnx', 'file', 1000, 1],
      ['sdxl-tiny', 'folder', 4098, 2],
    ]);
    assert.deepEqual(report.available.map((m) => [m.id, m.layout, m.family, m.components, m.loaded]), [
      ['caption.onnx', 'file', null, ['model'], false],
      ['sdxl-tiny', 'diffusers', null, ['unet'], false],
    ]);
    // Nothing loaded: unloading one is a 404, unloading all an empty success.
    const missing = await server.request('/api/models/sdxl-tiny/unload', { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'not_found');
    assert.deepEqual((await server.request('/api/models/unload-all', { method: 'POST' })).body, { unloaded: [], pending: [] });

    // A run loads the demo model through the manager; it is listed with its memory, then unloaded.
    const live = await connectSocket(server.url);
    const run = await server.request('/api/runs', { body: { workflow: { schemaVersion: 1, nodes: {
      t: { type: 'diffusion.text_to_image', inputs: { model: 'demo-sd15', prompt: 'a barn', width: 64, height: 64, steps: 2 } },
      p: { type: 'image.preview', inputs: { images: ['t', 0] } },
    } } } });
    assert.equal(run.status, 202, run.text);
    for (let i = 0; i < 200 && (await server.request(`/api/runs/${run.body.id}`)).body.status !== 'success'; i++) await new Promise((r) => setTimeout(r, 50));
    const loaded = ModelsReportSchema.parse((await server.request('/api/models')).body);
    assert.deepEqual(loaded.loaded.map((m) => [m.id, m.inUse]), [['demo-sd15', 0]]);
    const demo = loaded.available.find((m) => m.id === 'demo-sd15')!;
    assert.deepEqual([demo.layout, demo.family, demo.loaded, demo.components], ['diffusers', 'sd15', true, ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']]);
    assert.ok(loaded.memory.loadedBytes > 0);
    const metricsLoaded = (await server.request('/api/metrics')).body.models;
    assert.deepEqual([metricsLoaded.loads, metricsLoaded.loaded], [1, 1]);
    assert.equal(metricsLoaded.bytes, loaded.memory.loadedBytes);
    const unloaded = await server.request('/api/models/demo-sd15/unload', { method: 'POST' });
    assert.deepEqual([unloaded.status, unloaded.body], [200, { id: 'demo-sd15', outcome: 'unloaded' }]);
    assert.deepEqual(ModelsReportSchema.parse((await server.request('/api/models')).body).loaded, []);
    // Live clients heard both, as broadcasts.
    const heardLoad = await live.waitFor((e) => e.name === 'model:loaded', 'model:loaded');
    assert.equal(heardLoad.payload.id, 'demo-sd15');
    assert.ok(heardLoad.payload.bytes > 0);
    await live.waitFor((e) => e.name === 'model:unloaded' && e.payload.id === 'demo-sd15', 'model:unloaded');
    live.close();
    const metricsAfter = (await server.request('/api/metrics')).body.models;
    assert.deepEqual([metricsAfter.loaded, metricsAfter.bytes, metricsAfter.evictions.request], [0, 0, 1]);
    assert.match((await server.request('/metrics')).text, /switchyard_model_evictions_total\{reason="request"\} 1/);
  } finally {
    await server.dispose();
  }
});
