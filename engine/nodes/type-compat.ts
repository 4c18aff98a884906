/**
 * Can an output of type `from` feed an input of type `to`? Equal names, the wildcard `*`,
 * comma-separated alternatives (`IMAGE,MASK`), strings into combos, and INT into FLOAT.
 * No imports: the editor's bundle uses this same function for the links it accepts.
 */
export function typesCompatible(from: string, to: string): boolean {
  if (from === to || from === '*' || to === '*') return true;
  if (to === 'COMBO' && (from === 'STRING' || from === 'COMBO')) return true;
  // Every integer is a float: INT outputs may feed FLOAT inputs (never the reverse).
  if (from === 'INT' && to === 'FLOAT') return true;
  if (to.includes(',') || from.includes(',')) {
    const targets = to.split(',').map((t) => t.trim());
    return from.split(',').some((f) => targets.includes(f.trim()) || targets.includes('*'));
  }
  return false;
}
