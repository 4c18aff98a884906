/**
 * Which output type may feed which input type — the same rule as the engine's
 * `typesCompatible` (engine/nodes/data-types.ts; test/editor/logic.test.ts checks they agree):
 * equal types, the wildcard `*`, comma-separated alternatives, STRING into COMBO, INT into FLOAT.
 */
export function typesCompatible(from: string, to: string): boolean {
  if (from === to || from === '*' || to === '*') return true;
  if (to === 'COMBO' && (from === 'STRING' || from === 'COMBO')) return true;
  if (from === 'INT' && to === 'FLOAT') return true;
  if (to.includes(',') || from.includes(',')) {
    const targets = to.split(',').map((t) => t.trim());
    return from.split(',').some((f) => targets.includes(f.trim()) || targets.includes('*'));
  }
  return false;
}
