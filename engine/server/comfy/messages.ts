/**
 * ComfyUI's execution messages (`execution_start`, `execution_error`, …) as plain data builders.
 * The `/ws` bridge sends them live; `/history` rebuilds the same messages from a run record
 * for its `status.messages`. One place for their field names keeps the two in agreement.
 */
import type { RunError } from '../../queue/types.js';

/** ComfyUI stamps messages with integer epoch milliseconds. */
export function comfyTimestamp(at: number = Date.now()): number {
  return Math.trunc(at);
}

/** A failure as the bridge and the history know it. */
export interface FailureInfo {
  nodeId?: string;
  nodeType?: string;
  code: string;
  message: string;
  inputs?: Record<string, string>;
  stack?: string;
}

export interface ExecutionErrorData {
  prompt_id: string;
  node_id: string | null;
  node_type: string | null;
  executed: string[];
  exception_message: string;
  /** Our stable error code stands where ComfyUI puts the Python exception class. */
  exception_type: string;
  traceback: string[];
  current_inputs: Record<string, string[]>;
  current_outputs: string[];
  timestamp: number;
}

export function executionErrorData(promptId: string, failure: FailureInfo, executed: readonly string[], finished: readonly string[], at?: number): ExecutionErrorData {
  const inputs: Record<string, string[]> = {};
  for (const [name, description] of Object.entries(failure.inputs ?? {})) inputs[name] = [description];
  return {
    prompt_id: promptId,
    node_id: failure.nodeId ?? null,
    node_type: failure.nodeType ?? null,
    executed: [...executed],
    exception_message: failure.message,
    exception_type: failure.code,
    traceback: failure.stack ? failure.stack.split('\n') : [],
    current_inputs: inputs,
    current_outputs: [...finished],
    timestamp: comfyTimestamp(at),
  };
}

export interface ExecutionInterruptedData {
  prompt_id: string;
  node_id: string | null;
  node_type: string | null;
  executed: string[];
  timestamp: number;
}

export function executionInterruptedData(promptId: string, node: { nodeId: string; nodeType: string } | undefined, executed: readonly string[], at?: number): ExecutionInterruptedData {
  return { prompt_id: promptId, node_id: node?.nodeId ?? null, node_type: node?.nodeType ?? null, executed: [...executed], timestamp: comfyTimestamp(at) };
}

export function failureFromRunError(error: RunError): FailureInfo {
  return { nodeId: error.nodeId, nodeType: error.nodeType, code: error.code, message: error.message, inputs: error.inputs, stack: error.stack };
}
