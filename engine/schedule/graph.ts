/**
 * Compiles an API workflow into an indexed graph the scheduler walks in linear time: nodes as
 * array positions, their inputs in declaration order (literals, eager links, lazy links), and
 * each node's eager sources and eager consumers as flat compressed rows (no array per node).
 * Structural problems a validated workflow cannot have — an unknown type, a link to a missing
 * node or output, a required input left empty — are refused here with `invalid_workflow`,
 * before anything runs.
 *
 * Memory: the graph is a handful of flat arrays for the whole workflow — per node its id, type
 * and flags; per input its position, source, output and literal — instead of an object per node
 * and per input. Everything here lives as long as the run, so every object per node would be
 * copied by each young-generation collection during a long run and then promoted; flat arrays
 * (typed ones off the JavaScript heap) cost the collector next to nothing.
 * `compiledNode(graph, i)` gives the old object view of one node for tests and diagnostics.
 */
import { SwitchyardError } from '../errors.js';
import { isLink, unwrapLiteral, type ApiWorkflow } from '../graph/api-format.js';
import { nodePositions, type NodePositions } from '../graph/node-positions.js';
import type { AnyNodeType, InputSpec } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { Arena } from './arena.js';

/** Flag bits per node in `CompiledGraph.flags`. */
export const NodeFlag = {
  /** Some input is a lazy link. */
  lazyLinks: 1,
  /** Some input is lazy (linked, literal or empty): the node gets functions for those. */
  lazyInputs: 2,
} as const;

export interface CompiledGraph {
  /** Node ids by position (workflow order). */
  readonly ids: readonly string[];
  readonly types: readonly AnyNodeType[];
  /** NodeFlag bits per node. */
  readonly flags: Uint8Array;
  /**
   * Inputs that have a value or a link, in declaration order, of node i: positions
   * `inputStart[i] .. inputStart[i + 1])` of the input arrays below. Absent optional inputs are
   * left out, except lazy ones: a node always gets a function for a lazy input.
   */
  readonly inputStart: Int32Array;
  /** Position of the input in its type's `inputNames` (and in the content key). */
  readonly inputIndex: Int32Array;
  /** Index of the upstream node, or -1 for a literal. */
  readonly inputSource: Int32Array;
  /** Upstream output index (links only). */
  readonly inputOutput: Int32Array;
  /** 1 for a lazy input. */
  readonly inputLazy: Uint8Array;
  /** The literal value (literals only; undefined for links). */
  readonly inputValue: readonly unknown[];
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

/** One compiled input as an object (see `compiledNode`). */
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

/** One compiled node as an object: for tests and diagnostics (the executor reads the flat arrays). */
export interface CompiledNode {
  readonly id: string;
  readonly type: AnyNodeType;
  readonly inputs: readonly CompiledInput[];
  readonly hasLazyLinks: boolean;
  readonly hasLazyInputs: boolean;
  readonly outputTypes: readonly string[];
}

/** Per-type facts looked up once per type, not once per node. */
interface TypeFacts {
  readonly specs: readonly InputSpec[];
  readonly outputTypes: readonly string[];
}

const typeFacts = new WeakMap<AnyNodeType, TypeFacts>();

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

/** Declared data type per output of `type`, in output order (one shared array per type). */
export function outputTypesOf(type: AnyNodeType): readonly string[] {
  return factsOf(type).outputTypes;
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
  // One lookup per type name, not per node (the last name first: neighbours often share a type).
  const byName = new Map<string, AnyNodeType>();
  let lastName: string | undefined;
  let lastType: AnyNodeType | undefined;
  let declared = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const name = apiNodes[id]!.type;
    let type = name === lastName ? lastType : byName.get(name);
    if (type === undefined) {
      type = registry.get(name);
      if (!type) throw invalid(`node ${id} has unknown type ${JSON.stringify(name)}`, { nodeId: id, type: name });
      byName.set(name, type);
    }
    lastName = name;
    lastType = type;
    types[i] = type;
    declared += type.inputNames.length;
  }

  // Inputs never outnumber declared inputs: the flat arrays are sized for those. All of them
  // are views of one buffer: each typed array with its own memory costs an allocation outside
  // the heap, which for a short workflow costs more than compiling it.
  const memory = new Arena(0, count * 5 + 3 + declared * 5, count + declared);
  const inputStart = memory.int32(count + 1);
  const inputIndex = memory.int32(declared);
  const inputSource = memory.int32(declared);
  const inputOutput = memory.int32(declared);
  const sourceStart = memory.int32(count + 1);
  const sourceList = memory.int32(declared);
  const consumerCount = memory.int32(count);
  const dependentStart = memory.int32(count + 1);
  const fill = memory.int32(count);
  const dependents = memory.int32(declared);
  const flags = memory.uint8(count);
  const inputLazy = memory.uint8(declared);
  const inputValue: unknown[] = new Array(declared);
  const outputNodes: number[] = [];
  let inputs = 0;
  let links = 0;
  let anyLazyLinks = false;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    const type = types[i]!;
    const { specs } = factsOf(type);
    const values = apiNodes[id]!.inputs as Record<string, unknown>;
    let nodeFlags = 0;
    const names = type.inputNames;
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      const spec = specs[index]!;
      const lazy = spec.lazy === true;
      if (lazy) nodeFlags |= NodeFlag.lazyInputs;
      const raw = values[name];
      if (isLink(raw)) {
        const source = indexOf.get(raw[0]);
        if (source === undefined) throw invalid(`node ${id} input "${name}" links to missing node ${raw[0]}`, { nodeId: id, input: name, source: raw[0] });
        const sourceType = types[source]!;
        if (raw[1] >= sourceType.outputNames.length) {
          throw invalid(`node ${id} input "${name}" links to output ${raw[1]} of node ${raw[0]} (${sourceType.type}), which has ${sourceType.outputNames.length} outputs`, { nodeId: id, input: name, source: raw[0], output: raw[1] });
        }
        inputIndex[inputs] = index;
        inputSource[inputs] = source;
        inputOutput[inputs] = raw[1];
        if (lazy) {
          inputLazy[inputs] = 1;
          nodeFlags |= NodeFlag.lazyLinks;
        } else {
          sourceList[links++] = source;
          consumerCount[source]!++;
        }
        inputs++;
        continue;
      }
      const value = raw === undefined ? (spec as { default?: unknown }).default : unwrapLiteral(raw);
      if (value === undefined) {
        if (!spec.optional) throw invalid(`node ${id} (${type.type}) has no value or link for its required input "${name}"`, { nodeId: id, input: name });
        if (!lazy) continue;
      }
      inputIndex[inputs] = index;
      inputSource[inputs] = -1;
      if (lazy) inputLazy[inputs] = 1;
      inputValue[inputs] = value;
      inputs++;
    }
    inputStart[i + 1] = inputs;
    sourceStart[i + 1] = links;
    flags[i] = nodeFlags;
    if ((nodeFlags & NodeFlag.lazyLinks) !== 0) anyLazyLinks = true;
    if (type.output) outputNodes.push(i);
  }

  // Compressed rows of consumers: counts → start offsets → fill.
  for (let i = 0; i < count; i++) dependentStart[i + 1] = dependentStart[i]! + consumerCount[i]!;
  fill.set(dependentStart.subarray(0, count));
  for (let i = 0; i < count; i++) {
    for (let at = sourceStart[i]!; at < sourceStart[i + 1]!; at++) dependents[fill[sourceList[at]!]!++] = i;
  }
  const graph: CompiledGraph = {
    ids, types, flags, inputStart, inputIndex, inputSource, inputOutput, inputLazy, inputValue,
    indexOf, sourceStart, sources: sourceList.subarray(0, links), dependentStart, dependents: dependents.subarray(0, links), outputNodes, hasLazyLinks: anyLazyLinks,
  };
  // The scheduler finds cycles of eager links by itself (their nodes never become ready), but a
  // cycle through a lazy link would leave a node waiting on itself: refuse it up front.
  if (anyLazyLinks) refuseCycles(graph);
  return graph;
}

/** The name of compiled input `at` of node `node` (its type's declared name). */
export function inputName(graph: CompiledGraph, node: number, at: number): string {
  return graph.types[node]!.inputNames[graph.inputIndex[at]!]!;
}

/** Node `index` of `graph` as an object (built on each call). */
export function compiledNode(graph: CompiledGraph, index: number): CompiledNode {
  const type = graph.types[index]!;
  const inputs: CompiledInput[] = [];
  for (let at = graph.inputStart[index]!; at < graph.inputStart[index + 1]!; at++) {
    inputs.push({
      index: graph.inputIndex[at]!,
      name: inputName(graph, index, at),
      lazy: graph.inputLazy[at] === 1,
      source: graph.inputSource[at]!,
      output: graph.inputSource[at]! < 0 ? 0 : graph.inputOutput[at]!,
      value: graph.inputValue[at],
    });
  }
  const flags = graph.flags[index]!;
  return {
    id: graph.ids[index]!,
    type,
    inputs,
    hasLazyLinks: (flags & NodeFlag.lazyLinks) !== 0,
    hasLazyInputs: (flags & NodeFlag.lazyInputs) !== 0,
    outputTypes: outputTypesOf(type),
  };
}

/** Kahn's algorithm over all links (eager and lazy); linear, iterative. */
function refuseCycles(graph: CompiledGraph): void {
  const { ids, inputStart, inputSource } = graph;
  const count = ids.length;
  const indegree = new Int32Array(count);
  const consumers: number[][] = Array.from({ length: count }, () => []);
  for (let i = 0; i < count; i++) {
    for (let at = inputStart[i]!; at < inputStart[i + 1]!; at++) {
      const source = inputSource[at]!;
      if (source < 0) continue;
      indegree[i]!++;
      consumers[source]!.push(i);
    }
  }
  const queue: number[] = [];
  for (let i = 0; i < count; i++) if (indegree[i] === 0) queue.push(i);
  for (let head = 0; head < queue.length; head++) {
    for (const consumer of consumers[queue[head]!]!) if (--indegree[consumer]! === 0) queue.push(consumer);
  }
  if (queue.length === count) return;
  const stuck = ids.filter((_, i) => indegree[i]! > 0);
  throw invalid(`the workflow has a cycle: nodes ${stuck.slice(0, 10).join(', ')}${stuck.length > 10 ? ', …' : ''} are on it or depend on it`, { nodes: stuck });
}
