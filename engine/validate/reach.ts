/**
 * Reachability over the dependency graph, linear in nodes + links: which nodes are downstream
 * of a problem ("tainted"), and which selected output nodes each problem node blocks.
 */
import { invert, type DependencyGraph } from './dependencies.js';

/**
 * Marks every node reachable downstream from `sources` (the sources included). With no
 * sources (a valid workflow) nothing is walked and the reversed graph is never built.
 */
export function downstreamOf(sources: readonly number[], graph: DependencyGraph): Uint8Array {
  const marked = new Uint8Array(graph.count);
  if (sources.length === 0) return marked;
  const { start, sources: dependents } = invert(graph);
  const queue: number[] = [];
  for (const source of sources) {
    if (marked[source] === 0) {
      marked[source] = 1;
      queue.push(source);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    const end = start[node + 1]!;
    for (let at = start[node]!; at < end; at++) {
      const next = dependents[at]!;
      if (marked[next] === 0) {
        marked[next] = 1;
        queue.push(next);
      }
    }
  }
  return marked;
}

/**
 * For each problem node, the selected outputs that depend on it (itself included). Only walks
 * upstream of blocked outputs and only through tainted nodes, since every node on a path from a
 * problem to an output is tainted.
 */
export function blockedOutputs(
  outputs: readonly number[],
  problems: ReadonlySet<number>,
  tainted: Uint8Array,
  graph: DependencyGraph,
): Map<number, number[]> {
  const result = new Map<number, number[]>();
  const { start, sources } = graph;
  let seenBy: Int32Array | undefined;
  outputs.forEach((output, stamp) => {
    if (tainted[output] === 0) return;
    seenBy ??= new Int32Array(graph.count).fill(-1);
    const queue = [output];
    seenBy[output] = stamp;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      if (problems.has(node)) {
        const list = result.get(node);
        if (list) list.push(output);
        else result.set(node, [output]);
      }
      const end = start[node + 1]!;
      for (let at = start[node]!; at < end; at++) {
        const source = sources[at]!;
        if (tainted[source] === 1 && seenBy[source] !== stamp) {
          seenBy[source] = stamp;
          queue.push(source);
        }
      }
    }
  });
  return result;
}
