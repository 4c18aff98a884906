/**
 * Reader counts for one run: how many links (eager or lazy) from nodes that may still run in
 * this run read each node's output values. The run keeps a node's values only while that count
 * is above zero, so a long chain of big values holds a couple of them at a time instead of all.
 *
 * The counts cover the run's *potential* plan — the targets and everything reachable upstream
 * of them through eager and lazy links — because a lazy input may be asked for late and then
 * needs its upstream's values. A reader stops counting when it settles (done, failed, skipped)
 * or when it is dead: still inactive with no reader of its own left, so nothing can ever
 * activate it any more (only an active eager consumer or a running lazy one can).
 */
import type { CompiledGraph } from './graph.js';

/** Counts, per node, the links that read it from nodes of the potential plan of `targets`. */
export function countReaders(graph: CompiledGraph, targets: readonly number[]): Int32Array {
  const { nodes, sourceStart, sources, hasLazyLinks } = graph;
  const count = nodes.length;
  const readers = new Int32Array(count);
  const seen = new Uint8Array(count);
  // Each node is pushed once, so a flat stack of `count` never overflows.
  const stack = new Int32Array(count);
  let top = 0;
  for (const target of targets) {
    if (seen[target] === 0) {
      seen[target] = 1;
      stack[top++] = target;
    }
  }
  while (top > 0) {
    const node = stack[--top]!;
    // Eager links from the flat rows; lazy links (rarer) from the node's inputs.
    const end = sourceStart[node + 1]!;
    for (let at = sourceStart[node]!; at < end; at++) {
      const source = sources[at]!;
      readers[source]!++;
      if (seen[source] === 0) {
        seen[source] = 1;
        stack[top++] = source;
      }
    }
    if (!hasLazyLinks) continue;
    const compiled = nodes[node]!;
    if (!compiled.hasLazyLinks) continue;
    for (const input of compiled.inputs) {
      if (!input.lazy || input.source < 0) continue;
      readers[input.source]!++;
      if (seen[input.source] === 0) {
        seen[input.source] = 1;
        stack[top++] = input.source;
      }
    }
  }
  return readers;
}
