/**
 * Saved (UI) format → API format. Follows what ComfyUI's editor does when it queues a prompt:
 * positional widget values are mapped through the node's widget order (skipping the hidden
 * "control after generate" value), links are resolved through Reroutes, PrimitiveNodes become
 * literals, muted nodes vanish, bypassed nodes pass a type-compatible input through, Notes
 * are dropped, and subgraphs (`definitions.subgraphs`) expand into their inner nodes, numbered
 * `<instance id>:<inner id>`. Known types come out under their canonical ids and input names; unknown types are
 * kept with their raw values so validation can name them. Never throws: problems are issues.
 */
import { typesCompatible } from '../nodes/data-types.js';
import { aliasWidgetOrder, hasControlValue } from '../nodes/alias-layout.js';
import type { AnyNodeType, InputSpec, NodeAlias } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { issue, type ValidationIssue } from '../validate/issues.js';
import { CURRENT_SCHEMA_VERSION, type ApiNode, type ApiWorkflow, type Link } from './api-format.js';
import { savedSchemaFor, type SavedLinkArray, type SavedLinkObject, type SavedNode, type SavedWorkflow } from './saved-format.js';
import { describeFound, isPlainObject, literalValue, ownValue, setOwn, thrownText, zodMessages, type PlainObject } from './untrusted.js';

export interface SavedToApiResult {
  workflow: ApiWorkflow;
  issues: ValidationIssue[];
  /**
   * Where a parameter on a subgraph node goes: `"<instance>.<input>"` (an input the instance
   * shows a widget for) → the inner inputs it feeds, `[nodeId, input]` of the result. Lets
   * `--set 2.blur_radius=3` reach an expanded subgraph (runtime/params.ts).
   */
  paramRoutes?: Record<string, [string, string][]>;
}

/** Node modes litegraph writes: 2 = never (muted), 4 = bypass. Others run. */
const MODE_MUTED = 2;
const MODE_BYPASS = 4;

/** Editor-only node types that never execute. */
const REROUTE = 'Reroute';
const PRIMITIVE = 'PrimitiveNode';
const NOTE_TYPES = new Set(['Note', 'MarkdownNote']);

/** ComfyUI's hidden companion value of seed-like INT widgets. */
export const CONTROL_VALUES: ReadonlySet<unknown> = new Set(['fixed', 'randomize', 'increment', 'decrement']);

/**
 * The value after a seed is its control mode: one of the mode strings, or — in files from
 * early ComfyUI versions — a boolean "randomize" checkbox (unless the next widget is itself a
 * BOOLEAN, whose value it then is).
 */
function isControlValue(value: unknown, nextSpec: InputSpec | undefined): boolean {
  return CONTROL_VALUES.has(value) || (typeof value === 'boolean' && nextSpec?.type !== 'BOOLEAN');
}

type Source = { kind: 'link'; link: Link } | { kind: 'literal'; value: unknown } | { kind: 'none' };
const NONE: Source = { kind: 'none' };

interface LinkInfo {
  originId: string;
  originSlot: number;
  type: unknown;
}

interface Where {
  nodeId: string;
  input: string;
}

export type ReadSavedResult = { ok: true; saved: SavedWorkflow } | { ok: false; issues: ValidationIssue[] };

/**
 * Checks an untrusted value against the saved-format schema of the version it declares, and
 * refuses versions newer than this engine reads.
 */
export function readSavedWorkflow(raw: unknown): ReadSavedResult {
  if (!isPlainObject(raw)) return { ok: false, issues: [issue('invalid_workflow', `expected a saved workflow object with "nodes" and "links", found ${describeFound(raw)}`)] };
  const version = ownValue(raw, 'version');
  if (typeof version === 'number' && version > 1) {
    return { ok: false, issues: [issue('unsupported_schema_version', `saved workflow version ${version} is newer than the versions this engine reads (0.4 and 1)`, { details: { version } })] };
  }
  const parsed = savedSchemaFor({ version }).safeParse(raw);
  if (!parsed.success) {
    return { ok: false, issues: zodMessages(parsed.error).map((message) => issue('invalid_workflow', `not a valid saved workflow: ${message}`)) };
  }
  const saved = parsed.data as SavedWorkflow;
  const ours = saved.extra?.switchyard;
  if (ours && ours.schemaVersion > CURRENT_SCHEMA_VERSION) {
    return { ok: false, issues: [issue('unsupported_schema_version', `workflow schemaVersion ${ours.schemaVersion} is newer than this engine's ${CURRENT_SCHEMA_VERSION}; update Switchyard`, { details: { schemaVersion: ours.schemaVersion, supported: CURRENT_SCHEMA_VERSION } })] };
  }
  return { ok: true, saved };
}

/** Converts a saved workflow to the API format, returning every problem found as an issue. */
export function savedToApi(saved: SavedWorkflow, registry: NodeRegistry): SavedToApiResult {
  const empty = (issues: ValidationIssue[]): SavedToApiResult => ({ workflow: { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: {} }, issues });
  try {
    const read = readSavedWorkflow(saved);
    if (!read.ok) return empty(read.issues);
    return convertCheckedSaved(read.saved, registry);
  } catch (error) {
    // Only reachable with hostile JS values (throwing getters, proxies), never with JSON.
    return empty([issue('invalid_workflow', `the saved workflow could not be read: ${thrownText(error)}`)]);
  }
}

/** Conversion of a workflow that `readSavedWorkflow` accepted. */
export function convertCheckedSaved(saved: SavedWorkflow, registry: NodeRegistry): SavedToApiResult {
  return new Converter(saved, registry, saved.extra?.switchyard === undefined).run();
}

/**
 * The most nodes a workflow may expand to through its subgraphs. Instances multiply (a subgraph
 * of ten instances of one of ten instances …), so a small file could otherwise ask for millions.
 */
export const MAX_EXPANDED_NODES = 100_000;

/** The deepest subgraphs may nest (instances inside instances); deeper files are refused. */
export const MAX_SUBGRAPH_DEPTH = 64;

/** Where a subgraph's inside starts and ends: litegraph's ids of its input and output sides. */
const SUBGRAPH_INPUT_ID = '-10';
const SUBGRAPH_OUTPUT_ID = '-20';

/** A subgraph definition, indexed once and shared by all its instances. */
interface Definition {
  id: string;
  name: string;
  nodes: Map<string, SavedNode>;
  links: Map<string, LinkInfo>;
  /** Per output of the subgraph: the inner link that feeds it. */
  outputs: Map<number, LinkInfo>;
}

/**
 * The graph being read: the workflow itself, or the inside of one subgraph instance. Inner
 * nodes come out under `prefix` + their id (`"12:5"`, nested `"12:7:5"`), as ComfyUI numbers
 * them when it queues a prompt.
 */
interface Scope {
  prefix: string;
  nodes: Map<string, SavedNode>;
  links: Map<string, LinkInfo>;
  /** For the inside of an instance: that node, and the scope it sits in. */
  parent?: { scope: Scope; instance: SavedNode };
  /** Subgraph ids entered on the way here: entering one of them again is a loop. */
  path: readonly string[];
}

class Converter {
  private readonly issues: ValidationIssue[] = [];
  private readonly definitions = new Map<string, Definition>();
  /** Prefixed ids of nodes that cannot be converted (legacy group nodes); already reported. */
  private readonly unsupported = new Set<string>();
  /** Nodes visited while expanding (MAX_EXPANDED_NODES), and why the expansion was refused, once it is. */
  private visited = 0;
  private refusal: ValidationIssue | undefined;
  /** Subgraphs already reported as containing themselves, by subgraph id. */
  private readonly loops = new Set<string>();
  /**
   * `"<instance>.<input>"` → the inner inputs that take their value from that input's widget,
   * recorded as conversion resolves them (so reroutes, bypassed nodes and nested subgraphs on
   * the way count exactly as they do for the value).
   */
  private readonly routes = new Map<string, [string, string][]>();
  /** Subgraph inputs already reported as linked to a link that is not there, by instance id and slot. */
  private readonly brokenInputs = new Set<string>();

  constructor(
    private readonly saved: SavedWorkflow,
    private readonly registry: NodeRegistry,
    /** No `extra.switchyard`: a file from ComfyUI's editor, with its naming habits. */
    private readonly comfyFile: boolean,
  ) {}

  run(): SavedToApiResult {
    this.indexDefinitions();
    const root: Scope = { prefix: '', nodes: this.indexNodes(this.saved.nodes, ''), links: indexLinks(this.saved.links ?? []), path: [] };
    const nodes: PlainObject = {};
    const beforeExpansion = this.issues.length;
    this.convertScope(root, nodes);
    if (this.refusal) {
      // Refused: nothing of the partial expansion is kept or reported, only why.
      return { workflow: { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: {} }, issues: [...this.issues.slice(0, beforeExpansion), this.refusal] };
    }
    const result: SavedToApiResult = { workflow: { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: nodes as Record<string, ApiNode> }, issues: this.issues };
    if (this.routes.size > 0) {
      const routes: Record<string, [string, string][]> = {};
      for (const [key, targets] of this.routes) setOwn(routes, key, targets);
      result.paramRoutes = routes;
    }
    return result;
  }

  private convertScope(scope: Scope, out: PlainObject): void {
    for (const [id, node] of scope.nodes) {
      if (this.refusal) return;
      // With subgraphs, every node visited counts (instances and loop-closing ones included), so
      // the walk is bounded; a workflow without any is as large as its file.
      if (this.definitions.size > 0 && ++this.visited > MAX_EXPANDED_NODES) {
        this.refusal = issue('invalid_workflow', `the workflow's subgraphs expand to more than ${MAX_EXPANDED_NODES} nodes`, { details: { limit: MAX_EXPANDED_NODES } });
        return;
      }
      if (this.isUnsupported(scope, id, node) || this.isVirtual(node) || node.mode === MODE_MUTED || node.mode === MODE_BYPASS) continue;
      const definition = this.definitions.get(node.type);
      if (definition) {
        const inside = this.enter(scope, node, definition);
        if (inside) this.convertScope(inside, out);
        continue;
      }
      const key = scope.prefix + id;
      if (Object.hasOwn(out, key)) {
        // Only ids written with a colon can meet an inner node's "<instance>:<inner>".
        this.issues.push(issue('invalid_workflow', `two nodes would run as ${key}: a node id written as "<instance>:<inner>" meets a subgraph's inner node; the second (${JSON.stringify(node.type)}) is ignored`, { nodeId: key }));
        continue;
      }
      setOwn(out, key, this.convertNode(scope, id, node));
    }
  }

  private indexDefinitions(): void {
    for (const subgraph of this.saved.definitions?.subgraphs ?? []) {
      const id = subgraph.id;
      if (typeof id !== 'string' || id.length === 0) continue;
      if (this.definitions.has(id)) {
        this.issues.push(issue('invalid_workflow', `two subgraphs share the id ${id}; the second is ignored`, { details: { subgraph: id } }));
        continue;
      }
      // An id that names a node type (or an editor-only one) would turn every such node into an instance.
      if (this.registry.resolve(id) || id === REROUTE || id === PRIMITIVE || NOTE_TYPES.has(id)) {
        this.issues.push(issue('invalid_workflow', `subgraph ${JSON.stringify(subgraph.name ?? id)} has the id ${id}, which is a node type; it is ignored`, { details: { subgraph: id } }));
        continue;
      }
      const name = subgraph.name ?? id;
      const links = indexLinks(subgraph.links ?? []);
      const outputs = new Map<number, LinkInfo>();
      for (const link of subgraph.links ?? []) {
        if (link === null) continue;
        const [targetId, targetSlot] = Array.isArray(link) ? [link[3], link[4]] : [link.target_id, link.target_slot];
        const info = links.get(String(Array.isArray(link) ? link[0] : link.id));
        if (String(targetId) === SUBGRAPH_OUTPUT_ID && info && !outputs.has(targetSlot)) outputs.set(targetSlot, info);
      }
      this.definitions.set(id, { id, name, nodes: this.indexNodes(subgraph.nodes ?? [], ` in subgraph ${JSON.stringify(name)}`), links, outputs });
    }
  }

  private indexNodes(list: readonly SavedNode[], where: string): Map<string, SavedNode> {
    const nodes = new Map<string, SavedNode>();
    for (const node of list) {
      const id = String(node.id);
      if (id.length === 0) {
        this.issues.push(issue('invalid_workflow', `a node of type ${JSON.stringify(node.type)}${where} has an empty id`));
        continue;
      }
      if (node.type.length === 0) {
        this.issues.push(issue('invalid_workflow', `node ${id}${where} has an empty type`, where ? {} : { nodeId: id }));
        continue;
      }
      if (nodes.has(id)) {
        this.issues.push(issue('invalid_workflow', `two nodes${where} share the id ${id}; the second (${JSON.stringify(node.type)}) is ignored`, where ? {} : { nodeId: id }));
        continue;
      }
      nodes.set(id, node);
    }
    return nodes;
  }

  /** The inside of `instance`, or undefined (reported once) when its subgraph contains itself. */
  private enter(scope: Scope, instance: SavedNode, definition: Definition): Scope | undefined {
    const id = scope.prefix + String(instance.id);
    if (scope.path.includes(definition.id)) {
      if (!this.loops.has(definition.id)) {
        this.loops.add(definition.id);
        this.issues.push(issue('invalid_workflow', `node ${id} instances subgraph ${JSON.stringify(definition.name)} inside itself`, { nodeId: id, details: { subgraph: definition.id } }));
      }
      return undefined;
    }
    if (scope.path.length >= MAX_SUBGRAPH_DEPTH) {
      this.refusal ??= issue('invalid_workflow', `the workflow's subgraphs nest deeper than ${MAX_SUBGRAPH_DEPTH} levels`, { details: { limit: MAX_SUBGRAPH_DEPTH } });
      return undefined;
    }
    return { prefix: `${id}:`, nodes: definition.nodes, links: definition.links, parent: { scope, instance }, path: [...scope.path, definition.id] };
  }

  /** Legacy group nodes (`workflow>…` types defined in extra.groupNodes) expand into graphs we do not read. */
  private isUnsupported(scope: Scope, id: string, node: SavedNode): boolean {
    const key = scope.prefix + id;
    if (this.unsupported.has(key)) return true;
    if (!/^workflow[>/]/.test(node.type) || !isPlainObject(this.saved.extra?.groupNodes) || this.registry.has(node.type)) return false;
    this.unsupported.add(key);
    this.issues.push(issue('invalid_workflow', `node ${key} is a group node (${node.type}); group nodes are not supported yet — convert it back to nodes in the editor first`, { nodeId: key, details: { type: node.type } }));
    return true;
  }

  private isVirtual(node: SavedNode): boolean {
    return node.type === REROUTE || node.type === PRIMITIVE || NOTE_TYPES.has(node.type);
  }

  private convertNode(scope: Scope, id: string, node: SavedNode): ApiNode {
    const resolved = this.registry.resolve(node.type);
    const inputs: PlainObject = {};
    if (resolved) this.writeKnownWidgets(inputs, node, resolved.node, resolved.alias);
    else this.writeRawWidgets(inputs, node);
    // Links after widgets: a converted widget's link wins; an input whose source is muted (or
    // otherwise gone) keeps its widget value, as in ComfyUI.
    for (const input of node.inputs ?? []) {
      if (input.link === null || input.link === undefined) continue;
      const savedName = input.widget?.name ?? input.name;
      const name = resolved ? renameInput(resolved.alias, savedName) : savedName;
      const source = this.resolveLink(scope, input.link, { nodeId: scope.prefix + id, input: name }, new Set());
      if (source.kind === 'link') setOwn(inputs, name, source.link);
      else if (source.kind === 'literal') setOwn(inputs, name, literalValue(source.value));
    }
    const result: ApiNode = { type: resolved ? resolved.node.type : node.type, inputs };
    const version = node.properties?.switchyard?.version;
    if (version !== undefined) result.version = version;
    if (typeof node.title === 'string') result.title = node.title;
    return result;
  }

  /** Known type: values keyed by name when we have them, else mapped by widget position. */
  private writeKnownWidgets(inputs: PlainObject, node: SavedNode, type: AnyNodeType, alias: NodeAlias | undefined): void {
    const declared = new Set(type.inputNames);
    // Our own files key values by our input names; some packs save widgets keyed by their names.
    const ourValues = node.properties?.switchyard?.values;
    const keyed = ourValues ?? (isPlainObject(node.widgets_values) ? node.widgets_values : undefined);
    if (keyed) {
      for (const key of Object.keys(keyed)) {
        // Our values may be written for an older node version (names migration still renames),
        // so all are kept; a pack's undeclared keys are editor-only widgets (previews, buttons).
        const name = ourValues ? key : renameInput(alias, key);
        if (ourValues || declared.has(name)) setOwn(inputs, name, literalValue(keyed[key]));
      }
      return;
    }
    const values = node.widgets_values;
    if (!Array.isArray(values)) return;
    const specs = type.inputs as Record<string, InputSpec>;
    const order = aliasWidgetOrder(type, alias);
    let position = 0;
    for (const [index, name] of order.entries()) {
      if (position >= values.length) break;
      const value = values[position++];
      if (name === null) continue;
      setOwn(inputs, name, literalValue(value));
      // A node written under an alias's name is laid out as the alias's saved files are.
      if (hasControlValue(type, name, alias, this.comfyFile || alias !== undefined) && isControlValue(values[position], specs[order[index + 1] ?? ''])) position++;
    }
  }

  /** Unknown type: keep what the file holds, positional values under their index. */
  private writeRawWidgets(inputs: PlainObject, node: SavedNode): void {
    const values = node.widgets_values;
    if (Array.isArray(values)) values.forEach((value, index) => setOwn(inputs, String(index), literalValue(value)));
    else if (isPlainObject(values)) for (const key of Object.keys(values)) setOwn(inputs, key, literalValue(values[key]));
  }

  private resolveLink(scope: Scope, linkId: number | string, where: Where, seen: Set<string>): Source {
    const link = scope.links.get(String(linkId));
    if (!link) {
      this.issues.push(issue('bad_linked_input', `input "${where.input}" of node ${where.nodeId} refers to link ${String(linkId)}, which is not in the ${scope.parent ? 'subgraph\'s' : 'workflow\'s'} links`, { ...where, details: { link: linkId } }));
      return NONE;
    }
    return this.resolveOutput(scope, link.originId, link.originSlot, link.type, where, seen);
  }

  /** What output `slot` of node `originId` delivers once virtual, muted and bypassed nodes and subgraph boundaries are gone. */
  private resolveOutput(scope: Scope, originId: string, slot: number, linkType: unknown, where: Where, seen: Set<string>): Source {
    if (originId === SUBGRAPH_INPUT_ID && scope.parent) return this.resolveSubgraphInput(scope.parent, slot, where, seen);
    const origin = scope.nodes.get(originId);
    const shownId = scope.prefix + originId;
    if (!origin) {
      this.issues.push(issue('bad_linked_input', `input "${where.input}" of node ${where.nodeId} is linked to node ${shownId}, which is not in the ${scope.parent ? 'subgraph' : 'workflow'}`, { ...where, details: { sourceNodeId: shownId } }));
      return NONE;
    }
    if (slot < 0) {
      this.issues.push(issue('bad_linked_input', `input "${where.input}" of node ${where.nodeId} is linked to output ${slot} of node ${shownId}; output indexes start at 0`, { ...where, details: { sourceNodeId: shownId, outputIndex: slot } }));
      return NONE;
    }
    const step = `${shownId}:${slot}`;
    if (seen.has(step)) {
      this.issues.push(issue('invalid_workflow', `input "${where.input}" of node ${where.nodeId} is fed by a loop of reroute/bypassed nodes (through node ${shownId})`, where));
      return NONE;
    }
    seen.add(step);
    if (this.isUnsupported(scope, originId, origin) || origin.mode === MODE_MUTED || NOTE_TYPES.has(origin.type)) return NONE;
    if (origin.type === REROUTE) {
      const through = origin.inputs?.[0]?.link;
      return through === null || through === undefined ? NONE : this.resolveLink(scope, through, where, seen);
    }
    if (origin.type === PRIMITIVE) {
      const values = origin.widgets_values;
      return Array.isArray(values) && values.length > 0 ? { kind: 'literal', value: values[0] } : NONE;
    }
    if (origin.mode === MODE_BYPASS) return this.resolveBypass(scope, origin, slot, linkType, where, seen);
    const definition = this.definitions.get(origin.type);
    if (definition) {
      // The output of an instance is whatever feeds that output inside it.
      const inside = this.enter(scope, origin, definition);
      const feed = definition.outputs.get(slot);
      return inside && feed ? this.resolveOutput(inside, feed.originId, feed.originSlot, feed.type, where, seen) : NONE;
    }
    return { kind: 'link', link: [shownId, slot] };
  }

  /**
   * Input `slot` of a subgraph, seen from inside an instance: what feeds that input of the
   * instance node outside, or — when nothing is linked — the value of the widget the instance
   * shows for it (a promoted widget: the instance's widgets_values hold one value per input
   * that has a widget, in input order). Without either, the inner node keeps its own value.
   */
  private resolveSubgraphInput({ scope, instance }: { scope: Scope; instance: SavedNode }, slot: number, where: Where, seen: Set<string>): Source {
    const inputs = instance.inputs ?? [];
    const input = inputs[slot];
    if (!input) return NONE;
    if (input.link !== null && input.link !== undefined) {
      if (scope.links.has(String(input.link))) return this.resolveLink(scope, input.link, where, seen);
      const instanceId = scope.prefix + String(instance.id);
      const key = `${instanceId}\u0000${slot}`;
      if (!this.brokenInputs.has(key)) {
        this.brokenInputs.add(key);
        this.issues.push(issue('bad_linked_input', `input "${input.name}" of subgraph node ${instanceId} refers to link ${String(input.link)}, which is not in the ${scope.parent ? 'subgraph\'s' : 'workflow\'s'} links`, { nodeId: instanceId, input: input.name, details: { link: input.link } }));
      }
      return NONE;
    }
    if (!input.widget) return NONE;
    // This inner input takes its value from the widget: a parameter on the instance reaches it.
    this.addRoute(`${scope.prefix}${String(instance.id)}.${input.name}`, where);
    const values = instance.widgets_values;
    let value: unknown;
    if (isPlainObject(values)) value = Object.hasOwn(values, input.widget.name) ? values[input.widget.name] : undefined;
    else if (Array.isArray(values)) value = values[inputs.slice(0, slot).filter((candidate) => candidate.widget !== undefined).length];
    // A missing (or null) value leaves the inner node its own.
    return value === undefined || value === null ? NONE : { kind: 'literal', value };
  }

  private addRoute(key: string, where: Where): void {
    const targets = this.routes.get(key) ?? [];
    if (!targets.some(([node, input]) => node === where.nodeId && input === where.input)) targets.push([where.nodeId, where.input]);
    this.routes.set(key, targets);
  }

  /**
   * A bypassed node hands on, for output `slot`, its first linked input whose type fits that
   * output's type — trying the input at the same position first, as ComfyUI does.
   */
  private resolveBypass(scope: Scope, origin: SavedNode, slot: number, linkType: unknown, where: Where, seen: Set<string>): Source {
    const outputType = typeName(origin.outputs?.[slot]?.type) ?? typeName(linkType) ?? this.declaredOutputType(origin.type, slot) ?? '*';
    const inputs = origin.inputs ?? [];
    const order = [slot, ...inputs.keys()].filter((index, position, all) => index < inputs.length && all.indexOf(index) === position);
    for (const index of order) {
      const input = inputs[index]!;
      const inputType = typeName(input.type);
      if (input.link === null || input.link === undefined || inputType === undefined) continue;
      if (typesCompatible(inputType, outputType)) return this.resolveLink(scope, input.link, where, seen);
    }
    return NONE;
  }

  private declaredOutputType(typeName: string, slot: number): string | undefined {
    const type = this.registry.get(typeName);
    const name = type?.outputNames[slot];
    return name === undefined ? undefined : (type!.outputs as Record<string, { type: string }>)[name]?.type;
  }
}

/** Links by id, from 0.4 arrays or version 1 objects (the first of a repeated id wins; nulls skipped). */
function indexLinks(list: readonly (SavedLinkArray | SavedLinkObject | null)[]): Map<string, LinkInfo> {
  const links = new Map<string, LinkInfo>();
  for (const link of list) {
    if (link === null) continue;
    const [id, info] = Array.isArray(link)
      ? [String(link[0]), { originId: String(link[1]), originSlot: link[2], type: link[5] }]
      : [String(link.id), { originId: String(link.origin_id), originSlot: link.origin_slot, type: link.type }];
    if (!links.has(id)) links.set(id, info);
  }
  return links;
}

function typeName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** An alias's input name → our name (unchanged when the alias does not rename it). */
export function renameInput(alias: NodeAlias | undefined, name: string): string {
  const renames = alias?.inputs;
  if (!renames || !Object.hasOwn(renames, name)) return name;
  return renames[name] ?? name;
}
