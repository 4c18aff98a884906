/**
 * Node id → position, for the ids of one workflow (validation and the compiled graph look every
 * link's source up here).
 *
 * A null-prototype object rather than a Map: workflow ids are mostly decimal ("1" … "10000"),
 * which such an object keeps as a flat array of small integers. A Map of 10,000 ids allocates
 * about twice the memory and, once its table outgrows the CPU caches, costs several times as
 * much per lookup, which made long workflows slower per node than short ones. Any other id
 * (`__proto__` and `constructor` included, as there is no prototype) is an ordinary key.
 */

export interface NodePositions {
  /** The position of node `id`, or undefined when the workflow has no such node. */
  get(id: string): number | undefined;
}

/** Positions of `ids` (distinct, as an object's keys are): `ids[i]` is at position i. */
export function nodePositions(ids: readonly string[]): NodePositions {
  const table = Object.create(null) as Record<string, number>;
  for (let position = 0; position < ids.length; position++) table[ids[position]!] = position;
  return { get: (id) => table[id] };
}
