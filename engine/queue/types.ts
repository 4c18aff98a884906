/**
 * The run queue's shapes: a run record (one submission, from queued to its place in history)
 * as zod schemas — the one source of the shape, used to check what a submitter sends and what
 * the store reads back — and the `RunQueue` interface every backend implements (the embedded
 * lowdb queue now, a Redis/BullMQ one later), so the server depends on nothing else.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { ApiWorkflowSchema } from '../graph/api-format.js';
import type { RunEvent } from '../execute/events.js';
import type { NodeRunError } from '../execute/types.js';

export const RUN_STATUSES = ['queued', 'running', 'success', 'error', 'interrupted', 'cancelled'] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

/** Statuses of runs that are over: they live in history (and count against its cap). */
export const FINISHED_STATUSES: ReadonlySet<RunStatus> = new Set<RunStatus>(['success', 'error', 'interrupted', 'cancelled']);

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.has(status);
}

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
/** A code this version does not know (a store written by a newer one) reads as `internal`. */
const ErrorCodeSchema = z.enum(ERROR_CODE_NAMES).catch('internal');

export const FileRefSchema = z.object({
  filename: z.string(),
  subfolder: z.string(),
  type: z.enum(['output', 'input', 'temp']),
});

/** What an output node showed: its files and small values (extra keys are kept as they are). */
export const UiResultSchema = z.looseObject({
  images: z.array(FileRefSchema).optional(),
  videos: z.array(FileRefSchema).optional(),
  audio: z.array(FileRefSchema).optional(),
  text: z.array(z.string()).optional(),
});

/** A failure as plain data: a node's (NodeRunError) or the run's own (no nodeId). */
export const RunErrorSchema = z.object({
  nodeId: z.string().optional(),
  nodeType: z.string().optional(),
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
  inputs: z.record(z.string(), z.string()).optional(),
  stack: z.string().optional(),
});
export type RunError = z.infer<typeof RunErrorSchema>;

/** Epoch milliseconds. */
const Timestamp = z.number().int().nonnegative();

export const RunRecordSchema = z.object({
  id: z.string().min(1),
  /** Monotonic submission number (ComfyUI's `number`), never reused in one data folder. */
  number: z.number().int().nonnegative(),
  status: RunStatusSchema,
  /** Higher runs first; FIFO (by `number`) within a priority. `front` submissions are stored with the priority that put them first. */
  priority: z.number(),
  /** The validated workflow to execute. */
  workflow: ApiWorkflowSchema,
  /** The saved (UI) workflow it came from, embedded into output files. */
  saved: z.unknown().optional(),
  /** The workflow's name: the saved workflow that was run, or what the submitter called it. */
  name: z.string().optional(),
  /** The parameter overrides the submitter sent (already applied to `workflow`; kept for the record). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** Run only these nodes (and what they need) instead of every output node. */
  targets: z.array(z.string()).optional(),
  clientId: z.string().optional(),
  /** Whatever else the submitter attached (ComfyUI's `extra_data`), echoed back in history. */
  extra: z.record(z.string(), z.unknown()).optional(),
  /** The run this one re-queues (see `RunQueue.requeue`). */
  requeuedFrom: z.string().optional(),
  submittedAt: Timestamp,
  startedAt: Timestamp.optional(),
  finishedAt: Timestamp.optional(),
  /** Nodes that ran, in the order they finished (kept when a run is interrupted). */
  executed: z.array(z.string()).default([]),
  /** Nodes whose results came from the cache. */
  cached: z.array(z.string()).default([]),
  /** Nodes not run because something they need failed. */
  skipped: z.array(z.string()).default([]),
  /** The ui results (files, texts) of output nodes, by node id. */
  outputs: z.record(z.string(), UiResultSchema).default({}),
  errors: z.array(RunErrorSchema).default([]),
  /** Milliseconds per executed node. */
  timings: z.record(z.string(), z.number()).default({}),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** What a submitter sends; the queue assigns id (unless given), number, status and times. */
export const SubmitInputSchema = z.object({
  /** A client-chosen id (ComfyUI's `prompt_id`); must not be in use. Default: a random UUID. */
  id: z.string().min(1).max(200).optional(),
  workflow: ApiWorkflowSchema,
  saved: z.unknown().optional(),
  name: z.string().max(200).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  targets: z.array(z.string()).optional(),
  clientId: z.string().optional(),
  extra: z.record(z.string(), z.unknown()).optional(),
  /** Default 0. Higher runs first. */
  priority: z.number().default(0),
  /** Ahead of everything queued now (its priority becomes one above the highest queued one). */
  front: z.boolean().default(false),
  requeuedFrom: z.string().optional(),
});
export type SubmitInput = z.input<typeof SubmitInputSchema>;

export interface ListQuery {
  /** One status or several; default all. */
  status?: RunStatus | readonly RunStatus[];
  /** Default 50. */
  limit?: number;
  /** Default 0. */
  offset?: number;
}

export interface ListPage {
  /** Running runs first (oldest start first), then queued in the order they will run, then history newest first. */
  items: RunRecord[];
  /** How many match the status filter, regardless of limit/offset. */
  total: number;
}

/** What `cancel` did: dropped a queued run, asked a running one to stop, or found it already over. */
export type CancelOutcome = 'cancelled' | 'interrupting' | 'already_finished';

export interface QueueCounts {
  queued: number;
  running: number;
  finished: number;
}

/** What executing a run yields; the executor's RunResult fits. */
export interface RunOutcome {
  status: 'success' | 'error' | 'interrupted';
  outputs: Record<string, Record<string, unknown>>;
  executed: string[];
  cached: string[];
  skipped?: string[];
  errors: (NodeRunError | RunError)[];
  timings: Record<string, number>;
}

export interface ExecuteOptions {
  /** Aborted when the run is cancelled or interrupted, or the queue closes. */
  signal: AbortSignal;
  onEvent: (event: RunEvent) => void;
}

/** Runs one record's workflow. May reject; the queue records that as an `error` run. */
export type ExecuteRun = (record: Readonly<RunRecord>, options: ExecuteOptions) => Promise<RunOutcome>;

/**
 * Record listeners get copies: changing them changes nothing in the queue. Run events are the
 * executor's own objects (previews hold pixel data), shared by all listeners: read, don't change.
 */
export interface RunQueueEvents {
  /** A submission is persisted and waiting. */
  queued: (record: RunRecord) => void;
  started: (record: RunRecord) => void;
  /** A run reached a finished status (including `cancelled` while queued). */
  finished: (record: RunRecord) => void;
  /** Records left history (deleted, cleared, or dropped by the history cap). */
  removed: (ids: string[]) => void;
  /** Every executor event of every run, as it happens (each carries its runId). */
  run: (event: RunEvent) => void;
}
export type RunQueueEventName = keyof RunQueueEvents;

export interface RequeueOptions {
  priority?: number;
  front?: boolean;
}

export interface CloseOptions {
  /** How long running runs may go on before they are interrupted (default: the queue's setting). */
  timeoutMs?: number;
}

/**
 * The queue the server talks to. Every method is async so a networked backend fits the same
 * shape. Unknown ids: `get`/`position` answer undefined; `cancel`/`requeue` throw `not_found`.
 */
export interface RunQueue {
  /** Resolves once the submission is durably stored: a crash after this loses nothing. */
  submit(input: SubmitInput): Promise<RunRecord>;
  get(id: string): Promise<RunRecord | undefined>;
  list(query?: ListQuery): Promise<ListPage>;
  counts(): Promise<QueueCounts>;
  /** Queued → `cancelled` (moved to history); running → interrupted (it finishes as `interrupted`). */
  cancel(id: string): Promise<CancelOutcome>;
  /** Interrupts one running run, or every running one; answers the ids asked to stop. */
  interrupt(id?: string): Promise<string[]>;
  /**
   * Submits a finished run's workflow again as a NEW run (new id and number, `requeuedFrom` =
   * the old id); the old record stays in history unchanged. Queued or running runs are refused.
   */
  requeue(id: string, options?: RequeueOptions): Promise<RunRecord>;
  /** Removes every finished run; answers the ids removed. */
  clearHistory(): Promise<string[]>;
  /** Removes these finished runs (queued/running/unknown ids are ignored); answers the ids removed. */
  deleteHistory(ids: readonly string[]): Promise<string[]>;
  /** 0 = runs next; undefined when the run is not queued. */
  position(id: string): Promise<number | undefined>;
  /** Answers a function that removes the listener. */
  on<K extends RunQueueEventName>(name: K, listener: RunQueueEvents[K]): () => void;
  /** Begins running queued work (recovered work included). */
  start(): Promise<void>;
  /** Stops taking work, lets running runs finish (interrupting them after the timeout), persists everything, releases the store. */
  close(options?: CloseOptions): Promise<void>;
}
