/**
 * The run store: queue and history of runs, kept in memory and on disk under `<data>/store/`
 * as lowdb snapshots — `runs.json` (queued and running runs, and the next submission number)
 * and `history.json` (finished runs), each rewritten whole and atomically — plus an append-only
 * journal (`journal-<n>.jsonl`, format in run-journal.ts) of the changes since the snapshots.
 *
 * Why a journal: a submission must be on disk before it is acknowledged, and rewriting the
 * snapshot for it costs O(backlog) — under load thousands of runs queue up (execution is slower
 * than submission), so each write grew with the queue. Appending the change costs O(change):
 * one line per changed run (a new run's whole record, or a patch of the fields that change),
 * closed by a `commit` line. Commits are grouped: everything changed in one tick (or while an
 * append is in flight) shares the next single append, and `commit()` resolves once an append
 * holding the caller's changes is done.
 *
 * Durability (`fsync`, run-journal-file.ts): what `commit()` promises. The default `interval`
 * resolves once the bytes are written — handed to the kernel, so an acknowledged change
 * survives the process being killed (SIGKILL, a crash) — and fsyncs within `fsyncIntervalMs`
 * (100 ms) after: a power loss or OS crash may lose what was acknowledged in that window.
 * `always` resolves only after the fsync (each group commit pays one); `never` leaves it to
 * the OS. Changes that may be lost (node progress) are appended lazily, no sooner than
 * `lazyFlushMs` after they are made.
 *
 * Compaction: once the journal holds `compactBytes` (4 MiB) and at least as many bytes as the
 * last snapshot — so snapshot rewrites cost O(1) per journalled byte, amortised — the journal
 * moves on to a new file, the state of that moment is serialised, the snapshots that changed
 * are written (history first; fsynced unless `never`) in the background while appends go on to
 * the new file, and then the old journal files are deleted. Also at open (after replay) and at
 * close, so a closed store is just its two snapshots. A crash at any step leaves snapshots plus
 * journals whose replay (idempotent, see run-journal.ts) gives the committed state.
 *
 * At open: the snapshots are read (a run in both is a crash between their two writes: history
 * wins), the journals replayed in order (a torn last batch — never acknowledged — is ignored
 * and reported in `recovery.torn`; a damaged file is copied aside and reported as corrupt);
 * runs found `running` (the process died under them) become `interrupted`, keeping the nodes
 * that finished; queued runs stay queued; a corrupt snapshot is moved aside (see
 * run-store-file.ts). The history cap drops the oldest finished runs beyond it.
 *
 * The store has one user (the local queue), which owns the records it gets: they are live.
 * Putting the same object again journals a patch of its changing fields; changing a stored
 * run's workflow or other fixed fields needs a new object (that journals the whole record).
 * Every change to a stored record is followed by `put` in the same tick: the store keeps each
 * record's JSON from its journal line until then, and snapshots reuse it — so a compaction
 * serialises only the runs that changed since their last line, not the whole backlog.
 */
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { SwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import { isFinished, type RunRecord } from '../queue/types.js';
import { durableTextFile, type DurableTextFile } from './durable-text-file.js';
import { applyChange, commitLine, deleteLine, parseJournal, patchLine, putLine } from './run-journal.js';
import { createJournalWriter, DEFAULT_FSYNC_INTERVAL_MS, FSYNC_MODES, listJournals, type FsyncMode } from './run-journal-file.js';
import { copyAside, loadStoreFile, STORE_FILE_VERSION, type CorruptFile, type RunStoreFileData } from './run-store-file.js';

export type { FsyncMode } from './run-journal-file.js';
export const DEFAULT_HISTORY_CAP = 1000;
export const DEFAULT_LAZY_FLUSH_MS = 250;
export const DEFAULT_FSYNC: FsyncMode = 'interval';
export const DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024;
/** What `put` answers when the history cap dropped nothing (shared: callers only read it). */
const NONE_DROPPED = Object.freeze([]) as unknown as string[];
/** Lazy writes wait at least this many times the last append's duration (keeps the writer mostly idle). */
const LAZY_BACKOFF = 4;

export interface RunStoreOptions {
  /** The data folder; the files are `<dataDir>/store/runs.json`, `history.json` and `journal-<n>.jsonl`. */
  dataDir: string;
  log: Logger;
  /** Finished runs kept (default 1,000); beyond it the oldest finished are dropped. 0 keeps none. */
  historyCap?: number;
  /** Shortest wait before changes made without `commit()` are written (default 250 ms). */
  lazyFlushMs?: number;
  /** When `commit()` resolves: after the write (`interval`, default; fsync follows within `fsyncIntervalMs`), after the fsync (`always`), or never fsync (`never`). */
  fsync?: FsyncMode;
  /** `interval` mode: how soon after a write its fsync starts (default 100 ms). */
  fsyncIntervalMs?: number;
  /** The journal is compacted into the snapshots once it holds this many bytes and at least as many as the last snapshot (default 4 MiB). */
  compactBytes?: number;
}

export interface TornJournal {
  file: string;
  /** Lines of the batch the previous process was writing when it stopped (never acknowledged). */
  lines: number;
  bytes: number;
}

export interface StoreRecovery {
  /** Runs that were executing when the previous process stopped, now `interrupted`. */
  interrupted: string[];
  /** How many runs are still queued. */
  queued: number;
  /** Finished runs dropped at open because the history cap is lower than what the files held. */
  dropped: number;
  /** Files that were unreadable in whole or part: where each (or a copy) went and how many records were kept. */
  corrupt: CorruptFile[];
  /** Journal changes replayed onto the snapshots (made after the last compaction). */
  replayed: number;
  /** Journal files ending in a batch cut short by the stop (ignored: it was never acknowledged). */
  torn: TornJournal[];
}

export interface RunStore {
  /** The queue snapshot (`runs.json`). */
  readonly file: string;
  readonly historyFile: string;
  readonly historyCap: number;
  readonly fsync: FsyncMode;
  readonly recovery: StoreRecovery;
  /** Journal appends (group commits) completed since open; a burst of changes shares them. */
  readonly writeCount: number;
  /** Compactions completed since open (the one at open included). */
  readonly compactionCount: number;
  /** Bytes in the current journal file. */
  readonly journalBytes: number;
  /** The next submission number; each call takes one. */
  takeNumber(): number;
  /** The live record (the caller owns it; copy before handing it out). */
  get(id: string): RunRecord | undefined;
  records(): IterableIterator<RunRecord>;
  /** How many finished runs are held. */
  finishedCount(): number;
  /**
   * Adds or replaces a record in memory, to be written with the next append (lazily, unless
   * someone commits). Answers the ids of finished runs the history cap dropped to make room.
   */
  put(record: RunRecord): string[];
  /** Removes records; answers the ids that were there. */
  delete(ids: Iterable<string>): string[];
  /** Resolves once an append holding every change made before the call has completed (see `fsync`); rejects if it failed. */
  commit(): Promise<void>;
  /** Writes the snapshots now and drops the journal they cover (normally automatic). */
  compact(): Promise<void>;
  /** Resolves once no append or compaction is in flight (one that fails is logged, not thrown here). */
  settled(): Promise<void>;
  /** Writes what is pending, compacts, and releases the store; later changes throw. */
  close(): Promise<void>;
}

type Change = 'full' | 'patch' | 'delete';

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface SnapshotFile {
  adapter: DurableTextFile;
  db: Low<string>;
  /** Changed since the last snapshot was taken. */
  changed: boolean;
  /** Size of the snapshot on disk. */
  bytes: number;
}

function snapshotFile(path: string, fsync: FsyncMode): SnapshotFile {
  const adapter = durableTextFile(path, { fsync: fsync !== 'never' });
  return { adapter, db: new Low<string>(adapter, ''), changed: false, bytes: 0 };
}

function checkedOptions(options: RunStoreOptions): Required<Pick<RunStoreOptions, 'historyCap' | 'lazyFlushMs' | 'fsync' | 'fsyncIntervalMs' | 'compactBytes'>> {
  const historyCap = options.historyCap ?? DEFAULT_HISTORY_CAP;
  if (!Number.isSafeInteger(historyCap) || historyCap < 0) {
    throw new SwitchyardError('usage', `historyCap must be a non-negative integer, got ${String(options.historyCap)}`, { historyCap: options.historyCap });
  }
  const fsync = options.fsync ?? DEFAULT_FSYNC;
  if (!FSYNC_MODES.includes(fsync)) throw new SwitchyardError('usage', `fsync must be one of ${FSYNC_MODES.join(', ')}, got ${String(options.fsync)}`, { fsync: options.fsync });
  const fsyncIntervalMs = options.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS;
  const compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
  for (const [name, value] of Object.entries({ fsyncIntervalMs, compactBytes })) {
    if (!Number.isFinite(value) || value < 0) throw new SwitchyardError('usage', `${name} must be a non-negative number, got ${String(value)}`, { [name]: value });
  }
  return { historyCap, lazyFlushMs: options.lazyFlushMs ?? DEFAULT_LAZY_FLUSH_MS, fsync, fsyncIntervalMs, compactBytes };
}

export async function openRunStore(options: RunStoreOptions): Promise<RunStore> {
  const { historyCap, lazyFlushMs, fsync, fsyncIntervalMs, compactBytes } = checkedOptions(options);
  const log = options.log.child({ component: 'run-store' });
  const folder = join(options.dataDir, 'store');
  await mkdir(folder, { recursive: true });
  const queueFile = snapshotFile(join(folder, 'runs.json'), fsync);
  const historyFile = snapshotFile(join(folder, 'history.json'), fsync);
  for (const file of [queueFile, historyFile]) {
    // A temp file left by a write the previous process never finished is garbage: the real file is intact.
    await rm(file.adapter.tempPath, { force: true });
  }

  // ---- reading what is on disk

  const loadedQueue = await loadStoreFile(queueFile.adapter);
  const loadedHistory = await loadStoreFile(historyFile.adapter);
  const corrupt = [loadedQueue.corrupt, loadedHistory.corrupt].filter((c): c is CorruptFile => c !== undefined);
  for (const file of corrupt) log.error({ ...file }, 'a run store file was unreadable; moved it aside and kept what could be read');

  const records = new Map<string, RunRecord>();
  let nextNumber = Math.max(loadedQueue.nextNumber, loadedHistory.nextNumber);
  // History is written first: a run in both files ended, and its history record is the later one.
  for (const record of [...loadedQueue.runs, ...loadedHistory.runs]) records.set(record.id, record);

  const journals = await listJournals(folder);
  const torn: TornJournal[] = [];
  let replayed = 0;
  let orphanPatches = 0;
  for (const journal of journals) {
    let text: string;
    try {
      text = await readFile(journal.path, 'utf8');
    } catch (error) {
      throw new SwitchyardError('internal', `cannot read the run journal ${journal.path}: ${(error as Error).message}`, { file: journal.path }, { cause: error });
    }
    const parsed = parseJournal(text);
    for (const batch of parsed.batches) {
      for (const change of batch.changes) {
        if (applyChange(records, change)) replayed += 1;
        else orphanPatches += 1;
      }
      nextNumber = Math.max(nextNumber, batch.next);
    }
    if (parsed.torn.lines > 0) {
      torn.push({ file: journal.path, ...parsed.torn });
      log.warn({ file: journal.path, ...parsed.torn }, 'the run journal ends in a batch cut short when the previous process stopped; it was never acknowledged and is ignored');
    }
    if (parsed.problems.length > 0) {
      const applied = parsed.batches.reduce((sum, batch) => sum + batch.changes.length, 0);
      const reason = `${parsed.problems.length} unreadable journal line(s): ${parsed.problems.slice(0, 3).join('; ')}`;
      const aside = await copyAside(journal.path, reason, applied);
      corrupt.push(aside);
      log.error({ ...aside }, 'a run journal was damaged; copied it aside and replayed the lines that read');
    }
  }
  if (orphanPatches > 0) log.warn({ count: orphanPatches }, 'journal changes for runs no longer stored were skipped (removed later, or lost to damage)');

  // ---- recovery

  /** Finished run ids, oldest finish first: the history cap drops from the front. */
  const finished = new Set<string>();
  const now = Date.now();
  const interrupted: string[] = [];
  const history: RunRecord[] = [];
  let queuedAtOpen = 0;
  for (const record of records.values()) {
    nextNumber = Math.max(nextNumber, record.number + 1);
    if (record.status === 'running') {
      record.status = 'interrupted';
      record.finishedAt = now;
      record.errors.push({ code: 'interrupted', message: 'the process stopped while this run was executing', details: {} });
      interrupted.push(record.id);
    }
    if (isFinished(record.status)) history.push(record);
    else queuedAtOpen += 1;
  }
  history.sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.number - b.number);
  for (const record of history) finished.add(record.id);

  // ---- state of the writer

  /** Runs changed since the last append began, and how to write each. */
  const dirty = new Map<string, Change>();
  /** Runs whose whole record is on disk (snapshot or journal): their changes are written as patches. */
  const known = new Set<string>(records.keys());
  /**
   * Each record's JSON as last serialised (for its journal line or a snapshot), dropped when it
   * is put again (every change is): a queued run is serialised once for its journal line and
   * that text reused by every snapshot until it starts; a finished one once after it ends.
   * Compaction is then mostly joining texts, not serialising the whole backlog again.
   */
  const texts = new WeakMap<RunRecord, string>();
  const journal = createJournalWriter({ folder, generation: (journals.at(-1)?.generation ?? 0) + 1, fsync, fsyncIntervalMs, log });
  /** Journal files a completed snapshot makes obsolete (deleted after it is written). */
  let obsolete = journals.map((j) => j.path);
  let version = 0;
  let durableVersion = 0;
  let writeCount = 0;
  let compactionCount = 0;
  let lastAppendMs = 0;
  let appending: Promise<void> | undefined;
  let compacting: Promise<void> | undefined;
  let scheduled: NodeJS.Immediate | undefined;
  let lazyTimer: NodeJS.Timeout | undefined;
  let waiters: Waiter[] = [];
  let closed = false;
  let closing: Promise<void> | undefined;

  const droppedAtOpen = enforceCap();

  function enforceCap(): string[] {
    // Checked first: iterating a Set that churns at its front skips its deleted slots, every put.
    if (finished.size <= historyCap) return NONE_DROPPED;
    const dropped: string[] = [];
    for (const id of finished) {
      if (finished.size <= historyCap) break;
      finished.delete(id);
      records.delete(id);
      dirty.set(id, 'delete');
      dropped.push(id);
    }
    if (dropped.length > 0) historyFile.changed = true;
    return dropped;
  }

  function assertOpen(): void {
    if (closed) throw new SwitchyardError('internal', 'the run store is closed', { file: queueFile.adapter.path });
  }

  function changed(): void {
    version += 1;
    scheduleLazyAppend();
  }

  function scheduleLazyAppend(): void {
    if (lazyTimer !== undefined || appending !== undefined || scheduled !== undefined || closed) return;
    lazyTimer = setTimeout(() => {
      lazyTimer = undefined;
      requestAppend();
    }, Math.max(lazyFlushMs, LAZY_BACKOFF * lastAppendMs));
    lazyTimer.unref();
  }

  /** Starts an append soon, unless one is running (its end starts the next) or already scheduled. */
  function requestAppend(): void {
    if (appending !== undefined || scheduled !== undefined) return;
    // One macrotask later: everything changed in this tick (a burst of submissions) shares the append.
    scheduled = setImmediate(() => {
      scheduled = undefined;
      appending = appendOnce().finally(() => {
        appending = undefined;
        afterAppend();
      });
    });
  }

  /** The lines for every dirty run, in one batch closed by its commit line. */
  function serialiseDirty(): { text: string; batch: Map<string, Change> } {
    const lines: string[] = [];
    const deleted: string[] = [];
    for (const [id, change] of dirty) {
      const record = records.get(id);
      if (!record) deleted.push(id);
      else if (change === 'full' || !known.has(id)) lines.push(putLine(record, recordText(record)));
      else lines.push(patchLine(record));
    }
    if (deleted.length > 0) lines.push(deleteLine(deleted));
    lines.push(commitLine(nextNumber));
    const batch = new Map(dirty);
    dirty.clear();
    return { text: `${lines.join('\n')}\n`, batch };
  }

  async function appendOnce(): Promise<void> {
    if (lazyTimer !== undefined) {
      clearTimeout(lazyTimer);
      lazyTimer = undefined;
    }
    if (version === durableVersion) {
      settleWaiters(durableVersion);
      return;
    }
    const target = version;
    const startedAt = performance.now();
    let batch: Map<string, Change> | undefined;
    let failure: unknown;
    try {
      const serialised = serialiseDirty();
      batch = serialised.batch;
      await journal.append(serialised.text);
      for (const [id, change] of batch) {
        if (change === 'delete') known.delete(id);
        else if (records.has(id)) known.add(id);
      }
      durableVersion = Math.max(durableVersion, target);
      writeCount += 1;
    } catch (error) {
      failure = error;
      // Written again with the next append, in whole (the failed batch may be partly on disk).
      for (const [id, change] of batch ?? []) {
        const later = dirty.get(id);
        if (later === undefined) dirty.set(id, change === 'patch' ? 'full' : change);
        else if (later === 'patch') dirty.set(id, 'full');
      }
      log.error({ err: error, folder }, 'appending to the run journal failed');
    }
    lastAppendMs = performance.now() - startedAt;
    settleWaiters(target, failure);
  }

  function afterAppend(): void {
    if (waiters.length > 0) requestAppend();
    // Lazy changes made during the append (or a failed append): written later, unhurried.
    else if (version > durableVersion) scheduleLazyAppend();
    if (compacting === undefined && !closed && journal.bytes >= Math.max(compactBytes, queueFile.bytes + historyFile.bytes)) {
      compact().catch((error: unknown) => log.error({ err: error, folder }, 'compacting the run store failed; the journal keeps every change and is retried later'));
    }
  }

  function settleWaiters(upTo: number, failure?: unknown): void {
    // Waiters arrive in version order: the settled ones are a prefix.
    let count = 0;
    while (count < waiters.length && waiters[count]!.version <= upTo) count += 1;
    if (count === 0) return;
    const done = waiters.slice(0, count);
    waiters = waiters.slice(count);
    const error = failure === undefined ? undefined : new SwitchyardError('internal', `writing the run store failed: ${(failure as Error).message ?? String(failure)}`, { folder }, { cause: failure });
    for (const waiter of done) {
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
  }

  function commit(): Promise<void> {
    if (version === durableVersion) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waiters.push({ version, resolve, reject });
      requestAppend();
    });
  }

  // ---- compaction

  /** A record's JSON, kept until the record changes (see `texts`). */
  function recordText(record: RunRecord): string {
    let text = texts.get(record);
    if (text === undefined) {
      text = JSON.stringify(record);
      texts.set(record, text);
    }
    return text;
  }

  /** What JSON.stringify of the snapshot's RunStoreFileData gives, from the records' kept texts. */
  function snapshotText(statuses: 'queue' | 'history'): string {
    const runs: string[] = [];
    for (const record of records.values()) if (isFinished(record.status) === (statuses === 'history')) runs.push(recordText(record));
    const head: Omit<RunStoreFileData, 'runs'> = { version: STORE_FILE_VERSION, nextNumber };
    return `${JSON.stringify(head).slice(0, -1)},"runs":[${runs.join(',')}]}`;
  }

  function compact(): Promise<void> {
    compacting ??= compactOnce().finally(() => {
      compacting = undefined;
    });
    return compacting;
  }

  async function compactOnce(): Promise<void> {
    // The journal is cut between two appends, never inside one.
    while (appending !== undefined) await appending;
    // From here to the rotation nothing awaits: the snapshot and the cut are one moment.
    const rotated = journal.rotate();
    const covered = [...obsolete, rotated.path];
    obsolete = covered;
    const files = [historyFile, queueFile].filter((file) => file.changed);
    for (const file of files) {
      file.db.data = snapshotText(file === historyFile ? 'history' : 'queue');
      file.changed = false;
    }
    const written: SnapshotFile[] = [];
    try {
      await rotated.closed;
      for (const file of files) {
        await file.db.write();
        file.bytes = Buffer.byteLength(file.db.data);
        written.push(file);
      }
    } catch (error) {
      for (const file of files) if (!written.includes(file)) file.changed = true;
      throw new SwitchyardError('internal', `writing the run store snapshot failed: ${(error as Error).message}`, { folder }, { cause: error });
    } finally {
      for (const file of files) file.db.data = '';
    }
    compactionCount += 1;
    for (const path of covered) {
      try {
        await rm(path, { force: true });
        obsolete = obsolete.filter((p) => p !== path);
      } catch (error) {
        log.error({ err: error, file: path }, 'could not delete a compacted run journal; it is deleted after the next compaction (replaying it is harmless)');
      }
    }
  }

  const store: RunStore = {
    file: queueFile.adapter.path,
    historyFile: historyFile.adapter.path,
    historyCap,
    fsync,
    recovery: { interrupted, queued: queuedAtOpen, dropped: droppedAtOpen.length, corrupt, replayed, torn },
    get writeCount() {
      return writeCount;
    },
    get compactionCount() {
      return compactionCount;
    },
    get journalBytes() {
      return journal.bytes;
    },
    takeNumber() {
      assertOpen();
      const number = nextNumber;
      nextNumber += 1;
      queueFile.changed = true;
      changed();
      return number;
    },
    get(id) {
      return records.get(id);
    },
    records() {
      return records.values();
    },
    finishedCount() {
      return finished.size;
    },
    put(record) {
      assertOpen();
      texts.delete(record);
      const previous = records.get(record.id);
      const wasFinished = previous !== undefined && finished.has(record.id);
      const nowFinished = isFinished(record.status);
      if (nowFinished || wasFinished) historyFile.changed = true;
      if (!nowFinished || (previous !== undefined && !wasFinished)) queueFile.changed = true;
      const change: Change = previous === record && known.has(record.id) ? 'patch' : 'full';
      dirty.set(record.id, dirty.get(record.id) === 'full' ? 'full' : change);
      records.set(record.id, record);
      if (nowFinished) {
        // Re-added, so it counts as the newest finish.
        finished.delete(record.id);
        finished.add(record.id);
      } else finished.delete(record.id);
      const dropped = enforceCap();
      changed();
      return dropped;
    },
    delete(ids) {
      assertOpen();
      const removed: string[] = [];
      for (const id of ids) {
        if (!records.has(id)) continue;
        if (finished.delete(id)) historyFile.changed = true;
        else queueFile.changed = true;
        records.delete(id);
        dirty.set(id, 'delete');
        removed.push(id);
      }
      if (removed.length > 0) changed();
      return removed;
    },
    commit() {
      if (closed) return Promise.reject(new SwitchyardError('internal', 'the run store is closed', { folder }));
      return commit();
    },
    compact() {
      if (closed) return Promise.reject(new SwitchyardError('internal', 'the run store is closed', { folder }));
      return compact();
    },
    async settled() {
      while (appending !== undefined || compacting !== undefined) {
        await appending;
        await compacting?.catch(() => undefined);
      }
    },
    close() {
      closing ??= (async () => {
        const last = commit();
        closed = true;
        let appendFailure: unknown;
        try {
          await last;
        } catch (error) {
          appendFailure = error;
        }
        if (lazyTimer !== undefined) clearTimeout(lazyTimer);
        lazyTimer = undefined;
        try {
          // Whatever compaction is running covers less than this one: let it end first.
          await compacting?.catch(() => undefined);
          await compact();
        } catch (error) {
          // The journal holds every change that was appended: the next open replays it.
          log.error({ err: error, folder }, 'compacting the run store at close failed; the journal is replayed at the next open');
          if (appendFailure !== undefined) throw appendFailure;
        } finally {
          await journal.close();
        }
      })();
      return closing;
    },
  };

  // What open found or changed (a replayed journal, recovery, a salvaged file, a lowered cap)
  // goes into the snapshots before anyone relies on it.
  if (journals.length > 0 || corrupt.length > 0 || interrupted.length > 0 || droppedAtOpen.length > 0) {
    queueFile.changed = true;
    historyFile.changed = true;
    dirty.clear();
    await compact();
  } else {
    for (const file of [queueFile, historyFile]) file.bytes = await sizeOf(file.adapter.path);
  }
  return store;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}
