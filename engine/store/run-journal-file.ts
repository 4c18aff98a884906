/**
 * The journal files of the run store: `<store>/journal-<generation>.jsonl`, appended to one
 * group commit at a time. An append is one synchronous write(2): a few KB into the page cache
 * cost microseconds — less than a round trip through libuv's thread pool, which doubled the
 * cost of a sequential submission — and no later append can overtake it. Only the fsync runs in
 * the background. When an append counts as done (`fsync`):
 *
 * - `always`: an append resolves after its bytes are written AND fsynced — an acknowledged
 *   change survives a power loss or an OS crash. Costs one fsync per group commit.
 * - `interval` (default): an append resolves once the bytes are written (handed to the kernel:
 *   they survive the process being killed — SIGKILL, a crash — since the kernel owns them);
 *   an fsync follows in the background within `fsyncIntervalMs` of the first unsynced write.
 *   A power loss or OS crash can lose changes acknowledged in that window (the interval plus
 *   the fsync's own duration, typically ~100–150 ms).
 * - `never`: no fsync; the OS writes back when it likes (tens of seconds on Linux).
 *
 * A new generation starts at each compaction (the store snapshots, then deletes the old files)
 * and after a failed append, whose file may end in a partial batch: that tail must stay the
 * last thing in its file, where replay recognises it as torn.
 */
import { close, fdatasync, openSync, writeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { Logger } from '../nodes/context.js';

export type FsyncMode = 'always' | 'interval' | 'never';
export const FSYNC_MODES: readonly FsyncMode[] = ['always', 'interval', 'never'];
export const DEFAULT_FSYNC_INTERVAL_MS = 100;

const NAME = /^journal-(\d+)\.jsonl$/;
const fdatasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

export function journalPath(folder: string, generation: number): string {
  return join(folder, `journal-${generation}.jsonl`);
}

/** The journal files in a folder, oldest generation first. */
export async function listJournals(folder: string): Promise<Array<{ generation: number; path: string }>> {
  const found: Array<{ generation: number; path: string }> = [];
  for (const name of await readdir(folder)) {
    const match = NAME.exec(name);
    if (match) found.push({ generation: Number(match[1]), path: join(folder, name) });
  }
  return found.sort((a, b) => a.generation - b.generation);
}

interface OpenFile {
  path: string;
  fd: number;
  /** Written since its last fsync began. */
  unsynced: boolean;
  /** The fsync in flight, if any. */
  syncing?: Promise<void>;
}

export interface JournalWriterOptions {
  folder: string;
  /** The first generation to write. */
  generation: number;
  fsync: FsyncMode;
  fsyncIntervalMs: number;
  log: Logger;
}

export interface JournalWriter {
  /** The generation appends go to now. */
  readonly generation: number;
  /** Bytes appended to the current generation. */
  readonly bytes: number;
  /** Appends text (whole lines); resolves when it is as durable as the fsync mode promises. One append at a time. */
  append(text: string): Promise<void>;
  /**
   * Starts the next generation now (later appends go there); answers the finished file's path
   * and a promise that it is closed (synced first unless `never`).
   */
  rotate(): { path: string; closed: Promise<void> };
  /** Syncs (unless `never`) and closes the current file. */
  close(): Promise<void>;
}

export function createJournalWriter(options: JournalWriterOptions): JournalWriter {
  const { folder, fsync, fsyncIntervalMs, log } = options;
  let generation = options.generation;
  let bytes = 0;
  let current: OpenFile | undefined;
  let syncTimer: NodeJS.Timeout | undefined;

  function file(): OpenFile {
    if (!current) {
      const path = journalPath(folder, generation);
      current = { path, fd: openSync(path, 'a'), unsynced: false };
    }
    return current;
  }

  /** fsyncs what was written to the file so far (chained after a sync in flight, which may not cover it). */
  function syncFile(target: OpenFile): Promise<void> {
    if (!target.unsynced) return target.syncing ?? Promise.resolve();
    target.unsynced = false;
    const run = (target.syncing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => fdatasyncAsync(target.fd))
      .catch((error: unknown) => {
        target.unsynced = true;
        throw error;
      });
    target.syncing = run;
    const forget = (): void => {
      if (target.syncing === run) target.syncing = undefined;
    };
    run.then(forget, forget);
    return run;
  }

  function syncInBackground(target: OpenFile): Promise<void> {
    return syncFile(target).catch((error: unknown) => {
      log.error({ err: error, file: target.path }, 'fsync of the run journal failed; acknowledged changes are in the OS cache but may not survive a power loss');
    });
  }

  function scheduleSync(): void {
    if (syncTimer !== undefined) return;
    syncTimer = setTimeout(() => {
      syncTimer = undefined;
      if (current) void syncInBackground(current);
    }, fsyncIntervalMs);
    syncTimer.unref();
  }

  async function closeFile(target: OpenFile): Promise<void> {
    try {
      if (fsync !== 'never') await syncInBackground(target);
      else await target.syncing?.catch(() => undefined);
    } finally {
      await closeAsync(target.fd);
    }
  }

  function rotate(): { path: string; closed: Promise<void> } {
    const finished = current;
    const path = journalPath(folder, generation);
    generation += 1;
    bytes = 0;
    current = undefined;
    return { path, closed: finished ? closeFile(finished) : Promise.resolve() };
  }

  return {
    get generation() {
      return generation;
    },
    get bytes() {
      return bytes;
    },
    async append(text) {
      let target: OpenFile | undefined;
      try {
        target = file();
        // Synchronous on purpose (see the header).
        const buffer = Buffer.from(text, 'utf8');
        for (let offset = 0; offset < buffer.length; ) offset += writeSync(target.fd, buffer, offset, buffer.length - offset);
        target.unsynced = true;
        bytes += buffer.length;
        if (fsync === 'always') await syncFile(target);
      } catch (error) {
        // Whatever part of this batch reached the file stays its torn tail: nothing may follow it
        // there. (A file that would not open is skipped the same way.)
        if (current === target) void rotate().closed.catch((closeError: unknown) => log.error({ err: closeError, file: target?.path }, 'closing a failed run journal file failed'));
        throw error;
      }
      if (fsync === 'interval') scheduleSync();
    },
    rotate,
    async close() {
      if (syncTimer !== undefined) clearTimeout(syncTimer);
      syncTimer = undefined;
      const finished = current;
      current = undefined;
      if (finished) await closeFile(finished);
    },
  };
}
