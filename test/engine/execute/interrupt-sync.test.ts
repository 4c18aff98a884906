/**
 * Interrupting runs of synchronous nodes: the executor gives the event loop a turn between long
 * synchronous nodes, so an abort coming from a timer, an immediate or a signal handler lands
 * before the next node starts instead of after the whole run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { harness, recordEvents } from './harness.js';

/** `t.busy`: synchronous, spins on the clock for `ms` (like a CPU-bound image filter), logs its id. */
function busyNode(calls: string[]) {
  return defineNode({
    type: 't.busy', title: 'Busy', category: 'test',
    inputs: { a: { type: 'INT' }, ms: { type: 'INT', default: 20 } },
    outputs: { out: { type: 'INT' } },
    run(inputs, ctx) {
      calls.push(ctx.nodeId);
      const until = performance.now() + inputs.ms;
      while (performance.now() < until) {
        // Busy on purpose: no timer, no await.
      }
      return { out: inputs.a + 1 };
    },
  });
}

const sink = defineNode({
  type: 't.sink', title: 'Sink', category: 'test', output: true,
  inputs: { x: { type: 'INT' } },
  outputs: {},
  run: (inputs) => ({ ui: { text: [String(inputs.x)] } }),
});

function busyChain(length: number): { flow: ApiWorkflow; ids: string[] } {
  const flow: ApiWorkflow = { schemaVersion: 1, nodes: {} };
  const ids: string[] = [];
  let previous: unknown = 0;
  for (let i = 0; i < length; i++) {
    const id = `b${i}`;
    flow.nodes[id] = { type: 't.busy', inputs: { a: previous } };
    ids.push(id);
    previous = [id, 0];
  }
  flow.nodes.out = { type: 't.sink', inputs: { x: previous } };
  return { flow, ids: [...ids, 'out'] };
}

for (const via of ['setTimeout', 'setImmediate'] as const) {
  test(`an abort from ${via} interrupts a chain of synchronous nodes between two of them`, async () => {
    const calls: string[] = [];
    const { executor } = harness([busyNode(calls), sink]);
    const { flow, ids } = busyChain(25);
    const controller = new AbortController();
    const { events, onEvent } = recordEvents();
    const running = executor.run(flow, { signal: controller.signal, onEvent });
    // Scheduled only once run() has handed control back, as a SIGINT handler would run.
    if (via === 'setTimeout') setTimeout(() => controller.abort(), 0);
    else setImmediate(() => controller.abort());
    const result = await running;

    assert.equal(result.status, 'interrupted');
    assert.ok(result.executed.length >= 1, 'the first node ran before anything could interrupt');
    assert.ok(result.executed.length < ids.length - 1, `only a prefix ran, not all ${ids.length} nodes (ran ${result.executed.length})`);
    assert.deepEqual(result.executed, ids.slice(0, result.executed.length), 'the nodes that ran are the head of the chain, in order');
    assert.deepEqual(calls, result.executed, 'no node started after the abort');
    assert.deepEqual(result.errors, []);
    assert.equal(result.outputs.out, undefined);
    const last = events.at(-1);
    assert.ok(last?.type === 'run_interrupted');
    assert.deepEqual(last.finished, result.executed);
  });
}

test('the run resumes after yielding: a chain of long synchronous nodes without an abort completes in order', async () => {
  const calls: string[] = [];
  const { executor } = harness([busyNode(calls), sink]);
  const { flow, ids } = busyChain(4);
  let timerRan = false;
  const running = executor.run(flow);
  setTimeout(() => {
    timerRan = true;
  }, 0);
  const result = await running;
  assert.equal(result.status, 'success');
  assert.deepEqual(result.executed, ids);
  assert.deepEqual(result.outputs, { out: { text: ['4'] } });
  assert.ok(timerRan, 'a timer due during the run ran before the run ended');
});

test('a synchronous node that throws after working long still lets an abort land before the rest runs', async () => {
  const calls: string[] = [];
  const slowFailure = defineNode({
    type: 't.slow_fail', title: 'Slow failure', category: 'test',
    inputs: {}, outputs: { out: { type: 'INT' } },
    run(_inputs, ctx) {
      calls.push(ctx.nodeId);
      const until = performance.now() + 20;
      while (performance.now() < until) {
        // Busy on purpose.
      }
      throw new Error('gave up');
    },
  });
  // A failing first branch, then an independent chain of busy nodes.
  const { flow } = busyChain(10);
  flow.nodes.f = { type: 't.slow_fail', inputs: {} };
  flow.nodes.fout = { type: 't.sink', inputs: { x: ['f', 0] } };
  const { executor } = harness([busyNode(calls), sink, slowFailure], { concurrency: 1 });
  const controller = new AbortController();
  const running = executor.run(flow, { signal: controller.signal, targets: ['out', 'fout'] });
  setImmediate(() => controller.abort());
  const result = await running;
  assert.equal(calls[0], 'f', 'precondition: the failing node is planned first');
  assert.equal(result.status, 'interrupted');
  assert.deepEqual(result.errors.map((e) => e.nodeId), ['f']);
  assert.ok(calls.length < 11, `the abort landed before the busy chain finished (ran ${calls.join(', ')})`);
});
