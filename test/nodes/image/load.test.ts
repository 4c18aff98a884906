/**
 * image.load on real files and inline data: pixel values, alpha → mask, EXIF rotation, frames,
 * the input-folder listing, fingerprints — and every kind of bad input: broken base64,
 * non-image bytes, truncated files, unsafe paths, escaping symlinks, decompression bombs.
 */
import { test } from 'node:test';
import sharp from 'sharp';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError } from '../../../engine/nodes/index.js';
import type { ComboInputSpec } from '../../../engine/nodes/index.js';
import { classifyImageSource, loadImage } from '../../../nodes/image/load.js';
import { MAX_INPUT_PIXELS } from '../../../nodes/image/limits.js';
import { animatedGif, assertClose, bombPng, png16FromPixels, pngFromPixels, pixel, rotatedJpeg, withContext } from './fixtures.js';

function failsWith(code: string, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof SwitchyardError, `expected a SwitchyardError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

test('loads an RGB PNG from the input folder as 0..1 floats, with an all-zero mask of the same size', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'rgb.png'), await pngFromPixels(2, 1, 3, [255, 0, 51, 0, 128, 255]));
  const { IMAGE, MASK } = await loadImage.run({ image: 'rgb.png' }, ctx);
  assert.equal(IMAGE.width, 2);
  assert.equal(IMAGE.height, 1);
  assert.equal(IMAGE.count, 1);
  assertClose(IMAGE.data, [1, 0, 0.2, 0, 128 / 255, 1], 1e-6);
  assert.deepEqual([MASK.width, MASK.height, MASK.count], [2, 1, 1]);
  assert.deepEqual(Array.from(MASK.data), [0, 0]);
}));

test('alpha becomes the mask as 1 - alpha; grey images are spread to RGB', () => withContext(async (ctx) => {
  await mkdir(join(ctx.folders.input, 'sub', 'deeper'), { recursive: true });
  await writeFile(join(ctx.folders.input, 'sub', 'deeper', 'rgba.png'), await pngFromPixels(2, 1, 4, [10, 20, 30, 255, 40, 50, 60, 0]));
  const rgba = await loadImage.run({ image: 'sub/deeper/rgba.png' }, ctx);
  assertClose(rgba.IMAGE.data, [10 / 255, 20 / 255, 30 / 255, 40 / 255, 50 / 255, 60 / 255], 1e-6);
  assertClose(rgba.MASK.data, [0, 1], 1e-6);
  await writeFile(join(ctx.folders.input, 'grey.png'), await pngFromPixels(2, 1, 2, [0, 255, 200, 51]));
  const grey = await loadImage.run({ image: 'grey.png' }, ctx);
  assertClose(grey.IMAGE.data, [0, 0, 0, 200 / 255, 200 / 255, 200 / 255], 1e-6);
  assertClose(grey.MASK.data, [0, 0.8], 1e-6);
}));

test('16-bit PNGs keep their precision', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'deep.png'), await png16FromPixels(1, 1, [1000, 32768, 65535]));
  const { IMAGE } = await loadImage.run({ image: 'deep.png' }, ctx);
  assertClose(IMAGE.data, [1000 / 65535, 32768 / 65535, 1], 1e-6);
}));

test('EXIF orientation is applied (a 16x8 photo tagged "rotate 90°" loads as 8x16)', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'photo.jpg'), await rotatedJpeg());
  const { IMAGE } = await loadImage.run({ image: 'photo.jpg' }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height], [8, 16]);
  // The left half (red) turns into the top half.
  assertClose(pixel(IMAGE, 4, 2), [1, 0, 0], 0.05, 'top');
  assertClose(pixel(IMAGE, 4, 13), [0, 0, 1], 0.05, 'bottom');
}));

test('an animated GIF loads as a batch of frames', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'anim.gif'), await animatedGif());
  const { IMAGE, MASK } = await loadImage.run({ image: 'anim.gif' }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height, IMAGE.count], [4, 4, 2]);
  assert.deepEqual(pixel(IMAGE, 1, 1, 0), [0, 0, 0]);
  assert.deepEqual(pixel(IMAGE, 1, 1, 1), [1, 1, 1]);
  assert.equal(MASK.count, 2);
}));

test('WebP, TIFF, GIF and AVIF are recognised by their bytes and decoded', () => withContext(async (ctx) => {
  const pixels = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  const source = () => sharp(pixels, { raw: { width: 2, height: 2, channels: 3 } });
  const encoded: Record<string, Buffer> = {
    webp: await source().webp({ lossless: true }).toBuffer(),
    tiff: await source().tiff({ compression: 'lzw' }).toBuffer(),
    gif: await source().gif().toBuffer(),
    avif: await source().avif({ lossless: true }).toBuffer(),
  };
  for (const [format, bytes] of Object.entries(encoded)) {
    const { IMAGE } = await loadImage.run({ image: `data:image/${format};base64,${bytes.toString('base64')}` }, ctx);
    assert.deepEqual([IMAGE.width, IMAGE.height], [2, 2], format);
    // AVIF stores YUV even when lossless, so allow a little colour error there.
    assertClose(pixel(IMAGE, 0, 0), [1, 0, 0], format === 'avif' ? 0.1 : 1e-6, format);
    assertClose(pixel(IMAGE, 1, 1), [1, 1, 1], format === 'avif' ? 0.1 : 1e-6, format);
  }
  // Extension and declared MIME type do not matter; the bytes do.
  await writeFile(join(ctx.folders.input, 'really-webp.png'), encoded.webp!);
  assert.equal((await loadImage.run({ image: 'really-webp.png' }, ctx)).IMAGE.width, 2);
}));

test('base64 and data URIs load the same pixels as the file', () => withContext(async (ctx) => {
  const png = await pngFromPixels(1, 1, 3, [255, 128, 0]);
  const raw = await loadImage.run({ image: png.toString('base64') }, ctx);
  const uri = await loadImage.run({ image: `data:image/png;base64,${png.toString('base64')}` }, ctx);
  assertClose(raw.IMAGE.data, [1, 128 / 255, 0], 1e-6);
  assert.deepEqual(uri.IMAGE.data, raw.IMAGE.data);
  assert.equal(classifyImageSource('folder/name.png').kind, 'file');
  assert.equal(classifyImageSource(png.toString('base64')).kind, 'base64');
}));

test('bad base64 is an invalid_image error that says what and where', () => withContext(async (ctx) => {
  const png = (await pngFromPixels(1, 1, 3, [1, 2, 3])).toString('base64');
  const prefix = 'data:image/png;base64,';
  const rawBad = png.slice(0, 17) + '!' + png.slice(18);
  await assert.rejects(async () => loadImage.run({ image: rawBad }, ctx), failsWith('invalid_image', /image is not valid base64: invalid character "!" at position 17/));
  // Slashes in base64 do not make it a path: "//" and a bad character still get base64 errors.
  const slashes = 'iVBORw0KGgo//AAA' + 'AAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  await assert.rejects(async () => loadImage.run({ image: slashes }, ctx), failsWith('invalid_image', /invalid character "_" at position 20/));
  const uriBad = prefix + png.slice(0, 3) + ' ' + png.slice(4);
  await assert.rejects(async () => loadImage.run({ image: uriBad }, ctx), failsWith('invalid_image', new RegExp(`invalid character " " at position ${prefix.length + 3}`)));
  await assert.rejects(async () => loadImage.run({ image: prefix + png.slice(0, -1) }, ctx), failsWith('invalid_image', /not a multiple of 4|padding/));
  await assert.rejects(async () => loadImage.run({ image: prefix + 'QUJD=QUJD' }, ctx), failsWith('invalid_image', /after "=" padding/));
  await assert.rejects(async () => loadImage.run({ image: 'data:text/plain;base64,' + png }, ctx), failsWith('invalid_image', /not an image\/\* type/));
  await assert.rejects(async () => loadImage.run({ image: 'data:image/png,' + png }, ctx), failsWith('invalid_image', /must be base64/));
  await assert.rejects(async () => loadImage.run({ image: prefix }, ctx), failsWith('invalid_image', /empty/));
}));

test('data that decodes fine but is not an image is refused as unknown format', () => withContext(async (ctx) => {
  const text = Buffer.from('this is plain text, definitely not a picture at all').toString('base64');
  await assert.rejects(async () => loadImage.run({ image: text }, ctx), failsWith('invalid_image', /decoded data is not an image \(unknown format\)/));
  await writeFile(join(ctx.folders.input, 'fake.png'), 'not a png at all');
  await assert.rejects(async () => loadImage.run({ image: 'fake.png' }, ctx), failsWith('invalid_image', /image file "fake.png" is not an image \(unknown format\)/));
}));

test('truncated and corrupt images fail cleanly with invalid_image', () => withContext(async (ctx) => {
  const png = await pngFromPixels(64, 64, 3, Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7) % 256));
  await writeFile(join(ctx.folders.input, 'cut.png'), png.subarray(0, Math.floor(png.length / 2)));
  await assert.rejects(async () => loadImage.run({ image: 'cut.png' }, ctx), failsWith('invalid_image', /cut\.png" is a damaged or unsupported PNG image/));
  // Only the signature and part of the header, inline.
  await assert.rejects(async () => loadImage.run({ image: `data:image/png;base64,${png.subarray(0, 30).toString('base64')}` }, ctx), failsWith('invalid_image', /damaged or unsupported PNG/));
}));

test('a PNG header claiming a huge size is refused before decoding (decompression bomb)', () => withContext(async (ctx) => {
  const before = process.memoryUsage().arrayBuffers;
  await writeFile(join(ctx.folders.input, 'bomb.png'), bombPng(100_000, 100_000));
  await assert.rejects(async () => loadImage.run({ image: 'bomb.png' }, ctx), failsWith('invalid_image', /100000x100000 \(10000000000 megapixels|100000x100000 \(10000 megapixels/));
  await assert.rejects(async () => loadImage.run({ image: bombPng(20_000, 20_000).toString('base64') }, ctx), failsWith('invalid_image', /more than the limit of 268/));
  // Nothing near the claimed 30 GB was reserved.
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  assert.equal(MAX_INPUT_PIXELS, 16383 * 16383);
}));

test('paths that could leave the input folder are unsafe_path errors, without touching the file', () => withContext(async (ctx) => {
  for (const name of ['../../etc/passwd', '../secret.png', 'sub/../../x.png', '/etc/passwd', '/tmp/a.png', 'a\\..\\b.png', 'evil\0.png', 'C:/x.png']) {
    await assert.rejects(async () => loadImage.run({ image: name }, ctx), failsWith('unsafe_path'), name);
  }
  // An escaping symlink is refused even though the name itself looks harmless.
  await writeFile(join(ctx.root, 'outside.png'), await pngFromPixels(1, 1, 3, [0, 0, 0]));
  await symlink(join(ctx.root, 'outside.png'), join(ctx.folders.input, 'link.png'));
  await assert.rejects(async () => loadImage.run({ image: 'link.png' }, ctx), failsWith('unsafe_path', /symlink that leads outside/));
  await symlink(ctx.root, join(ctx.folders.input, 'up'));
  await assert.rejects(async () => loadImage.run({ image: 'up/outside.png' }, ctx), failsWith('unsafe_path'));
  // A symlink that stays inside is fine.
  await writeFile(join(ctx.folders.input, 'real.png'), await pngFromPixels(1, 1, 3, [9, 9, 9]));
  await symlink(join(ctx.folders.input, 'real.png'), join(ctx.folders.input, 'alias.png'));
  assert.equal((await loadImage.run({ image: 'alias.png' }, ctx)).IMAGE.width, 1);
}));

test('a missing file is not_found; an empty value is invalid_input', () => withContext(async (ctx) => {
  await assert.rejects(async () => loadImage.run({ image: 'nope.png' }, ctx), failsWith('not_found', /"nope.png" was not found in the input folder/));
  await assert.rejects(async () => loadImage.run({ image: '' }, ctx), failsWith('invalid_input'));
}));

test('the image options list image files recursively with "/" and skip hidden, non-image and escaping entries', () => withContext(async (ctx) => {
  const png = await pngFromPixels(1, 1, 3, [0, 0, 0]);
  await mkdir(join(ctx.folders.input, 'b', 'c'), { recursive: true });
  await mkdir(join(ctx.folders.input, '.hidden'));
  await writeFile(join(ctx.folders.input, 'z.png'), png);
  await writeFile(join(ctx.folders.input, 'b', 'c', 'a.JPG'), png);
  await writeFile(join(ctx.folders.input, 'notes.txt'), 'x');
  await writeFile(join(ctx.folders.input, '.hidden', 'h.png'), png);
  await writeFile(join(ctx.root, 'outside.png'), png);
  await symlink(join(ctx.root, 'outside.png'), join(ctx.folders.input, 'escape.png'));
  await symlink(join(ctx.folders.input, 'z.png'), join(ctx.folders.input, 'inside.png'));
  const options = await (loadImage.inputs.image as ComboInputSpec & { options: (c: { folders: typeof ctx.folders }) => Promise<string[]> }).options({ folders: ctx.folders });
  assert.deepEqual(options, ['b/c/a.JPG', 'inside.png', 'z.png']);
}));

test('the fingerprint is the content hash: editing the file changes it, renaming does not', () => withContext(async (ctx) => {
  const fingerprint = (image: string) => loadImage.fingerprint!({ image }, { folders: ctx.folders, nodeId: '1' });
  await writeFile(join(ctx.folders.input, 'a.png'), await pngFromPixels(1, 1, 3, [1, 2, 3]));
  await writeFile(join(ctx.folders.input, 'copy.png'), await pngFromPixels(1, 1, 3, [1, 2, 3]));
  const first = await fingerprint('a.png');
  assert.equal(await fingerprint('copy.png'), first);
  await writeFile(join(ctx.folders.input, 'a.png'), await pngFromPixels(1, 1, 3, [9, 2, 3]));
  assert.notEqual(await fingerprint('a.png'), first);
  // Unsafe or missing names do not throw here: the run reports them.
  assert.equal(typeof (await fingerprint('../../etc/passwd')), 'string');
  assert.notEqual(await fingerprint('QUJD'.repeat(10)), await fingerprint('QUJE'.repeat(10)));
}));

test('LoadImage alias: widgets are [image, upload], outputs IMAGE and MASK', () => {
  assert.deepEqual(loadImage.aliasList, [{ type: 'LoadImage', widgets: ['image', null] }]);
  assert.deepEqual(loadImage.widgetNames, ['image']);
  assert.deepEqual(loadImage.outputNames, ['IMAGE', 'MASK']);
  assert.equal((loadImage.inputs.image as ComboInputSpec).allowCustom, true);
});
