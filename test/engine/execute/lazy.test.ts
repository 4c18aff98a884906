/** Lazy inputs: their upstream runs only when the node asks for it, and results stay cacheable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import { arithmetic } from './nodes.js';
import { harness, workflow } from './harness.js';

function switchNode(log: string[]) {
  return defineNode({
    type: 't.switch', title: 'Switch', category: 'test',
    inputs: {
      useFirst: { type: 'BOOLEAN' },
      first: { type: 'INT', lazy: true },
      second: { type: 'INT', lazy: true, optional: true },
    },
    outputs: { out: { type: 'INT' } },
    async run(inputs, ctx) {
      log.push(ctx.nodeId);
      const value = inputs.useFirst ? await inputs.first() : await inputs.second();
      return { out: value ?? -1 };
    },
  });
}

function branches(useFirst: boolean) {
  return workflow({
    c1: ['t.const', { value: 1 }],
    a1: ['t.async_add', { a: ['c1', 0], b: 100 }],
    c2: ['t.const', { value: 2 }],
    a2: ['t.add', { a: ['c2', 0], b: 200 }],
    sw: ['t.switch', { useFirst, first: ['a1', 0], second: ['a2', 0] }],
    out: ['t.sink', { x: ['sw', 0] }],
  });
}

test('the upstream of a lazy input runs only when the node asks for it', async () => {
  const nodes = arithmetic();
  const switches: string[] = [];
  const { executor } = harness([switchNode(switches), ...nodes.types]);
  const first = await executor.run(branches(true));
  assert.equal(first.status, 'success');
  assert.deepEqual(first.outputs, { out: { text: ['101'] } });
  assert.deepEqual([...nodes.calls].sort(), ['a1', 'c1', 'out']);
  assert.ok(nodes.calls.indexOf('c1') < nodes.calls.indexOf('a1'));

  nodes.calls.length = 0;
  const second = await executor.run(branches(false));
  assert.deepEqual(second.outputs, { out: { text: ['202'] } });
  assert.deepEqual([...nodes.calls].sort(), ['a2', 'c2', 'out'], 'the other branch runs now; the first one is not touched');
  assert.ok(!second.executed.includes('a1') && !second.cached.includes('a1'));
});

test('a node with lazy inputs is cached by what it asked for, and re-runs when that changes', async () => {
  const nodes = arithmetic();
  const switches: string[] = [];
  const { executor } = harness([switchNode(switches), ...nodes.types]);
  await executor.run(branches(true));
  const again = await executor.run(branches(true));
  assert.deepEqual(again.executed, [], 'nothing changed: everything comes from the cache');
  assert.deepEqual(again.outputs, { out: { text: ['101'] } });
  assert.deepEqual(switches, ['sw']);

  // Changing the branch the switch does NOT read keeps it cached; changing the one it reads re-runs it.
  const unread = branches(true);
  unread.nodes.c2!.inputs.value = 50;
  const third = await executor.run(unread);
  assert.deepEqual(third.executed, []);
  const read = branches(true);
  read.nodes.c1!.inputs.value = 7;
  const fourth = await executor.run(read);
  assert.deepEqual([...fourth.executed].sort(), ['a1', 'c1', 'out', 'sw']);
  assert.deepEqual(fourth.outputs, { out: { text: ['107'] } });
});

test('lazy inputs do not deadlock with a concurrency of 1, and lazy literals and empty lazy inputs resolve', async () => {
  const nodes = arithmetic();
  const switches: string[] = [];
  const { executor } = harness([switchNode(switches), ...nodes.types], { concurrency: 1 });
  const deep = await executor.run(branches(true));
  assert.deepEqual(deep.outputs, { out: { text: ['101'] } });

  const literal = await executor.run(workflow({ sw: ['t.switch', { useFirst: true, first: 42 }], out: ['t.sink', { x: ['sw', 0] }] }));
  assert.deepEqual(literal.outputs, { out: { text: ['42'] } });
  const empty = await executor.run(workflow({ sw: ['t.switch', { useFirst: false, first: 42 }], out: ['t.sink', { x: ['sw', 0] }] }));
  assert.deepEqual(empty.outputs, { out: { text: ['-1'] } });
});

test('a lazy input shares results already computed in the run', async () => {
  const nodes = arithmetic();
  const switches: string[] = [];
  const { executor } = harness([switchNode(switches), ...nodes.types]);
  const flow = branches(true);
  flow.nodes.direct = { type: 't.sink', inputs: { x: ['a1', 0] } };
  const result = await executor.run(flow);
  assert.equal(nodes.calls.filter((id) => id === 'a1').length, 1);
  assert.deepEqual(result.outputs, { out: { text: ['101'] }, direct: { text: ['101'] } });
});

test('when the upstream of a requested lazy input fails, the asking node is skipped, not failed', async () => {
  const nodes = arithmetic();
  const switches: string[] = [];
  const broken = defineNode({
    type: 't.broken', title: 'Broken', category: 'test',
    inputs: {}, outputs: { out: { type: 'INT' } },
    run: () => {
      throw new Error('broken upstream');
    },
  });
  const { executor } = harness([broken, switchNode(switches), ...nodes.types]);
  const result = await executor.run(workflow({
    b: ['t.broken', {}],
    sw: ['t.switch', { useFirst: true, first: ['b', 0] }],
    out: ['t.sink', { x: ['sw', 0] }],
    fine: ['t.const', { value: 3 }],
    out2: ['t.sink', { x: ['fine', 0] }],
  }));
  assert.equal(result.status, 'error');
  assert.deepEqual(result.errors.map((e) => e.nodeId), ['b']);
  assert.deepEqual([...result.skipped].sort(), ['out', 'sw']);
  assert.deepEqual(result.outputs, { out2: { text: ['3'] } });
});
