/** The compiled graph and the Kahn scheduling state: linear, iterative, failure-aware. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { SwitchyardError } from '../../../engine/errors.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { compileGraph, compiledNode } from '../../../engine/schedule/graph.js';
import { NodeState, Schedule } from '../../../engine/schedule/schedule.js';

const pass = defineNode({
  type: 's.pass', title: 'Pass', category: 'test',
  inputs: { a: { type: 'INT', optional: true }, b: { type: 'INT', optional: true }, late: { type: 'INT', lazy: true, optional: true }, n: { type: 'INT', default: 0 } },
  outputs: { out: { type: 'INT' } },
  run: () => ({ out: 0 }),
});
const sink = defineNode({ type: 's.sink', title: 'Sink', category: 'test', output: true, inputs: { x: { type: 'INT' } }, outputs: {}, run: () => ({}) });
const registry = new NodeRegistry();
registry.addAll([pass, sink], 'test');

function flow(nodes: Record<string, [string, Record<string, unknown>]>): ApiWorkflow {
  return { schemaVersion: 1, nodes: Object.fromEntries(Object.entries(nodes).map(([id, [type, inputs]]) => [id, { type, inputs }])) };
}

/** Drains the schedule, completing nodes in queue order; returns the order. */
function drain(schedule: Schedule): number[] {
  const order: number[] = [];
  for (let next = schedule.takeReady(); next >= 0; next = schedule.takeReady()) {
    order.push(next);
    schedule.complete(next);
  }
  return order;
}

test('compiles inputs in declaration order with defaults, links and lazy links; consumers as flat rows', () => {
  const graph = compileGraph(flow({
    x: ['s.pass', {}],
    y: ['s.pass', { b: ['x', 0], a: ['x', 0], late: ['x', 0], n: { __value__: 7 } }],
    o: ['s.sink', { x: ['y', 0] }],
  }), registry);
  const y = compiledNode(graph, graph.indexOf.get('y')!);
  assert.deepEqual(y.inputs.map((i) => [i.name, i.source, i.lazy]), [['a', 0, false], ['b', 0, false], ['late', 0, true], ['n', -1, false]]);
  assert.equal(y.inputs[3]!.value, 7, 'ComfyUI-wrapped literals are unwrapped');
  assert.equal(y.hasLazyLinks, true);
  const x = compiledNode(graph, 0);
  assert.deepEqual(x.inputs.map((i) => [i.name, i.value]), [['late', undefined], ['n', 0]], 'defaults filled; an empty lazy input is still delivered');
  assert.deepEqual([...graph.dependents.subarray(graph.dependentStart[0]!, graph.dependentStart[1]!)], [1, 1], 'one consumer entry per eager link; lazy links are not eager');
  assert.deepEqual(graph.outputNodes, [2]);
});

test('refuses structurally broken workflows with invalid_workflow', () => {
  const cases: [ApiWorkflow, RegExp][] = [
    [flow({ a: ['s.nope', {}] }), /unknown type "s.nope"/],
    [flow({ o: ['s.sink', { x: ['ghost', 0] }] }), /links to missing node ghost/],
    [flow({ p: ['s.pass', {}], o: ['s.sink', { x: ['p', 1] }] }), /output 1 of node p \(s\.pass\), which has 1 outputs/],
    [flow({ o: ['s.sink', {}] }), /required input "x"/],
    [flow({ a: ['s.pass', { late: ['b', 0] }], b: ['s.pass', { a: ['a', 0] }], o: ['s.sink', { x: ['b', 0] }] }), /has a cycle: nodes a, b, o are on it or depend on it/],
  ];
  for (const [workflow, message] of cases) {
    assert.throws(() => compileGraph(workflow, registry), (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_workflow' && message.test(error.message));
  }
});

test('activation plans only the targets and their eager ancestors; nodes become ready after all inputs', () => {
  const graph = compileGraph(flow({
    a: ['s.pass', {}],
    b: ['s.pass', { a: ['a', 0] }],
    c: ['s.pass', { a: ['a', 0], b: ['b', 0] }],
    lazySource: ['s.pass', {}],
    d: ['s.pass', { a: ['c', 0], late: ['lazySource', 0] }],
    unused: ['s.pass', { a: ['a', 0] }],
    o: ['s.sink', { x: ['d', 0] }],
  }), registry);
  const schedule = new Schedule(graph);
  schedule.activate(graph.outputNodes);
  const id = (i: number) => graph.ids[i]!;
  assert.deepEqual(drain(schedule).map(id), ['a', 'b', 'c', 'd', 'o']);
  assert.equal(schedule.state[graph.indexOf.get('lazySource')!], NodeState.inactive, 'a lazy input is not planned eagerly');
  assert.equal(schedule.state[graph.indexOf.get('unused')!], NodeState.inactive);
  schedule.activate([graph.indexOf.get('lazySource')!]);
  assert.deepEqual(drain(schedule).map(id), ['lazySource'], 'activating later plans only what is not done');
  assert.deepEqual(schedule.unfinished(), []);
});

test('a failure skips the waiting downstream; later activations behind it are skipped at once', () => {
  const graph = compileGraph(flow({
    a: ['s.pass', {}],
    b: ['s.pass', { a: ['a', 0] }],
    c: ['s.pass', { a: ['b', 0] }],
    side: ['s.pass', {}],
    o: ['s.sink', { x: ['c', 0] }],
    o2: ['s.sink', { x: ['side', 0] }],
    late: ['s.pass', { a: ['b', 0] }],
  }), registry);
  const index = (id: string) => graph.indexOf.get(id)!;
  const schedule = new Schedule(graph);
  schedule.activate(graph.outputNodes);
  const initial = [schedule.takeReady(), schedule.takeReady()].map((i) => graph.ids[i]!).sort();
  assert.deepEqual(initial, ['a', 'side']);
  assert.equal(schedule.takeReady(), -1);
  schedule.complete(index('a'));
  assert.equal(graph.ids[schedule.takeReady()]!, 'b');
  const skipped = schedule.fail(index('b')).map((i) => graph.ids[i]!).sort();
  assert.deepEqual(skipped, ['c', 'o']);
  schedule.complete(index('side'));
  assert.equal(graph.ids[schedule.takeReady()]!, 'o2');
  assert.deepEqual(schedule.activate([index('late')]).map((i) => graph.ids[i]!), ['late']);
  assert.equal(schedule.state[index('late')], NodeState.skipped);
});

test('planning a 100,000-node chain is iterative and linear', () => {
  const nodes: Record<string, [string, Record<string, unknown>]> = { n0: ['s.pass', {}] };
  for (let i = 1; i < 100_000; i++) nodes[`n${i}`] = ['s.pass', { a: [`n${i - 1}`, 0] }];
  nodes.o = ['s.sink', { x: ['n99999', 0] }];
  const graph = compileGraph(flow(nodes), registry);
  const schedule = new Schedule(graph);
  schedule.activate(graph.outputNodes);
  const order = drain(schedule);
  assert.equal(order.length, 100_001);
  assert.ok(order.every((node, position) => node === position), 'each node runs right after its input');
  const failing = new Schedule(graph);
  failing.activate(graph.outputNodes);
  assert.equal(failing.fail(failing.takeReady()).length, 100_000, 'skipping the whole chain is iterative too');
});
