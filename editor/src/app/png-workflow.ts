/**
 * Reading the workflow embedded in a PNG, in the browser (no DOM, no Node APIs: it also runs
 * under Node for tests). Switchyard's SaveImage and ComfyUI both write two text chunks:
 * `workflow` (the saved editor graph) and `prompt` (the API format); either may be tEXt
 * (Latin-1), zTXt or iTXt (UTF-8, maybe compressed). The saved graph wins: it keeps the layout.
 */

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Cap on one inflated text, so a small compressed chunk cannot balloon in memory. */
const MAX_TEXT_BYTES = 64 * 1024 * 1024;

export class PngWorkflowError extends Error {
  override name = 'PngWorkflowError';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Latin-1 by hand: TextDecoder's "latin1" is really windows-1252. */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return text;
}

async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream('deflate'));
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_TEXT_BYTES) {
      await reader.cancel();
      throw new PngWorkflowError('a compressed text chunk is larger than 64 MiB');
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((value, index) => bytes[index] === value);
}

interface TextChunk {
  type: 'tEXt' | 'zTXt' | 'iTXt';
  data: Uint8Array;
}

function textChunks(bytes: Uint8Array): TextChunk[] {
  if (!isPng(bytes)) throw new PngWorkflowError('this file is not a PNG (its signature is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: TextChunk[] = [];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new PngWorkflowError(`the PNG is cut short (a chunk at byte ${offset} runs past the end)`);
    const type = latin1(bytes.subarray(offset + 4, offset + 8));
    if (type === 'IEND') return found;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const crcOk = crc32(bytes.subarray(offset + 4, offset + 8 + length)) === view.getUint32(offset + 8 + length);
      // A damaged chunk is skipped, as the server's reader does: the rest may still be useful.
      if (crcOk) found.push({ type, data: bytes.subarray(offset + 8, offset + 8 + length) });
    }
    offset = end;
  }
  throw new PngWorkflowError('the PNG is cut short (it ends without an IEND chunk)');
}

async function decodeText(chunk: TextChunk, zero: number): Promise<string | undefined> {
  const { type, data } = chunk;
  if (type === 'tEXt') return latin1(data.subarray(zero + 1));
  if (type === 'zTXt') return latin1(await inflate(data.subarray(zero + 2)));
  const compressed = data[zero + 1] === 1;
  const languageEnd = data.indexOf(0, zero + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return undefined;
  const body = data.subarray(translatedEnd + 1);
  return new TextDecoder('utf-8').decode(compressed ? await inflate(body) : body);
}

/** Every text entry of a PNG by keyword (the first chunk of a keyword wins). */
export async function readPngText(bytes: Uint8Array): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const chunk of textChunks(bytes)) {
    const zero = chunk.data.indexOf(0);
    if (zero < 1) continue;
    const keyword = latin1(chunk.data.subarray(0, zero));
    if (texts.has(keyword)) continue;
    try {
      const text = await decodeText(chunk, zero);
      if (text !== undefined) texts.set(keyword, text);
    } catch (error) {
      if (error instanceof PngWorkflowError) throw error;
      // Text that does not inflate is skipped like a bad checksum.
    }
  }
  return texts;
}

export interface EmbeddedWorkflow {
  /** `workflow`: the saved graph; `prompt`: the API format (laid out on opening). */
  source: 'workflow' | 'prompt';
  data: unknown;
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The workflow a PNG carries; a PngWorkflowError saying why when it carries none. */
export async function workflowFromPng(bytes: Uint8Array): Promise<EmbeddedWorkflow> {
  const texts = await readPngText(bytes);
  const workflow = parseObject(texts.get('workflow'));
  if (workflow && Array.isArray(workflow.nodes)) return { source: 'workflow', data: workflow };
  const prompt = parseObject(texts.get('prompt'));
  if (prompt) return { source: 'prompt', data: prompt };
  if (texts.has('workflow') || texts.has('prompt')) throw new PngWorkflowError('its embedded workflow is not readable JSON');
  throw new PngWorkflowError('it has no embedded workflow (only PNGs saved by Switchyard or ComfyUI carry one)');
}
