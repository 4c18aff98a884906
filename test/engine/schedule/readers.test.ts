/** Reader counts: how many links from the run's potential plan (eager and lazy) read each node. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { compileGraph } from '../../../engine/schedule/graph.js';
import { countReaders } from '../../../engine/schedule/readers.js';

const pass = defineNode({
  type: 'r.pass', title: 'Pass', category: 'test',
  inputs: { a: { type: 'INT', optional: true }, b: { type: 'INT', optional: true }, late: { type: 'INT', lazy: true, optional: true } },
  outputs: { out: { type: 'INT' } },
  run: () => ({ out: 0 }),
});
const sink = defineNode({ type: 'r.sink', title: 'Sink', category: 'test', output: true, inputs: { x: { type: 'INT' } }, outputs: {}, run: () => ({}) });
const registry = new NodeRegistry();
registry.addAll([pass, sink], 'test');

function flow(nodes: Record<string, [string, Record<string, unknown>]>): ApiWorkflow {
  return { schemaVersion: 1, nodes: Object.fromEntries(Object.entries(nodes).map(([id, [type, inputs]]) => [id, { type, inputs }])) };
}

function readersById(workflow: ApiWorkflow, targets: string[]): Record<string, number> {
  const graph = compileGraph(workflow, registry);
  const readers = countReaders(graph, targets.map((id) => graph.indexOf.get(id)!));
  return Object.fromEntries(graph.ids.map((id, i) => [id, readers[i]!]));
}

test('counts every link from the targets\' eager and lazy upstream, once per link', () => {
  const workflow = flow({
    x: ['r.pass', {}],
    // Two links from y to x, one of them lazy: x has two readers from y.
    y: ['r.pass', { a: ['x', 0], late: ['x', 0] }],
    lazyOnly: ['r.pass', { a: ['x', 0] }],
    z: ['r.pass', { a: ['y', 0], late: ['lazyOnly', 0] }],
    o: ['r.sink', { x: ['z', 0] }],
    // Not upstream of the target: neither it nor what it reads counts.
    stray: ['r.pass', { a: ['x', 0], b: ['y', 0] }],
    o2: ['r.sink', { x: ['stray', 0] }],
  });
  assert.deepEqual(readersById(workflow, ['o']), { x: 3, y: 1, lazyOnly: 1, z: 1, o: 0, stray: 0, o2: 0 });
  assert.deepEqual(readersById(workflow, ['o', 'o2']), { x: 4, y: 2, lazyOnly: 1, z: 1, o: 0, stray: 1, o2: 0 });
});

test('no targets, or a target nothing reads: all counts are zero; a shared target is counted once', () => {
  const workflow = flow({ x: ['r.pass', {}], o: ['r.sink', { x: ['x', 0] }] });
  assert.deepEqual(readersById(workflow, []), { x: 0, o: 0 });
  assert.deepEqual(readersById(workflow, ['o', 'o']), { x: 1, o: 0 });
  assert.deepEqual(readersById(workflow, ['x']), { x: 0, o: 0 });
});
