/**
 * The run store's journal, as a restarted process meets it: the snapshots plus the journal give
 * back every committed change (queued runs queued, a run that was executing `interrupted` with
 * its finished nodes, ended runs in history); a batch cut short by a kill is ignored and
 * reported, damage is reported and copied aside, neither stops the open; compaction keeps
 * everything while bounding the journal; a commit writes what changed, not the backlog; every
 * fsync mode keeps what it acknowledged; a failed append is reported and written again whole.
 * "Killed now" is a copy of the store folder taken while the store is open (store-helpers.ts).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { contents, record, storeFolders } from './store-helpers.js';
import type { RunRecord } from '../../../engine/queue/types.js';
import type { RunStore } from '../../../engine/store/run-store.js';

const folders = await storeFolders();
after(() => folders.dispose());

const journalsIn = async (dir: string): Promise<string[]> => (await readdir(join(dir, 'store'))).filter((name) => /^journal-\d+\.jsonl$/.test(name)).sort();
const folderOf = (store: RunStore): string => dirname(dirname(store.file));

/** A workflow of `n` nodes, so a whole record is much bigger than the fields that change. */
function bigWorkflow(n: number): RunRecord['workflow'] {
  const nodes: RunRecord['workflow']['nodes'] = {};
  for (let i = 0; i < n; i++) nodes[String(i)] = { type: 'core.int', inputs: { value: i } };
  return { schemaVersion: 1, nodes };
}

test('a restart replays the journal onto the snapshots: queued runs stay queued, the running one is interrupted with its finished nodes, ended runs are in history', async () => {
  const dir = await folders.dataDir();
  const store = await folders.open(dir, { lazyFlushMs: 60_000 });
  store.put(record('old-done', store.takeNumber(), 'success'));
  store.put(record('old-queued', store.takeNumber(), 'queued'));
  store.put(record('will-run', store.takeNumber(), 'queued'));
  await store.commit();
  await store.compact();
  // From here on, only the journal knows.
  store.put(record('new-queued', store.takeNumber(), 'queued'));
  const running = store.get('will-run')!;
  running.status = 'running';
  running.startedAt = 5_000;
  store.put(running);
  running.executed.push('1');
  running.timings['1'] = 4;
  running.outputs['2'] = { text: ['partial'] };
  store.put(running);
  const ended = store.get('old-queued')!;
  ended.status = 'success';
  ended.finishedAt = 6_000;
  ended.outputs = { '2': { text: ['done'] } };
  store.put(ended);
  store.delete(['old-done']);
  await store.commit();
  assert.ok(store.journalBytes > 0);

  const crashed = await folders.openCrashCopy(dir);
  assert.ok(crashed.recovery.replayed >= 4, `replayed ${crashed.recovery.replayed} changes`);
  assert.deepEqual(crashed.recovery.torn, []);
  assert.deepEqual(crashed.recovery.corrupt, []);
  assert.deepEqual(crashed.recovery.interrupted, ['will-run']);
  assert.equal(crashed.recovery.queued, 1);
  assert.equal(crashed.get('new-queued')?.status, 'queued');
  const interrupted = crashed.get('will-run')!;
  assert.equal(interrupted.status, 'interrupted');
  assert.deepEqual(interrupted.executed, ['1']);
  assert.deepEqual(interrupted.outputs, { '2': { text: ['partial'] } });
  assert.equal(interrupted.errors[0]?.code, 'interrupted');
  assert.deepEqual(crashed.get('old-queued')?.outputs, { '2': { text: ['done'] } });
  assert.equal(crashed.get('old-queued')?.status, 'success');
  assert.equal(crashed.get('old-done'), undefined, 'a deletion in the journal stays deleted');
  assert.equal(crashed.takeNumber(), 4, 'numbers continue after the last one handed out');
  // The open folded the journal into the snapshots.
  assert.deepEqual(await journalsIn(folderOf(crashed)), []);
  const history = JSON.parse(await readFile(crashed.historyFile, 'utf8')) as { runs: RunRecord[] };
  assert.deepEqual(history.runs.map((r) => r.id).sort(), ['old-queued', 'will-run']);
  await crashed.close();
  await store.close();
});

test('a batch cut short by the kill is ignored and reported; what was committed before it is kept', async () => {
  const dir = await folders.dataDir();
  const store = await folders.open(dir);
  store.put(record('a', store.takeNumber(), 'queued'));
  await store.commit();
  store.put(record('b', store.takeNumber(), 'queued'));
  await store.commit();
  const line = JSON.stringify({ op: 'put', run: record('c', 2, 'queued') });
  const cases: Array<[string, string, number]> = [
    ['a line cut in the middle', line.slice(0, line.length / 2), 1],
    ['whole lines without their commit line', `${line}\n${JSON.stringify({ op: 'delete', ids: ['a'] })}\n`, 2],
    ['a commit line cut in the middle', `${line}\n{"op":"comm`, 2],
  ];
  for (const [name, tail, lines] of cases) {
    const copy = await folders.crashCopy(dir);
    const [journal] = await journalsIn(copy);
    assert.ok(journal, 'the commits are in a journal');
    await appendFile(join(copy, 'store', journal), tail);
    const reopened = await folders.open(copy);
    assert.deepEqual([...reopened.records()].map((r) => r.id).sort(), ['a', 'b'], `${name}: the torn batch is not applied`);
    assert.equal(reopened.recovery.torn.length, 1, `${name}: reported`);
    assert.equal(reopened.recovery.torn[0]!.lines, lines, name);
    assert.equal(reopened.recovery.torn[0]!.bytes, Buffer.byteLength(tail.replace(/\n$/, '')) + (tail.endsWith('\n') ? 1 : 0), name);
    assert.deepEqual(reopened.recovery.corrupt, [], `${name}: a torn tail is not damage`);
    assert.equal(reopened.takeNumber(), 2);
    await reopened.close();
  }
  await store.close();
});

test('a damaged line inside the journal is reported and copied aside; every whole batch still applies', async () => {
  const dir = await folders.dataDir();
  const store = await folders.open(dir);
  store.put(record('a', store.takeNumber(), 'queued'));
  await store.commit();
  const copy = await folders.crashCopy(dir);
  const [journal] = await journalsIn(copy);
  const path = join(copy, 'store', journal!);
  await appendFile(path, `{"op":"put","run":{"id":"x"}}\nnot json at all\n${JSON.stringify({ op: 'commit', next: 1 })}\n`);
  await appendFile(path, `${JSON.stringify({ op: 'put', run: record('b', 1, 'queued') })}\n${JSON.stringify({ op: 'commit', next: 2 })}\n`);
  const damaged = await readFile(path, 'utf8');
  const reopened = await folders.open(copy);
  assert.deepEqual([...reopened.records()].map((r) => r.id).sort(), ['a', 'b']);
  assert.equal(reopened.recovery.corrupt.length, 1);
  const [corrupt] = reopened.recovery.corrupt;
  assert.match(corrupt!.reason, /2 unreadable journal line/);
  assert.equal(await readFile(corrupt!.movedTo, 'utf8'), damaged, 'the damaged bytes are kept aside');
  assert.deepEqual(reopened.recovery.torn, []);
  await reopened.close();
  await store.close();
});

test('compaction keeps every run and change while the journal stays bounded; a closed store is its two snapshots', async () => {
  const dir = await folders.dataDir();
  const compactBytes = 16 * 1024;
  const store = await folders.open(dir, { compactBytes, historyCap: 10_000 });
  let appended = 0;
  let lastBytes = 0;
  for (let round = 0; round < 60; round++) {
    for (let i = 0; i < 10; i++) store.put(record(`r${round}-${i}`, store.takeNumber(), 'queued'));
    // Progress and ends of earlier runs, and a deletion now and then.
    if (round > 0) {
      for (let i = 0; i < 5; i++) {
        const run = store.get(`r${round - 1}-${i}`)!;
        run.status = i % 2 ? 'running' : 'success';
        run.executed.push('1');
        if (run.status === 'success') run.finishedAt = 10_000 + round;
        store.put(run);
      }
    }
    if (round % 7 === 3) store.delete([`r${round - 1}-0`]);
    await store.commit();
    // Compactions run in the background; waiting for them keeps the count independent of disk speed.
    await store.settled();
    appended += store.journalBytes >= lastBytes ? store.journalBytes - lastBytes : store.journalBytes;
    lastBytes = store.journalBytes;
  }
  const snapshotBytes = (await stat(store.file)).size + (await stat(store.historyFile)).size;
  assert.ok(store.compactionCount >= 2, `compacted ${store.compactionCount} times`);
  let onDisk = 0;
  for (const name of await journalsIn(dir)) onDisk += (await stat(join(dir, 'store', name))).size;
  assert.ok(appended > 5 * compactBytes, `appended ${appended} bytes`);
  assert.ok(onDisk <= 2 * Math.max(compactBytes, snapshotBytes) + 64 * 1024, `${onDisk} journal bytes on disk after ${appended} appended`);

  const expected = contents(store);
  const crashed = await folders.openCrashCopy(dir);
  // The copy's running runs came back interrupted; everything else is exactly as committed.
  const running = new Set(expected.filter((r) => r.status === 'running').map((r) => r.id));
  assert.deepEqual(crashed.recovery.interrupted.sort(), [...running].sort());
  const strip = (runs: RunRecord[]) => runs.map((r) => (running.has(r.id) ? { ...r, status: 'running', finishedAt: undefined, errors: [] } : r));
  assert.deepEqual(strip(contents(crashed)), strip(expected));
  await crashed.close();

  await store.close();
  assert.deepEqual((await readdir(join(dir, 'store'))).sort(), ['history.json', 'runs.json']);
  const reopened = await folders.open(dir, { historyCap: 10_000 });
  assert.equal(reopened.recovery.replayed, 0);
  assert.equal([...reopened.records()].length, expected.length);
  await reopened.close();
});

test('a commit writes what changed, not the backlog: one submission or one progress step appends about its own size', async () => {
  const dir = await folders.dataDir();
  const store = await folders.open(dir, { compactBytes: 1024 * 1024 * 1024 });
  for (let i = 0; i < 2000; i++) store.put(record(`q${i}`, store.takeNumber(), 'queued', { workflow: bigWorkflow(40) }));
  await store.commit();
  const one = record('one-more', store.takeNumber(), 'queued', { workflow: bigWorkflow(40) });
  const recordBytes = Buffer.byteLength(JSON.stringify(one));
  let before = store.journalBytes;
  store.put(one);
  await store.commit();
  const submission = store.journalBytes - before;
  assert.ok(submission < recordBytes + 200, `a submission appended ${submission} bytes for a ${recordBytes}-byte record behind 2,000 queued`);

  before = store.journalBytes;
  one.status = 'running';
  one.startedAt = 7_000;
  one.executed.push('1');
  store.put(one);
  await store.commit();
  const progress = store.journalBytes - before;
  assert.ok(progress < recordBytes / 4, `a progress step appended ${progress} bytes (the record is ${recordBytes})`);
  const crashed = await folders.openCrashCopy(dir);
  assert.deepEqual(crashed.get('one-more')?.executed, ['1']);
  await crashed.close();
  await store.close();
});

test('every fsync mode keeps what it acknowledged; the default is interval; an unknown mode is refused', async () => {
  for (const fsync of ['always', 'interval', 'never'] as const) {
    const dir = await folders.dataDir();
    const store = await folders.open(dir, { fsync, fsyncIntervalMs: 5 });
    assert.equal(store.fsync, fsync);
    await Promise.all(Array.from({ length: 50 }, (_, i) => {
      store.put(record(`${fsync}-${i}`, store.takeNumber(), 'queued'));
      return store.commit();
    }));
    const crashed = await folders.openCrashCopy(dir);
    assert.equal([...crashed.records()].length, 50, `${fsync}: acknowledged runs are in the files`);
    await crashed.close();
    await store.close();
    const reopened = await folders.open(dir, { fsync });
    assert.equal([...reopened.records()].length, 50);
    await reopened.close();
  }
  const dir = await folders.dataDir();
  const standard = await folders.open(dir);
  assert.equal(standard.fsync, 'interval');
  await standard.close();
  await assert.rejects(folders.open(dir, { fsync: 'sometimes' as 'always' }), (error: { code?: string }) => error.code === 'usage');
});

test('a failed append is reported to the committer, and its changes go whole into the next one', async () => {
  const dir = await folders.dataDir();
  const store = await folders.open(dir);
  // The first journal file cannot be opened: a folder stands where it would be.
  const blocker = join(dir, 'store', 'journal-1.jsonl');
  await mkdir(blocker);
  store.put(record('a', store.takeNumber(), 'queued'));
  await assert.rejects(store.commit(), (error: { code?: string }) => error.code === 'internal');
  const again = store.get('a')!;
  again.priority = 3;
  store.put(again);
  store.put(record('b', store.takeNumber(), 'queued'));
  await store.commit();
  const copy = await folders.crashCopy(dir);
  await rm(join(copy, 'store', 'journal-1.jsonl'), { recursive: true });
  const crashed = await folders.open(copy);
  assert.deepEqual([...crashed.records()].map((r) => r.id).sort(), ['a', 'b']);
  assert.equal(crashed.get('a')?.priority, 3, 'written whole, though only a field changed after the failure');
  await crashed.close();
  await rm(blocker, { recursive: true });
  await store.close();
});
