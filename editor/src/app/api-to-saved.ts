/**
 * Opens an API-format workflow (`{schemaVersion, nodes: {id: {type, inputs}}}`, the bare map,
 * or ComfyUI's prompt with `class_type`) as a saved one: each node is laid out in columns by its
 * depth in the graph, widget values are set by input name, and links become litegraph links.
 * Types the server does not know keep their literal inputs (keyed by name) so nothing is lost.
 */
import { LiteGraph } from '@comfyorg/litegraph';
import type { NodeCatalog } from '../graph/node-types.js';

interface ApiNode {
  type: string;
  inputs: Record<string, unknown>;
  title?: string;
}

type Json = Record<string, unknown>;
type SavedLink = [number, number | string, number, number | string, number, string];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLink(value: unknown): value is [string, number] {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1]);
}

/** The nodes of an API-format workflow, or undefined when `data` is not one. */
export function apiNodes(data: unknown): Map<string, ApiNode> | undefined {
  if (!isObject(data)) return undefined;
  const map = isObject(data.nodes) ? data.nodes : data;
  const nodes = new Map<string, ApiNode>();
  for (const [id, raw] of Object.entries(map)) {
    if (id === 'schemaVersion') continue;
    if (!isObject(raw)) return undefined;
    const type = typeof raw.type === 'string' ? raw.type : typeof raw.class_type === 'string' ? raw.class_type : undefined;
    if (type === undefined) return undefined;
    const meta = isObject(raw._meta) && typeof raw._meta.title === 'string' ? raw._meta.title : undefined;
    const title = typeof raw.title === 'string' ? raw.title : meta;
    nodes.set(id, { type, inputs: isObject(raw.inputs) ? raw.inputs : {}, title });
  }
  return nodes.size > 0 ? nodes : undefined;
}

/** Longest path from a source node, for the column of each node. */
function depths(nodes: Map<string, ApiNode>): Map<string, number> {
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    let value = 0;
    for (const input of Object.values(nodes.get(id)?.inputs ?? {})) {
      if (isLink(input) && nodes.has(String(input[0]))) value = Math.max(value, visit(String(input[0])) + 1);
    }
    visiting.delete(id);
    depth.set(id, value);
    return value;
  };
  for (const id of nodes.keys()) visit(id);
  return depth;
}

function savedId(id: string): number | string {
  return /^\d+$/.test(id) ? Number(id) : id;
}

export function apiToSaved(nodes: Map<string, ApiNode>, catalog: NodeCatalog): Json {
  const infos = new Map<string, Json>();
  const columnHeights = new Map<number, number>();
  const depthOf = depths(nodes);
  for (const [id, node] of nodes) {
    const type = catalog.byType.has(node.type) ? node.type : (catalog.aliases.get(node.type) ?? node.type);
    const instance = catalog.byType.has(type) ? LiteGraph.createNode(type) : null;
    let info: Json;
    if (instance) {
      for (const [name, value] of Object.entries(node.inputs)) {
        const widget = instance.widgets?.find((w) => w.name === name);
        if (widget && !isLink(value)) widget.value = (isObject(value) && '__value__' in value ? value.__value__ : value) as typeof widget.value;
      }
      info = instance.serialize() as unknown as Json;
    } else {
      const literals = Object.fromEntries(Object.entries(node.inputs).filter(([, value]) => !isLink(value)));
      info = { type: node.type, size: [260, 80], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {}, widgets_values: literals };
    }
    info.id = savedId(id);
    if (node.title) info.title = node.title;
    const column = depthOf.get(id) ?? 0;
    const size = info.size as [number, number];
    const y = columnHeights.get(column) ?? 60;
    info.pos = [60 + column * 320, y];
    columnHeights.set(column, y + size[1] + 80);
    infos.set(id, info);
  }
  const links: SavedLink[] = [];
  for (const [id, node] of nodes) {
    const target = infos.get(id)!;
    const targetInputs = target.inputs as Json[];
    for (const [name, value] of Object.entries(node.inputs)) {
      if (!isLink(value)) continue;
      const source = infos.get(String(value[0]));
      if (!source) continue;
      const outputs = source.outputs as Json[];
      while (outputs.length <= value[1]) outputs.push({ name: `output ${outputs.length}`, type: '*', links: [] });
      const output = outputs[value[1]]!;
      let slot = targetInputs.findIndex((input) => (isObject(input.widget) ? input.widget.name : input.name) === name);
      if (slot < 0) {
        targetInputs.push({ name, type: String(output.type ?? '*'), link: null });
        slot = targetInputs.length - 1;
      }
      const linkId = links.length + 1;
      targetInputs[slot]!.link = linkId;
      output.links = [...((output.links as number[] | null) ?? []), linkId];
      links.push([linkId, source.id as number | string, value[1], target.id as number | string, slot, String(output.type ?? '*')]);
    }
  }
  const numericIds = [...infos.values()].map((info) => info.id).filter((id): id is number => typeof id === 'number');
  return {
    last_node_id: Math.max(0, ...numericIds),
    last_link_id: links.length,
    nodes: [...infos.values()],
    links,
    groups: [],
    config: {},
    extra: { switchyard: { schemaVersion: 1 } },
    version: 0.4,
  };
}
