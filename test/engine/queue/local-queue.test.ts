/**
 * The embedded run queue as the server will use it: real run store files in temp folders, the
 * real executor running test node types. Submissions run by priority (front first, FIFO
 * within a priority), at most `concurrency` at once; queued runs can be cancelled and running
 * ones interrupted; failures become error records without stopping the queue; queued work
 * survives a restart; interrupted runs can be re-queued; history is capped; a burst of
 * submissions is all on disk with a handful of writes; bad requests are refused.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createLocalQueue } from '../../../engine/queue/local-queue.js';
import { openRunStore } from '../../../engine/store/run-store.js';
import type { RunRecord } from '../../../engine/queue/types.js';
import type { RunEvent } from '../../../engine/execute/events.js';
import { openQueue, tempDataDir, finishedRun, nodeStarted, memoryLogger, type QueueSetup, type QueueSetupOptions } from './queue-harness.js';
import { holdWorkflow, showWorkflow, failWorkflow, stubbornWorkflow, oddUiWorkflow, oddUi, ODD_KINDS, release, holdStats, resetHoldStats } from './queue-nodes.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A queue over a new data folder; closed (if still open) and removed after the file's tests. */
async function fresh(options: QueueSetupOptions = {}): Promise<QueueSetup & { dir: string }> {
  const { dir, dispose } = await tempDataDir();
  const setup = await openQueue(dir, options);
  cleanups.push(async () => {
    await setup.queue.close({ timeoutMs: 0 });
    await dispose();
  });
  return { dir, ...setup };
}

function rejectsWith(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.equal((error as { code?: string }).code, code, `expected code ${code}, got ${String(error)}`);
    return true;
  };
}

test('runs higher priorities first, FIFO within a priority, and `front` ahead of everything queued', async () => {
  const { queue } = await fresh();
  const a = await queue.submit({ workflow: showWorkflow(1) });
  const b = await queue.submit({ workflow: showWorkflow(2), priority: 5 });
  const c = await queue.submit({ workflow: showWorkflow(3) });
  const d = await queue.submit({ workflow: showWorkflow(4), front: true });
  const e = await queue.submit({ workflow: showWorkflow(5), priority: 5 });
  assert.deepEqual([a, b, c, d, e].map((r) => r.number), [0, 1, 2, 3, 4]);
  assert.equal(d.priority, 6, 'front puts it one above the highest queued priority');

  const expected = [d, b, e, a, c].map((r) => r.id);
  const positions = await Promise.all(expected.map((id) => queue.position(id)));
  assert.deepEqual(positions, [0, 1, 2, 3, 4]);
  const listed = await queue.list({ status: 'queued' });
  assert.deepEqual(listed.items.map((r) => r.id), expected);
  assert.equal(listed.total, 5);

  const started: string[] = [];
  const timeline: string[] = [];
  queue.on('started', (record) => started.push(record.id));
  queue.on('queued', (record) => timeline.push(`queued ${record.id}`));
  queue.on('run', (event: RunEvent) => {
    if (event.type === 'run_started' || event.type === 'run_finished') timeline.push(`${event.type} ${event.runId}`);
  });
  await queue.start();
  const records = await Promise.all([a, b, c, d, e].map((r) => finishedRun(queue, r.id)));
  assert.deepEqual(started, expected);
  for (const [index, record] of records.entries()) {
    assert.equal(record.status, 'success');
    assert.deepEqual(record.outputs['2'], { text: [String(index + 1)] }, 'the output node ui is recorded');
    assert.deepEqual([...record.executed].sort(), ['1', '2']);
    assert.ok(record.startedAt !== undefined && record.finishedAt !== undefined && record.finishedAt >= record.startedAt);
    assert.equal(typeof record.timings['2'], 'number');
  }
  // Executor events pass through carrying the run id, one run after another.
  assert.deepEqual(timeline, expected.flatMap((id) => [`run_started ${id}`, `run_finished ${id}`]));
  assert.equal(await queue.position(a.id), undefined, 'a finished run has no queue position');
});

test('never runs more than `concurrency` runs at once, and takes the next as soon as one ends', async () => {
  const { queue } = await fresh({ concurrency: 2 });
  resetHoldStats();
  const keys = ['conc-0', 'conc-1', 'conc-2', 'conc-3'];
  const runs: RunRecord[] = [];
  for (const key of keys) runs.push(await queue.submit({ workflow: holdWorkflow(key) }));
  const firstTwo = Promise.all([nodeStarted(queue, runs[0]!.id, '2'), nodeStarted(queue, runs[1]!.id, '2')]);
  await queue.start();
  await firstTwo;
  assert.deepEqual(await queue.counts(), { queued: 2, running: 2, finished: 0 });
  assert.equal((await queue.get(runs[2]!.id))?.status, 'queued');
  assert.deepEqual((await queue.list({ status: 'running' })).items.map((r) => r.id), [runs[0]!.id, runs[1]!.id]);

  const third = nodeStarted(queue, runs[2]!.id, '2');
  release('conc-0');
  assert.equal((await finishedRun(queue, runs[0]!.id)).status, 'success');
  await third;
  assert.equal((await queue.counts()).running, 2);
  for (const key of keys) release(key);
  const records = await Promise.all(runs.map((r) => finishedRun(queue, r.id)));
  assert.deepEqual(records.map((r) => r.status), ['success', 'success', 'success', 'success']);
  assert.deepEqual(records[3]!.outputs['2'], { text: ['conc-3:7'] });
  assert.equal(holdStats().maxHolding, 2);
});

test('cancelling a queued run moves it to history as cancelled, and it never runs', async () => {
  const { queue } = await fresh();
  const doomed = await queue.submit({ workflow: showWorkflow(1) });
  const kept = await queue.submit({ workflow: showWorkflow(2) });
  const announced = finishedRun(queue, doomed.id);
  assert.equal(await queue.cancel(doomed.id), 'cancelled');
  const cancelled = await announced;
  assert.equal(cancelled.status, 'cancelled');
  assert.ok(cancelled.finishedAt !== undefined);
  assert.equal(await queue.position(doomed.id), undefined);
  assert.equal(await queue.position(kept.id), 0);

  const started: string[] = [];
  queue.on('started', (record) => started.push(record.id));
  await queue.start();
  assert.equal((await finishedRun(queue, kept.id)).status, 'success');
  assert.deepEqual(started, [kept.id]);
  assert.equal((await queue.get(doomed.id))?.status, 'cancelled');
  assert.deepEqual(cancelled.executed, []);

  assert.equal(await queue.cancel(kept.id), 'already_finished');
  await assert.rejects(queue.cancel('no-such-run'), rejectsWith('not_found'));
});

test('cancelling or interrupting a running run stops it as interrupted, keeping the nodes that finished', async () => {
  const { queue } = await fresh({ concurrency: 2 });
  const run = await queue.submit({ workflow: holdWorkflow('never-interrupt-1') });
  const holding = nodeStarted(queue, run.id, '2');
  await queue.start();
  await holding;
  assert.equal(await queue.cancel(run.id), 'interrupting');
  const record = await finishedRun(queue, run.id);
  assert.equal(record.status, 'interrupted');
  assert.deepEqual(record.executed, ['1']);
  assert.equal(record.outputs['2'], undefined);

  // POST /api/interrupt: every running run stops; queued ones are untouched.
  // Ids chosen up front, so the waits are in place before the runs can start.
  const bothHolding = Promise.all([nodeStarted(queue, 'int-a', '2'), nodeStarted(queue, 'int-b', '2')]);
  const first = await queue.submit({ id: 'int-a', workflow: holdWorkflow('never-interrupt-2') });
  const second = await queue.submit({ id: 'int-b', workflow: holdWorkflow('never-interrupt-3') });
  const third = await queue.submit({ workflow: showWorkflow(9), priority: -1 });
  await bothHolding;
  assert.deepEqual(await queue.interrupt('no-such-run'), []);
  assert.deepEqual((await queue.interrupt()).sort(), [first.id, second.id].sort());
  assert.equal((await finishedRun(queue, first.id)).status, 'interrupted');
  assert.equal((await finishedRun(queue, second.id)).status, 'interrupted');
  assert.equal((await finishedRun(queue, third.id)).status, 'success', 'the queue goes on after an interrupt');
});

test('a failing node or an unrunnable workflow becomes an error record, and the queue goes on', async () => {
  const { queue } = await fresh();
  const failing = await queue.submit({ workflow: failWorkflow() });
  const unrunnable = await queue.submit({ workflow: { schemaVersion: 1, nodes: { '1': { type: 'qt.no_such_type', inputs: {} } } } });
  const fine = await queue.submit({ workflow: showWorkflow(4) });
  await queue.start();

  const failed = await finishedRun(queue, failing.id);
  assert.equal(failed.status, 'error');
  assert.deepEqual(failed.executed, ['1']);
  assert.equal(failed.errors.length, 1);
  assert.equal(failed.errors[0]!.nodeId, '2');
  assert.equal(failed.errors[0]!.code, 'node_failed');
  assert.match(failed.errors[0]!.message, /refusing 3/);
  assert.deepEqual(failed.errors[0]!.inputs, { value: '3' });

  const broken = await finishedRun(queue, unrunnable.id);
  assert.equal(broken.status, 'error');
  assert.equal(broken.errors[0]!.nodeId, undefined, 'a run-level error names no node');
  assert.match(broken.errors[0]!.message, /qt\.no_such_type/);

  assert.equal((await finishedRun(queue, fine.id)).status, 'success');
});

test('queued runs survive a restart and run afterwards, numbers carrying on', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const before = await openQueue(dir);
  const submitted: RunRecord[] = [];
  for (const n of [1, 2, 3]) submitted.push(await before.queue.submit({ workflow: showWorkflow(n), clientId: 'client-a', extra: { note: n } }));
  await before.queue.close();

  const after = await openQueue(dir);
  cleanups.push(() => after.queue.close());
  assert.equal(after.store.recovery.queued, 3);
  const queued = await after.queue.list({ status: 'queued' });
  assert.deepEqual(queued.items.map((r) => r.id), submitted.map((r) => r.id));
  assert.deepEqual(queued.items[1]!.extra, { note: 2 });
  assert.equal(queued.items[1]!.clientId, 'client-a');
  const next = await after.queue.submit({ workflow: showWorkflow(4) });
  assert.equal(next.number, 3);
  await after.queue.start();
  for (const [index, run] of [...submitted, next].entries()) {
    const record = await finishedRun(after.queue, run.id);
    assert.equal(record.status, 'success');
    assert.deepEqual(record.outputs['2'], { text: [String(index + 1)] });
  }
});

test('a finished run is re-queued by id as a new run; queued or unknown runs are refused', async () => {
  const { queue } = await fresh();
  const run = await queue.submit({ workflow: holdWorkflow('requeue-1', 11), priority: 2, clientId: 'c1', saved: { nodes: [] } });
  const holding = nodeStarted(queue, run.id, '2');
  await queue.start();
  await holding;
  await queue.interrupt(run.id);
  const interrupted = await finishedRun(queue, run.id);
  assert.equal(interrupted.status, 'interrupted');

  release('requeue-1');
  const again = await queue.requeue(run.id);
  assert.notEqual(again.id, run.id);
  assert.equal(again.requeuedFrom, run.id);
  assert.equal(again.priority, 2);
  assert.equal(again.clientId, 'c1');
  assert.deepEqual(again.saved, { nodes: [] });
  assert.ok(again.number > run.number);
  const done = await finishedRun(queue, again.id);
  assert.equal(done.status, 'success');
  assert.deepEqual(done.outputs['2'], { text: ['requeue-1:11'] });
  assert.equal((await queue.get(run.id))?.status, 'interrupted', 'the old attempt stays in history as it was');

  const holdingAgain = nodeStarted(queue, 'requeue-wait', '2');
  const waiting = await queue.submit({ id: 'requeue-wait', workflow: holdWorkflow('requeue-2') });
  await holdingAgain;
  await assert.rejects(queue.requeue(waiting.id), rejectsWith('invalid_input'));
  await assert.rejects(queue.requeue('no-such-run'), rejectsWith('not_found'));
  release('requeue-2');
  await finishedRun(queue, waiting.id);
});

test('history keeps the newest finished runs up to the cap and reports the ones it drops', async () => {
  const { dir, queue } = await fresh({ historyCap: 2 });
  const removed: string[] = [];
  queue.on('removed', (ids) => removed.push(...ids));
  const runs: RunRecord[] = [];
  for (const n of [1, 2, 3, 4]) runs.push(await queue.submit({ workflow: showWorkflow(n) }));
  await queue.start();
  // One at a time in submission order: when the last has finished, all have (the first two are gone by then).
  await finishedRun(queue, runs[3]!.id);
  const history = await queue.list({ status: ['success', 'error', 'interrupted', 'cancelled'] });
  assert.equal(history.total, 2);
  assert.deepEqual(history.items.map((r) => r.id), [runs[3]!.id, runs[2]!.id], 'newest first');
  assert.deepEqual(removed, [runs[0]!.id, runs[1]!.id]);
  assert.equal(await queue.get(runs[0]!.id), undefined);
  await queue.close();

  const reopened = await openQueue(dir, { historyCap: 2 });
  cleanups.push(() => reopened.queue.close());
  assert.deepEqual((await reopened.queue.list()).items.map((r) => r.id), [runs[3]!.id, runs[2]!.id]);
});

test('a burst of 500 concurrent submissions is all on disk after a handful of writes', async () => {
  const { dir, queue, store } = await fresh();
  const writesBefore = store.writeCount;
  const records = await Promise.all(Array.from({ length: 500 }, (_, i) => queue.submit({ workflow: showWorkflow(i), priority: i % 3 })));
  const writes = store.writeCount - writesBefore;
  assert.ok(writes >= 1 && writes <= 5, `500 submissions took ${writes} writes`);
  assert.equal(new Set(records.map((r) => r.number)).size, 500, 'every submission has its own number');
  await queue.close();

  const reopened = await openQueue(dir);
  cleanups.push(() => reopened.queue.close());
  const listed = await reopened.queue.list({ status: 'queued', limit: 1000 });
  assert.equal(listed.total, 500);
  assert.deepEqual(new Set(listed.items.map((r) => r.id)), new Set(records.map((r) => r.id)));
  // Page 2 of the queue, in run order: priority 2 first, FIFO within it.
  const page = await reopened.queue.list({ status: 'queued', limit: 3, offset: 1 });
  assert.deepEqual(page.items.map((r) => r.number), [5, 8, 11]);
  assert.equal(page.total, 500);
});

test('a submission whose write fails is refused and never runs', async () => {
  const { dir, queue, store } = await fresh();
  await rm(join(dir, 'store'), { recursive: true, force: true });
  await assert.rejects(queue.submit({ workflow: showWorkflow(1) }), rejectsWith('internal'));
  assert.equal((await queue.list()).total, 0, 'the refused run is not kept');
  await mkdir(join(dir, 'store'));
  const accepted = await queue.submit({ workflow: showWorkflow(2) });
  await queue.start();
  assert.equal((await finishedRun(queue, accepted.id)).status, 'success');
  assert.equal((await queue.list()).total, 1);
  assert.ok(store.writeCount >= 1);
});

test('malformed submissions and queries are refused with invalid_input and change nothing', async () => {
  const { queue } = await fresh();
  const kept = await queue.submit({ id: 'my-run', workflow: showWorkflow(1) });
  assert.equal(kept.id, 'my-run');
  const bad: unknown[] = [
    {},
    { workflow: { nodes: 'not a map' } },
    { workflow: showWorkflow(1), priority: 'high' },
    { workflow: showWorkflow(1), front: 'yes' },
    { workflow: showWorkflow(1), id: '' },
    { workflow: showWorkflow(1), id: 'my-run' },
    { workflow: { schemaVersion: 1, nodes: { '1': { inputs: {} } } } },
  ];
  for (const input of bad) await assert.rejects(queue.submit(input as never), rejectsWith('invalid_input'), JSON.stringify(input));
  await assert.rejects(queue.list({ status: 'bogus' as never }), rejectsWith('invalid_input'));
  await assert.rejects(queue.list({ limit: -1 }), rejectsWith('invalid_input'));
  await assert.rejects(queue.list({ offset: 1.5 }), rejectsWith('invalid_input'));
  await assert.rejects(queue.deleteHistory('my-run' as never), rejectsWith('invalid_input'));
  await assert.rejects(queue.deleteHistory([42] as never), rejectsWith('invalid_input'));
  assert.equal((await queue.list()).total, 1);
  assert.deepEqual(await queue.counts(), { queued: 1, running: 0, finished: 0 });
  const { store } = await fresh();
  assert.throws(() => createLocalQueue({ store, execute: async () => ({ status: 'success', outputs: {}, executed: [], cached: [], errors: [], timings: {} }), log: memoryLogger().log, concurrency: 0 }), rejectsWith('usage'));
});

test('deleting history removes only finished runs; clearing empties it', async () => {
  const { queue } = await fresh();
  const done = await queue.submit({ workflow: showWorkflow(1) });
  const alsoDone = await queue.submit({ workflow: showWorkflow(2) });
  await queue.start();
  await finishedRun(queue, done.id);
  await finishedRun(queue, alsoDone.id);
  const holding = nodeStarted(queue, 'history-wait', '2');
  const waiting = await queue.submit({ id: 'history-wait', workflow: holdWorkflow('history-1') });
  await holding;
  const queued = await queue.submit({ workflow: showWorkflow(3) });

  const removedEvents: string[][] = [];
  queue.on('removed', (ids) => removedEvents.push(ids));
  assert.deepEqual(await queue.deleteHistory([done.id, waiting.id, queued.id, 'no-such-run']), [done.id]);
  assert.equal(await queue.get(done.id), undefined);
  assert.deepEqual(await queue.clearHistory(), [alsoDone.id]);
  assert.deepEqual(removedEvents, [[done.id], [alsoDone.id]]);
  assert.deepEqual(await queue.counts(), { queued: 1, running: 1, finished: 0 });
  assert.deepEqual(await queue.clearHistory(), []);
  release('history-1');
  await finishedRun(queue, queued.id);
});

test('close interrupts runs still executing after its timeout, keeps queued work, and refuses new submissions', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const first = await openQueue(dir, { concurrency: 1, closeTimeoutMs: 0, closeGraceMs: 60_000 });
  const running = await first.queue.submit({ workflow: holdWorkflow('close-1') });
  const queued = await first.queue.submit({ workflow: showWorkflow(5) });
  const holding = nodeStarted(first.queue, running.id, '2');
  await first.queue.start();
  await holding;
  const finished: RunRecord[] = [];
  first.queue.on('finished', (record) => finished.push(record));
  await first.queue.close();
  assert.deepEqual(finished.map((r) => [r.id, r.status]), [[running.id, 'interrupted']]);
  await assert.rejects(first.queue.submit({ workflow: showWorkflow(6) }), rejectsWith('unavailable'));

  const second = await openQueue(dir);
  cleanups.push(() => second.queue.close());
  assert.deepEqual(second.store.recovery.interrupted, [], 'nothing was left running in the file');
  const stopped = await second.queue.get(running.id);
  assert.equal(stopped?.status, 'interrupted');
  assert.deepEqual(stopped?.executed, ['1']);
  assert.equal((await second.queue.get(queued.id))?.status, 'queued');
});

test('close stops a run whose node ignores the interruption; the node ending later changes nothing', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const first = await openQueue(dir, { closeTimeoutMs: 0 });
  const stubborn = await first.queue.submit({ workflow: stubbornWorkflow('close-2') });
  const started = nodeStarted(first.queue, stubborn.id, '1');
  await first.queue.start();
  await started;
  const announced = finishedRun(first.queue, stubborn.id);
  await first.queue.close();
  // The executor gives up on the node at once; the queue records what it answered.
  assert.equal((await announced).status, 'interrupted');
  release('close-2');
  const second = await openQueue(dir);
  cleanups.push(() => second.queue.close());
  assert.equal((await second.queue.get(stubborn.id))?.status, 'interrupted');
});

test('close records a run whose executor never answers as interrupted, and its late answer changes nothing', async () => {
  // The execute function here is a stand-in for a backend that does not honour the abort signal
  // (the engine's executor always does); the queue must still shut down and persist.
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const { log, lines } = memoryLogger();
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => {
    answer = resolve;
  });
  let executing!: () => void;
  const isExecuting = new Promise<void>((resolve) => {
    executing = resolve;
  });
  const store = await openRunStore({ dataDir: dir, log });
  const queue = createLocalQueue({
    store,
    log,
    closeTimeoutMs: 0,
    closeGraceMs: 0,
    execute: async () => {
      executing();
      await answered;
      return { status: 'success', outputs: {}, executed: ['1'], cached: [], errors: [], timings: {} };
    },
  });
  const run = await queue.submit({ workflow: showWorkflow(1) });
  await queue.start();
  await isExecuting;
  const announced = finishedRun(queue, run.id);
  await queue.close();
  const record = await announced;
  assert.equal(record.status, 'interrupted');
  assert.match(record.errors[0]!.message, /closed before this run stopped/);

  answer();
  for (let turn = 0; turn < 1000 && !lines.some((line) => line.runId === run.id && line.level === 40); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(lines.some((line) => line.runId === run.id && line.level === 40), 'the late answer is logged as a warning');
  const reopened = await openRunStore({ dataDir: dir, log });
  assert.equal(reopened.get(run.id)?.status, 'interrupted');
  await reopened.close();
});

test('a ui result is stored as JSON would write it, and reads back the same after a restart', async () => {
  const { dir, queue } = await fresh();
  await queue.start();
  const heard: RunRecord[] = [];
  queue.on('finished', (record) => heard.push(record));
  const submitted = await queue.submit({ workflow: oddUiWorkflow() });
  const record = await finishedRun(queue, submitted.id);
  assert.equal(record.status, 'success');
  const expected = Object.fromEntries(ODD_KINDS.map((kind, index) => [String(index + 1), JSON.parse(JSON.stringify(oddUi(kind))) as unknown]));
  assert.deepEqual(record.outputs, expected);
  assert.deepEqual(heard.find((r) => r.id === submitted.id)?.outputs, expected);
  assert.deepEqual((await queue.get(submitted.id))?.outputs, expected);
  // A copy handed out is the caller's: changing it changes nothing in the queue.
  (record.outputs['1']!.text as string[]).push('changed');
  assert.deepEqual((await queue.get(submitted.id))?.outputs, expected);
  await queue.close();
  const reopened = await openQueue(dir);
  cleanups.push(() => reopened.queue.close({ timeoutMs: 0 }));
  assert.deepEqual((await reopened.queue.get(submitted.id))?.outputs, expected);
});
