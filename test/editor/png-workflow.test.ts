/**
 * The editor's PNG workflow reader, run in Node: editor/src/app/png-workflow.ts (no DOM) is
 * bundled with esbuild into a temp file and imported. It must read back exactly what our
 * SaveImage writes (nodes/image/png-text.ts: tEXt for ASCII JSON, iTXt for other text), what
 * ComfyUI writes (tEXt `workflow` and `prompt`), and zTXt / compressed iTXt from other tools;
 * prefer the saved graph over the API prompt; and say clearly why a PNG has no workflow.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { asciiJson, insertPngText, pngChunk as chunk, readPngText as serverReadPngText } from '../../nodes/image/png-text.js';
import { importEditorModules } from './editor-modules.js';

interface PngReader {
  isPng(bytes: Uint8Array): boolean;
  readPngText(bytes: Uint8Array): Promise<Map<string, string>>;
  workflowFromPng(bytes: Uint8Array): Promise<{ source: 'workflow' | 'prompt'; data: unknown }>;
}

let reader: PngReader;
let plain: Buffer;

const SAVED = {
  last_node_id: 2, last_link_id: 1, version: 0.4,
  nodes: [
    { id: 1, type: 'image.empty', pos: [0, 0], size: [240, 160], mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }], properties: {}, widgets_values: [32, 32, 1, 0] },
    { id: 2, type: 'image.save', pos: [300, 0], size: [240, 160], mode: 0, inputs: [{ name: 'images', type: 'IMAGE', link: 1 }], outputs: [], properties: {}, widgets_values: ['Bildchen – ünïcode ✓'] },
  ],
  links: [[1, 1, 0, 2, 0, 'IMAGE']], groups: [], config: {}, extra: {},
};
const PROMPT = { '1': { class_type: 'EmptyImage', inputs: { width: 32, height: 32, batch_size: 1, color: 0 } }, '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'ComfyUI' } } };

/** `png` with extra chunks inserted after IHDR (which is always 25 bytes long after the signature). */
function withChunks(png: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

before(async () => {
  reader = await importEditorModules<PngReader>('app/png-workflow.ts');
  plain = await sharp({ create: { width: 4, height: 3, channels: 3, background: { r: 10, g: 20, b: 30 } } }).png().toBuffer();
});


test('what SaveImage writes (ASCII-escaped JSON in tEXt) reads back, the saved graph first', async () => {
  const png = insertPngText(plain, { prompt: asciiJson(PROMPT), workflow: asciiJson(SAVED) });
  const texts = await reader.readPngText(png);
  assert.deepEqual([...texts.keys()].sort(), ['prompt', 'workflow']);
  assert.deepEqual(Object.fromEntries(texts), serverReadPngText(png), 'the same text as the server reads');
  const found = await reader.workflowFromPng(png);
  assert.equal(found.source, 'workflow');
  assert.deepEqual(found.data, SAVED, 'non-ASCII text survives the \\u escapes');
});

test('a PNG with only the API prompt (ComfyUI API runs) opens from the prompt', async () => {
  const png = insertPngText(plain, { prompt: JSON.stringify(PROMPT) });
  assert.deepEqual(await reader.workflowFromPng(png), { source: 'prompt', data: PROMPT });
  // A workflow text that is not a graph (ComfyUI writes "null" sometimes) falls back too.
  const nullWorkflow = insertPngText(plain, { workflow: 'null', prompt: JSON.stringify(PROMPT) });
  assert.equal((await reader.workflowFromPng(nullWorkflow)).source, 'prompt');
});

test('UTF-8 iTXt (what SaveImage writes for non-Latin-1 text) and compressed iTXt and zTXt read back', async () => {
  const unicode = JSON.stringify(SAVED);
  const png = insertPngText(plain, { workflow: unicode.replace('Bildchen', '絵') });
  assert.equal((await reader.readPngText(png)).get('workflow'), unicode.replace('Bildchen', '絵'));

  const compressedItxt = chunk('iTXt', Buffer.concat([Buffer.from('workflow\0', 'latin1'), Buffer.from([1, 0, 0, 0]), deflateSync(Buffer.from(unicode, 'utf8'))]));
  assert.deepEqual((await reader.workflowFromPng(withChunks(plain, compressedItxt))).data, SAVED);

  const ascii = asciiJson(PROMPT);
  const ztxt = chunk('zTXt', Buffer.concat([Buffer.from('prompt\0', 'latin1'), Buffer.from([0]), deflateSync(Buffer.from(ascii, 'latin1'))]));
  assert.deepEqual(await reader.workflowFromPng(withChunks(plain, ztxt)), { source: 'prompt', data: PROMPT });
});

test('Latin-1 tEXt is read as Latin-1, not windows-1252', async () => {
  const png = withChunks(plain, chunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.from([0x80, 0xe9])])));
  assert.equal((await reader.readPngText(png)).get('Comment'), '\u0080é');
});

test('the first chunk of a keyword wins and a chunk with a bad checksum is skipped', async () => {
  const good = chunk('tEXt', Buffer.from(`workflow\0${asciiJson(SAVED)}`, 'latin1'));
  const damaged = chunk('tEXt', Buffer.from(`workflow\0${JSON.stringify({ nodes: [] })}`, 'latin1'));
  damaged[damaged.length - 1] ^= 0xff;
  const png = withChunks(plain, damaged, good, chunk('tEXt', Buffer.from('workflow\0{"nodes":[{"id":9}]}', 'latin1')));
  assert.deepEqual((await reader.workflowFromPng(png)).data, SAVED);
});

test('a PNG without a workflow, a damaged one and a non-PNG are refused with a reason', async () => {
  await assert.rejects(reader.workflowFromPng(plain), /no embedded workflow \(only PNGs saved by Switchyard or ComfyUI carry one\)/);
  await assert.rejects(reader.workflowFromPng(insertPngText(plain, { parameters: 'steps: 20' })), /no embedded workflow/);
  await assert.rejects(reader.workflowFromPng(insertPngText(plain, { workflow: '{not json' })), /not readable JSON/);
  const cut = insertPngText(plain, { workflow: JSON.stringify(SAVED) });
  await assert.rejects(reader.workflowFromPng(cut.subarray(0, 60)), /cut short/);
  await assert.rejects(reader.workflowFromPng(cut.subarray(0, cut.length - 12)), /cut short/, 'no IEND');
  const jpeg = await sharp(plain).jpeg().toBuffer();
  assert.equal(reader.isPng(jpeg), false);
  await assert.rejects(reader.workflowFromPng(jpeg), /not a PNG/);
});
