/**
 * The embedded run queue: `createLocalQueue({ store, execute })` runs submissions in priority
 * order (FIFO within a priority), `concurrency` at a time, through an injected `execute`
 * function (the engine's executor fits, see execute-with-executor.ts), and keeps every record
 * in the run store — a submission is acknowledged only once the store has written it (as its
 * `fsync` mode promises: by default it survives the process being killed), a run's progress
 * (nodes finished, their outputs) follows it there, and its end is written before `finished`
 * is announced. A run that throws becomes an `error` record; nothing a run does stops the loop.
 *
 * Nothing on a submission's path walks the queue: the queued runs are kept in run order by
 * queued-order.ts (next run, position, highest priority), counts are kept, and records handed
 * out share their frozen workflow instead of cloning it (see `copy`).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import type { RunEvent } from '../execute/events.js';
import type { RunStore } from '../store/run-store.js';
import { createListeners } from './listeners.js';
import { compareListOrder } from './order.js';
import { createQueuedOrder } from './queued-order.js';
import {
  RunErrorSchema,
  RunStatusSchema,
  SubmitInputSchema,
  UiResultSchema,
  isFinished,
  type ExecuteRun,
  type ListQuery,
  type RunError,
  type RunOutcome,
  type RunQueue,
  type RunQueueEvents,
  type RunRecord,
  type RunStatus,
  type SubmitInput,
} from './types.js';
import { isValidated } from '../graph/validated.js';

/** A submission's fields besides the workflow (for workflows the engine validated already). */
const SubmitOptionsSchema = SubmitInputSchema.omit({ workflow: true });
type SubmitData = z.infer<typeof SubmitInputSchema>;
type SubmitOptions = z.infer<typeof SubmitOptionsSchema>;

export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
export const DEFAULT_LIST_LIMIT = 50;

export interface LocalQueueOptions {
  /** The queue owns it from now on: `close()` closes it. */
  store: RunStore;
  execute: ExecuteRun;
  /** Runs executing at once (default 1). */
  concurrency?: number;
  log: Logger;
  /** At close, how long running runs may go on before they are interrupted (default 10 s). */
  closeTimeoutMs?: number;
  /** At close, how long interrupted runs get to stop before they are recorded `interrupted` anyway (default 2 s). */
  closeGraceMs?: number;
}

/** A run's ui results converted to their stored form as its nodes reported them, by node id (with the object converted). */
type ConvertedUi = Map<string, { source: unknown; plain: RunRecord['outputs'][string] }>;

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

export function createLocalQueue(options: LocalQueueOptions): RunQueue {
  const { store, execute } = options;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new SwitchyardError('usage', `queue concurrency must be a positive integer, got ${String(options.concurrency)}`, { concurrency: options.concurrency });
  }
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  const closeGraceMs = options.closeGraceMs ?? 2_000;
  const log = options.log.child({ component: 'run-queue' });
  const listeners = createListeners<RunQueueEvents>(log);

  /** Persisted queued runs, eligible to start, in run order (no walk over the queue per submission). */
  const pending = createQueuedOrder([...store.records()].filter((record) => record.status === 'queued'));
  const running = new Map<string, ActiveRun>();
  let started = false;
  let closing = false;
  let storeClosed = false;
  let closed: Promise<void> | undefined;
  let pumpScheduled: NodeJS.Immediate | undefined;

  for (const record of store.records()) freezeFixedParts(record);

  function found(id: string): RunRecord {
    const record = store.get(id);
    if (!record) throw new SwitchyardError('not_found', `no run with id ${id}`, { id });
    return record;
  }

  /** Persists, then announces: listeners never hear of something a crash would undo. */
  async function persistThen(announce: () => void): Promise<void> {
    try {
      await store.commit();
    } catch (error) {
      log.error({ err: error }, 'could not persist a run change; it is kept in memory and retried with the next write');
    }
    announce();
  }

  function schedulePump(): void {
    if (pumpScheduled !== undefined || !started || closing) return;
    // A macrotask later, so a burst of submissions is all pending before the first pick.
    pumpScheduled = setImmediate(() => {
      pumpScheduled = undefined;
      pump();
    });
  }

  function pump(): void {
    while (started && !closing && running.size < concurrency) {
      const id = pending.first();
      if (id === undefined) return;
      const next = store.get(id);
      if (!next || next.status !== 'queued') {
        pending.remove(id);
        continue;
      }
      launch(next);
    }
  }

  function launch(record: RunRecord): void {
    pending.remove(record.id);
    record.status = 'running';
    record.startedAt = Date.now();
    store.put(record);
    // Starting does not wait for the disk: a crash before this write leaves the run queued, which re-runs it.
    store.commit().catch((error: unknown) => log.error({ err: error, runId: record.id }, 'could not persist a run start'));
    const controller = new AbortController();
    const active: ActiveRun = { controller, done: Promise.resolve() };
    running.set(record.id, active);
    listeners.emit('started', copy(record));
    active.done = runOne(record, controller.signal)
      .catch((error: unknown) => log.error({ err: error, runId: record.id }, 'recording the end of a run failed'))
      .finally(() => {
        running.delete(record.id);
        schedulePump();
      });
  }

  async function runOne(record: RunRecord, signal: AbortSignal): Promise<void> {
    let outcome: RunOutcome;
    const converted: ConvertedUi = new Map();
    try {
      outcome = await execute(copy(record), { signal, onEvent: (event) => onRunEvent(record, event, converted) });
    } catch (error) {
      const failure = toSwitchyardError(error);
      if (signal.aborted) outcome = { ...progressSoFar(record), status: 'interrupted', errors: [] };
      else {
        log.error({ err: error, runId: record.id }, 'a run failed outside its nodes');
        outcome = { ...progressSoFar(record), status: 'error', errors: [{ code: failure.code, message: failure.message, details: failure.details }] };
      }
    }
    if (storeClosed || record.status !== 'running') {
      log.warn({ runId: record.id, status: outcome.status }, 'a run ended after the queue closed; its record says interrupted');
      return;
    }
    record.status = outcome.status;
    record.finishedAt = Date.now();
    record.executed = [...outcome.executed];
    record.cached = [...outcome.cached];
    record.skipped = [...(outcome.skipped ?? [])];
    record.timings = { ...outcome.timings };
    record.outputs = plainOutputs(record.id, outcome.outputs, converted);
    record.errors = outcome.errors.map(plainError);
    const dropped = store.put(record);
    await persistThen(() => {
      if (dropped.length > 0) listeners.emit('removed', dropped);
      listeners.emit('finished', copy(record));
    });
  }

  function progressSoFar(record: RunRecord): Omit<RunOutcome, 'status' | 'errors'> {
    return { executed: record.executed, cached: record.cached, outputs: record.outputs, timings: record.timings, skipped: record.skipped };
  }

  /** Keeps the record's progress current (written lazily), so a crash still knows what finished. */
  function onRunEvent(record: RunRecord, event: RunEvent, converted: ConvertedUi): void {
    if (record.status === 'running' && !storeClosed) {
      let touched = false;
      if (event.type === 'node_output') {
        if (event.cached) touched = addOnce(record.cached, event.nodeId) || touched;
        else {
          touched = addOnce(record.executed, event.nodeId) || touched;
          record.timings[event.nodeId] = event.durationMs;
          touched = true;
        }
        if (event.ui) {
          const ui = plainUi(record.id, event.nodeId, event.ui);
          if (ui) {
            record.outputs[event.nodeId] = ui;
            converted.set(event.nodeId, { source: event.ui, plain: ui });
          }
          touched = true;
        }
      } else if (event.type === 'node_cached') {
        for (const nodeId of event.nodeIds) touched = addOnce(record.cached, nodeId) || touched;
      }
      if (touched) store.put(record);
    }
    listeners.emit('run', event);
  }

  function plainUi(runId: string, nodeId: string, ui: unknown): RunRecord['outputs'][string] | undefined {
    const parsed = UiResultSchema.safeParse(jsonCopy(ui));
    if (parsed.success) return parsed.data;
    log.warn({ runId, nodeId, problem: z.prettifyError(parsed.error) }, 'a node ui result is not storable; left out of the run record');
    return undefined;
  }

  /** The outcome's ui results as stored; one already converted when its node reported it is not converted again. */
  function plainOutputs(runId: string, outputs: RunOutcome['outputs'], converted: ConvertedUi): RunRecord['outputs'] {
    const result: RunRecord['outputs'] = {};
    for (const [nodeId, ui] of Object.entries(outputs)) {
      const earlier = converted.get(nodeId);
      const plain = earlier !== undefined && earlier.source === ui ? earlier.plain : plainUi(runId, nodeId, ui);
      if (plain) result[nodeId] = plain;
    }
    return result;
  }

  async function submitParsed(input: SubmitInput): Promise<RunRecord> {
    // 'unavailable' (503, retryable): a submission that raced the server's own closing check gets the same answer.
    if (closing) throw new SwitchyardError('unavailable', 'the queue is shutting down; submit again once it is back', {});
    // A workflow the engine validated is not parsed again (the options schema leaves it out); anything else is checked in full.
    const trusted = isValidated(input.workflow) ? input.workflow : undefined;
    const parsed = trusted ? SubmitOptionsSchema.safeParse(input) : SubmitInputSchema.safeParse(input);
    if (!parsed.success) throw new SwitchyardError('invalid_input', `invalid submission: ${z.prettifyError(parsed.error)}`, { issues: parsed.error.issues });
    const data = parsed.data as SubmitOptions;
    const workflow = trusted ?? (parsed.data as SubmitData).workflow;
    if (data.id !== undefined && store.get(data.id)) throw new SwitchyardError('invalid_input', `run id ${data.id} is already in use`, { id: data.id });
    let priority = data.priority;
    if (data.front) priority = Math.max(priority, (pending.highestPriority() ?? -Infinity) + 1);
    const record: RunRecord = {
      id: data.id ?? randomUUID(),
      number: store.takeNumber(),
      status: 'queued',
      priority,
      workflow,
      saved: data.saved,
      name: data.name,
      params: data.params,
      targets: data.targets,
      clientId: data.clientId,
      extra: data.extra,
      requeuedFrom: data.requeuedFrom,
      submittedAt: Date.now(),
      executed: [],
      cached: [],
      skipped: [],
      outputs: {},
      errors: [],
      timings: {},
    };
    freezeFixedParts(record);
    store.put(record);
    try {
      await store.commit();
    } catch (error) {
      // Not on disk, so not accepted: it must not run later either.
      if (!storeClosed) store.delete([record.id]);
      throw error;
    }
    // Cancelled while its write was in flight: it stays in history as cancelled.
    if (record.status === 'queued') pending.add(record);
    listeners.emit('queued', copy(record));
    schedulePump();
    return copy(record);
  }

  function statusFilter(status: ListQuery['status']): Set<RunStatus> | undefined {
    if (status === undefined) return undefined;
    const list = typeof status === 'string' ? [status] : status;
    const parsed = z.array(RunStatusSchema).safeParse(list);
    if (!parsed.success) throw new SwitchyardError('invalid_input', `unknown run status in ${JSON.stringify(list)}; known: ${RunStatusSchema.options.join(', ')}`, { status: list });
    return new Set(parsed.data);
  }

  function count(name: string, value: number | undefined, fallback: number): number {
    const result = value ?? fallback;
    if (!Number.isSafeInteger(result) || result < 0) throw new SwitchyardError('invalid_input', `${name} must be a non-negative integer, got ${String(value)}`, { [name]: value });
    return result;
  }

  async function removeFromHistory(ids: readonly string[]): Promise<string[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) {
      throw new SwitchyardError('invalid_input', 'history deletion takes a list of run ids', { ids });
    }
    const removable = ids.filter((id) => {
      const record = store.get(id);
      return record !== undefined && isFinished(record.status);
    });
    const removed = store.delete(removable);
    if (removed.length > 0) await persistThen(() => listeners.emit('removed', removed));
    return removed;
  }

  async function waitForRunning(ms: number): Promise<void> {
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    try {
      await Promise.race([Promise.all([...running.values()].map((active) => active.done)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    submit: submitParsed,

    async get(id) {
      const record = store.get(id);
      return record && copy(record);
    },

    async list(query = {}) {
      const statuses = statusFilter(query.status);
      const limit = count('limit', query.limit, DEFAULT_LIST_LIMIT);
      const offset = count('offset', query.offset, 0);
      const matching: RunRecord[] = [];
      for (const record of store.records()) if (!statuses || statuses.has(record.status)) matching.push(record);
      matching.sort(compareListOrder);
      return { items: matching.slice(offset, offset + limit).map(copy), total: matching.length };
    },

    async counts() {
      return { queued: pending.size, running: running.size, finished: store.finishedCount() };
    },

    async cancel(id) {
      const record = found(id);
      if (record.status === 'running') {
        running.get(id)?.controller.abort(new SwitchyardError('interrupted', `run ${id} was cancelled`, { runId: id }));
        return 'interrupting';
      }
      if (record.status !== 'queued') return 'already_finished';
      if (storeClosed) throw new SwitchyardError('not_available', 'the queue is closed', {});
      pending.remove(id);
      record.status = 'cancelled';
      record.finishedAt = Date.now();
      const dropped = store.put(record);
      await persistThen(() => {
        if (dropped.length > 0) listeners.emit('removed', dropped);
        listeners.emit('finished', copy(record));
      });
      return 'cancelled';
    },

    async interrupt(id) {
      const ids = id === undefined ? [...running.keys()] : running.has(id) ? [id] : [];
      for (const runId of ids) running.get(runId)?.controller.abort(new SwitchyardError('interrupted', `run ${runId} was interrupted`, { runId }));
      return ids;
    },

    async requeue(id, requeueOptions = {}) {
      const record = found(id);
      if (!isFinished(record.status)) {
        throw new SwitchyardError('invalid_input', `run ${id} is ${record.status}; only a finished run can be queued again`, { id, status: record.status });
      }
      return submitParsed({
        workflow: record.workflow,
        saved: record.saved,
        name: record.name,
        params: record.params,
        targets: record.targets,
        clientId: record.clientId,
        extra: record.extra,
        priority: requeueOptions.priority ?? record.priority,
        front: requeueOptions.front ?? false,
        requeuedFrom: id,
      });
    },

    async clearHistory() {
      const ids: string[] = [];
      for (const record of store.records()) if (isFinished(record.status)) ids.push(record.id);
      return removeFromHistory(ids);
    },

    deleteHistory: removeFromHistory,

    async position(id) {
      return pending.position(id);
    },

    on: listeners.on,

    async start() {
      if (closing) throw new SwitchyardError('not_available', 'the queue is closed', {});
      started = true;
      schedulePump();
    },

    close(closeOptions = {}) {
      closed ??= (async () => {
        closing = true;
        if (pumpScheduled !== undefined) clearImmediate(pumpScheduled);
        pumpScheduled = undefined;
        await waitForRunning(closeOptions.timeoutMs ?? closeTimeoutMs);
        if (running.size > 0) {
          log.warn({ runs: [...running.keys()] }, 'interrupting runs still executing at close');
          for (const [runId, active] of running) active.controller.abort(new SwitchyardError('interrupted', `run ${runId} was interrupted: the queue is closing`, { runId }));
          await waitForRunning(closeGraceMs);
        }
        const stuck: RunRecord[] = [];
        for (const runId of running.keys()) {
          const record = store.get(runId);
          if (!record || record.status !== 'running') continue;
          record.status = 'interrupted';
          record.finishedAt = Date.now();
          record.errors.push({ code: 'interrupted', message: 'the queue closed before this run stopped', details: {} });
          store.put(record);
          stuck.push(record);
        }
        storeClosed = true;
        await store.close();
        for (const record of stuck) listeners.emit('finished', copy(record));
      })();
      return closed;
    },
  };
}

/**
 * A record for a caller or a listener: what changes as the run goes (status, progress, outputs,
 * errors) is copied, so changing the copy changes nothing in the queue; the parts fixed at
 * submission (workflow, saved workflow, params, extra, targets) are frozen and shared — a deep
 * clone of the workflow for every event was the biggest cost of a submission.
 */
function copy(record: RunRecord): RunRecord {
  return {
    ...record,
    executed: [...record.executed],
    cached: [...record.cached],
    skipped: [...record.skipped],
    outputs: isEmpty(record.outputs) ? {} : cloneJson(record.outputs),
    errors: record.errors.length === 0 ? [] : cloneJson(record.errors),
    timings: { ...record.timings },
  };
}

/**
 * A deep copy of JSON data (what outputs and errors are: plainUi and plainError made them so),
 * several times cheaper than structuredClone for these small values.
 */
function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = cloneJson((value as Record<string, unknown>)[key]);
    // JSON can hold a "__proto__" key; assigning it would set the copy's prototype instead.
    if (key === '__proto__') Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
    else result[key] = item;
  }
  return result as T;
}

function isEmpty(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/** Deep-freezes what never changes after submission, so copies can share it (see `copy`). */
function freezeFixedParts(record: RunRecord): void {
  for (const part of [record.workflow, record.saved, record.params, record.extra, record.targets]) deepFreeze(part);
}

function deepFreeze(value: unknown): void {
  // Typed arrays cannot be frozen (and JSON never holds them); frozen values are done already.
  if (value === null || typeof value !== 'object' || Object.isFrozen(value) || ArrayBuffer.isView(value)) return;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) if (item !== null && typeof item === 'object') deepFreeze(item);
    return;
  }
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === 'object') deepFreeze(inner);
  }
}

function addOnce(list: string[], item: string): boolean {
  if (list.includes(item)) return false;
  list.push(item);
  return true;
}

/** A JSON-clean copy (what the store can write); values JSON cannot hold become undefined. */
function jsonCopy(value: unknown): unknown {
  // Node results are nearly always plain JSON data already: copied directly, without a text round trip.
  const plain = copyPlainJson(value, 0);
  if (plain !== NOT_PLAIN) return plain;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

const NOT_PLAIN = Symbol('not plain JSON');
/** Past this depth a value is left to JSON (which also reports cycles). */
const PLAIN_DEPTH = 64;

/**
 * A deep copy of `value` when it is plain JSON data — what a JSON round trip gives back
 * unchanged: strings, booleans, null, finite numbers other than -0, arrays of those without
 * holes, plain objects of those without `toJSON` or `__proto__` keys — else NOT_PLAIN.
 */
function copyPlainJson(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object': {
      if (value === null) return null;
      if (depth >= PLAIN_DEPTH) return NOT_PLAIN;
      if (Array.isArray(value)) {
        const result: unknown[] = [];
        for (let index = 0; index < value.length; index++) {
          // A hole reads as undefined, which is not plain.
          const item = copyPlainJson(value[index], depth + 1);
          if (item === NOT_PLAIN) return NOT_PLAIN;
          result.push(item);
        }
        return result;
      }
      const prototype = Object.getPrototypeOf(value) as unknown;
      if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) return NOT_PLAIN;
      const result: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (key === '__proto__') return NOT_PLAIN;
        const item = copyPlainJson((value as Record<string, unknown>)[key], depth + 1);
        if (item === NOT_PLAIN) return NOT_PLAIN;
        result[key] = item;
      }
      return result;
    }
    default:
      return NOT_PLAIN;
  }
}

function plainError(error: RunOutcome['errors'][number]): RunError {
  const details = jsonCopy(error.details);
  const parsed = RunErrorSchema.safeParse({ ...error, details: details && typeof details === 'object' ? details : {} });
  return parsed.success ? parsed.data : { code: 'internal', message: String(error.message), details: {} };
}
