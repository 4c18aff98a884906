/**
 * PNG text metadata: inserting tEXt/iTXt chunks into an encoded PNG (sharp cannot write
 * arbitrary keys) and reading them back. SaveImage stores the workflow this way, as ComfyUI
 * does, so dropping a saved PNG into an editor restores the workflow that made it.
 */
import { inflateSync } from 'node:zlib';
import { SwitchyardError } from '../../engine/nodes/index.js';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Cap on one inflated zTXt/iTXt text, so a compressed chunk cannot balloon in memory. */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG chunks use it (over type and data). */
export function crc32(...parts: Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) crc = CRC_TABLE[(crc ^ part[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data and the CRC over type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(head.subarray(4, 8), data), 0);
  return Buffer.concat([head, data, tail]);
}

function checkKeyword(keyword: string): void {
  // PNG keywords: 1–79 printable Latin-1 characters, no leading/trailing/double spaces.
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || keyword.startsWith(' ') || keyword.endsWith(' ') || keyword.includes('  ')) {
    throw new SwitchyardError('invalid_input', `${JSON.stringify(keyword)} is not a valid PNG text keyword (1-79 printable Latin-1 characters)`, { keyword });
  }
}

/** tEXt when the text is Latin-1, else an uncompressed UTF-8 iTXt chunk. */
function textChunk(keyword: string, text: string): Buffer {
  checkKeyword(keyword);
  if (/^[\x00-\xff]*$/.test(text) && !text.includes('\0')) return pngChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]));
  return pngChunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));
}

/** JSON with every non-ASCII character escaped, as ComfyUI writes it (keeps tEXt plain ASCII). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function notPng(message: string): SwitchyardError {
  return new SwitchyardError('invalid_image', `not a readable PNG: ${message}`, {});
}

interface RawChunk {
  type: string;
  start: number;
  end: number;
  data: Buffer;
  crcOk: boolean;
}

function* chunks(png: Buffer): Generator<RawChunk> {
  if (png.length < 8 || !png.subarray(0, 8).equals(SIGNATURE)) throw notPng('the PNG signature is missing');
  let offset = 8;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw notPng(`chunk at byte ${offset} is truncated`);
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > png.length) throw notPng(`chunk at byte ${offset} is truncated`);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crcOk = crc32(png.subarray(offset + 4, offset + 8), data) === png.readUInt32BE(offset + 8 + length);
    yield { type, start: offset, end, data, crcOk };
    if (type === 'IEND') return;
    offset = end;
  }
  throw notPng('it ends without an IEND chunk');
}

/** Returns `png` with text chunks for `entries` inserted right after IHDR (before the image data). */
export function insertPngText(png: Buffer, entries: Readonly<Record<string, string>>): Buffer {
  const first = chunks(png).next();
  if (first.done || first.value.type !== 'IHDR') throw notPng('the first chunk is not IHDR');
  const inserted = Object.entries(entries).map(([keyword, text]) => textChunk(keyword, text));
  return Buffer.concat([png.subarray(0, first.value.end), ...inserted, png.subarray(first.value.end)]);
}

function inflateText(data: Buffer): Buffer {
  return inflateSync(data, { maxOutputLength: MAX_TEXT_BYTES });
}

/**
 * The text metadata of a PNG (tEXt, zTXt and iTXt) by keyword; the first chunk of a keyword wins.
 * Chunks with a bad checksum or undecodable text are skipped; a file that is not a PNG, or is cut
 * short, is an invalid_image error.
 */
export function readPngText(png: Buffer | Uint8Array): Record<string, string> {
  const buffer = Buffer.isBuffer(png) ? png : Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  // A Map, not an object: a "__proto__" keyword in a hostile file must stay a plain key.
  const result = new Map<string, string>();
  for (const { type, data, crcOk } of chunks(buffer)) {
    if (!crcOk || (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt')) continue;
    const zero = data.indexOf(0);
    if (zero < 1) continue;
    const keyword = data.toString('latin1', 0, zero);
    if (result.has(keyword)) continue;
    try {
      if (type === 'tEXt') result.set(keyword, data.toString('latin1', zero + 1));
      else if (type === 'zTXt') result.set(keyword, inflateText(data.subarray(zero + 2)).toString('latin1'));
      else {
        const compressed = data[zero + 1] === 1;
        const languageEnd = data.indexOf(0, zero + 3);
        const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
        if (translatedEnd < 0) continue;
        const body = data.subarray(translatedEnd + 1);
        result.set(keyword, (compressed ? inflateText(body) : body).toString('utf8'));
      }
    } catch {
      // A damaged compressed chunk is skipped like a bad checksum: the rest is still useful.
      continue;
    }
  }
  return Object.fromEntries(result);
}
