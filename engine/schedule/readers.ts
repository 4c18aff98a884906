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
import { Arena } from './arena.js';
import { NodeFlag, type CompiledGraph } from './graph.js';

/** Int32 words and bytes `countReaders` takes from an arena for `count` nodes. */
export function readersMemory(count: number): { int32: number; uint8: number } {
  return { int32: count * 2, uint8: count };
}

/**
 * Counts, per node, the links that read it from nodes of the potential plan of `targets`.
 * `memory`: where its arrays come from (reserved with `readersMemory`); its own by default.
 */
export function countReaders(graph: CompiledGraph, targets: readonly number[], memory?: Arena): Int32Array {
  const { ids, sourceStart, sources, hasLazyLinks, flags, inputStart, inputSource, inputLazy } = graph;
  const count = ids.length;
  memory ??= new Arena(0, count * 2, count);
  const readers = memory.int32(count);
  // Each node is pushed once, so a flat stack of `count` never overflows.
  const stack = memory.int32(count);
  const seen = memory.uint8(count);
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
    if (!hasLazyLinks || (flags[node]! & NodeFlag.lazyLinks) === 0) continue;
    for (let at = inputStart[node]!; at < inputStart[node + 1]!; at++) {
      const source = inputSource[at]!;
      if (inputLazy[at] === 0 || source < 0) continue;
      readers[source]!++;
      if (seen[source] === 0) {
        seen[source] = 1;
        stack[top++] = source;
      }
    }
  }
  return readers;
}
