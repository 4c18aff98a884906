/**
 * The byte ↔ character table of byte-level BPE (GPT-2, CLIP): printable Latin-1 bytes stand for
 * themselves, the other 68 bytes map to code points from 256 up, so every byte sequence is a
 * string of visible characters that merges and vocabularies can name.
 */

function buildTable(): string[] {
  const direct: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) direct.push(b);
  for (let b = 0xa1; b <= 0xac; b++) direct.push(b);
  for (let b = 0xae; b <= 0xff; b++) direct.push(b);
  const table: string[] = new Array(256);
  const isDirect = new Set(direct);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    if (isDirect.has(b)) table[b] = String.fromCharCode(b);
    else table[b] = String.fromCharCode(256 + next++);
  }
  return table;
}

/** Character for each byte 0..255. */
export const BYTE_TO_CHAR: readonly string[] = buildTable();

const encoder = new TextEncoder();

/** A word's UTF-8 bytes as byte-level characters. */
export function byteLevel(word: string): string[] {
  return Array.from(encoder.encode(word), (byte) => BYTE_TO_CHAR[byte]!);
}
