/**
 * Compiles an API workflow into an indexed graph the scheduler walks in linear time: nodes as
 * array positions, their inputs in declaration order (literals, eager links, lazy links), and
 * each node's eager sources and eager consumers as flat compressed rows (no array per node).
 * Structural problems a validated workflow cannot have — an unknown type, a link to a missing
 * node or output, a required input left empty — are refused here with `invalid_workflow`,
 * before anything runs.
 */
import { SwitchyardError } from '../errors.js';
import { isLink, unwrapLiteral, type ApiWorkflow } from '../graph/api-format.js';
import { nodePositions, type NodePositions } from '../graph/node-positions.js';
import type { AnyNodeType, InputSpec } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';

export interface CompiledInput {
  /** Position in the type's `inputNames` (and in the content key). */
  readonly index: number;
  readonly name: string;
  readonly lazy: boolean;
  /** Index of the upstream node, or -1 for a literal. */
  readonly source: number;
  /** Upstream output index (links only). */
  readonly output: number;
  /** The literal value (literals only). */
  readonly value: unknown;
}

export interface CompiledNode {
  readonly id: string;
  readonly type: AnyNodeType;
  /**
   * Inputs that have a value or a link, in declaration order. Absent optional inputs are left
   * out, except lazy ones: a node always gets a function for a lazy input.
   */
  readonly inputs: readonly CompiledInput[];
  readonly hasLazyLinks: boolean;
  /** Any lazy input (linked, literal or empty): the node gets functions for those. */
  readonly hasLazyInputs: boolean;
  /** Declared data type per output, in output order (shared by nodes of one type). */
  readonly outputTypes: readonly string[];
}

export interface CompiledGraph {
  readonly nodes: readonly CompiledNode[];
  readonly indexOf: NodePositions;
  /** Upstream node per eager link of node i: `sources[sourceStart[i] .. sourceStart[i + 1])`. */
  readonly sourceStart: Int32Array;
  readonly sources: Int32Array;
  /** Eager consumers of node i: `dependents[dependentStart[i] .. dependentStart[i + 1])`. */
  readonly dependentStart: Int32Array;
  readonly dependents: Int32Array;
  /** Nodes whose type is an output node, in workflow order. */
  readonly outputNodes: readonly number[];
  /** Some node has a linked lazy input (walks over lazy links can be skipped when not). */
  readonly hasLazyLinks: boolean;
}

/** Per-type facts looked up once per type, not once per node. */
interface TypeFacts {
  readonly specs: readonly InputSpec[];
  readonly outputTypes: readonly string[];
}

const typeFacts = new WeakMap<AnyNodeType, TypeFacts>();

/** The inputs of every node that has none (frozen: compiled nodes are read-only). */
const NO_INPUTS: readonly CompiledInput[] = Object.freeze([]);

function factsOf(type: AnyNodeType): TypeFacts {
  let facts = typeFacts.get(type);
  if (facts === undefined) {
    facts = {
      specs: type.inputNames.map((name) => type.inputs[name] as InputSpec),
      outputTypes: type.outputNames.map((name) => (type.outputs[name] as { type: string }).type),
    };
    typeFacts.set(type, facts);
  }
  return facts;
}

function invalid(message: string, details: Record<string, unknown>): SwitchyardError {
  return new SwitchyardError('invalid_workflow', message, details);
}

export function compileGraph(workflow: ApiWorkflow, registry: NodeRegistry): CompiledGraph {
  const apiNodes = workflow.nodes;
  const ids = Object.keys(apiNodes);
  const count = ids.length;
  const indexOf = nodePositions(ids);
  const types: AnyNodeType[] = new Array(count);
  // One lookup per node: type name → type and its facts (registry and WeakMap lookups once per name).
  const byName = new Map<string, { type: AnyNodeType; facts: TypeFacts }>();
  const facts: TypeFacts[] = new Array(count);
  const given: Record<string, unknown>[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const apiNode = apiNodes[id]!;
    given[i] = apiNode.inputs as Record<string, unknown>;
    const name = apiNode.type;
    let known = byName.get(name);
    if (known === undefined) {
      const type = registry.get(name);
      if (!type) throw invalid(`node ${id} has unknown type ${JSON.stringify(name)}`, { nodeId: id, type: name });
      known = { type, facts: factsOf(type) };
      byName.set(name, known);
    }
    types[i] = known.type;
    facts[i] = known.facts;
  }

  const nodes: CompiledNode[] = new Array(count);
  const sourceStart = new Int32Array(count + 1);
  const sourceList: number[] = [];
  const consumerCount = new Int32Array(count);
  const outputNodes: number[] = [];
  let anyLazyLinks = false;
  // A node's inputs are gathered here and copied out at their exact length: pushing onto a
  // fresh array would reserve room for 17 inputs on every node.
  const gathered: CompiledInput[] = [];
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const type = types[i]!;
    const { specs, outputTypes } = facts[i]!;
    const values = given[i]!;
    let inputCount = 0;
    let hasLazyLinks = false;
    let hasLazyInputs = false;
    const names = type.inputNames;
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      const spec = specs[index]!;
      const lazy = spec.lazy === true;
      if (lazy) hasLazyInputs = true;
      const raw = values[name];
      if (isLink(raw)) {
        const source = indexOf.get(raw[0]);
        if (source === undefined) throw invalid(`node ${id} input "${name}" links to missing node ${raw[0]}`, { nodeId: id, input: name, source: raw[0] });
        const sourceType = types[source]!;
        if (raw[1] >= sourceType.outputNames.length) {
          throw invalid(`node ${id} input "${name}" links to output ${raw[1]} of node ${raw[0]} (${sourceType.type}), which has ${sourceType.outputNames.length} outputs`, { nodeId: id, input: name, source: raw[0], output: raw[1] });
        }
        gathered[inputCount++] = { index, name, lazy, source, output: raw[1], value: undefined };
        if (lazy) {
          hasLazyLinks = true;
        } else {
          sourceList.push(source);
          consumerCount[source]!++;
        }
        continue;
      }
      const value = raw === undefined ? (spec as { default?: unknown }).default : unwrapLiteral(raw);
      if (value === undefined) {
        if (!spec.optional) throw invalid(`node ${id} (${type.type}) has no value or link for its required input "${name}"`, { nodeId: id, input: name });
        if (!lazy) continue;
      }
      gathered[inputCount++] = { index, name, lazy, source: -1, output: 0, value };
    }
    const inputs = inputCount === 0 ? NO_INPUTS : gathered.slice(0, inputCount);
    sourceStart[i + 1] = sourceList.length;
    nodes[i] = { id, type, inputs, hasLazyLinks, hasLazyInputs, outputTypes };
    if (hasLazyLinks) anyLazyLinks = true;
    if (type.output) outputNodes.push(i);
  }

  // Compressed rows of consumers: counts → start offsets → fill.
  const dependentStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) dependentStart[i + 1] = dependentStart[i]! + consumerCount[i]!;
  const fill = dependentStart.slice(0, count);
  const dependents = new Int32Array(sourceList.length);
  for (let i = 0; i < count; i++) {
    for (let at = sourceStart[i]!; at < sourceStart[i + 1]!; at++) dependents[fill[sourceList[at]!]!++] = i;
  }
  // The scheduler finds cycles of eager links by itself (their nodes never become ready), but a
  // cycle through a lazy link would leave a node waiting on itself: refuse it up front.
  if (anyLazyLinks) refuseCycles(nodes);
  return { nodes, indexOf, sourceStart, sources: Int32Array.from(sourceList), dependentStart, dependents, outputNodes, hasLazyLinks: anyLazyLinks };
}

/** Kahn's algorithm over all links (eager and lazy); linear, iterative. */
function refuseCycles(nodes: readonly CompiledNode[]): void {
  const count = nodes.length;
  const indegree = new Int32Array(count);
  const consumers: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < count; i++) {
    for (const input of nodes[i]!.inputs) {
      if (input.source < 0) continue;
      indegree[i]!++;
      consumers[input.source]!.push(i);
    }
  }
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    for (const consumer of consumers[queue[head]!]!) if (--indegree[consumer]! === 0) queue.push(consumer);
  }
  if (queue.length === count) return;
  const stuck = nodes.filter((_, i) => indegree[i]! > 0).map((node) => node.id);
  throw invalid(`the workflow has a cycle: nodes ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''} are on it or depend on it`, { nodes: stuck });
}
