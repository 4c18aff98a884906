/**
 * The dependency graph validation works on: for each node (by index), the nodes it links
 * from, as flat compressed rows (two arrays for the whole workflow, not one array per node).
 *
 * A node of a known type depends on the existing nodes its declared inputs link from; a node
 * whose type is unknown, or that is malformed, on every node any of its inputs links from, so
 * that cycles through it are still found.
 */
import { isLink } from '../graph/api-format.js';
import { inputValue, type NodeRecord, type ReadWorkflow } from './workflow-nodes.js';

export interface DependencyGraph {
  /** Number of nodes. */
  readonly count: number;
  /** Node v links from `sources[start[v]]` … `sources[start[v + 1] - 1]`, in input order. */
  readonly start: Int32Array;
  readonly sources: readonly number[];
}

export function dependencyGraph(read: ReadWorkflow): DependencyGraph {
  const { nodes, indexById } = read;
  const count = nodes.length;
  const start = new Int32Array(count + 1);
  const sources: number[] = [];
  for (let node = 0; node < count; node++) {
    start[node] = sources.length;
    try {
      addSources(read, nodes[node]!, indexById, sources);
    } catch {
      // Only a hostile value (a revoked proxy) throws here; checking the node reports it, and a
      // node that cannot be read depends on nothing.
      sources.length = start[node]!;
    }
  }
  start[count] = sources.length;
  return { count, start, sources };
}

function addSource(value: unknown, indexById: ReadWorkflow['indexById'], sources: number[]): void {
  if (!isLink(value)) return;
  const source = indexById.get(value[0]);
  if (source !== undefined) sources.push(source);
}

function addSources(read: ReadWorkflow, record: NodeRecord, indexById: ReadWorkflow['indexById'], sources: number[]): void {
  const nodeType = record.nodeType;
  if (nodeType === undefined) {
    for (let at = record.inputStart; at < record.inputEnd; at++) addSource(read.inputValues[at], indexById, sources);
    return;
  }
  for (const name of nodeType.inputNames) addSource(inputValue(read, record, name), indexById, sources);
}

/** True when node `from` links from node `to`. */
export function linksFrom(graph: DependencyGraph, from: number, to: number): boolean {
  const end = graph.start[from + 1]!;
  for (let at = graph.start[from]!; at < end; at++) if (graph.sources[at] === to) return true;
  return false;
}

/** The graph with its links reversed: `dependents` of v are the nodes that link from v (ascending). */
export function invert(graph: DependencyGraph): DependencyGraph {
  const { count, start, sources } = graph;
  const inverse = new Int32Array(count + 1);
  for (const source of sources) inverse[source + 1]!++;
  for (let node = 0; node < count; node++) inverse[node + 1]! += inverse[node]!;
  const fill = inverse.slice(0, count);
  const dependents = new Array<number>(sources.length);
  for (let node = 0; node < count; node++) {
    const end = start[node + 1]!;
    for (let at = start[node]!; at < end; at++) dependents[fill[sources[at]!]!++] = node;
  }
  return { count, start: inverse, sources: dependents };
}
