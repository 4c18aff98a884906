/**
 * Node search shared by the palette and the canvas quick search: every word of the query must
 * be found in a node's title, type id, category or aliases — as a substring, or failing that
 * as letters in order ("ksmp" finds KSampler) — and results rank title matches first.
 */
import type { NodeDescription } from '../wire.js';

export interface SearchHit {
  description: NodeDescription;
  score: number;
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) if (char === needle[at]) at++;
  return at === needle.length;
}

function wordScore(word: string, description: NodeDescription): number {
  const title = description.title.toLowerCase();
  const type = description.type.toLowerCase();
  const category = description.category.toLowerCase();
  if (title.startsWith(word)) return 100;
  if (title.split(/[\s()/_.-]+/).some((part) => part.startsWith(word))) return 80;
  if (title.includes(word)) return 60;
  if (type.includes(word)) return 50;
  if (description.aliases.some((alias) => alias.toLowerCase().includes(word))) return 40;
  if (category.includes(word)) return 30;
  if (isSubsequence(word, title) || isSubsequence(word, type)) return 10;
  return 0;
}

export function searchNodes(descriptions: Iterable<NodeDescription>, query: string, limit = 50): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  for (const description of descriptions) {
    if (description.deprecated && words.length === 0) continue;
    let score = 0;
    for (const word of words) {
      const found = wordScore(word, description);
      if (found === 0) {
        score = -1;
        break;
      }
      score += found;
    }
    if (score < 0) continue;
    if (description.deprecated) score -= 20;
    hits.push({ description, score });
  }
  hits.sort((a, b) => b.score - a.score || a.description.title.localeCompare(b.description.title));
  return hits.slice(0, limit);
}

/** Descriptions grouped by category path ("image/transform"), categories sorted. */
export function byCategory(descriptions: Iterable<NodeDescription>): Map<string, NodeDescription[]> {
  const groups = new Map<string, NodeDescription[]>();
  for (const description of descriptions) {
    if (description.deprecated) continue;
    const key = description.category || 'other';
    const list = groups.get(key) ?? [];
    list.push(description);
    groups.set(key, list);
  }
  for (const list of groups.values()) list.sort((a, b) => a.title.localeCompare(b.title));
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
