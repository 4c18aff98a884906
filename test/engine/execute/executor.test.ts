/** The executor: planning from outputs, ordering, concurrency, caching across runs and workflows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import { SwitchyardError } from '../../../engine/errors.js';
import { OutputCache } from '../../../engine/cache/output-cache.js';
import { createExecutor } from '../../../engine/execute/executor.js';
import { arithmetic } from './nodes.js';
import { folders, harness, memoryLogger, recordEvents, registryOf, workflow } from './harness.js';

/** const(1) → a, const(2) → b, add(a, b) → c, sink(c); plus a dangling add d that no output needs. */
function diamond(first = 1, second = 2) {
  return workflow({
    one: ['t.const', { value: first }],
    two: ['t.const', { value: second }],
    left: ['t.add', { a: ['one', 0], b: 10 }],
    right: ['t.add', { a: ['two', 0], b: 20 }],
    join: ['t.add', { a: ['left', 0], b: ['right', 0] }],
    out: ['t.sink', { x: ['join', 0] }],
    dangling: ['t.add', { a: ['one', 0] }],
  });
}

test('runs nodes after their inputs and passes values along links', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const result = await executor.run(diamond());
  assert.equal(result.status, 'success');
  assert.deepEqual(result.outputs, { out: { text: ['33'] } });
  const position = (id: string) => nodes.calls.indexOf(id);
  for (const [before, after] of [['one', 'left'], ['two', 'right'], ['left', 'join'], ['right', 'join'], ['join', 'out']]) {
    assert.ok(position(before!) < position(after!), `${before} should run before ${after}: ${nodes.calls.join(',')}`);
  }
  assert.deepEqual([...result.executed].sort(), ['join', 'left', 'one', 'out', 'right', 'two']);
  assert.deepEqual(Object.keys(result.timings).sort(), ['join', 'left', 'one', 'out', 'right', 'two']);
  assert.ok(result.finishedAt >= result.startedAt);
});

test('runs only output nodes and their ancestors, or the explicit targets', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const result = await executor.run(diamond());
  assert.ok(!nodes.calls.includes('dangling'), 'a node no output needs does not run');

  const targeted = arithmetic();
  const second = harness(targeted.types);
  const partial = await second.executor.run(diamond(), { targets: ['left'] });
  assert.equal(partial.status, 'success');
  assert.deepEqual([...targeted.calls].sort(), ['left', 'one']);
  assert.deepEqual(partial.outputs, {});
  assert.equal(result.executed.includes('dangling'), false);
});

test('never runs more nodes at once than the concurrency limit, and overlaps independent async branches', async () => {
  for (const limit of [1, 2, 4]) {
    const nodes = arithmetic();
    const { executor } = harness(nodes.types, { concurrency: limit });
    const spec: Record<string, [string, Record<string, unknown>?]> = {};
    for (let i = 0; i < 7; i++) {
      spec[`a${i}`] = ['t.async_add', { a: i }];
      spec[`b${i}`] = ['t.async_add', { a: [`a${i}`, 0], b: 100 }];
      spec[`s${i}`] = ['t.sink', { x: [`b${i}`, 0] }];
    }
    const result = await executor.run(workflow(spec));
    assert.equal(result.status, 'success');
    assert.equal(nodes.maxActive(), limit, `limit ${limit}: at most ${limit} and, with 7 independent branches, exactly ${limit} at once`);
    assert.equal(result.outputs.s3?.text?.[0], '103');
  }
});

test('the default concurrency is 4', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const spec: Record<string, [string, Record<string, unknown>?]> = {};
  for (let i = 0; i < 9; i++) {
    spec[`a${i}`] = ['t.async_add', { a: i }];
    spec[`s${i}`] = ['t.sink', { x: [`a${i}`, 0] }];
  }
  await executor.run(workflow(spec));
  assert.equal(nodes.maxActive(), 4);
});

test('a re-run after changing one literal executes exactly the downstream cone of that node', async () => {
  const nodes = arithmetic();
  const { executor, cache } = harness(nodes.types);
  const first = await executor.run(diamond(1, 2));
  assert.equal(first.cached.length, 0);
  const second = await executor.run(diamond(1, 5));
  assert.deepEqual([...second.executed].sort(), ['join', 'out', 'right', 'two']);
  assert.deepEqual([...second.cached].sort(), ['left', 'one']);
  assert.deepEqual(second.outputs, { out: { text: ['36'] } });
  const third = await executor.run(diamond(1, 5));
  assert.deepEqual(third.executed, []);
  assert.deepEqual(third.outputs, { out: { text: ['36'] } }, 'a cached output node replays its ui');
  assert.ok(cache.stats().hits >= 6);
});

test('identical sub-graphs with other node ids hit the cache across workflows', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  await executor.run(diamond(3, 4));
  const renamed = workflow({
    '101': ['t.const', { value: 4 }],
    '102': ['t.const', { value: 3 }],
    '103': ['t.add', { b: 20, a: ['101', 0] }],
    '104': ['t.add', { a: ['102', 0], b: 10 }],
    '105': ['t.add', { a: ['104', 0], b: ['103', 0] }],
    '106': ['t.sink', { x: ['105', 0] }],
  });
  const result = await executor.run(renamed);
  assert.deepEqual(result.executed, []);
  assert.deepEqual([...result.cached].sort(), ['101', '102', '103', '104', '105', '106']);
  assert.deepEqual(result.outputs, { '106': { text: ['37'] } });
});

test('a node linked twice to the same upstream and inputs given in another order still key the same', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  await executor.run(workflow({ c: ['t.const', { value: 2 }], d: ['t.add', { a: ['c', 0], b: ['c', 0], bias: 1 }], o: ['t.sink', { x: ['d', 0] }] }));
  const again = await executor.run(workflow({ o: ['t.sink', { x: ['x', 0] }], x: ['t.add', { bias: 1, b: ['y', 0], a: ['y', 0] }], y: ['t.const', { value: 2 }] }));
  assert.deepEqual(again.executed, []);
  assert.deepEqual(again.outputs, { o: { text: ['5'] } });
});

test('a cache: false node always runs, and its downstream stays cached while its output is unchanged', async () => {
  let reading = 7;
  const calls: string[] = [];
  const clock = defineNode({
    type: 't.read', title: 'Read', category: 'test', cache: false,
    inputs: { scale: { type: 'INT', default: 1 } },
    outputs: { value: { type: 'INT' }, image: { type: 'IMAGE' } },
    run(inputs, ctx) {
      calls.push(ctx.nodeId);
      const data = new Float32Array(12).fill(reading / 10);
      return { value: reading * inputs.scale, image: { kind: 'image' as const, width: 2, height: 2, count: 1, data } };
    },
  });
  const nodes = arithmetic();
  const { executor } = harness([clock, ...nodes.types]);
  const flow = workflow({ r: ['t.read', { scale: 1 }], add: ['t.add', { a: ['r', 0], b: 1 }], out: ['t.sink', { x: ['add', 0] }] });
  const first = await executor.run(flow);
  assert.deepEqual(first.outputs, { out: { text: ['8'] } });
  const second = await executor.run(flow);
  assert.deepEqual(second.executed, ['r'], 'only the uncached node runs; the same value keeps its downstream cached');
  reading = 9;
  const third = await executor.run(flow);
  assert.deepEqual(third.executed, ['r', 'add', 'out']);
  assert.deepEqual(third.outputs, { out: { text: ['10'] } });
  assert.deepEqual(calls, ['r', 'r', 'r']);
});

test('a changed fingerprint re-runs the node; an unchanged one keeps it cached', async () => {
  let version = 'v1';
  let runs = 0;
  const load = defineNode({
    type: 't.load', title: 'Load', category: 'test',
    inputs: { name: { type: 'STRING' }, offset: { type: 'INT' } },
    outputs: { value: { type: 'INT' } },
    fingerprint: (inputs) => `${inputs.name}@${version}+${inputs.offset}`,
    run(inputs) {
      runs++;
      return { value: inputs.name.length + inputs.offset + version.length };
    },
  });
  const nodes = arithmetic();
  const { executor } = harness([load, ...nodes.types]);
  const flow = workflow({ c: ['t.const', { value: 1 }], l: ['t.load', { name: 'abc', offset: ['c', 0] }], o: ['t.sink', { x: ['l', 0] }] });
  await executor.run(flow);
  const same = await executor.run(flow);
  assert.deepEqual(same.executed, []);
  version = 'v22';
  const changed = await executor.run(flow);
  assert.deepEqual(changed.executed, ['l', 'o']);
  assert.deepEqual(changed.outputs, { o: { text: ['7'] } });
  assert.equal(runs, 2);
});

test('an async fingerprint is awaited before the cache lookup', async () => {
  let stamp = 1;
  let runs = 0;
  const stat = defineNode({
    type: 't.stat', title: 'Stat', category: 'test', output: true,
    inputs: { path: { type: 'STRING' } },
    outputs: {},
    fingerprint: async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return { stamp };
    },
    run: () => {
      runs++;
      return { ui: { text: [String(stamp)] } };
    },
  });
  const { executor } = harness([stat]);
  const flow = workflow({ s: ['t.stat', { path: 'a.png' }] });
  await executor.run(flow);
  assert.deepEqual((await executor.run(flow)).executed, []);
  stamp = 2;
  const changed = await executor.run(flow);
  assert.deepEqual(changed.executed, ['s']);
  assert.deepEqual(changed.outputs, { s: { text: ['2'] } });
  assert.equal(runs, 2);
});

test('a result larger than the whole cache budget is not kept, and the run still succeeds', async () => {
  const big = defineNode({
    type: 't.big', title: 'Big', category: 'test',
    inputs: { size: { type: 'INT' } },
    outputs: { image: { type: 'IMAGE' } },
    run: (inputs) => ({ image: { kind: 'image' as const, width: inputs.size, height: inputs.size, count: 1, data: new Float32Array(inputs.size * inputs.size * 3) } }),
  });
  const show = defineNode({
    type: 't.show', title: 'Show', category: 'test', output: true,
    inputs: { image: { type: 'IMAGE' } },
    outputs: {},
    run: (inputs) => ({ ui: { text: [`${inputs.image.width}`] } }),
  });
  const { executor, cache } = harness([big, show], { maxBytes: 10_000 });
  const flow = workflow({ b: ['t.big', { size: 64 }], s: ['t.show', { image: ['b', 0] }] });
  const first = await executor.run(flow);
  assert.equal(first.status, 'success');
  assert.deepEqual(first.outputs, { s: { text: ['64'] } });
  const again = await executor.run(flow);
  assert.deepEqual(again.executed, ['b'], 'the big image was not cached; its consumer was (small entry)');
  assert.ok(cache.stats().bytes <= 10_000);
});

test('identical async nodes running at the same time compute once (single flight), also across runs', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const flow = workflow({
    x: ['t.async_add', { a: 1, b: 2 }],
    y: ['t.async_add', { a: 1, b: 2 }],
    sx: ['t.sink', { x: ['x', 0] }],
    sy: ['t.sink', { x: ['y', 0] }],
  });
  const result = await executor.run(flow);
  assert.equal(result.status, 'success');
  assert.equal(nodes.calls.filter((id) => id === 'x' || id === 'y').length, 1);
  assert.deepEqual(result.outputs, { sx: { text: ['3'] }, sy: { text: ['3'] } });

  const other = arithmetic();
  const second = harness(other.types);
  const solo = workflow({ x: ['t.async_add', { a: 5 }], s: ['t.sink', { x: ['x', 0] }] });
  const [a, b] = await Promise.all([second.executor.run(solo), second.executor.run(solo)]);
  assert.equal(other.calls.filter((id) => id === 'x').length, 1, 'two concurrent runs share one computation');
  assert.deepEqual(a.outputs, b.outputs);
});

test('progress and previews from ctx become events; the node logger carries run and node ids', async () => {
  const image = { kind: 'image' as const, width: 1, height: 1, count: 1, data: new Float32Array(3) };
  const steps = defineNode({
    type: 't.steps', title: 'Steps', category: 'test', output: true,
    inputs: { count: { type: 'INT' } },
    outputs: {},
    run(inputs, ctx) {
      const { progress } = ctx;
      for (let i = 1; i <= inputs.count; i++) progress(i, inputs.count);
      ctx.preview(image);
      ctx.log.info({ step: 'done' }, 'finished steps');
      ctx.throwIfAborted();
      return { ui: { text: ['ok'] } };
    },
  });
  const { executor, lines } = harness([steps]);
  const { events, onEvent } = recordEvents();
  const result = await executor.run(workflow({ s: ['t.steps', { count: 3 }] }), { runId: 'run-1', onEvent });
  assert.equal(result.runId, 'run-1');
  assert.deepEqual(events.map((e) => e.type), ['run_started', 'node_started', 'progress', 'progress', 'progress', 'preview', 'node_output', 'run_finished']);
  assert.deepEqual(events.filter((e) => e.type === 'progress').map((e) => e.type === 'progress' && [e.nodeId, e.done, e.total]), [['s', 1, 3], ['s', 2, 3], ['s', 3, 3]]);
  const preview = events.find((e) => e.type === 'preview');
  assert.ok(preview?.type === 'preview' && preview.image === image);
  assert.ok(events.every((e) => e.runId === 'run-1'));
  const line = lines.find((l) => l.msg === 'finished steps');
  assert.equal(line?.runId, 'run-1');
  assert.equal(line?.nodeId, 's');
});

test('events: run_started lists planned nodes, cached nodes are reported together, cached output nodes replay their ui', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  await executor.run(diamond());
  const { events, onEvent } = recordEvents();
  await executor.run(diamond(), { onEvent });
  const started = events[0];
  assert.ok(started?.type === 'run_started');
  assert.deepEqual([...started.nodes].sort(), ['join', 'left', 'one', 'out', 'right', 'two']);
  const cachedIds = events.flatMap((e) => (e.type === 'node_cached' ? e.nodeIds : []));
  assert.deepEqual([...cachedIds].sort(), ['join', 'left', 'one', 'out', 'right', 'two']);
  assert.ok(events.filter((e) => e.type === 'node_cached').length < 6, 'consecutive hits are batched');
  const replay = events.find((e) => e.type === 'node_output');
  assert.ok(replay?.type === 'node_output' && replay.cached && replay.nodeId === 'out');
  assert.deepEqual(replay.ui, { text: ['33'] });
  assert.equal(events.at(-1)?.type, 'run_finished');
  assert.ok(!events.some((e) => e.type === 'node_started'));
});

test('a listener that throws is logged and the run goes on', async () => {
  const nodes = arithmetic();
  const { executor, lines } = harness(nodes.types);
  let seen = 0;
  const result = await executor.run(diamond(), {
    onEvent() {
      seen++;
      throw new Error('listener broke');
    },
  });
  assert.equal(result.status, 'success');
  assert.deepEqual(result.outputs, { out: { text: ['33'] } });
  assert.ok(seen > 5);
  assert.ok(lines.some((l) => l.level === 50 && /listener threw/.test(String(l.msg)) && (l.err as { message?: string })?.message === 'listener broke'));
});

test('refuses what it cannot plan with invalid_workflow, and a bad concurrency with usage', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const isCode = (code: string) => (error: unknown) => error instanceof SwitchyardError && error.code === code;
  await assert.rejects(executor.run(diamond(), { targets: ['nope'] }), isCode('invalid_workflow'));
  await assert.rejects(executor.run(workflow({ c: ['t.const', { value: 1 }] })), (error: unknown) => isCode('invalid_workflow')(error) && /no output nodes/.test((error as Error).message));
  await assert.rejects(executor.run(workflow({ s: ['t.sink', { x: ['ghost', 0] }] })), (error: unknown) => isCode('invalid_workflow')(error) && /missing node ghost/.test((error as Error).message));
  await assert.rejects(executor.run(workflow({ c: ['t.const', { value: 1 }], s: ['t.sink', { x: ['c', 3] }] })), (error: unknown) => isCode('invalid_workflow')(error) && /output 3/.test((error as Error).message));
  await assert.rejects(executor.run(workflow({ s: ['t.sink', {}] })), (error: unknown) => isCode('invalid_workflow')(error) && /required input "x"/.test((error as Error).message));
  await assert.rejects(executor.run(workflow({ s: ['t.unknown', {}] })), isCode('invalid_workflow'));
  const registry = registryOf(...nodes.types);
  for (const concurrency of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => createExecutor({ registry, cache: new OutputCache({ maxBytes: 1 }), folders, log: memoryLogger().log, concurrency }), isCode('usage'));
  }
});

test('a cycle (which validation normally refuses) ends the run with errors instead of hanging', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const result = await executor.run(workflow({ a: ['t.add', { a: ['b', 0] }], b: ['t.add', { a: ['a', 0] }], s: ['t.sink', { x: ['a', 0] }] }));
  assert.equal(result.status, 'error');
  assert.deepEqual(result.errors.map((e) => e.code), ['invalid_workflow', 'invalid_workflow', 'invalid_workflow']);
  assert.deepEqual(nodes.calls, []);
});

test('lists executed and cached nodes in the order they finished, and keys timings as if filled as they finished', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  // Numeric ids that finish out of numeric order, and named ids mixed in.
  const flow = workflow({
    '30': ['t.const', { value: 1 }],
    '4': ['t.add', { a: ['30', 0] }],
    zeta: ['t.const', { value: 2 }],
    '12': ['t.async_add', { a: ['zeta', 0], b: ['4', 0] }],
    alpha: ['t.add', { a: ['12', 0] }],
    '7': ['t.sink', { x: ['alpha', 0] }],
  });
  const { events, onEvent } = recordEvents();
  const first = await executor.run(flow, { onEvent });
  assert.equal(first.status, 'success');
  assert.deepEqual(first.executed, nodes.calls, 'synchronous and asynchronous nodes, in the order they finished');
  const filled: Record<string, number> = {};
  for (const id of first.executed) filled[id] = 0;
  assert.deepEqual(Object.keys(first.timings), Object.keys(filled));
  for (const id of first.executed) assert.ok(typeof first.timings[id] === 'number' && first.timings[id]! >= 0);
  const finished = events.find((event) => event.type === 'run_finished');
  assert.ok(finished?.type === 'run_finished');
  assert.deepEqual(finished.executed, first.executed);

  const cachedEvents = recordEvents();
  const second = await executor.run(flow, { onEvent: cachedEvents.onEvent });
  assert.deepEqual(second.executed, []);
  assert.deepEqual(second.timings, {});
  const reported = cachedEvents.events.flatMap((event) => (event.type === 'node_cached' ? event.nodeIds : []));
  assert.deepEqual(second.cached, reported, 'cached nodes in the order they were taken from the cache');
  assert.deepEqual([...second.cached].sort(), [...first.executed].sort());
});
