/**
 * Registers the server's node types with litegraph, colours sockets and links by data type, and
 * makes litegraph accept exactly the links the engine accepts (type-rules.ts).
 */
import { LGraphCanvas, LiteGraph, type ISlotType } from '@comfyorg/litegraph';
import type { DataTypeView, NodeDescription } from '../wire.js';
import { aliasClassFor } from './alias-node.js';
import { nodeClassFor } from './editor-node.js';
import { foreignClassFor, VIRTUAL_TYPES } from './foreign-node.js';
import { typesCompatible } from './type-rules.js';

function slotTypeName(type: ISlotType): string {
  // litegraph uses 0 / "" for "any".
  return type === 0 || type === '' ? '*' : String(type);
}

/** A stable colour for a type no one gave a colour. */
function colourFor(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 55%, 62%)`;
}

export interface NodeCatalog {
  /** Known node types by id. */
  readonly byType: ReadonlyMap<string, NodeDescription>;
  /** Alias (e.g. a ComfyUI class name) → our type id. */
  readonly aliases: ReadonlyMap<string, string>;
  readonly colours: ReadonlyMap<string, string>;
}

export function registerNodeTypes(descriptions: readonly NodeDescription[], dataTypes: readonly DataTypeView[]): NodeCatalog {
  LiteGraph.isValidConnection = (from: ISlotType, to: ISlotType) => typesCompatible(slotTypeName(from), slotTypeName(to));
  const byType = new Map<string, NodeDescription>();
  const aliases = new Map<string, string>();
  for (const description of descriptions) {
    byType.set(description.type, description);
    LiteGraph.registerNodeType(description.type, nodeClassFor(description));
  }
  for (const description of descriptions) {
    // Editable under the alias's own name, input names and widget order (ComfyUI's KSampler, …).
    for (const alias of description.alias_details) {
      if (byType.has(alias.type) || aliases.has(alias.type)) continue;
      aliases.set(alias.type, description.type);
      LiteGraph.registerNodeType(alias.type, aliasClassFor(description, alias));
    }
  }
  const colours = new Map<string, string>();
  for (const type of dataTypes) if (type.color) colours.set(type.name, type.color);
  const slotTypes = new Set(descriptions.flatMap((d) => [...d.inputs.map((i) => i.type), ...d.outputs.map((o) => o.type)]));
  for (const type of slotTypes) if (!colours.has(type) && type !== '*') colours.set(type, colourFor(type));
  for (const [type, colour] of colours) LGraphCanvas.link_type_colors[type] = colour;
  return { byType, aliases, colours };
}

/** Colours sockets of each type on one canvas. */
export function colourSockets(canvas: LGraphCanvas, catalog: NodeCatalog): void {
  for (const [type, colour] of catalog.colours) {
    canvas.default_connection_color_byType[type] = colour;
    canvas.default_connection_color_byTypeOff[type] = colour;
  }
}

/**
 * Registers the subgraphs a file defines (ComfyUI's `definitions.subgraphs`) as node types of
 * kind "subgraph", under their id, which is the type of the nodes that instance them.
 */
export function registerSubgraphTypes(subgraphs: Iterable<{ id: string; name: string }>): void {
  for (const { id, name } of subgraphs) {
    const known = LiteGraph.registered_node_types[id] as { kind?: string; title?: string } | undefined;
    if (known?.kind === 'subgraph' && known.title === `${name} (subgraph)`) continue;
    // Never over a real node type (workflow-io.ts leaves such definitions out first).
    if (known && known.kind !== 'subgraph' && known.kind !== 'missing') continue;
    LiteGraph.registerNodeType(id, foreignClassFor(id, 'subgraph', name));
  }
}

/**
 * Registers a kept-as-is class for each type of a workflow that neither the server nor an alias
 * knows: ComfyUI's editor-only types as "virtual", any other as "missing". Answers the missing ones.
 */
export function registerUnknownTypes(types: Iterable<string>): string[] {
  const missing: string[] = [];
  for (const type of types) {
    const known = LiteGraph.registered_node_types[type] as { kind?: string } | undefined;
    // (Callers leave out the subgraph ids this page knows; a type registered as one is re-registered.)
    if (known && known.kind !== 'subgraph') {
      if (!VIRTUAL_TYPES.has(type) && known.kind === 'missing') missing.push(type);
      continue;
    }
    const kind = VIRTUAL_TYPES.has(type) ? 'virtual' : 'missing';
    LiteGraph.registerNodeType(type, foreignClassFor(type, kind));
    if (kind === 'missing') missing.push(type);
  }
  return missing;
}
