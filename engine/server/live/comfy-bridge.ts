/**
 * Our run events in ComfyUI's `/ws` vocabulary. Listens to the queue and, for every run that
 * a client id submitted, turns executor events into ComfyUI messages for that client:
 *
 *   run_started      → execution_start, then execution_cached {nodes: []}
 *   node_cached      → execution_cached (every cached node so far)
 *   node_started     → executing {node}
 *   progress         → progress {value, max}
 *   preview          → binary JPEG frame (at most 4 per second per node)
 *   node_output + ui → executed {node, output}
 *   run_finished     → execution_success
 *   run_failed       → execution_error (the first failure)
 *   run_interrupted  → execution_interrupted
 *   queue `finished` (history written) → executing {node: null}
 *
 * As in ComfyUI, `executing {node: null}` comes last, once the run's history entry exists, so a
 * script that waits for it can fetch `/history/<id>` at once. A node's errors are kept until the
 * run ends: ComfyUI stops at the first failure, ours lets independent branches finish, and the
 * one `execution_error` then tells the client the prompt is over. Messages of one run leave in
 * order even while a preview is being encoded. Runs without a client id produce nothing.
 */
import type { Logger } from '../../nodes/context.js';
import type { RunEvent } from '../../execute/events.js';
import type { RunQueue, RunRecord } from '../../queue/types.js';
import { comfyTimestamp, executionErrorData, executionInterruptedData, failureFromRunError, type FailureInfo } from '../comfy/messages.js';
import { previewFrame, previewPixels } from './comfy-preview.js';

/** Where the bridge's messages go: the sockets of a client id. */
export interface ComfyOutlet {
  /** Whether any socket of this client is connected (nothing is built for nobody). */
  has(clientId: string): boolean;
  /** Text (a JSON message) or a binary frame to every socket of the client; never throws. */
  send(clientId: string, message: string | Buffer): void;
  /** False while one of the client's sockets is backed up: previews are dropped, not queued. */
  canTakePreview(clientId: string): boolean;
}

export interface ComfyBridge {
  /** The node a client's running prompt is executing now (told to a socket that reconnects). */
  currentNode(clientId: string): { promptId: string; nodeId: string } | undefined;
  dispose(): void;
}

/** At most one preview frame per node per this many milliseconds. */
export const PREVIEW_INTERVAL_MS = 250;

interface RunState {
  id: string;
  clientId: string;
  executed: string[];
  cached: string[];
  /** Nodes started and not finished, with their types. */
  running: Map<string, string>;
  failure?: FailureInfo;
  /** The run's closing message (success, error, interrupted) was sent. */
  closed: boolean;
  previewAt: Map<string, number>;
  previewBusy: Set<string>;
  /** Messages wait here behind a preview being encoded, so the order holds. */
  outbox: Promise<void>;
  waiting: number;
}

export function createComfyBridge(queue: RunQueue, outlet: ComfyOutlet, log: Logger): ComfyBridge {
  const states = new Map<string, RunState>();

  function deliver(state: RunState, message: string | Buffer): void {
    if (state.waiting === 0) {
      outlet.send(state.clientId, message);
      return;
    }
    state.waiting += 1;
    state.outbox = state.outbox.then(() => {
      state.waiting -= 1;
      outlet.send(state.clientId, message);
    });
  }

  function emit(state: RunState, type: string, data: Record<string, unknown>): void {
    if (!outlet.has(state.clientId)) return;
    deliver(state, JSON.stringify({ type, data }));
  }

  function preview(state: RunState, event: Extract<RunEvent, { type: 'preview' }>): void {
    if (!outlet.has(state.clientId)) return;
    const now = Date.now();
    const last = state.previewAt.get(event.nodeId);
    if ((last !== undefined && now - last < PREVIEW_INTERVAL_MS) || state.previewBusy.has(event.nodeId) || !outlet.canTakePreview(state.clientId)) return;
    const pixels = previewPixels(event.image);
    if (!pixels) return;
    state.previewAt.set(event.nodeId, now);
    state.previewBusy.add(event.nodeId);
    const frame = previewFrame(pixels).catch((error: unknown) => {
      log.warn({ err: error, runId: state.id, nodeId: event.nodeId }, 'a preview could not be encoded; skipped');
      return undefined;
    });
    state.waiting += 1;
    state.outbox = state.outbox.then(() => frame).then((encoded) => {
      state.waiting -= 1;
      state.previewBusy.delete(event.nodeId);
      if (encoded) outlet.send(state.clientId, encoded);
    });
  }

  function firstRunning(state: RunState): { nodeId: string; nodeType: string } | undefined {
    for (const [nodeId, nodeType] of state.running) return { nodeId, nodeType };
    return undefined;
  }

  function onRunEvent(event: RunEvent): void {
    const state = states.get(event.runId);
    if (!state) return;
    const promptId = state.id;
    switch (event.type) {
      case 'run_started':
        emit(state, 'execution_start', { prompt_id: promptId, timestamp: comfyTimestamp() });
        // ComfyUI follows with the cached nodes at once; ours are found as the run goes, so this
        // first list is empty and each later one repeats every cached node so far.
        emit(state, 'execution_cached', { nodes: [], prompt_id: promptId, timestamp: comfyTimestamp() });
        break;
      case 'node_cached':
        state.cached.push(...event.nodeIds);
        emit(state, 'execution_cached', { nodes: [...state.cached], prompt_id: promptId, timestamp: comfyTimestamp() });
        break;
      case 'node_started':
        state.running.set(event.nodeId, event.nodeType);
        emit(state, 'executing', { node: event.nodeId, display_node: event.nodeId, prompt_id: promptId });
        break;
      case 'progress':
        emit(state, 'progress', { value: event.done, max: event.total, prompt_id: promptId, node: event.nodeId });
        break;
      case 'preview':
        preview(state, event);
        break;
      case 'node_output':
        state.running.delete(event.nodeId);
        if (!event.cached) state.executed.push(event.nodeId);
        if (event.ui !== undefined) emit(state, 'executed', { node: event.nodeId, display_node: event.nodeId, output: event.ui, prompt_id: promptId });
        break;
      case 'node_error':
        state.running.delete(event.nodeId);
        state.failure ??= { nodeId: event.nodeId, nodeType: event.nodeType, code: event.code, message: event.message, inputs: event.inputs, stack: event.stack };
        break;
      case 'run_finished':
        state.closed = true;
        emit(state, 'execution_success', { prompt_id: promptId, timestamp: comfyTimestamp() });
        break;
      case 'run_failed': {
        state.closed = true;
        const first = event.errors[0];
        const failure = state.failure ?? (first ? { nodeId: first.nodeId, nodeType: first.nodeType, code: first.code, message: first.message } : { code: 'internal', message: 'the run failed' });
        emit(state, 'execution_error', { ...executionErrorData(promptId, failure, event.executed, [...event.executed, ...event.cached]) });
        break;
      }
      case 'run_interrupted':
        state.closed = true;
        emit(state, 'execution_interrupted', { ...executionInterruptedData(promptId, firstRunning(state), state.executed) });
        break;
    }
  }

  function onStarted(record: RunRecord): void {
    if (record.clientId === undefined) return;
    states.set(record.id, {
      id: record.id, clientId: record.clientId, executed: [], cached: [], running: new Map(), closed: false,
      previewAt: new Map(), previewBusy: new Set(), outbox: Promise.resolve(), waiting: 0,
    });
  }

  /** The history entry is written: close the run for its client (ComfyUI's `executing {node: null}`). */
  function onFinished(record: RunRecord): void {
    const state = states.get(record.id);
    if (!state) return;
    states.delete(record.id);
    if (!state.closed) {
      // The run ended without its executor's closing event (it failed outside its nodes, or the queue closed).
      if (record.status === 'error') {
        const first = record.errors[0];
        const failure = state.failure ?? (first ? failureFromRunError(first) : { code: 'internal', message: 'the run failed' });
        emit(state, 'execution_error', { ...executionErrorData(record.id, failure, record.executed, [...record.executed, ...record.cached]) });
      } else if (record.status === 'interrupted' || record.status === 'cancelled') {
        emit(state, 'execution_interrupted', { ...executionInterruptedData(record.id, firstRunning(state), record.executed) });
      } else if (record.status === 'success') {
        emit(state, 'execution_success', { prompt_id: record.id, timestamp: comfyTimestamp() });
      }
    }
    emit(state, 'executing', { node: null, display_node: null, prompt_id: record.id });
  }

  const unsubscribe = [queue.on('started', onStarted), queue.on('run', onRunEvent), queue.on('finished', onFinished)];

  return {
    currentNode(clientId) {
      for (const state of states.values()) {
        if (state.clientId !== clientId) continue;
        const node = firstRunning(state);
        if (node) return { promptId: state.id, nodeId: node.nodeId };
      }
      return undefined;
    },
    dispose() {
      for (const off of unsubscribe) off();
      states.clear();
    },
  };
}
