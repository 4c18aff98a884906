/**
 * Shared set-up for executor tests: a registry with the given node types, a real pino logger
 * whose lines are kept in memory, folders that nothing writes to, and a small workflow builder.
 */
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import type { AnyNodeType } from '../../../engine/nodes/define.js';
import type { Folders, Logger } from '../../../engine/nodes/context.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { OutputCache } from '../../../engine/cache/output-cache.js';
import { createExecutor, type Executor } from '../../../engine/execute/executor.js';
import type { RunEvent } from '../../../engine/execute/events.js';

export const folders: Folders = { input: tmpdir(), output: tmpdir(), temp: tmpdir(), models: tmpdir() };

/** A real pino logger writing JSON lines into `lines`. */
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

export function registryOf(...types: AnyNodeType[]): NodeRegistry {
  const registry = new NodeRegistry();
  registry.addAll(types, 'test');
  return registry;
}

export interface Harness {
  executor: Executor;
  cache: OutputCache;
  registry: NodeRegistry;
  lines: Record<string, unknown>[];
}

export function harness(types: AnyNodeType[], options: { concurrency?: number; maxBytes?: number; cache?: OutputCache } = {}): Harness {
  const registry = registryOf(...types);
  const cache = options.cache ?? new OutputCache({ maxBytes: options.maxBytes ?? 64 * 1024 * 1024 });
  const { log, lines } = memoryLogger();
  const executor = createExecutor({ registry, cache, folders, log, concurrency: options.concurrency });
  return { executor, cache, registry, lines };
}

/** `{ id: [type, inputs] }` → an ApiWorkflow. */
export function workflow(nodes: Record<string, [string, Record<string, unknown>?]>): ApiWorkflow {
  const result: ApiWorkflow = { schemaVersion: 1, nodes: {} };
  for (const [id, [type, inputs]] of Object.entries(nodes)) result.nodes[id] = { type, inputs: inputs ?? {} };
  return result;
}

export function recordEvents(): { events: RunEvent[]; onEvent: (event: RunEvent) => void } {
  const events: RunEvent[] = [];
  return { events, onEvent: (event) => events.push(event) };
}

/** A promise and its resolver, for nodes that wait until a test lets them go. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Lets pending promise callbacks run (a few macrotask turns). */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
