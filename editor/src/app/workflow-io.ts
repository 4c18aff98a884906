/**
 * The current graph as a saved workflow (litegraph's 0.4 serialisation plus our
 * `extra.switchyard` marker, which tells the server the values keyed by name are ours), and
 * opening a workflow of either format into the graph. Node types nobody knows become
 * "missing" nodes before litegraph reads the file, so they load, show, and save unchanged.
 * ComfyUI subgraphs (`definitions.subgraphs`) are kept as the file has them, their instances
 * shown as "subgraph" nodes, and saved (and sent to run: the server expands them) with the
 * definitions the graph still uses; other `definitions` fields are kept as they were.
 */
import type { LGraph } from '@comfyorg/litegraph';
import { VIRTUAL_TYPES } from '../graph/foreign-node.js';
import { registerSubgraphTypes, registerUnknownTypes, type NodeCatalog } from '../graph/node-types.js';
import { setPromotedWidgetLookup } from '../graph/subgraph-widgets.js';
import type { NodeInputDescription } from '../wire.js';
import { apiNodes, apiToSaved } from './api-to-saved.js';

export const WORKFLOW_SCHEMA_VERSION = 1;

export interface LoadReport {
  format: 'saved' | 'api';
  nodes: number;
  /** Types neither the server nor an alias knows. */
  missing: string[];
}

/** A subgraph definition as the file holds it (only the fields read here are typed). */
interface SubgraphDefinition {
  id: string;
  name?: unknown;
  /** Read defensively: a file may hold anything here. */
  nodes?: unknown;
  links?: unknown;
}

/**
 * Every subgraph definition this page has opened, by id (ids are UUIDs). Page-wide, not per
 * tab: an instance copied into another tab still finds its definition.
 */
const knownSubgraphs = new Map<string, SubgraphDefinition>();
/** Other `definitions` fields of the file each graph shows, kept as they were. */
const otherDefinitionsOf = new WeakMap<LGraph, Record<string, unknown>>();

/** litegraph's id of a subgraph's input side, where links from its inputs start. */
const SUBGRAPH_INPUT_ID = -10;

/** `[id, origin_id, origin_slot, target_id, target_slot]` of a link written as an array or an object. */
function linkEnds(link: unknown): { origin: unknown; originSlot: unknown; target: unknown; targetSlot: unknown } | undefined {
  if (Array.isArray(link)) return { origin: link[1], originSlot: link[2], target: link[3], targetSlot: link[4] };
  if (typeof link !== 'object' || link === null) return undefined;
  const { origin_id: origin, origin_slot: originSlot, target_id: target, target_slot: targetSlot } = link as Record<string, unknown>;
  return { origin, originSlot, target, targetSlot };
}

/**
 * The widget input that input `slot` of a subgraph feeds inside (subgraph-widgets.ts): the first
 * inner widget input linked to it, described as the server describes that node's input (through
 * its ComfyUI alias and renames), or through a nested subgraph's own promoted widget.
 */
function promotedInputIn(catalog: NodeCatalog, subgraphId: string, slot: number, depth = 0): NodeInputDescription | undefined {
  const definition = knownSubgraphs.get(subgraphId);
  if (!definition || depth > 8) return undefined;
  const links = Array.isArray(definition.links) ? definition.links : [];
  const nodes = Array.isArray(definition.nodes) ? definition.nodes.filter(isRecord) : [];
  for (const link of links) {
    const ends = linkEnds(link);
    if (!ends || Number(ends.origin) !== SUBGRAPH_INPUT_ID || ends.originSlot !== slot || typeof ends.targetSlot !== 'number') continue;
    const inner = nodes.find((node) => String(node.id) === String(ends.target));
    const slotInput: unknown = Array.isArray(inner?.inputs) ? inner.inputs[ends.targetSlot] : undefined;
    const widgetName = isRecord(slotInput) && isRecord(slotInput.widget) ? slotInput.widget.name : undefined;
    if (typeof inner?.type !== 'string' || typeof widgetName !== 'string') continue;
    if (knownSubgraphs.has(inner.type)) return promotedInputIn(catalog, inner.type, ends.targetSlot, depth + 1);
    const native = catalog.aliases.get(inner.type) ?? inner.type;
    const description = catalog.byType.get(native);
    const ours = description?.alias_details.find((alias) => alias.type === inner.type)?.input_renames[widgetName] ?? widgetName;
    const input = description?.inputs.find((candidate) => candidate.name === ours && candidate.widget);
    if (input) return input;
  }
  return undefined;
}

function subgraphDefinitions(data: unknown): SubgraphDefinition[] {
  const list = (data as { definitions?: { subgraphs?: unknown } } | null)?.definitions?.subgraphs;
  if (!Array.isArray(list)) return [];
  return list.filter((entry): entry is SubgraphDefinition => typeof entry === 'object' && entry !== null && typeof (entry as { id?: unknown }).id === 'string');
}

/** The definitions that `nodes` instance, directly or through other subgraphs. */
function usedDefinitions(nodes: readonly { type?: unknown }[], definitions: readonly SubgraphDefinition[]): SubgraphDefinition[] {
  const byId = new Map(definitions.map((definition) => [definition.id, definition]));
  const used = new Set<string>();
  const visit = (list: readonly { type?: unknown }[] | undefined) => {
    for (const node of list ?? []) {
      const definition = isRecord(node) && typeof node.type === 'string' ? byId.get(node.type) : undefined;
      if (!definition || used.has(definition.id)) continue;
      used.add(definition.id);
      visit(Array.isArray(definition.nodes) ? definition.nodes : undefined);
    }
  };
  visit(nodes);
  return definitions.filter((definition) => used.has(definition.id));
}

export function savedWorkflow(graph: LGraph): Record<string, unknown> {
  const data = structuredClone(graph.serialize()) as unknown as Record<string, unknown>;
  const extra = (typeof data.extra === 'object' && data.extra !== null ? data.extra : {}) as Record<string, unknown>;
  data.extra = { ...extra, switchyard: { schemaVersion: WORKFLOW_SCHEMA_VERSION } };
  const subgraphs = usedDefinitions((data.nodes as { type?: unknown }[] | undefined) ?? [], [...knownSubgraphs.values()]);
  const definitions: Record<string, unknown> = { ...otherDefinitionsOf.get(graph) };
  if (subgraphs.length > 0) definitions.subgraphs = structuredClone(subgraphs);
  if (Object.keys(definitions).length > 0) data.definitions = definitions;
  else delete data.definitions;
  return data;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  // A subgraph id that names a node type would take that type over: the server ignores such a
  // definition, and so does the editor.
  const isNodeType = (id: string) => catalog.byType.has(id) || catalog.aliases.has(id) || VIRTUAL_TYPES.has(id);
  const definitions = subgraphDefinitions(saved).filter((definition) => !isNodeType(definition.id));
  setPromotedWidgetLookup((subgraphId, slot) => promotedInputIn(catalog, subgraphId, slot));
  for (const definition of definitions) knownSubgraphs.set(definition.id, structuredClone(definition));
  registerSubgraphTypes(definitions.map((definition) => ({ id: definition.id, name: typeof definition.name === 'string' && definition.name ? definition.name : definition.id })));
  const types = new Set(saved.nodes.map((node) => String(node.type ?? '')).filter(Boolean));
  const missing = registerUnknownTypes([...types].filter((type) => !knownSubgraphs.has(type) && !catalog.byType.has(type) && !catalog.aliases.has(type)));
  // litegraph would build the subgraphs itself, but only instances of its own subgraph nodes
  // would keep them: the definitions stay here (knownSubgraphs), as the file has them.
  const copy = structuredClone(saved) as Record<string, unknown>;
  const { subgraphs: _subgraphs, ...otherDefinitions } = isRecord(copy.definitions) ? copy.definitions : {};
  delete copy.definitions;
  graph.configure(copy as unknown as Parameters<LGraph['configure']>[0]);
  otherDefinitionsOf.set(graph, otherDefinitions);
  return { format, nodes: saved.nodes.length, missing };
}
