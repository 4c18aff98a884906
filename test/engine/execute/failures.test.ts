/** The executor when things go wrong: node errors, bad outputs, interruption. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineNode } from '../../../engine/nodes/define.js';
import { SwitchyardError } from '../../../engine/errors.js';
import { arithmetic } from './nodes.js';
import { gate, harness, recordEvents, settle, workflow } from './harness.js';

function failing(code?: 'invalid_image') {
  return defineNode({
    type: 't.fail', title: 'Fail', category: 'test',
    inputs: { a: { type: 'INT' }, label: { type: 'STRING', default: 'x'.repeat(200) } },
    outputs: { out: { type: 'INT' } },
    run(inputs) {
      if (code) throw new SwitchyardError(code, 'the image file is truncated', { file: 'a.png' });
      throw new TypeError(`cannot handle ${inputs.a}`);
    },
  });
}

test('a node error stops its dependents (skipped, not errors) while independent siblings finish', async () => {
  const nodes = arithmetic();
  const { executor } = harness([failing(), ...nodes.types]);
  const { events, onEvent } = recordEvents();
  const result = await executor.run(workflow({
    c: ['t.const', { value: 4 }],
    bad: ['t.fail', { a: ['c', 0] }],
    after: ['t.add', { a: ['bad', 0] }],
    after2: ['t.add', { a: ['after', 0], b: ['c', 0] }],
    badOut: ['t.sink', { x: ['after2', 0] }],
    sib: ['t.async_add', { a: ['c', 0], b: 1 }],
    sibOut: ['t.sink', { x: ['sib', 0] }],
  }), { onEvent });
  assert.equal(result.status, 'error');
  assert.deepEqual(result.outputs, { sibOut: { text: ['5'] } });
  assert.deepEqual([...result.skipped].sort(), ['after', 'after2', 'badOut']);
  assert.equal(result.errors.length, 1);
  const [error] = result.errors;
  assert.equal(error?.nodeId, 'bad');
  assert.equal(error?.nodeType, 't.fail');
  assert.equal(error?.code, 'node_failed');
  assert.match(error!.message, /node bad \(t\.fail\) failed: cannot handle 4/);
  assert.equal(error?.inputs.a, '4');
  assert.ok(error!.inputs.label!.length < 80, 'long inputs are shortened in the summary');
  assert.match(error!.stack ?? '', /TypeError/);
  assert.ok(!nodes.calls.includes('after') && !nodes.calls.includes('after2'));
  const errorEvent = events.find((e) => e.type === 'node_error');
  assert.ok(errorEvent?.type === 'node_error' && errorEvent.nodeId === 'bad' && errorEvent.code === 'node_failed');
  const last = events.at(-1);
  assert.ok(last?.type === 'run_failed');
  assert.deepEqual(last.errors.map((e) => e.nodeId), ['bad']);
});

test('a SwitchyardError thrown by a node keeps its own code', async () => {
  const nodes = arithmetic();
  const { executor } = harness([failing('invalid_image'), ...nodes.types]);
  const result = await executor.run(workflow({ c: ['t.const', { value: 1 }], bad: ['t.fail', { a: ['c', 0] }], o: ['t.sink', { x: ['bad', 0] }] }));
  assert.equal(result.errors[0]?.code, 'invalid_image');
  assert.equal(result.errors[0]?.details.file, 'a.png');
  assert.match(result.errors[0]!.message, /node bad \(t\.fail\): the image file is truncated/);
});

test('a failed node is not cached: the next run tries it again', async () => {
  let broken = true;
  const flaky = defineNode({
    type: 't.flaky', title: 'Flaky', category: 'test', output: true,
    inputs: {}, outputs: {},
    run() {
      if (broken) throw new Error('not yet');
      return { ui: { text: ['ok'] } };
    },
  });
  const { executor } = harness([flaky]);
  const flow = workflow({ f: ['t.flaky', {}] });
  assert.equal((await executor.run(flow)).status, 'error');
  broken = false;
  const second = await executor.run(flow);
  assert.equal(second.status, 'success');
  assert.deepEqual(second.executed, ['f']);
});

test('a returned value that does not match the declared outputs fails with node_output_invalid', async () => {
  const cases: { result: unknown; message: RegExp }[] = [
    { result: { IMAGE: 5 }, message: /node 5 \(t\.bad_output\) returned IMAGE as number 5: expected an IMAGE/ },
    { result: { mask: 1 }, message: /did not return its output "IMAGE" \(IMAGE\); it returned "mask"/ },
    { result: null, message: /returned null; expected an object with "IMAGE"/ },
    { result: [1], message: /returned an array; expected an object with "IMAGE"/ },
    { result: 42, message: /returned number 42; expected an object with "IMAGE"/ },
    { result: undefined, message: /returned nothing; expected an object with "IMAGE"/ },
    { result: { IMAGE: { kind: 'image', width: 2, height: 2, count: 1, data: new Float32Array(3) } }, message: /expected an IMAGE/ },
  ];
  for (const { result, message } of cases) {
    const bad = defineNode({
      type: 't.bad_output', title: 'Bad', category: 'test',
      inputs: {}, outputs: { IMAGE: { type: 'IMAGE' } },
      run: () => result as never,
    });
    const show = defineNode({ type: 't.show', title: 'Show', category: 'test', output: true, inputs: { image: { type: 'IMAGE' } }, outputs: {}, run: () => ({}) });
    const { executor } = harness([bad, show]);
    const run = await executor.run(workflow({ '5': ['t.bad_output', {}], '6': ['t.show', { image: ['5', 0] }] }));
    assert.equal(run.status, 'error');
    assert.equal(run.errors[0]?.code, 'node_output_invalid');
    assert.match(run.errors[0]!.message, message);
    assert.deepEqual(run.skipped, ['6']);
  }
  const badUi = defineNode({ type: 't.bad_ui', title: 'Bad ui', category: 'test', output: true, inputs: {}, outputs: {}, run: () => ({ ui: 'done' as never }) });
  const { executor } = harness([badUi]);
  const run = await executor.run(workflow({ u: ['t.bad_ui', {}] }));
  assert.equal(run.errors[0]?.code, 'node_output_invalid');
  assert.match(run.errors[0]!.message, /returned ui as the string "done"/);
});

test('an output declared as alternatives (IMAGE,MASK) passes with either and names both checks when neither fits', async () => {
  const show = defineNode({ type: 't.show', title: 'Show', category: 'test', output: true, inputs: { value: { type: '*' } }, outputs: {}, run: () => ({}) });
  const image = { kind: 'image', width: 1, height: 1, count: 1, data: new Float32Array(3) };
  for (const [result, ok] of [[image, true], ['text', false]] as const) {
    const either = defineNode({ type: 't.either', title: 'Either', category: 'test', inputs: {}, outputs: { out: { type: 'IMAGE,MASK' } }, run: () => ({ out: result as never }) });
    const { executor } = harness([either, show]);
    const run = await executor.run(workflow({ e: ['t.either', {}], s: ['t.show', { value: ['e', 0] }] }));
    if (ok) {
      assert.equal(run.status, 'success', JSON.stringify(run.errors));
      continue;
    }
    assert.equal(run.errors[0]?.code, 'node_output_invalid');
    assert.match(run.errors[0]!.message, /expected an IMAGE.*; or .*MASK/);
  }
});

test('interrupting a run: running nodes see the signal, nothing new starts, the run resolves promptly', async () => {
  const nodes = arithmetic();
  const entered = gate();
  let sawAbort = false;
  const wait = defineNode({
    type: 't.wait', title: 'Wait', category: 'test',
    inputs: { a: { type: 'INT' } },
    outputs: { out: { type: 'INT' } },
    run(inputs, ctx) {
      entered.open();
      return new Promise<{ out: number }>((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(ctx.signal.reason);
        });
      });
    },
  });
  const { executor } = harness([wait, ...nodes.types], { concurrency: 1 });
  const controller = new AbortController();
  const { events, onEvent } = recordEvents();
  const running = executor.run(workflow({
    c: ['t.const', { value: 1 }],
    w: ['t.wait', { a: ['c', 0] }],
    after: ['t.add', { a: ['w', 0] }],
    o: ['t.sink', { x: ['after', 0] }],
    other: ['t.add', { a: 5 }],
    o2: ['t.sink', { x: ['other', 0] }],
  }), { signal: controller.signal, onEvent });
  await entered.promise;
  const callsBefore = [...nodes.calls];
  controller.abort();
  const result = await running;
  assert.ok(sawAbort, 'the running node saw ctx.signal abort');
  assert.equal(result.status, 'interrupted');
  assert.deepEqual(result.errors, [], 'nodes not yet run are not errors');
  assert.ok(!result.executed.includes('w'));
  await settle();
  assert.deepEqual(nodes.calls, callsBefore, 'nothing started after the interruption');
  const last = events.at(-1);
  assert.ok(last?.type === 'run_interrupted');
  assert.deepEqual(last.finished, result.executed);
  assert.ok(last.finished.includes('c'));
  assert.ok(!events.some((e) => e.type === 'node_error'));
});

test('a node that first looks at ctx.signal after the interruption finds it aborted with the run\'s reason', async () => {
  const entered = gate();
  const release = gate();
  let seen: { aborted: boolean; reason: unknown; threw: unknown } | undefined;
  const late = defineNode({
    type: 't.late', title: 'Late', category: 'test', output: true,
    inputs: {},
    outputs: {},
    async run(_inputs, ctx) {
      entered.open();
      await release.promise;
      let threw: unknown;
      try {
        ctx.throwIfAborted();
      } catch (error) {
        threw = error;
      }
      seen = { aborted: ctx.signal.aborted, reason: ctx.signal.reason, threw };
      return undefined;
    },
  });
  const { executor } = harness([late]);
  const controller = new AbortController();
  const running = executor.run(workflow({ l: ['t.late', {}] }), { signal: controller.signal });
  await entered.promise;
  controller.abort();
  const result = await running;
  release.open();
  await settle();
  assert.equal(result.status, 'interrupted');
  assert.equal(seen?.aborted, true);
  assert.ok(seen?.reason instanceof SwitchyardError && seen.reason.code === 'interrupted');
  assert.ok(seen?.threw instanceof SwitchyardError && seen.threw.code === 'interrupted');
});

test('a run whose signal is already aborted runs nothing', async () => {
  const nodes = arithmetic();
  const { executor } = harness(nodes.types);
  const result = await executor.run(workflow({ c: ['t.const', { value: 1 }], o: ['t.sink', { x: ['c', 0] }] }), { signal: AbortSignal.abort() });
  assert.equal(result.status, 'interrupted');
  assert.deepEqual(nodes.calls, []);
});

test('a follower whose shared computation is interrupted in another run computes the result itself', async () => {
  const release = gate();
  let runs = 0;
  const slow = defineNode({
    type: 't.slow', title: 'Slow', category: 'test', output: true,
    inputs: { v: { type: 'INT' } }, outputs: {},
    async run(inputs, ctx) {
      runs++;
      if (runs === 1) {
        await new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      }
      await release.promise;
      return { ui: { text: [String(inputs.v)] } };
    },
  });
  const { executor } = harness([slow]);
  const flow = workflow({ s: ['t.slow', { v: 3 }] });
  const controller = new AbortController();
  const first = executor.run(flow, { signal: controller.signal });
  const second = executor.run(flow);
  await settle();
  assert.equal(runs, 1, 'the second run waits for the first one\'s computation');
  controller.abort();
  assert.equal((await first).status, 'interrupted');
  await settle();
  release.open();
  const result = await second;
  assert.equal(result.status, 'success');
  assert.deepEqual(result.outputs, { s: { text: ['3'] } });
  assert.equal(runs, 2);
});
