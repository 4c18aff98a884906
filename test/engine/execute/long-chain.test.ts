/** Long graphs: planning and running are iterative, so a 10,000-node chain cannot overflow the stack. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { arithmetic } from './nodes.js';
import { harness } from './harness.js';

function chain(length: number, type: string, start: number): ApiWorkflow {
  const flow: ApiWorkflow = { schemaVersion: 1, nodes: { c: { type: 't.const', inputs: { value: start } } } };
  let previous = 'c';
  for (let i = 0; i < length; i++) {
    flow.nodes[`n${i}`] = { type, inputs: { a: [previous, 0], b: 1 } };
    previous = `n${i}`;
  }
  flow.nodes.out = { type: 't.sink', inputs: { x: [previous, 0] } };
  return flow;
}

test('a chain of 10,000 synchronous nodes runs, then re-runs entirely from the cache', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const flow = chain(10_000, 't.add', 5);
  const first = await executor.run(flow);
  assert.equal(first.status, 'success');
  assert.deepEqual(first.outputs, { out: { text: ['10005'] } });
  assert.equal(first.executed.length, 10_002);
  const second = await executor.run(flow);
  assert.equal(second.executed.length, 0);
  assert.equal(second.cached.length, 10_002);
  assert.deepEqual(second.outputs, { out: { text: ['10005'] } });
});

test('a chain of 10,000 asynchronous nodes runs without growing the stack', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types, { concurrency: 2 });
  const result = await executor.run(chain(10_000, 't.async_add', 0));
  assert.equal(result.status, 'success');
  assert.deepEqual(result.outputs, { out: { text: ['10000'] } });
  assert.equal(nodes.maxActive(), 1, 'a chain has no parallelism');
});

test('a failure at the head of a 10,000-node chain skips the rest iteratively', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const flow = chain(10_000, 't.add', 0);
  flow.nodes.c = { type: 't.add', inputs: { a: Number.MAX_SAFE_INTEGER, b: 1 } };
  const result = await executor.run(flow);
  assert.equal(result.status, 'error');
  assert.equal(result.errors[0]?.code, 'node_output_invalid');
  assert.equal(result.skipped.length, 10_001);
});
