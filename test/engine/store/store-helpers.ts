/**
 * Set-up for run store tests: temp data folders (removed by `dispose`), a memory logger, run
 * records, and `openCrashCopy` — the store as a process started now would find it had this one
 * been killed at this very moment (a copy of the store folder as it is on disk, opened).
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { openRunStore, type RunStore, type RunStoreOptions } from '../../../engine/store/run-store.js';
import type { RunRecord, RunStatus } from '../../../engine/queue/types.js';
import type { Logger } from '../../../engine/nodes/context.js';

export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: pino({ level: 'debug' }, stream) as unknown as Logger, lines };
}

export interface StoreFolders {
  /** A new empty data folder. */
  dataDir(): Promise<string>;
  open(dir: string, options?: Partial<RunStoreOptions>): Promise<RunStore>;
  /** A new data folder holding a copy of this one's store folder as it is on disk now. */
  crashCopy(dir: string): Promise<string>;
  openCrashCopy(dir: string, options?: Partial<RunStoreOptions>): Promise<RunStore>;
  dispose(): Promise<void>;
}

export async function storeFolders(): Promise<StoreFolders> {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-run-journal-'));
  let count = 0;
  const dataDir = async (): Promise<string> => {
    count += 1;
    const dir = join(root, `data-${count}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const open = (dir: string, options: Partial<RunStoreOptions> = {}): Promise<RunStore> => openRunStore({ dataDir: dir, log: memoryLogger().log, ...options });
  const crashCopy = async (dir: string): Promise<string> => {
    const copy = await dataDir();
    await cp(join(dir, 'store'), join(copy, 'store'), { recursive: true });
    return copy;
  };
  return {
    dataDir,
    open,
    crashCopy,
    async openCrashCopy(dir, options) {
      return open(await crashCopy(dir), options);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

export function record(id: string, number: number, status: RunStatus, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    number,
    status,
    priority: 0,
    workflow: { schemaVersion: 1, nodes: { '1': { type: 'core.int', inputs: { value: number } }, '2': { type: 'core.show_text', inputs: { value: ['1', 0] } } } },
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

/** Every record, sorted by id, as plain data (for comparing two stores). */
export function contents(store: RunStore): RunRecord[] {
  return [...store.records()].map((r) => structuredClone(r)).sort((a, b) => a.id.localeCompare(b.id));
}
