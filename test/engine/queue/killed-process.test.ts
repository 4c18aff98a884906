/**
 * The queue when its process is killed outright (SIGKILL: no shutdown code runs). A child
 * process runs the queue on a data folder; the test kills it and reopens the folder here: a
 * run that was executing is `interrupted` with the nodes that finished, and can be re-queued
 * by id; what was queued behind it still runs; under a stream of submissions (batches, or 64
 * submitters each printing its acknowledgement at once, while the journal is being compacted),
 * every one the child saw acknowledged is in the store, and no file is ever damaged.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { openQueue, tempDataDir, finishedRun } from './queue-harness.js';
import { release } from './queue-nodes.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'queue-child.js');
const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

interface Child {
  process: ChildProcess;
  /** Complete lines written so far. */
  lines: string[];
  /** Resolves once `accept` holds for the lines so far; rejects if the child exits first. */
  until(accept: (lines: string[]) => boolean): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
}

function startChild(mode: string, dataDir: string): Child {
  const child = spawn(process.execPath, [CHILD, mode, dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SWITCHYARD_LOG_LEVEL: 'silent' } });
  children.add(child);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const watch of [...watchers]) watch();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    lines,
    until(accept) {
      return new Promise((resolve, reject) => {
        const watch = (): void => {
          if (!accept(lines)) return;
          watchers.delete(watch);
          resolve();
        };
        watchers.add(watch);
        child.once('exit', (code, signal) => {
          watchers.delete(watch);
          reject(new Error(`the child exited (${code ?? signal}) before it was ready: ${stderr}`));
        });
        watch();
      });
    },
    async kill() {
      // Lines already in the pipe are still read: the exit waits for them.
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      await closed;
      children.delete(child);
    },
  };
}

test('a run executing when the process is killed comes back interrupted, re-queueable by id; queued work still runs', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const child = startChild('mid-run', dir);
  await child.until((lines) => lines.some((line) => line.startsWith('ready ')));
  const [, holdId, plainId] = child.lines.find((line) => line.startsWith('ready '))!.split(' ');
  await child.kill();

  const { queue, store } = await openQueue(dir);
  cleanups.push(() => queue.close());
  assert.deepEqual(store.recovery.interrupted, [holdId]);
  const interrupted = await queue.get(holdId!);
  assert.equal(interrupted?.status, 'interrupted');
  assert.deepEqual(interrupted?.executed, ['1'], 'the node that finished before the kill is recorded');
  assert.equal(interrupted?.errors[0]?.code, 'interrupted');
  assert.equal((await queue.get(plainId!))?.status, 'queued');

  release('child-never');
  const again = await queue.requeue(holdId!);
  assert.equal(again.requeuedFrom, holdId);
  await queue.start();
  assert.equal((await finishedRun(queue, plainId!)).status, 'success');
  const rerun = await finishedRun(queue, again.id);
  assert.equal(rerun.status, 'success');
  assert.deepEqual(rerun.outputs['2'], { text: ['child-never:7'] });
});

test('no acknowledged submission is lost when the process is killed under load', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const child = startChild('load', dir);
  await child.until((lines) => lines.length >= 400);
  await child.kill();
  const acknowledged = child.lines.filter(Boolean);
  assert.ok(acknowledged.length >= 400);

  const { queue, store } = await openQueue(dir);
  cleanups.push(() => queue.close());
  assert.deepEqual(store.recovery.corrupt, [], 'the files are whole: writes are atomic');
  const listed = await queue.list({ status: 'queued', limit: 1_000_000 });
  const stored = new Set(listed.items.map((r) => r.id));
  const lost = acknowledged.filter((id) => !stored.has(id));
  assert.deepEqual(lost, []);
  assert.ok(listed.total >= acknowledged.length);
  const numbers = listed.items.map((r) => r.number);
  assert.equal(new Set(numbers).size, numbers.length, 'no number was handed out twice');
});

test('no acknowledged submission is lost when the process is killed right after a rush of acknowledgements', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const child = startChild('rapid', dir);
  // Enough to go through several journal compactions (64 KiB each) before the kill.
  await child.until((lines) => lines.length >= 3000);
  await child.kill();
  const acknowledged = child.lines.filter(Boolean);
  assert.ok(acknowledged.length >= 3000);

  const { queue, store } = await openQueue(dir);
  cleanups.push(() => queue.close());
  assert.deepEqual(store.recovery.corrupt, [], 'no file is damaged');
  assert.ok(store.recovery.torn.length <= 1, 'at most the batch being written at the kill is cut short');
  const listed = await queue.list({ status: 'queued', limit: 1_000_000 });
  const stored = new Set(listed.items.map((r) => r.id));
  const lost = acknowledged.filter((id) => !stored.has(id));
  assert.deepEqual(lost, []);
  const numbers = listed.items.map((r) => r.number);
  assert.equal(new Set(numbers).size, numbers.length, 'no number was handed out twice');
  // They run afterwards, in submission order.
  assert.equal(await queue.position(acknowledged[0]!), 0);
});
