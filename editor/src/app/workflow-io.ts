/**
 * The current graph as a saved workflow (litegraph's 0.4 serialisation plus our
 * `extra.switchyard` marker, which tells the server the values keyed by name are ours), and
 * opening a workflow of either format into the graph. Node types nobody knows become
 * "missing" nodes before litegraph reads the file, so they load, show, and save unchanged.
 */
import type { LGraph } from '@comfyorg/litegraph';
import { registerUnknownTypes, type NodeCatalog } from '../graph/node-types.js';
import { apiNodes, apiToSaved } from './api-to-saved.js';

export const WORKFLOW_SCHEMA_VERSION = 1;

export interface LoadReport {
  format: 'saved' | 'api';
  nodes: number;
  /** Types neither the server nor an alias knows. */
  missing: string[];
}

export function savedWorkflow(graph: LGraph): Record<string, unknown> {
  const data = structuredClone(graph.serialize()) as unknown as Record<string, unknown>;
  const extra = (typeof data.extra === 'object' && data.extra !== null ? data.extra : {}) as Record<string, unknown>;
  data.extra = { ...extra, switchyard: { schemaVersion: WORKFLOW_SCHEMA_VERSION } };
  return data;
}

function isSaved(data: unknown): data is { nodes: { type?: unknown }[] } {
  return typeof data === 'object' && data !== null && Array.isArray((data as { nodes?: unknown }).nodes);
}

export class WorkflowFormatError extends Error {
  override name = 'WorkflowFormatError';
}

/** Which format `data` is in, or undefined when it is not a workflow at all. */
export function workflowFormat(data: unknown): LoadReport['format'] | undefined {
  if (isSaved(data)) return 'saved';
  return apiNodes(data) ? 'api' : undefined;
}

/** Replaces the graph's content with `data` (saved or API format). */
export function loadWorkflow(graph: LGraph, data: unknown, catalog: NodeCatalog): LoadReport {
  let saved: { nodes: { type?: unknown }[] };
  let format: LoadReport['format'];
  if (isSaved(data)) {
    saved = data;
    format = 'saved';
  } else {
    const nodes = apiNodes(data);
    if (!nodes) throw new WorkflowFormatError('this is not a workflow: expected a saved workflow ({nodes: [...], links: [...]}) or the API format ({nodes: {"<id>": {type, inputs}}})');
    saved = apiToSaved(nodes, catalog) as unknown as typeof saved;
    format = 'api';
  }
  const types = new Set(saved.nodes.map((node) => String(node.type ?? '')).filter(Boolean));
  const missing = registerUnknownTypes([...types].filter((type) => !catalog.byType.has(type) && !catalog.aliases.has(type)));
  graph.configure(structuredClone(saved) as Parameters<LGraph['configure']>[0]);
  return { format, nodes: saved.nodes.length, missing };
}
