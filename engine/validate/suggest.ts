/**
 * "Did you mean …?" for unknown node types: close names among the registry's type ids and
 * aliases by edit distance (case-insensitive), or by a matching last segment (`invert` →
 * `image.invert`).
 */
import type { NodeRegistry } from '../nodes/registry.js';

/** Levenshtein distance, giving up (returning `limit + 1`) once it must exceed `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = current[0];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
      if (current[j] < rowMin) rowMin = current[j];
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

function lastSegment(name: string): string {
  const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('/'), name.lastIndexOf(':'));
  return name.slice(cut + 1);
}

/** Up to `max` known type ids or aliases close to `unknown`, closest first. */
export function suggestNodeTypes(unknown: string, registry: NodeRegistry, max = 3): string[] {
  const wanted = unknown.toLowerCase();
  const wantedTail = lastSegment(wanted);
  const limit = Math.max(1, Math.floor(wanted.length / 3));
  const scored = new Map<string, number>();
  for (const node of registry.list()) {
    for (const name of [node.type, ...node.aliasList.map((alias) => alias.type)]) {
      const candidate = name.toLowerCase();
      let score = editDistance(wanted, candidate, limit);
      // Same last segment (namespace forgotten or different) counts as close.
      if (score > limit && wantedTail.length > 2 && lastSegment(candidate) === wantedTail) score = limit;
      if (score <= limit && (!scored.has(name) || (scored.get(name) as number) > score)) scored.set(name, score);
    }
  }
  return [...scored.entries()].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0])).slice(0, max).map(([name]) => name);
}
