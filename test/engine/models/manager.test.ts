/**
 * The model manager over real onnxruntime sessions of generated stand-ins: LRU by bytes and by
 * count, idle unload, one load under concurrent acquisition, no eviction of a model in use (it
 * goes at its last release instead), explicit unload of one and of all, events with sizes, and
 * every session released exactly once — none leaked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type ort from 'onnxruntime-node';
import { ModelManager, type LoadedModel, type ModelEvent } from '../../../engine/models/manager.js';
import { openSession } from '../../../engine/models/session.js';
import type { ComponentContract } from '../../../engine/models/contract.js';
import { encodeOnnxModel } from '../../../engine/models/onnx/model-writer.js';
import { createLogger } from '../../../engine/log/logger.js';

const log = createLogger({ level: 'silent' });
const CONTRACT: ComponentContract = {
  component: 'text_encoder',
  inputs: [{ name: 'input_ids', types: ['int32', 'int64'], ranks: [2] }],
  outputs: [{ name: 'last_hidden_state', types: ['float32'], ranks: [3] }],
};

/** A stand-in whose weights take about `kib` KiB. */
function standIn(kib: number): Uint8Array {
  const rows = Math.max(1, Math.round((kib * 1024) / (4 * 8)));
  return encodeOnnxModel({
    name: 'text_encoder',
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', 8] }],
    initializers: [{ name: 'embedding', type: 'float32', dims: [rows, 8], data: Float32Array.from({ length: rows * 8 }, (_, i) => (i % 13) / 13) }],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['g'], attributes: { axis: { int: 0 } } },
      { op: 'Tanh', inputs: ['g'], outputs: ['last_hidden_state'] },
    ],
  });
}

/** Loads real sessions; counts loads and releases per model. */
function harness(sizesKiB: Record<string, number>, delayMs = 0) {
  const loads = new Map<string, number>();
  const releases = new Map<string, number>();
  const loader = async (id: string): Promise<LoadedModel<ort.InferenceSession>> => {
    loads.set(id, (loads.get(id) ?? 0) + 1);
    if (delayMs > 0) await sleep(delayMs);
    const bytes = standIn(sizesKiB[id]!);
    const { session } = await openSession(id, CONTRACT, bytes);
    return {
      value: session,
      bytes: bytes.length,
      release: async () => {
        releases.set(id, (releases.get(id) ?? 0) + 1);
        await session.release();
      },
    };
  };
  return { loader, loads, releases };
}

function recorder(manager: ModelManager<ort.InferenceSession>): ModelEvent[] {
  const events: ModelEvent[] = [];
  manager.on((event) => events.push(event));
  return events;
}

test('the least recently used model is evicted when the byte budget would be exceeded', async () => {
  const { loader, releases } = harness({ a: 40, b: 40, c: 40 });
  const manager = new ModelManager<ort.InferenceSession>({ memoryBudgetBytes: 100 * 1024, log });
  const events = recorder(manager);
  await manager.use('a', loader, () => undefined);
  await manager.use('b', loader, () => undefined);
  await manager.use('a', loader, () => undefined); // a is now more recent than b
  await manager.use('c', loader, () => undefined);
  assert.deepEqual(manager.list().map((m) => m.id).sort(), ['a', 'c']);
  assert.ok(manager.loadedBytes <= 100 * 1024);
  const evicted = events.find((e) => e.type === 'model_evicted');
  assert.deepEqual(evicted && { id: evicted.id, reason: (evicted as { reason: string }).reason }, { id: 'b', reason: 'memory' });
  assert.ok((evicted as { bytes: number }).bytes > 40 * 1024);
  assert.equal(releases.get('b'), 1);
  const loaded = events.filter((e) => e.type === 'model_loaded');
  assert.equal(loaded.length, 3);
  for (const event of loaded) assert.ok((event as { durationMs: number }).durationMs >= 0);
  await manager.close();
});

test('the count limit (MAX_LOADED_MODELS) evicts the oldest', async () => {
  const { loader } = harness({ a: 4, b: 4, c: 4 });
  const manager = new ModelManager<ort.InferenceSession>({ maxLoaded: 2, log });
  const events = recorder(manager);
  for (const id of ['a', 'b', 'c']) await manager.use(id, loader, () => undefined);
  assert.deepEqual(manager.list().map((m) => m.id), ['b', 'c']);
  assert.deepEqual(events.filter((e) => e.type === 'model_evicted').map((e) => [e.id, (e as { reason: string }).reason]), [['a', 'count']]);
  await manager.close();
});

test('concurrent requests for one model share a single load', async () => {
  const { loader, loads } = harness({ a: 8 }, 30);
  const manager = new ModelManager<ort.InferenceSession>({ log });
  const leases = await Promise.all(Array.from({ length: 8 }, () => manager.acquire('a', loader)));
  assert.equal(loads.get('a'), 1);
  assert.ok(leases.every((lease) => lease.value === leases[0]!.value));
  assert.equal(manager.list()[0]!.inUse, 8);
  for (const lease of leases) lease.release();
  assert.equal(manager.list()[0]!.inUse, 0);
  await manager.close();
});

test('a model in use is never evicted under its user; it goes once released', async () => {
  const { loader, releases } = harness({ a: 60, b: 60 });
  const manager = new ModelManager<ort.InferenceSession>({ memoryBudgetBytes: 100 * 1024, log });
  const held = await manager.acquire('a', loader);
  const other = await manager.acquire('b', loader); // over budget, but a is held
  assert.deepEqual(manager.list().map((m) => m.id).sort(), ['a', 'b']);
  // The held session still runs.
  const ort = await import('onnxruntime-node');
  const out = await held.value.run({ input_ids: new ort.Tensor('int32', Int32Array.from([0, 1]), [1, 2]) });
  assert.deepEqual(out.last_hidden_state!.dims, [1, 2, 8]);
  other.release();
  held.release();
  await sleep(20);
  assert.equal(manager.list().length, 1, 'back within the budget once released');
  assert.equal((releases.get('a') ?? 0) + (releases.get('b') ?? 0), 1);
  await manager.close();
});

test('a model unused for the idle time is unloaded; a used one stays', async () => {
  const { loader, releases } = harness({ a: 4, b: 4 });
  const manager = new ModelManager<ort.InferenceSession>({ idleMs: 80, log });
  const events = recorder(manager);
  await manager.use('a', loader, () => undefined);
  const held = await manager.acquire('b', loader);
  await sleep(250);
  assert.deepEqual(manager.list().map((m) => m.id), ['b']);
  assert.deepEqual(events.filter((e) => e.type === 'model_evicted').map((e) => [e.id, (e as { reason: string }).reason]), [['a', 'idle']]);
  assert.equal(releases.get('a'), 1);
  held.release();
  await manager.close();
});

test('explicit unload of one and of all; in-use models are unloaded at their last release', async () => {
  const { loader, releases } = harness({ a: 4, b: 4, c: 4 });
  const manager = new ModelManager<ort.InferenceSession>({ log });
  const events = recorder(manager);
  for (const id of ['a', 'b']) await manager.use(id, loader, () => undefined);
  const held = await manager.acquire('c', loader);
  assert.equal(await manager.unload('a'), 'unloaded');
  assert.equal(await manager.unload('a'), 'not_loaded');
  assert.deepEqual(await manager.unloadAll(), { unloaded: ['b'], pending: ['c'] });
  assert.equal(manager.list()[0]!.unloadPending, true);
  held.release();
  await sleep(20);
  assert.deepEqual(manager.list(), []);
  assert.deepEqual(events.filter((e) => e.type === 'model_unloaded').map((e) => e.id), ['a', 'b', 'c']);
  for (const id of ['a', 'b', 'c']) assert.equal(releases.get(id), 1, `${id} released once`);
  await manager.close();
});

test('a failed load is reported and not cached; close releases every session exactly once', async () => {
  const { loader, loads, releases } = harness({ a: 4, b: 4 });
  const manager = new ModelManager<ort.InferenceSession>({ log });
  const events = recorder(manager);
  // Bytes onnxruntime cannot read: openSession refuses them.
  const broken = (id: string) => openSession(id, CONTRACT, new Uint8Array([1, 2, 3])).then((): never => assert.fail('a corrupt model loaded'));
  await assert.rejects(manager.acquire('x', broken), { code: 'model_contract_mismatch' });
  assert.equal(events.at(-1)!.type, 'model_load_failed');
  assert.equal(manager.isLoaded('x'), false);
  await manager.use('a', loader, () => undefined);
  await manager.use('b', loader, () => undefined);
  await manager.close();
  assert.deepEqual([...releases.entries()].sort(), [['a', 1], ['b', 1]]);
  assert.deepEqual([...loads.values()], [1, 1]);
  await assert.rejects(manager.acquire('a', loader), { code: 'unavailable' });
});
