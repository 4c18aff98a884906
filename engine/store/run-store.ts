/**
 * The run store: queue and history of runs in two lowdb JSON files under `<data>/store/` —
 * `runs.json` (queued and running runs, and the next submission number: small, written on
 * every submission) and `history.json` (finished runs: written when runs end or are deleted),
 * so a long history does not slow down submitting. Records live in memory; each file is
 * rewritten whole, atomically, by one writer.
 *
 * Writes are group-committed: every change made while a write is in flight (or in the same
 * tick) goes into the next single write, and `commit()` resolves only once a write containing
 * the caller's changes has completed — 2,000 submissions a second cost a handful of fsyncs,
 * yet none is acknowledged before it is on disk. Changes that may be lost (node progress) are
 * written lazily, no sooner than `lazyFlushMs` and never more than a fifth of the time.
 *
 * Both files are serialised at the same moment and written history first: a run that ended
 * is never missing from both after a crash (if it is in both, history wins at open).
 *
 * At open, runs found `running` (the process died under them) become `interrupted`, keeping the
 * nodes that finished; queued runs stay queued; a corrupt file is moved aside (see
 * run-store-file.ts). The history cap drops the oldest finished runs beyond it.
 *
 * The store has one user (the local queue), which owns the records it gets: they are live.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Low } from 'lowdb';
import { SwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import { isFinished, type RunRecord } from '../queue/types.js';
import { durableTextFile, type DurableTextFile } from './durable-text-file.js';
import { loadStoreFile, STORE_FILE_VERSION, type CorruptFile, type RunStoreFileData } from './run-store-file.js';

export const DEFAULT_HISTORY_CAP = 1000;
export const DEFAULT_LAZY_FLUSH_MS = 250;
/** Lazy writes wait at least this many times the last write's duration (keeps the writer mostly idle). */
const LAZY_BACKOFF = 4;

export interface RunStoreOptions {
  /** The data folder; the files are `<dataDir>/store/runs.json` and `history.json`. */
  dataDir: string;
  log: Logger;
  /** Finished runs kept (default 1,000); beyond it the oldest finished are dropped. 0 keeps none. */
  historyCap?: number;
  /** Shortest wait before changes made without `commit()` are written (default 250 ms). */
  lazyFlushMs?: number;
  /** fsync every write (default true). */
  fsync?: boolean;
}

export interface StoreRecovery {
  /** Runs that were executing when the previous process stopped, now `interrupted`. */
  interrupted: string[];
  /** How many runs are still queued. */
  queued: number;
  /** Finished runs dropped at open because the history cap is lower than what the file held. */
  dropped: number;
  /** Files that were unreadable in whole or part: where each went and how many records were kept. */
  corrupt: CorruptFile[];
}

export interface RunStore {
  /** The queue file (`runs.json`). */
  readonly file: string;
  readonly historyFile: string;
  readonly historyCap: number;
  readonly recovery: StoreRecovery;
  /** Commits completed since open (one may write both files); a burst of changes shares them. */
  readonly writeCount: number;
  /** The next submission number; each call takes one. */
  takeNumber(): number;
  /** The live record (the caller owns it; copy before handing it out). */
  get(id: string): RunRecord | undefined;
  records(): IterableIterator<RunRecord>;
  /** How many finished runs are held. */
  finishedCount(): number;
  /**
   * Adds or replaces a record in memory, to be written with the next write (lazily, unless
   * someone commits). Answers the ids of finished runs the history cap dropped to make room.
   */
  put(record: RunRecord): string[];
  /** Removes records; answers the ids that were there. */
  delete(ids: Iterable<string>): string[];
  /** Resolves once a write holding every change made before the call has completed; rejects if that write failed. */
  commit(): Promise<void>;
  /** Writes what is pending and releases the store; later changes throw. */
  close(): Promise<void>;
}

interface Waiter {
  version: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface StoreFile {
  adapter: DurableTextFile;
  db: Low<string>;
  /** Changed since its last write started. */
  dirty: boolean;
}

function storeFile(path: string, fsync: boolean | undefined): StoreFile {
  const adapter = durableTextFile(path, { fsync });
  return { adapter, db: new Low<string>(adapter, ''), dirty: false };
}

export async function openRunStore(options: RunStoreOptions): Promise<RunStore> {
  const historyCap = options.historyCap ?? DEFAULT_HISTORY_CAP;
  if (!Number.isSafeInteger(historyCap) || historyCap < 0) {
    throw new SwitchyardError('usage', `historyCap must be a non-negative integer, got ${String(options.historyCap)}`, { historyCap: options.historyCap });
  }
  const lazyFlushMs = options.lazyFlushMs ?? DEFAULT_LAZY_FLUSH_MS;
  const log = options.log.child({ component: 'run-store' });
  const folder = join(options.dataDir, 'store');
  await mkdir(folder, { recursive: true });
  const queueFile = storeFile(join(folder, 'runs.json'), options.fsync);
  const historyFile = storeFile(join(folder, 'history.json'), options.fsync);
  for (const file of [queueFile, historyFile]) {
    // A temp file left by a write the previous process never finished is garbage: the real file is intact.
    await rm(file.adapter.tempPath, { force: true });
  }

  const loadedQueue = await loadStoreFile(queueFile.adapter);
  const loadedHistory = await loadStoreFile(historyFile.adapter);
  const corrupt = [loadedQueue.corrupt, loadedHistory.corrupt].filter((c): c is CorruptFile => c !== undefined);
  for (const file of corrupt) log.error({ ...file }, 'a run store file was unreadable; moved it aside and kept what could be read');

  const records = new Map<string, RunRecord>();
  /** Finished run ids, oldest finish first: the history cap drops from the front. */
  const finished = new Set<string>();
  let nextNumber = Math.max(loadedQueue.nextNumber, loadedHistory.nextNumber);
  // History is written first: a run in both files ended, and its history record is the later one.
  for (const record of [...loadedQueue.runs, ...loadedHistory.runs]) records.set(record.id, record);
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
  const droppedAtOpen = enforceCap();
  if (interrupted.length > 0) log.warn({ runs: interrupted }, 'runs that were executing when the process stopped are marked interrupted');

  let version = 0;
  let durableVersion = 0;
  let writeCount = 0;
  let lastWriteMs = 0;
  let writing = false;
  let scheduled: NodeJS.Immediate | undefined;
  let lazyTimer: NodeJS.Timeout | undefined;
  let waiters: Waiter[] = [];
  let closed = false;

  function enforceCap(): string[] {
    const dropped: string[] = [];
    for (const id of finished) {
      if (finished.size <= historyCap) break;
      finished.delete(id);
      records.delete(id);
      dropped.push(id);
    }
    if (dropped.length > 0) historyFile.dirty = true;
    return dropped;
  }

  function assertOpen(): void {
    if (closed) throw new SwitchyardError('internal', 'the run store is closed', { file: queueFile.adapter.path });
  }

  function changed(): void {
    version += 1;
    scheduleLazyWrite();
  }

  function scheduleLazyWrite(): void {
    if (lazyTimer !== undefined || writing || scheduled !== undefined || closed) return;
    lazyTimer = setTimeout(() => {
      lazyTimer = undefined;
      requestWrite();
    }, Math.max(lazyFlushMs, LAZY_BACKOFF * lastWriteMs));
    lazyTimer.unref();
  }

  /** Starts a write soon, unless one is running (its end starts the next) or already scheduled. */
  function requestWrite(): void {
    if (writing || scheduled !== undefined) return;
    // One macrotask later: everything changed in this tick (a burst of submissions) shares the write.
    scheduled = setImmediate(() => {
      scheduled = undefined;
      void writeOnce();
    });
  }

  function snapshot(statuses: 'queue' | 'history'): string {
    const runs: RunRecord[] = [];
    for (const record of records.values()) if (isFinished(record.status) === (statuses === 'history')) runs.push(record);
    const data: RunStoreFileData = { version: STORE_FILE_VERSION, nextNumber, runs };
    return JSON.stringify(data);
  }

  async function writeOnce(): Promise<void> {
    if (lazyTimer !== undefined) {
      clearTimeout(lazyTimer);
      lazyTimer = undefined;
    }
    if (version === durableVersion) {
      settleWaiters(durableVersion);
      return;
    }
    writing = true;
    const target = version;
    const files = [historyFile, queueFile].filter((file) => file.dirty);
    // Both snapshots are taken now, before either write, so together they are one moment.
    for (const file of files) {
      file.db.data = snapshot(file === historyFile ? 'history' : 'queue');
      file.dirty = false;
    }
    const startedAt = performance.now();
    let failure: unknown;
    try {
      for (const file of files) {
        await file.db.write();
        file.db.data = '';
      }
      durableVersion = target;
      writeCount += 1;
    } catch (error) {
      failure = error;
      for (const file of files) {
        if (file.db.data !== '') file.dirty = true;
        file.db.data = '';
      }
      log.error({ err: error, folder }, 'writing the run store failed');
    } finally {
      writing = false;
      lastWriteMs = performance.now() - startedAt;
    }
    settleWaiters(target, failure);
    if (waiters.length > 0) requestWrite();
    // Lazy changes made during the write (or a failed write): written later, unhurried.
    else if (version > durableVersion) scheduleLazyWrite();
  }

  function settleWaiters(upTo: number, failure?: unknown): void {
    const done = waiters.filter((waiter) => waiter.version <= upTo);
    if (done.length === 0) return;
    waiters = waiters.filter((waiter) => waiter.version > upTo);
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
      requestWrite();
    });
  }

  const store: RunStore = {
    file: queueFile.adapter.path,
    historyFile: historyFile.adapter.path,
    historyCap,
    recovery: { interrupted, queued: queuedAtOpen, dropped: droppedAtOpen.length, corrupt },
    get writeCount() {
      return writeCount;
    },
    takeNumber() {
      assertOpen();
      const number = nextNumber;
      nextNumber += 1;
      queueFile.dirty = true;
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
      const previous = records.get(record.id);
      const wasFinished = previous !== undefined && finished.has(record.id);
      const nowFinished = isFinished(record.status);
      if (nowFinished || wasFinished) historyFile.dirty = true;
      if (!nowFinished || (previous !== undefined && !wasFinished)) queueFile.dirty = true;
      records.set(record.id, record);
      if (nowFinished) finished.add(record.id);
      else finished.delete(record.id);
      const dropped = enforceCap();
      changed();
      return dropped;
    },
    delete(ids) {
      assertOpen();
      const removed: string[] = [];
      for (const id of ids) {
        if (!records.has(id)) continue;
        if (finished.delete(id)) historyFile.dirty = true;
        else queueFile.dirty = true;
        records.delete(id);
        removed.push(id);
      }
      if (removed.length > 0) changed();
      return removed;
    },
    commit() {
      if (closed) return Promise.reject(new SwitchyardError('internal', 'the run store is closed', { folder }));
      return commit();
    },
    async close() {
      if (closed) return;
      const last = commit();
      closed = true;
      try {
        await last;
      } finally {
        if (lazyTimer !== undefined) clearTimeout(lazyTimer);
        lazyTimer = undefined;
      }
    },
  };

  // What open changed (recovery, a salvaged file, a lowered cap) is written before anyone relies on it.
  if (corrupt.length > 0 || interrupted.length > 0 || droppedAtOpen.length > 0) {
    queueFile.dirty = true;
    historyFile.dirty = true;
    changed();
    await commit();
  }
  return store;
}
