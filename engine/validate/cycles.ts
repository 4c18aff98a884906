/**
 * Dependency cycles in a graph of numbered nodes: strongly connected components by an
 * iterative Tarjan (no recursion, so a 10,000-node chain cannot overflow the stack), then one
 * concrete cycle per tangled component so messages can name the nodes in order. Linear in
 * nodes + edges; the stacks are typed arrays (each node enters each once), and only tangled
 * components get an array of their own.
 */
import { linksFrom, type DependencyGraph } from './dependencies.js';

export interface Cycle {
  /** Node indices along one cycle, each depending on the next (the last on the first). */
  cycle: number[];
  /** Every node index of the strongly connected component the cycle lies in (ascending). */
  component: number[];
}

/** Returns one cycle per tangled component (a node linking to itself counts), first nodes ascending. */
export function findCycles(graph: DependencyGraph): Cycle[] {
  const { count, start, sources } = graph;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const componentOf = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  // Next link to follow per node, as a position in `sources`.
  const cursor = start.slice(0, count);
  const stack = new Int32Array(count);
  const callStack = new Int32Array(count);
  let stackTop = 0;
  let callTop = 0;
  /** Components that hold a cycle, in the order Tarjan closes them. */
  const tangled: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    callStack[callTop++] = root;
    order[root] = low[root] = counter++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (callTop > 0) {
      const v = callStack[callTop - 1]!;
      if (cursor[v]! < start[v + 1]!) {
        const w = sources[cursor[v]!++]!;
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack[stackTop++] = w;
          onStack[w] = 1;
          callStack[callTop++] = w;
        } else if (onStack[w] === 1 && order[w]! < low[v]!) {
          low[v] = order[w]!;
        }
        continue;
      }
      callTop--;
      if (callTop > 0) {
        const parent = callStack[callTop - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] !== order[v]) continue;
      if (stack[stackTop - 1] === v) {
        // A component of one node, the usual case: tangled only if the node links to itself.
        stackTop--;
        onStack[v] = 0;
        if (linksFrom(graph, v, v)) {
          componentOf[v] = tangled.length;
          tangled.push([v]);
        }
        continue;
      }
      const component: number[] = [];
      let w: number;
      do {
        w = stack[--stackTop]!;
        onStack[w] = 0;
        componentOf[w] = tangled.length;
        component.push(w);
      } while (w !== v);
      tangled.push(component);
    }
  }

  const cycles: Cycle[] = [];
  for (let id = 0; id < tangled.length; id++) {
    const component = tangled[id]!.sort((a, b) => a - b);
    const first = component[0]!;
    cycles.push({ cycle: component.length === 1 ? [first] : walkCycle(first, id, graph, componentOf), component });
  }
  cycles.sort((a, b) => a.component[0]! - b.component[0]!);
  return cycles;
}

/** Follows links inside one component from `first` until a node repeats: that loop is a cycle. */
function walkCycle(first: number, id: number, graph: DependencyGraph, componentOf: Int32Array): number[] {
  const position = new Map<number, number>();
  const path: number[] = [];
  let v = first;
  while (v !== -1 && !position.has(v)) {
    position.set(v, path.length);
    path.push(v);
    v = nextInComponent(graph, v, id, componentOf);
  }
  return path.slice(position.get(v));
}

/** The first node `v` links from inside component `id` (every node of a tangled component has one). */
function nextInComponent(graph: DependencyGraph, v: number, id: number, componentOf: Int32Array): number {
  const end = graph.start[v + 1]!;
  for (let at = graph.start[v]!; at < end; at++) {
    const w = graph.sources[at]!;
    if (componentOf[w] === id) return w;
  }
  return -1;
}
