/**
 * Run records in ComfyUI's shapes: a queue item `[number, prompt_id, prompt, extra_data,
 * outputs_to_execute]` and a history entry `{prompt, outputs, status: {status_str, completed,
 * messages}, meta}`.
 *
 * The prompt is rebuilt from the run's validated workflow, so it carries our canonical node
 * types and input names (a prompt sent with `SaveImage` comes back as `image.save`; both names
 * are accepted when it is submitted again). The saved editor workflow is not stored twice: it
 * lives in the record's `saved` and is put back under `extra_data.extra_pnginfo.workflow`, where
 * ComfyUI's editor looks for it.
 */
import type { NodeRegistry } from '../../nodes/registry.js';
import { isLink } from '../../graph/api-format.js';
import type { RunRecord } from '../../queue/types.js';
import { comfyTimestamp, executionErrorData, executionInterruptedData, failureFromRunError } from './messages.js';

export interface ComfyPromptNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta: { title: string };
}

export type ComfyQueueItem = [number, string, Record<string, ComfyPromptNode>, Record<string, unknown>, string[]];

export interface ComfyHistoryEntry {
  prompt: ComfyQueueItem;
  outputs: RunRecord['outputs'];
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, Record<string, unknown>][] };
  meta: Record<string, { node_id: string; display_node: string; parent_node: null; real_node_id: string }>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A literal list is wrapped as ComfyUI does, so it is not read back as a link. */
function comfyInputValue(value: unknown): unknown {
  return Array.isArray(value) && !isLink(value) ? { __value__: value } : value;
}

export function comfyPrompt(record: RunRecord, registry: NodeRegistry): Record<string, ComfyPromptNode> {
  const prompt: Record<string, ComfyPromptNode> = {};
  for (const [id, node] of Object.entries(record.workflow.nodes)) {
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.inputs)) inputs[name] = comfyInputValue(value);
    prompt[id] = { class_type: node.type, inputs, _meta: { title: node.title ?? registry.get(node.type)?.title ?? node.type } };
  }
  return prompt;
}

/** What the client attached (`extra_data`), with its client id and the saved workflow put back. */
export function comfyExtraData(record: RunRecord): Record<string, unknown> {
  const extra: Record<string, unknown> = { ...record.extra };
  if (record.clientId !== undefined && extra.client_id === undefined) extra.client_id = record.clientId;
  if (record.saved !== undefined) {
    const pngInfo = isRecord(extra.extra_pnginfo) ? extra.extra_pnginfo : {};
    extra.extra_pnginfo = { ...pngInfo, workflow: record.saved };
  }
  return extra;
}

/** The output nodes the run executes: its targets, or every output node of its workflow. */
export function outputsToExecute(record: RunRecord, registry: NodeRegistry): string[] {
  if (record.targets !== undefined && record.targets.length > 0) return [...record.targets];
  return Object.entries(record.workflow.nodes).filter(([, node]) => registry.get(node.type)?.output === true).map(([id]) => id);
}

export function comfyQueueItem(record: RunRecord, registry: NodeRegistry): ComfyQueueItem {
  return [record.number, record.id, comfyPrompt(record, registry), comfyExtraData(record), outputsToExecute(record, registry)];
}

function statusMessages(record: RunRecord): [string, Record<string, unknown>][] {
  const messages: [string, Record<string, unknown>][] = [];
  const promptId = record.id;
  if (record.startedAt !== undefined) {
    messages.push(['execution_start', { prompt_id: promptId, timestamp: comfyTimestamp(record.startedAt) }]);
    messages.push(['execution_cached', { nodes: [...record.cached], prompt_id: promptId, timestamp: comfyTimestamp(record.startedAt) }]);
  }
  const at = record.finishedAt ?? Date.now();
  const finished = [...record.executed, ...record.cached];
  switch (record.status) {
    case 'success':
      messages.push(['execution_success', { prompt_id: promptId, timestamp: comfyTimestamp(at) }]);
      break;
    case 'error': {
      const first = record.errors[0] ?? { code: 'internal' as const, message: 'the run failed', details: {} };
      messages.push(['execution_error', { ...executionErrorData(promptId, failureFromRunError(first), record.executed, finished, at) }]);
      break;
    }
    case 'interrupted':
    case 'cancelled':
      messages.push(['execution_interrupted', { ...executionInterruptedData(promptId, undefined, record.executed, at) }]);
      break;
    default:
      break;
  }
  return messages;
}

/** A finished run as a `/history` entry. */
export function comfyHistoryEntry(record: RunRecord, registry: NodeRegistry): ComfyHistoryEntry {
  const meta: ComfyHistoryEntry['meta'] = {};
  for (const nodeId of Object.keys(record.outputs)) meta[nodeId] = { node_id: nodeId, display_node: nodeId, parent_node: null, real_node_id: nodeId };
  return {
    prompt: comfyQueueItem(record, registry),
    outputs: record.outputs,
    status: { status_str: record.status === 'success' ? 'success' : 'error', completed: record.status === 'success', messages: statusMessages(record) },
    meta,
  };
}
