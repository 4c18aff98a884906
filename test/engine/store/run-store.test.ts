/**
 * The run store files as a restarted server meets them: everything committed is there after
 * reopening; runs that were executing come back `interrupted` with the nodes that finished;
 * a truncated, corrupt or partly damaged file is moved aside (never crashes the open, never
 * silently lost) and what still reads is kept; a file from a newer version is left alone;
 * history is capped; a burst of commits shares writes; submitting rewrites no snapshot;
 * numbers never repeat. (The journal itself: run-journal.test.ts.)
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openRunStore, type RunStore, type RunStoreOptions } from '../../../engine/store/run-store.js';
import type { RunRecord, RunStatus } from '../../../engine/queue/types.js';
import type { Logger } from '../../../engine/nodes/context.js';

const root = await mkdtemp(join(tmpdir(), 'switchyard-run-store-'));
after(() => rm(root, { recursive: true, force: true }));
let folders = 0;

function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: pino({ level: 'debug' }, stream) as unknown as Logger, lines };
}

async function dataDir(): Promise<string> {
  folders += 1;
  const dir = join(root, `data-${folders}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const open = (dir: string, options: Partial<RunStoreOptions> = {}): Promise<RunStore> => openRunStore({ dataDir: dir, log: memoryLogger().log, ...options });
const storeFile = (dir: string): string => join(dir, 'store', 'runs.json');
const historyFile = (dir: string): string => join(dir, 'store', 'history.json');

function record(id: string, number: number, status: RunStatus, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    number,
    status,
    priority: 0,
    workflow: { schemaVersion: 1, nodes: { '1': { type: 'core.int', inputs: { value: number } } } },
    submittedAt: 1_000 + number,
    executed: [],
    cached: [],
    skipped: [],
    outputs: {},
    errors: [],
    timings: {},
    ...(status === 'queued' ? {} : { startedAt: 2_000 + number }),
    ...(status === 'queued' || status === 'running' ? {} : { finishedAt: 3_000 + number }),
    ...extra,
  };
}

/** What a process started now would find if this one were killed at this moment: a copy of the store folder, opened. */
async function openCrashCopy(dir: string): Promise<RunStore> {
  const copy = await dataDir();
  await cp(join(dir, 'store'), join(copy, 'store'), { recursive: true });
  return open(copy);
}

async function writeStoreFile(dir: string, content: string, path = storeFile(dir)): Promise<void> {
  await mkdir(join(dir, 'store'), { recursive: true });
  await writeFile(path, content);
}

test('what was committed is there after reopening, in full', async () => {
  const dir = await dataDir();
  const store = await open(dir);
  const run = record('a', store.takeNumber(), 'success', {
    outputs: { '9': { images: [{ filename: 'x_00001_.png', subfolder: 'sub', type: 'output' }], text: ['hello'] } },
    executed: ['1', '9'],
    timings: { '1': 3, '9': 12 },
    saved: { nodes: [{ id: 1 }] },
    params: { '1.value': 4 },
    clientId: 'client',
  });
  store.put(run);
  await store.commit();
  await store.close();
  const reopened = await open(dir);
  assert.deepEqual(reopened.get('a'), run);
  assert.equal(reopened.takeNumber(), 1);
  await reopened.close();
});

test('a burst of commits shares a few writes, and every one is on disk when it resolves', async () => {
  const dir = await dataDir();
  const store = await open(dir);
  const before = store.writeCount;
  await Promise.all(Array.from({ length: 300 }, (_, i) => {
    store.put(record(`r${i}`, store.takeNumber(), 'queued'));
    return store.commit();
  }));
  const writes = store.writeCount - before;
  assert.ok(writes >= 1 && writes <= 3, `300 commits took ${writes} writes`);
  const onDisk = await openCrashCopy(dir);
  assert.equal([...onDisk.records()].length, 300);
  assert.equal(onDisk.takeNumber(), 300);
  await onDisk.close();
  await store.close();
});

test('changes made without commit are written lazily, and at the latest by close', async () => {
  const dir = await dataDir();
  const lazy = await open(dir, { lazyFlushMs: 1 });
  lazy.put(record('lazy', lazy.takeNumber(), 'queued'));
  for (let turn = 0; turn < 10_000 && lazy.writeCount === 0; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.equal(lazy.writeCount, 1);
  lazy.put(record('at-close', lazy.takeNumber(), 'queued'));
  await lazy.close();
  assert.throws(() => lazy.put(record('late', 9, 'queued')), (error: { code?: string }) => error.code === 'internal');
  const reopened = await open(dir, { lazyFlushMs: 60_000 });
  assert.deepEqual([...reopened.records()].map((r) => r.id), ['lazy', 'at-close']);
  await reopened.close();
});

test('runs that were executing when the process died come back interrupted, keeping what finished', async () => {
  const dir = await dataDir();
  const running = record('was-running', 0, 'running', { executed: ['1', '2'], cached: ['0'], outputs: { '2': { text: ['half'] } }, timings: { '1': 5, '2': 6 } });
  const queued = record('was-queued', 1, 'queued');
  const done = record('was-done', 2, 'success');
  await writeStoreFile(dir, JSON.stringify({ version: 1, nextNumber: 3, runs: [running, queued, done] }));
  const store = await open(dir);
  assert.deepEqual(store.recovery.interrupted, ['was-running']);
  assert.equal(store.recovery.queued, 1);
  assert.deepEqual(store.recovery.corrupt, []);
  const recovered = store.get('was-running')!;
  assert.equal(recovered.status, 'interrupted');
  assert.deepEqual(recovered.executed, ['1', '2']);
  assert.deepEqual(recovered.cached, ['0']);
  assert.deepEqual(recovered.outputs, { '2': { text: ['half'] } });
  assert.equal(recovered.errors[0]!.code, 'interrupted');
  assert.ok(recovered.finishedAt !== undefined);
  assert.equal(store.get('was-queued')!.status, 'queued');
  // The recovery is already on disk: a second crash right now would not re-interrupt it.
  const queueOnDisk = JSON.parse(await readFile(storeFile(dir), 'utf8')) as { runs: RunRecord[] };
  const historyOnDisk = JSON.parse(await readFile(historyFile(dir), 'utf8')) as { runs: RunRecord[] };
  assert.deepEqual(queueOnDisk.runs.map((r) => r.id), ['was-queued']);
  assert.equal(historyOnDisk.runs.find((r) => r.id === 'was-running')!.status, 'interrupted');
  await store.close();
});

test('a truncated or corrupt store file is moved aside and the store starts empty', async () => {
  const valid = JSON.stringify({ version: 1, nextNumber: 1, runs: [record('a', 0, 'queued')] });
  const cases: Array<[string, string]> = [
    ['truncated', valid.slice(0, valid.length / 2)],
    ['empty', ''],
    ['not JSON', 'this is not json \u0000\u0001'],
    ['wrong shape', '[1, 2, 3]'],
    ['runs not a list', '{"version": 1, "nextNumber": 0, "runs": {"a": 1}}'],
    ['JSON null', 'null'],
  ];
  for (const which of ['queue', 'history'] as const) {
    for (const [name, content] of cases) {
      const label = `${which} file ${name}`;
      const dir = await dataDir();
      await writeStoreFile(dir, content, which === 'queue' ? storeFile(dir) : historyFile(dir));
      const { log, lines } = memoryLogger();
      const store = await openRunStore({ dataDir: dir, log });
      assert.equal(store.recovery.corrupt.length, 1, `${label}: reported as corrupt`);
      const [corrupt] = store.recovery.corrupt;
      assert.equal(corrupt!.salvaged, 0);
      assert.match(corrupt!.movedTo, which === 'queue' ? /runs\.json\.corrupt-/ : /history\.json\.corrupt-/);
      assert.equal(await readFile(corrupt!.movedTo, 'utf8'), content, `${label}: the original bytes are kept aside`);
      assert.equal([...store.records()].length, 0);
      assert.ok(lines.some((line) => line.level === 50 && line.movedTo === corrupt!.movedTo), `${label}: logged as an error`);
      // The store works and its files are sound again.
      store.put(record('fresh', store.takeNumber(), 'queued'));
      store.put(record('old', store.takeNumber(), 'success'));
      await store.commit();
      await store.close();
      const reopened = await open(dir);
      assert.deepEqual(reopened.recovery.corrupt, []);
      assert.deepEqual([...reopened.records()].map((r) => r.id).sort(), ['fresh', 'old']);
      await reopened.close();
    }
  }
});

test('a partly damaged file keeps the records that still read and moves the original aside', async () => {
  const dir = await dataDir();
  const good = record('good', 4, 'queued');
  const content = JSON.stringify({ version: 1, nextNumber: 2, runs: [good, { id: 'bad', status: 'flying' }, { ...good, priority: 9 }] });
  await writeStoreFile(dir, content);
  const store = await open(dir);
  const [corrupt] = store.recovery.corrupt;
  assert.ok(corrupt);
  assert.equal(corrupt.salvaged, 1);
  assert.match(corrupt.reason, /2 unreadable record/);
  assert.deepEqual([...store.records()], [good]);
  assert.equal(store.takeNumber(), 5, 'numbers continue past every kept record');
  assert.equal(await readFile(corrupt.movedTo, 'utf8'), content);
  await store.close();
  const files = await readdir(join(dir, 'store'));
  assert.deepEqual(files.filter((f) => f.startsWith('runs.json')).length, 2);
});

test('a store file written by a newer version is refused and left untouched', async () => {
  const dir = await dataDir();
  const content = JSON.stringify({ version: 99, runs: 'whatever it means' });
  await writeStoreFile(dir, content);
  await assert.rejects(open(dir), (error: { code?: string; message?: string }) => error.code === 'usage' && /newer version/.test(error.message ?? ''));
  assert.equal(await readFile(storeFile(dir), 'utf8'), content);
  assert.deepEqual(await readdir(join(dir, 'store')), ['runs.json']);
});

test('history keeps at most historyCap finished runs, dropping the oldest; queued and running runs are never dropped', async () => {
  const dir = await dataDir();
  const store = await open(dir, { historyCap: 3 });
  store.put(record('q', store.takeNumber(), 'queued'));
  store.put(record('r', store.takeNumber(), 'running'));
  const dropped: string[] = [];
  for (let i = 0; i < 5; i++) dropped.push(...store.put(record(`h${i}`, store.takeNumber(), i % 2 ? 'error' : 'success', { finishedAt: 10_000 + i })));
  assert.deepEqual(dropped, ['h0', 'h1']);
  assert.equal(store.finishedCount(), 3);
  await store.close();

  // Reopened with a lower cap: the run that was executing is now interrupted — the newest
  // finished run — so it is the one history keeps.
  const lower = await open(dir, { historyCap: 1 });
  assert.equal(lower.recovery.dropped, 3);
  assert.deepEqual([...lower.records()].map((r) => r.id).sort(), ['q', 'r']);
  assert.equal(lower.get('r')!.status, 'interrupted');
  await lower.close();
  await assert.rejects(open(dir, { historyCap: -1 }), (error: { code?: string }) => error.code === 'usage');
  await assert.rejects(open(dir, { historyCap: 1.5 }), (error: { code?: string }) => error.code === 'usage');
});

test('numbers are never reused, even after the records holding them are deleted', async () => {
  const dir = await dataDir();
  const store = await open(dir);
  store.put(record('a', store.takeNumber(), 'success'));
  store.put(record('b', store.takeNumber(), 'success'));
  assert.deepEqual(store.delete(['a', 'b', 'c']), ['a', 'b']);
  await store.commit();
  await store.close();
  const reopened = await open(dir);
  assert.equal(reopened.takeNumber(), 2);
  await reopened.close();
});

test('submitting appends to the journal and rewrites no snapshot; compaction moves ended runs into history', async () => {
  const dir = await dataDir();
  const store = await open(dir);
  for (let i = 0; i < 20; i++) store.put(record(`h${i}`, store.takeNumber(), 'success'));
  await store.commit();
  await store.compact();
  const snapshots = [storeFile(dir), historyFile(dir)];
  const before = await Promise.all(snapshots.map(async (path) => ({ ino: (await stat(path)).ino, text: await readFile(path, 'utf8') })));
  store.put(record('new', store.takeNumber(), 'queued'));
  await store.commit();
  for (const [index, path] of snapshots.entries()) {
    assert.equal((await stat(path)).ino, before[index]!.ino, `${path} was not replaced`);
    assert.equal(await readFile(path, 'utf8'), before[index]!.text);
  }
  const crashed = await openCrashCopy(dir);
  assert.equal(crashed.get('new')?.status, 'queued');
  await crashed.close();
  // Ending a run moves it at the next compaction: into history, out of the queue snapshot.
  const run = store.get('new')!;
  run.status = 'success';
  run.finishedAt = 99_999;
  store.put(run);
  await store.commit();
  await store.compact();
  assert.deepEqual((JSON.parse(await readFile(storeFile(dir), 'utf8')) as { runs: RunRecord[] }).runs, []);
  assert.ok((JSON.parse(await readFile(historyFile(dir), 'utf8')) as { runs: RunRecord[] }).runs.some((r) => r.id === 'new'));
  await store.close();
});

test('a run found in both files (a crash between the two writes of its end) opens as its history record', async () => {
  const dir = await dataDir();
  const ended = record('both', 0, 'success', { executed: ['1'], outputs: { '1': { text: ['done'] } } });
  const stale = record('both', 0, 'running', { executed: [] });
  await writeStoreFile(dir, JSON.stringify({ version: 1, nextNumber: 1, runs: [stale] }));
  await writeStoreFile(dir, JSON.stringify({ version: 1, nextNumber: 1, runs: [ended] }), historyFile(dir));
  const store = await open(dir);
  assert.deepEqual(store.recovery.interrupted, []);
  assert.deepEqual(store.get('both'), ended);
  assert.deepEqual([...store.records()].length, 1);
  await store.close();
});

test('each snapshot holds every run as it is at that compaction, however often it changed in between', async () => {
  const dir = await dataDir();
  const store = await open(dir, { historyCap: 10_000 });
  for (let i = 0; i < 5; i++) store.put(record(`s${i}`, store.takeNumber(), 'queued'));
  await store.commit();
  await store.compact();
  // Both snapshot files as written (one not written yet holds nothing).
  const runsIn = async (path: string): Promise<RunRecord[]> => (JSON.parse(await readFile(path, 'utf8').catch(() => '{"runs": []}')) as { runs: RunRecord[] }).runs;
  const snapshot = async () => [...(await runsIn(storeFile(dir))), ...(await runsIn(historyFile(dir)))].sort((a, b) => a.number - b.number);
  const live = () => [...store.records()].map((r) => JSON.parse(JSON.stringify(r)) as RunRecord).sort((a, b) => a.number - b.number);
  assert.deepEqual(await snapshot(), live());
  for (let step = 0; step < 4; step++) {
    // Change some runs in place (as the queue does: then put), leave others as they were.
    const run = store.get(`s${step}`)!;
    run.status = 'running';
    run.startedAt = 5_000 + step;
    store.put(run);
    run.executed.push('1');
    run.timings['1'] = step;
    store.put(run);
    if (step > 0) {
      const ended = store.get(`s${step - 1}`)!;
      ended.status = 'success';
      ended.finishedAt = 6_000 + step;
      ended.outputs['1'] = { text: [`done ${step}`] };
      store.put(ended);
    }
    await store.compact();
    assert.deepEqual(await snapshot(), live(), `after step ${step}`);
  }
  await store.close();
  const reopened = await open(dir, { historyCap: 10_000 });
  assert.equal(reopened.get('s2')?.status, 'success');
  assert.deepEqual(reopened.get('s2')?.outputs['1'], { text: ['done 3'] });
  assert.equal(reopened.get('s3')?.status, 'interrupted');
  assert.equal(reopened.get('s4')?.status, 'queued');
  await reopened.close();
});
