/** readPngText / insertPngText: round trips, the chunk kinds other writers use, and damaged files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { SwitchyardError } from '../../../engine/nodes/index.js';
import { crc32, insertPngText, readPngText } from '../../../nodes/image/png-text.js';
import { pngFromPixels } from './fixtures.js';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlibCrc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** `png` with `extra` chunks put right before IEND. */
function withChunks(png: Buffer, ...extra: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, png.length - 12), ...extra, png.subarray(png.length - 12)]);
}

test('crc32 matches zlib', () => {
  for (const text of ['', 'IEND', 'tEXtprompt\0{}']) assert.equal(crc32(Buffer.from(text, 'latin1')), zlibCrc32(Buffer.from(text, 'latin1')));
});

test('inserted text reads back, Latin-1 as tEXt and other text as iTXt, and the image still decodes', async () => {
  const png = await pngFromPixels(2, 2, 3, Array.from({ length: 12 }, (_, i) => i * 20));
  const tagged = insertPngText(png, { prompt: '{"a":1}', note: 'café', title: '日本語 🐻' });
  assert.deepEqual(readPngText(tagged), { prompt: '{"a":1}', note: 'café', title: '日本語 🐻' });
  assert.ok(tagged.includes(Buffer.from('tEXtprompt', 'latin1')));
  assert.ok(tagged.includes(Buffer.from('iTXttitle', 'latin1')));
  const decoded = await sharp(tagged).raw().toBuffer();
  assert.deepEqual(Array.from(decoded), Array.from({ length: 12 }, (_, i) => i * 20));
  assert.throws(() => insertPngText(png, { '': 'x' }), { code: 'invalid_input' });
});

test('reads zTXt and compressed iTXt written by other tools', async () => {
  const png = await pngFromPixels(1, 1, 3, [0, 0, 0]);
  const ztxt = chunk('zTXt', Buffer.concat([Buffer.from('workflow\0\0', 'latin1'), deflateSync(Buffer.from('{"z":true}'))]));
  const itxt = chunk('iTXt', Buffer.concat([Buffer.from('comment\0\x01\0en\0\0', 'latin1'), deflateSync(Buffer.from('grüße'))]));
  assert.deepEqual(readPngText(withChunks(png, ztxt, itxt)), { workflow: '{"z":true}', comment: 'grüße' });
});

test('chunks with a bad checksum are skipped; a "__proto__" keyword stays a plain key', async () => {
  const png = await pngFromPixels(1, 1, 3, [0, 0, 0]);
  const bad = chunk('tEXt', Buffer.from('prompt\0evil', 'latin1'));
  bad[bad.length - 1] ^= 0xff;
  const proto = chunk('tEXt', Buffer.from('__proto__\0{"polluted":true}', 'latin1'));
  const text = readPngText(withChunks(png, bad, proto));
  assert.equal(Object.hasOwn(text, 'prompt'), false);
  assert.equal(text['__proto__' as string], '{"polluted":true}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('non-PNG and truncated input are invalid_image errors', async () => {
  const png = insertPngText(await pngFromPixels(1, 1, 3, [0, 0, 0]), { prompt: 'x' });
  const invalidImage = (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_image';
  assert.throws(() => readPngText(Buffer.from('GIF89a....')), invalidImage);
  assert.throws(() => readPngText(Buffer.alloc(0)), invalidImage);
  assert.throws(() => readPngText(png.subarray(0, png.length - 5)), invalidImage);
  assert.throws(() => readPngText(png.subarray(0, png.length - 12)), (error: unknown) => invalidImage(error) && /IEND/.test((error as Error).message));
});
