/**
 * Reachability over the dependency graph, linear in nodes + links: which nodes are downstream
 * of a problem ("tainted"), and which selected output nodes each problem node blocks.
 */

/** `dependents[v]` = nodes that link from v. Built from `dependencies[v]` = nodes v links from. */
export function invert(dependencies: readonly (readonly number[])[]): number[][] {
  const dependents: number[][] = dependencies.map(() => []);
  dependencies.forEach((sources, node) => {
    for (const source of sources) dependents[source].push(node);
  });
  return dependents;
}

/** Marks every node reachable downstream from `sources` (the sources included). */
export function downstreamOf(sources: Iterable<number>, dependents: readonly (readonly number[])[]): Uint8Array {
  const marked = new Uint8Array(dependents.length);
  const queue: number[] = [];
  for (const source of sources) {
    if (marked[source] === 0) {
      marked[source] = 1;
      queue.push(source);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    for (const next of dependents[queue[head]]) {
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
  dependencies: readonly (readonly number[])[],
): Map<number, number[]> {
  const result = new Map<number, number[]>();
  const seenBy = new Int32Array(dependencies.length).fill(-1);
  outputs.forEach((output, stamp) => {
    if (tainted[output] === 0) return;
    const queue = [output];
    seenBy[output] = stamp;
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head];
      if (problems.has(node)) {
        const list = result.get(node);
        if (list) list.push(output);
        else result.set(node, [output]);
      }
      for (const source of dependencies[node]) {
        if (tainted[source] === 1 && seenBy[source] !== stamp) {
          seenBy[source] = stamp;
          queue.push(source);
        }
      }
    }
  });
  return result;
}
