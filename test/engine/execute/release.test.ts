/**
 * Bounded memory: a run holds a node's output values only while a node that may still run in
 * this run reads them — eager consumers until they finish, lazy consumers until they finish
 * (they may ask late) — so a long chain of big values holds a couple of them at a time.
 *
 * Observed through `Run.heldOutputs()` (the run's documented diagnostic hook), called by the
 * nodes themselves as they run: deterministic, unlike watching the garbage collector.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { defineNode, type AnyNodeType } from '../../../engine/nodes/define.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { OutputCache } from '../../../engine/cache/output-cache.js';
import { compileGraph } from '../../../engine/schedule/graph.js';
import { FlightTable } from '../../../engine/execute/flights.js';
import { Run, type RunShared } from '../../../engine/execute/run.js';
import type { RunOptions, RunResult } from '../../../engine/execute/types.js';
import { folders, harness, memoryLogger, registryOf, workflow } from './harness.js';
import { NO_MODELS } from '../../../engine/execute/executor.js';

/** What each node saw held by the run when it ran (sorted ids), by node id. */
type Seen = Record<string, string[]>;

interface Direct {
  cache: OutputCache;
  run(flow: ApiWorkflow, options?: RunOptions & { targets?: string[] }): Promise<{ result: RunResult; run: Run }>;
}

/** Runs workflows through `Run` directly so nodes can look at the run that runs them. */
function direct(types: (current: () => Run) => AnyNodeType[], options: { maxBytes?: number; concurrency?: number } = {}): Direct {
  let current: Run | undefined;
  const registry = registryOf(...types(() => current!));
  const cache = new OutputCache({ maxBytes: options.maxBytes ?? 64 * 1024 * 1024 });
  const shared: RunShared = {
    cache, folders, log: memoryLogger().log, models: NO_MODELS, concurrency: options.concurrency ?? 1,
    flights: new FlightTable(), dataType: (name) => registry.dataType(name),
  };
  let count = 0;
  return {
    cache,
    async run(flow, runOptions = {}) {
      const graph = compileGraph(flow, registry);
      const run = new Run(shared, graph, flow, runOptions, `release-${++count}`);
      current = run;
      const targets = runOptions.targets?.map((id) => graph.indexOf.get(id)!) ?? [...graph.outputNodes];
      return { result: await run.start(targets), run };
    },
  };
}

/** `t.add` (a + b), `t.const`, `t.sink`, `t.fail`: each records what the run held when it ran. */
function recording(seen: Seen) {
  return (current: () => Run): AnyNodeType[] => {
    const look = (id: string) => {
      seen[id] = current().heldOutputs().sort();
    };
    return [
      defineNode({
        type: 't.const', title: 'Const', category: 'test', inputs: { value: { type: 'INT' } }, outputs: { out: { type: 'INT' } },
        run: (inputs, ctx) => (look(ctx.nodeId), { out: inputs.value }),
      }),
      defineNode({
        type: 't.add', title: 'Add', category: 'test', inputs: { a: { type: 'INT' }, b: { type: 'INT', default: 0 } }, outputs: { out: { type: 'INT' } },
        run: (inputs, ctx) => (look(ctx.nodeId), { out: inputs.a + inputs.b }),
      }),
      defineNode({
        type: 't.async_add', title: 'Async add', category: 'test', inputs: { a: { type: 'INT' }, b: { type: 'INT', default: 0 } }, outputs: { out: { type: 'INT' } },
        async run(inputs, ctx) {
          look(ctx.nodeId);
          await new Promise((resolve) => setImmediate(resolve));
          return { out: inputs.a + inputs.b };
        },
      }),
      defineNode({
        type: 't.sink', title: 'Sink', category: 'test', output: true, inputs: { x: { type: 'INT' } }, outputs: {},
        run: (inputs, ctx) => (look(ctx.nodeId), { ui: { text: [String(inputs.x)] } }),
      }),
      defineNode({
        type: 't.fail', title: 'Fail', category: 'test', inputs: { a: { type: 'INT' } }, outputs: { out: { type: 'INT' } },
        run: (_inputs, ctx) => {
          look(ctx.nodeId);
          throw new Error('no');
        },
      }),
      defineNode({
        type: 't.pick', title: 'Pick', category: 'test',
        inputs: { trigger: { type: 'INT' }, useFirst: { type: 'BOOLEAN' }, first: { type: 'INT', lazy: true }, second: { type: 'INT', lazy: true, optional: true } },
        outputs: { out: { type: 'INT' } },
        async run(inputs, ctx) {
          look(ctx.nodeId);
          const value = inputs.useFirst ? await inputs.first() : await inputs.second();
          seen[`${ctx.nodeId}:after`] = current().heldOutputs().sort();
          return { out: (value ?? -1) + inputs.trigger };
        },
      }),
    ];
  };
}

function chain(length: number, type = 't.add'): ApiWorkflow {
  const flow: ApiWorkflow = { schemaVersion: 1, nodes: { c: { type: 't.const', inputs: { value: 0 } } } };
  let previous = 'c';
  for (let i = 0; i < length; i++) {
    flow.nodes[`n${i}`] = { type, inputs: { a: [previous, 0], b: 1 } };
    previous = `n${i}`;
  }
  flow.nodes.out = { type: 't.sink', inputs: { x: [previous, 0] } };
  return flow;
}

for (const maxBytes of [0, 64 * 1024 * 1024]) {
  test(`a chain holds only the value its next node reads (cache budget ${maxBytes} bytes)`, async () => {
    const seen: Seen = {};
    const runner = direct(recording(seen), { maxBytes });
    const { result, run } = await runner.run(chain(40));
    assert.equal(result.status, 'success');
    assert.deepEqual(result.outputs, { out: { text: ['40'] } });
    assert.deepEqual(seen.c, []);
    assert.deepEqual(seen.n0, ['c']);
    for (let i = 1; i < 40; i++) assert.deepEqual(seen[`n${i}`], [`n${i - 1}`], `while n${i} runs`);
    assert.deepEqual(seen.out, ['n39']);
    assert.deepEqual(run.heldOutputs(), [], 'nothing is held once the run is over');
    // The cache is independent of what the run holds: it keeps what fits its budget.
    assert.equal(runner.cache.stats().entries, maxBytes === 0 ? 0 : 42);
  });
}

test('asynchronous nodes in a chain release their upstream just the same', async () => {
  const seen: Seen = {};
  const runner = direct(recording(seen), { concurrency: 4 });
  const { result } = await runner.run(chain(20, 't.async_add'));
  assert.equal(result.status, 'success');
  for (let i = 1; i < 20; i++) assert.deepEqual(seen[`n${i}`], [`n${i - 1}`], `while n${i} runs`);
});

test('a value read by several nodes is held until the last of them has finished', async () => {
  const seen: Seen = {};
  const runner = direct(recording(seen));
  const { result } = await runner.run(workflow({
    a: ['t.const', { value: 1 }],
    b: ['t.add', { a: ['a', 0], b: 10 }],
    c: ['t.add', { a: ['a', 0], b: 100 }],
    s: ['t.add', { a: ['b', 0], b: ['c', 0] }],
    out: ['t.sink', { x: ['s', 0] }],
  }));
  assert.deepEqual(result.outputs, { out: { text: ['112'] } });
  assert.deepEqual(seen.b, ['a']);
  assert.deepEqual(seen.c, ['a', 'b'], 'a is still needed by c');
  assert.deepEqual(seen.s, ['b', 'c'], 'a is released once b and c are done');
  assert.deepEqual(seen.out, ['s']);
});

test('a value a node may still ask for lazily is kept until that node finishes, then released', async () => {
  const flowFor = (useFirst: boolean) => workflow({
    c1: ['t.const', { value: 1 }],
    p: ['t.add', { a: ['c1', 0], b: 2 }],
    y: ['t.add', { a: ['p', 0], b: 3 }],
    // z reads c1 but runs only if pick asks for it, after c1's eager reader p is long done.
    z: ['t.add', { a: ['c1', 0], b: 10 }],
    c2: ['t.const', { value: 5 }],
    w: ['t.add', { a: ['c2', 0], b: 20 }],
    pick: ['t.pick', { trigger: ['y', 0], useFirst, first: ['z', 0], second: ['w', 0] }],
    out: ['t.sink', { x: ['pick', 0] }],
  });

  const seen: Seen = {};
  const runner = direct(recording(seen), { maxBytes: 0 });
  const first = await runner.run(flowFor(true));
  assert.equal(first.result.status, 'success');
  assert.deepEqual(first.result.outputs, { out: { text: ['17'] } }, 'z = 1 + 10, plus the trigger y = 6');
  assert.deepEqual(seen.pick, ['c1', 'y'], 'c1 is kept for z, which pick may still ask for; p is released');
  assert.deepEqual(seen.z, ['c1', 'y']);
  assert.deepEqual(seen['pick:after'], ['y', 'z'], 'z ran and read c1, its last possible reader: c1 is released');
  assert.deepEqual(seen.out, ['pick']);
  assert.ok(!first.result.executed.includes('w') && !first.result.executed.includes('c2'), 'the branch not asked for never ran');

  for (const key of Object.keys(seen)) delete seen[key];
  const second = await runner.run(flowFor(false));
  assert.deepEqual(second.result.outputs, { out: { text: ['31'] } }, 'w = 5 + 20, plus the trigger 6');
  assert.deepEqual(seen['pick:after'], ['c1', 'w', 'y'], 'c1 is kept while pick runs: it might still ask for z');
  assert.deepEqual(seen.out, ['pick'], 'with pick done, z can never run: c1 goes too');
  assert.ok(!second.result.executed.includes('z'));
  assert.deepEqual(second.run.heldOutputs(), []);
});

test('a failed reader releases what it read; an interrupted run holds nothing afterwards', async () => {
  const seen: Seen = {};
  const runner = direct(recording(seen));
  const { result } = await runner.run(workflow({
    a: ['t.const', { value: 1 }],
    bad: ['t.fail', { a: ['a', 0] }],
    ok: ['t.add', { a: ['a', 0], b: 1 }],
    out1: ['t.sink', { x: ['bad', 0] }],
    out2: ['t.sink', { x: ['ok', 0] }],
  }));
  assert.equal(result.status, 'error');
  assert.deepEqual(result.skipped, ['out1']);
  assert.deepEqual(seen.bad, ['a']);
  assert.deepEqual(seen.out2, ['ok'], 'a is released: its readers failed or finished');

  const controller = new AbortController();
  const interrupted = runner.run(chain(10, 't.async_add'), { signal: controller.signal });
  setImmediate(() => controller.abort());
  const { result: stopped, run } = await interrupted;
  assert.equal(stopped.status, 'interrupted');
  assert.deepEqual(run.heldOutputs(), []);
});

test('a lazy input asked for after its node finished is refused, not served from released values', async () => {
  let late: (() => Promise<number>) | undefined;
  const types = () => [
    defineNode({ type: 't.const', title: 'Const', category: 'test', inputs: { value: { type: 'INT' } }, outputs: { out: { type: 'INT' } }, run: (inputs) => ({ out: inputs.value }) }),
    defineNode({
      type: 't.keep', title: 'Keep', category: 'test', output: true,
      inputs: { later: { type: 'INT', lazy: true } }, outputs: {},
      run(inputs) {
        late = inputs.later;
        return { ui: { text: ['kept'] } };
      },
    }),
  ];
  const runner = direct(types);
  const { result } = await runner.run(workflow({ c: ['t.const', { value: 4 }], k: ['t.keep', { later: ['c', 0] }] }));
  assert.equal(result.status, 'success');
  assert.deepEqual(result.executed, ['k']);
  await assert.rejects(late!(), (error: Error & { code?: string }) => error.code === 'node_failed' && /after it had finished/.test(error.message));
});

// ---- property: random DAGs with lazy links compute the right values ---------------------------

interface LazySpec {
  eager: number[];
  lazy: number[];
  /** Which lazy inputs (by slot) the node asks for. */
  asks: boolean[];
  isOutput: boolean;
  delay: number;
}

const MODULUS = 1_000_003;

const lazyDagArbitrary = fc.record({
  concurrency: fc.integer({ min: 1, max: 3 }),
  maxBytes: fc.constantFrom(0, 1 << 20),
  nodes: fc.array(
    fc.record({
      eager: fc.array(fc.nat(1000), { maxLength: 2 }),
      lazy: fc.array(fc.nat(1000), { maxLength: 2 }),
      asks: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
      isOutput: fc.boolean(),
      delay: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 16 },
  ),
}).map(({ concurrency, maxBytes, nodes }) => {
  const specs: LazySpec[] = nodes.map((node, i) => ({
    ...node,
    eager: i === 0 ? [] : node.eager.map((p) => p % i),
    lazy: i === 0 ? [] : node.lazy.map((p) => p % i),
  }));
  if (!specs.some((s) => s.isOutput)) specs[specs.length - 1]!.isOutput = true;
  return { concurrency, maxBytes, specs };
});

test('random DAGs with lazy links: every value is there when read, results are right, nothing is held at the end', async () => {
  const inputs = {
    lit: { type: 'INT' }, delay: { type: 'INT' }, asks: { type: 'STRING' },
    a: { type: 'INT', optional: true }, b: { type: 'INT', optional: true },
    la: { type: 'INT', optional: true, lazy: true }, lb: { type: 'INT', optional: true, lazy: true },
  } as const;
  type Inputs = { lit: number; delay: number; asks: string; a?: number; b?: number; la: () => Promise<number | undefined>; lb: () => Promise<number | undefined> };
  const compute = async (given: Inputs): Promise<number> => {
    let sum = (given.lit + (given.a ?? 0) + (given.b ?? 0)) % MODULUS;
    for (let i = 0; i < given.delay; i++) await new Promise((resolve) => setImmediate(resolve));
    if (given.asks[0] === '1') sum = (sum + ((await given.la()) ?? 0)) % MODULUS;
    if (given.asks[1] === '1') sum = (sum + ((await given.lb()) ?? 0)) % MODULUS;
    return sum;
  };
  const types = () => [
    defineNode({ type: 't.l', title: 'L', category: 'test', inputs, outputs: { value: { type: 'INT' } }, run: async (given) => ({ value: await compute(given as Inputs) }) }),
    defineNode({
      type: 't.lout', title: 'Lout', category: 'test', output: true, inputs, outputs: { value: { type: 'INT' } },
      run: async (given) => {
        const value = await compute(given as Inputs);
        return { value, ui: { text: [String(value)] } };
      },
    }),
  ];
  await fc.assert(
    fc.asyncProperty(lazyDagArbitrary, async ({ concurrency, maxBytes, specs }) => {
      const runner = direct(types, { concurrency, maxBytes });
      const flow: ApiWorkflow = { schemaVersion: 1, nodes: {} };
      specs.forEach((node, i) => {
        const given: Record<string, unknown> = { lit: i + 1, delay: node.delay, asks: node.asks.map((ask) => (ask ? '1' : '0')).join('') };
        node.eager.forEach((parent, slot) => {
          given[['a', 'b'][slot]!] = [`n${parent}`, 0];
        });
        node.lazy.forEach((parent, slot) => {
          given[['la', 'lb'][slot]!] = [`n${parent}`, 0];
        });
        flow.nodes[`n${i}`] = { type: node.isOutput ? 't.lout' : 't.l', inputs: given };
      });
      // Reference: values by plain recursion, and which nodes run (eager links and asked lazy links).
      const values: number[] = [];
      specs.forEach((node, i) => {
        let sum = (i + 1 + node.eager.reduce((s, p) => s + values[p]!, 0)) % MODULUS;
        node.lazy.forEach((parent, slot) => {
          if (node.asks[slot]) sum = (sum + values[parent]!) % MODULUS;
        });
        values.push(sum);
      });
      const runs = new Set<number>();
      const stack = specs.flatMap((s, i) => (s.isOutput ? [i] : []));
      while (stack.length > 0) {
        const i = stack.pop()!;
        if (runs.has(i)) continue;
        runs.add(i);
        stack.push(...specs[i]!.eager, ...specs[i]!.lazy.filter((_, slot) => specs[i]!.asks[slot]));
      }

      for (let round = 0; round < 2; round++) {
        const { result, run } = await runner.run(flow);
        assert.equal(result.status, 'success', JSON.stringify(result.errors));
        assert.deepEqual([...result.executed, ...result.cached].sort(), [...runs].map((i) => `n${i}`).sort());
        for (const [id, ui] of Object.entries(result.outputs)) assert.deepEqual(ui, { text: [String(values[Number(id.slice(1))])] });
        assert.deepEqual(run.heldOutputs(), []);
      }
    }),
    { numRuns: 120 },
  );
});

test('through the executor: a long chain still computes right with a cache too small for any value', async () => {
  const sink = defineNode({ type: 't.sink', title: 'Sink', category: 'test', output: true, inputs: { x: { type: 'INT' } }, outputs: {}, run: (inputs) => ({ ui: { text: [String(inputs.x)] } }) });
  const plain = defineNode({ type: 't.add', title: 'Add', category: 'test', inputs: { a: { type: 'INT' }, b: { type: 'INT', default: 0 } }, outputs: { out: { type: 'INT' } }, run: (inputs) => ({ out: inputs.a + inputs.b }) });
  const constant = defineNode({ type: 't.const', title: 'Const', category: 'test', inputs: { value: { type: 'INT' } }, outputs: { out: { type: 'INT' } }, run: (inputs) => ({ out: inputs.value }) });
  const { executor, cache } = harness([constant, plain, sink], { maxBytes: 0 });
  const result = await executor.run(chain(5000));
  assert.equal(result.status, 'success');
  assert.deepEqual(result.outputs, { out: { text: ['5000'] } });
  assert.equal(cache.stats().entries, 0);
});
