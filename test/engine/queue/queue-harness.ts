/**
 * Set-up for queue tests: a real run store in a temp data folder, the real executor over the
 * test node types, and the local queue between them; plus waits on queue events. Everything
 * opened is closed by `dispose()` / the test's `after`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Folders, Logger } from '../../../engine/nodes/context.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { OutputCache } from '../../../engine/cache/output-cache.js';
import { createExecutor } from '../../../engine/execute/executor.js';
import { openRunStore, type RunStore, type RunStoreOptions } from '../../../engine/store/run-store.js';
import { createLocalQueue, type LocalQueueOptions } from '../../../engine/queue/local-queue.js';
import { executeWithExecutor } from '../../../engine/queue/execute-with-executor.js';
import { isFinished, type RunQueue, type RunQueueEvents, type RunRecord } from '../../../engine/queue/types.js';
import { queueNodeTypes } from './queue-nodes.js';

/** A real pino logger keeping its JSON lines in memory. */
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

export async function tempDataDir(): Promise<{ dir: string; dispose: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-queue-'));
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

export interface QueueSetup {
  store: RunStore;
  queue: RunQueue;
  lines: Record<string, unknown>[];
}

export interface QueueSetupOptions extends Partial<Pick<RunStoreOptions, 'historyCap' | 'lazyFlushMs' | 'fsync' | 'compactBytes'>>, Partial<Pick<LocalQueueOptions, 'concurrency' | 'closeTimeoutMs' | 'closeGraceMs'>> {}

/** Opens the store in `dataDir` and a queue over the real executor (not started). */
export async function openQueue(dataDir: string, options: QueueSetupOptions = {}): Promise<QueueSetup> {
  const { log, lines } = memoryLogger();
  const registry = new NodeRegistry();
  registry.addAll(queueNodeTypes, 'queue-test');
  const folders: Folders = { input: join(dataDir, 'input'), output: join(dataDir, 'output'), temp: join(dataDir, 'temp'), models: join(dataDir, 'models') };
  const executor = createExecutor({ registry, cache: new OutputCache({ maxBytes: 1024 * 1024 }), folders, log });
  const store = await openRunStore({ dataDir, log, historyCap: options.historyCap, lazyFlushMs: options.lazyFlushMs, fsync: options.fsync, compactBytes: options.compactBytes });
  const queue = createLocalQueue({
    store,
    execute: executeWithExecutor(executor),
    log,
    concurrency: options.concurrency,
    closeTimeoutMs: options.closeTimeoutMs,
    closeGraceMs: options.closeGraceMs,
  });
  return { store, queue, lines };
}

/** Resolves with the first event of this kind that passes `accept`. */
export function nextEvent<K extends keyof RunQueueEvents>(queue: RunQueue, name: K, accept: (payload: Parameters<RunQueueEvents[K]>[0]) => boolean = () => true): Promise<Parameters<RunQueueEvents[K]>[0]> {
  return new Promise((resolve) => {
    const off = queue.on(name, ((payload: Parameters<RunQueueEvents[K]>[0]) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    }) as RunQueueEvents[K]);
  });
}

/** The run's record once it is finished (now or later). */
export function finishedRun(queue: RunQueue, id: string): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (record: RunRecord): void => {
      if (done) return;
      done = true;
      off();
      resolve(record);
    };
    const off = queue.on('finished', (record) => {
      if (record.id === id) finish(record);
    });
    queue.get(id).then((record) => {
      if (record && isFinished(record.status)) finish(record);
    }, reject);
  });
}

/** Resolves once the run's node has started executing. */
export function nodeStarted(queue: RunQueue, runId: string, nodeId: string): Promise<unknown> {
  return nextEvent(queue, 'run', (event) => event.runId === runId && event.type === 'node_started' && event.nodeId === nodeId);
}
