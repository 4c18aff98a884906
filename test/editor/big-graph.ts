/**
 * A large saved workflow for the editor's load and canvas-speed checks (big-graph.test.ts,
 * bench/editor.bench.ts): rows of image chains — an empty image, then
 * IMAGE → IMAGE operations with their widgets — alternating between our own type ids and
 * ComfyUI class names the server knows as aliases, every node linked to the next. Built from
 * the server's node descriptions, so slots and widget values are laid out as the editor and
 * ComfyUI lay them out.
 */

interface InputView { name: string; type: string; widget: boolean; optional: boolean; force_input?: boolean; default?: unknown; min?: number; options?: string[]; control?: boolean }
type AliasSlot = { kind: 'input'; name: string; input: string } | { kind: 'control'; input: string } | { kind: 'ignored' };
interface AliasView { type: string; input_renames: Record<string, string>; widgets_values: AliasSlot[] }
export interface DescriptionView { type: string; output_node: boolean; inputs: InputView[]; outputs: { name: string; type: string }[]; alias_details: AliasView[] }

interface SavedSlot { name: string; type: string; link?: number | null; links?: number[]; slot_index?: number; widget?: { name: string } }
export interface BigGraphNode { id: number; type: string; pos: [number, number]; size: [number, number]; flags: object; order: number; mode: number; inputs: SavedSlot[]; outputs: SavedSlot[]; properties: Record<string, unknown>; widgets_values: unknown[] }
export interface BigGraph { last_node_id: number; last_link_id: number; nodes: BigGraphNode[]; links: [number, number, number, number, number, string][]; groups: []; config: object; extra: object; version: number }

function initial(input: InputView): unknown {
  if (input.default !== undefined) return input.default;
  if (input.type === 'COMBO') return input.options?.[0] ?? '';
  if (input.type === 'INT' || input.type === 'FLOAT') return input.min ?? 0;
  return input.type === 'BOOLEAN' ? false : '';
}

const isLink = (input: InputView) => !input.widget || input.force_input === true;

/** IMAGE → IMAGE operations: one required IMAGE input to link, the rest widgets or optional. */
function imageOperations(descriptions: readonly DescriptionView[]): DescriptionView[] {
  return descriptions.filter((d) => !d.output_node
    && d.outputs[0]?.type === 'IMAGE'
    && d.inputs.filter((i) => isLink(i) && !i.optional).map((i) => i.type).join() === 'IMAGE');
}

/** One node under our type id (all inputs as sockets, widget values by position) or under an alias. */
function nodeOf(description: DescriptionView, alias: AliasView | undefined, id: number, pos: [number, number]): BigGraphNode {
  const renamed = (name: string) => Object.entries(alias?.input_renames ?? {}).find(([, ours]) => ours === name)?.[0] ?? name;
  const inputs: SavedSlot[] = alias
    ? description.inputs.filter(isLink).map((i) => ({ name: renamed(i.name), type: i.type, link: null }))
    : description.inputs.map((i) => ({ name: i.name, type: i.type, link: null, ...(isLink(i) ? {} : { widget: { name: i.name } }) }));
  const byName = new Map(description.inputs.map((i) => [i.name, i]));
  const widgets_values = alias
    ? alias.widgets_values.map((slot) => (slot.kind === 'input' ? initial(byName.get(slot.input)!) : slot.kind === 'control' ? 'fixed' : null))
    : description.inputs.filter((i) => !isLink(i)).flatMap((i) => (i.type === 'INT' && i.control ? [initial(i), 'fixed'] : [initial(i)]));
  const outputs = description.outputs.map((o, index) => ({ name: o.name, type: o.type, links: [] as number[], slot_index: index }));
  return { id, type: alias?.type ?? description.type, pos, size: [260, 60 + 24 * widgets_values.length], flags: {}, order: id - 1, mode: 0, inputs, outputs, properties: {}, widgets_values };
}

/** `count` nodes in rows of `perRow`, each row one linked chain. */
export function bigGraph(descriptions: readonly DescriptionView[], count = 300, perRow = 15): BigGraph {
  const empty = descriptions.find((d) => d.type === 'image.empty');
  const operations = imageOperations(descriptions);
  if (!empty || operations.length === 0) throw new Error('the server describes no image.empty or no IMAGE → IMAGE operation');
  const graph: BigGraph = { last_node_id: 0, last_link_id: 0, nodes: [], links: [], groups: [], config: {}, extra: {}, version: 0.4 };
  for (let index = 0; index < count; index++) {
    const row = Math.floor(index / perRow);
    const column = index % perRow;
    const description = column === 0 ? empty : operations[(column + row * 3) % operations.length]!;
    // Odd rows use ComfyUI's class names where the type has one.
    const alias = row % 2 === 1 ? description.alias_details[0] : undefined;
    const node = nodeOf(description, alias, index + 1, [column * 320, row * 260]);
    const previous = graph.nodes.at(-1);
    if (column > 0 && previous) {
      const link = ++graph.last_link_id;
      const target = node.inputs.findIndex((slot) => slot.type === 'IMAGE');
      graph.links.push([link, previous.id, 0, node.id, target, 'IMAGE']);
      previous.outputs[0]!.links!.push(link);
      node.inputs[target]!.link = link;
    }
    graph.nodes.push(node);
  }
  graph.last_node_id = count;
  return graph;
}
