/**
 * Dependency cycles in a graph of numbered nodes: strongly connected components by an
 * iterative Tarjan (no recursion, so a 10,000-node chain cannot overflow the stack), then one
 * concrete cycle per tangled component so messages can name the nodes in order. Linear in
 * nodes + edges.
 */

export interface Cycle {
  /** Node indices along one cycle, each depending on the next (the last on the first). */
  cycle: number[];
  /** Every node index of the strongly connected component the cycle lies in (ascending). */
  component: number[];
}

/** `dependencies[v]` lists the nodes v depends on. Returns one cycle per tangled component. */
export function findCycles(dependencies: readonly (readonly number[])[]): Cycle[] {
  const count = dependencies.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const componentOf = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  const edgeCursor = new Int32Array(count);
  const stack: number[] = [];
  const callStack: number[] = [];
  const components: number[][] = [];
  let counter = 0;

  for (let root = 0; root < count; root++) {
    if (order[root] !== -1) continue;
    callStack.push(root);
    order[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length > 0) {
      const v = callStack[callStack.length - 1];
      const edges = dependencies[v];
      if (edgeCursor[v] < edges.length) {
        const w = edges[edgeCursor[v]++];
        if (order[w] === -1) {
          order[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push(w);
        } else if (onStack[w] === 1 && order[w] < low[v]) {
          low[v] = order[w];
        }
        continue;
      }
      callStack.pop();
      if (callStack.length > 0) {
        const parent = callStack[callStack.length - 1];
        if (low[v] < low[parent]) low[parent] = low[v];
      }
      if (low[v] === order[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          componentOf[w] = components.length;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
    }
  }

  const cycles: Cycle[] = [];
  for (let id = 0; id < components.length; id++) {
    const component = components[id].sort((a, b) => a - b);
    const start = component[0];
    if (component.length === 1) {
      if (dependencies[start].includes(start)) cycles.push({ cycle: [start], component });
      continue;
    }
    cycles.push({ cycle: walkCycle(start, id, dependencies, componentOf), component });
  }
  cycles.sort((a, b) => a.component[0] - b.component[0]);
  return cycles;
}

/** Follows edges inside one component from `start` until a node repeats: that loop is a cycle. */
function walkCycle(start: number, id: number, dependencies: readonly (readonly number[])[], componentOf: Int32Array): number[] {
  const position = new Map<number, number>();
  const path: number[] = [];
  let v = start;
  while (!position.has(v)) {
    position.set(v, path.length);
    path.push(v);
    // Every node of a non-trivial component has an edge staying inside it.
    v = dependencies[v].find((w) => componentOf[w] === id) as number;
  }
  return path.slice(position.get(v));
}
