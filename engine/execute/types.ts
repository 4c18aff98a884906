/**
 * The executor's public shapes: its options, what a run takes and what it returns.
 */
import type { ErrorCode } from '../errors.js';
import type { ApiWorkflow } from '../graph/api-format.js';
import type { Folders, Logger, ModelsHandle, RunWorkflowInfo } from '../nodes/context.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { UiResult } from '../nodes/values.js';
import type { NodeCache } from '../cache/output-cache.js';
import type { RunEvent } from './events.js';

/** How many independent nodes run at once unless told otherwise. */
export const DEFAULT_CONCURRENCY = 4;

export interface ExecutorOptions {
  registry: NodeRegistry;
  /** Shared by all runs (and workflows) of this executor; owned by the caller. */
  cache: NodeCache;
  folders: Folders;
  log: Logger;
  /**
   * Most nodes running at once in one run (default 4). A node waiting for a lazy input it asked
   * for does not hold a place meanwhile.
   */
  concurrency?: number;
  models?: ModelsHandle;
}

export interface RunOptions {
  /** Default: a random UUID. */
  runId?: string;
  /** Aborting it interrupts the run: nothing new starts and running nodes see `ctx.signal`. */
  signal?: AbortSignal;
  /** Called synchronously for every event; a listener that throws is logged and ignored. */
  onEvent?: (event: RunEvent) => void;
  /** Run these nodes (and what they need) instead of the workflow's output nodes. */
  targets?: string[];
  /** What output nodes embed into files (default: the workflow itself as the prompt). */
  workflowInfo?: RunWorkflowInfo;
}

export type RunStatus = 'success' | 'error' | 'interrupted';

/** A node that failed, as plain data (for history, events and reports). */
export interface NodeRunError {
  nodeId: string;
  nodeType: string;
  /** `node_failed`, `node_output_invalid`, or the code of the SwitchyardError the node threw (e.g. `invalid_image`). */
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
  /** Short descriptions of the node's inputs. */
  inputs: Record<string, string>;
  /** The original error's stack. */
  stack?: string;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  /** The ui results of nodes that have one (output nodes), executed or cached. */
  outputs: Record<string, UiResult>;
  /** Nodes that ran, in the order they finished. */
  executed: string[];
  /** Nodes whose results came from the cache. */
  cached: string[];
  /** Nodes not run because something they need failed. */
  skipped: string[];
  errors: NodeRunError[];
  /** Milliseconds per executed node. */
  timings: Record<string, number>;
  /** Epoch milliseconds. */
  startedAt: number;
  finishedAt: number;
}

export interface Executor {
  run(workflow: ApiWorkflow, options?: RunOptions): Promise<RunResult>;
}
