/**
 * What a run reports while it happens, as one discriminated union on `type`. The server turns
 * these into its WebSocket messages and the CLI into progress lines; every event carries the
 * run id so one listener can follow many runs.
 */
import type { ErrorCode } from '../errors.js';
import type { ImageValue, UiResult } from '../nodes/values.js';

export interface RunStartedEvent {
  type: 'run_started';
  runId: string;
  /** The nodes planned to run or be taken from the cache (lazy upstream may add more later). */
  nodes: string[];
}

export interface NodeStartedEvent {
  type: 'node_started';
  runId: string;
  nodeId: string;
  nodeType: string;
}

/** Nodes whose results came from the cache (consecutive hits are reported together). */
export interface NodeCachedEvent {
  type: 'node_cached';
  runId: string;
  nodeIds: string[];
}

export interface ProgressEvent {
  type: 'progress';
  runId: string;
  nodeId: string;
  done: number;
  total: number;
}

export interface PreviewEvent {
  type: 'preview';
  runId: string;
  nodeId: string;
  image: ImageValue;
}

/** A node finished: for every executed node, and for cached nodes that have a ui to show. */
export interface NodeOutputEvent {
  type: 'node_output';
  runId: string;
  nodeId: string;
  nodeType: string;
  ui?: UiResult;
  /** 0 for a cached result. */
  durationMs: number;
  cached: boolean;
}

export interface NodeErrorEvent {
  type: 'node_error';
  runId: string;
  nodeId: string;
  nodeType: string;
  code: ErrorCode;
  message: string;
  /** Short descriptions of the node's inputs (never whole tensors). */
  inputs: Record<string, string>;
  stack?: string;
}

export interface RunFinishedEvent {
  type: 'run_finished';
  runId: string;
  executed: string[];
  cached: string[];
  durationMs: number;
}

export interface RunFailedEvent {
  type: 'run_failed';
  runId: string;
  errors: { nodeId: string; nodeType: string; code: ErrorCode; message: string }[];
  /** Nodes not run because something they need failed. */
  skipped: string[];
  executed: string[];
  cached: string[];
  durationMs: number;
}

export interface RunInterruptedEvent {
  type: 'run_interrupted';
  runId: string;
  /** Nodes that finished (executed or cached) before the interruption. */
  finished: string[];
  durationMs: number;
}

export type RunEvent =
  | RunStartedEvent
  | NodeStartedEvent
  | NodeCachedEvent
  | ProgressEvent
  | PreviewEvent
  | NodeOutputEvent
  | NodeErrorEvent
  | RunFinishedEvent
  | RunFailedEvent
  | RunInterruptedEvent;

export type RunEventType = RunEvent['type'];
