/** EmptyImage, ImageScale, ImageScaleBy and image.resize: sizes, fit modes and resampled pixel values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, SwitchyardError } from '../../../engine/nodes/index.js';
import { emptyImage } from '../../../nodes/image/ops/empty.js';
import { imageScale, imageScaleBy, roundHalfEven } from '../../../nodes/image/ops/scale.js';
import { imageResize } from '../../../nodes/image/ops/resize.js';
import { UPSCALE_METHODS } from '../../../nodes/image/resample.js';
import { assertClose, gradientImage, pixel, solidImage, withContext } from './fixtures.js';

/** A w×h image whose pixel (x, y) is (x/10, y/10, 0.5). */
function coordinates(width: number, height: number) {
  const image = createImage(width, height, 1);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) image.data.set([x / 10, y / 10, 0.5], (y * width + x) * 3);
  return image;
}

test('empty image fills the batch with the 0xRRGGBB colour', () => withContext(async (ctx) => {
  const { IMAGE } = await emptyImage.run({ width: 3, height: 2, batch_size: 2, color: 0xff8000 }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height, IMAGE.count], [3, 2, 2]);
  for (let frame = 0; frame < 2; frame++) assertClose(pixel(IMAGE, 2, 1, frame), [1, 128 / 255, 0], 1e-6);
  await assert.rejects(async () => emptyImage.run({ width: 0, height: 2, batch_size: 1, color: 0 }, ctx), { code: 'invalid_input' });
  await assert.rejects(async () => emptyImage.run({ width: 2, height: 2, batch_size: 1, color: 0x1000000 }, ctx), { code: 'invalid_input' });
  // 16384² × 4096 × 3 floats is far past any memory: refused before allocating.
  await assert.rejects(async () => emptyImage.run({ width: 16384, height: 16384, batch_size: 4096, color: 0 }, ctx), (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_input' && /limit/.test(error.message));
}));

test('nearest-exact doubles pixels exactly; area averages integer bins', () => withContext(async (ctx) => {
  const image = createImage(2, 1, 1, Float32Array.from([0.1, 0.2, 0.3, 0.7, 0.8, 0.9]));
  const up = (await imageScale.run({ image, upscale_method: 'nearest-exact', width: 4, height: 2, crop: 'disabled' }, ctx)).IMAGE;
  assert.deepEqual([up.width, up.height], [4, 2]);
  for (const y of [0, 1]) {
    assertClose(pixel(up, 0, y), [0.1, 0.2, 0.3], 1e-7);
    assertClose(pixel(up, 1, y), [0.1, 0.2, 0.3], 1e-7);
    assertClose(pixel(up, 2, y), [0.7, 0.8, 0.9], 1e-7);
    assertClose(pixel(up, 3, y), [0.7, 0.8, 0.9], 1e-7);
  }
  const row = createImage(4, 1, 1, Float32Array.from([0, 0, 0, 1, 1, 1, 0.5, 0.25, 0, 0.5, 0.75, 1]));
  const down = (await imageScale.run({ image: row, upscale_method: 'area', width: 2, height: 1, crop: 'disabled' }, ctx)).IMAGE;
  assertClose(down.data, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], 1e-6);
}));

test('sharp-backed methods keep a flat colour flat and land between neighbours', () => withContext(async (ctx) => {
  const flat = solidImage(5, 3, [0.2, 0.6, 0.9]);
  for (const method of UPSCALE_METHODS) {
    const { IMAGE } = await imageScale.run({ image: flat, upscale_method: method, width: 7, height: 11, crop: 'disabled' }, ctx);
    assert.deepEqual([IMAGE.width, IMAGE.height], [7, 11], method);
    for (let i = 0; i < IMAGE.data.length; i += 3) assertClose(IMAGE.data.subarray(i, i + 3), [0.2, 0.6, 0.9], 2 / 65535, method);
  }
  const ramp = createImage(2, 1, 1, Float32Array.from([0, 0, 0, 1, 1, 1]));
  const { IMAGE } = await imageScale.run({ image: ramp, upscale_method: 'bilinear', width: 4, height: 1, crop: 'disabled' }, ctx);
  const reds = [0, 1, 2, 3].map((x) => pixel(IMAGE, x, 0)[0]);
  for (let x = 1; x < 4; x++) assert.ok(reds[x]! >= reds[x - 1]!, `not monotonic: ${reds.join(', ')}`);
  assert.ok(reds[0]! < 0.5 && reds[3]! > 0.5);
}));

test('ImageScale: 0 keeps the aspect ratio, both 0 keep the image, crop center cuts to the target aspect first', () => withContext(async (ctx) => {
  const image = coordinates(4, 2);
  assert.deepEqual(await imageScale.run({ image, upscale_method: 'nearest-exact', width: 0, height: 0, crop: 'disabled' }, ctx), { IMAGE: image });
  const wide = (await imageScale.run({ image, upscale_method: 'nearest-exact', width: 0, height: 4, crop: 'disabled' }, ctx)).IMAGE;
  assert.deepEqual([wide.width, wide.height], [8, 4]);
  const tall = (await imageScale.run({ image, upscale_method: 'nearest-exact', width: 2, height: 0, crop: 'disabled' }, ctx)).IMAGE;
  assert.deepEqual([tall.width, tall.height], [2, 1]);
  // 4x2 to 2x2 with center crop: the middle two columns, unscaled.
  const square = (await imageScale.run({ image, upscale_method: 'nearest-exact', width: 2, height: 2, crop: 'center' }, ctx)).IMAGE;
  assertClose(pixel(square, 0, 0), [0.1, 0, 0.5], 1e-6);
  assertClose(pixel(square, 1, 1), [0.2, 0.1, 0.5], 1e-6);
}));

test('ImageScaleBy rounds sizes like Python (halves to even)', () => withContext(async (ctx) => {
  const { IMAGE } = await imageScaleBy.run({ image: gradientImage(9, 5), upscale_method: 'nearest-exact', scale_by: 0.5 }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height], [4, 2]);
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(3.4), 3);
  await assert.rejects(async () => imageScaleBy.run({ image: gradientImage(2, 2), upscale_method: 'bilinear', scale_by: Number.NaN }, ctx), { code: 'invalid_input' });
}));

test('image.resize fit modes give the documented sizes; contain letterboxes with the colour', () => withContext(async (ctx) => {
  const image = solidImage(4, 2, [1, 1, 1]);
  const run = async (fit: 'stretch' | 'contain' | 'cover' | 'inside' | 'outside', width: number, height: number) =>
    (await imageResize.run({ image, width, height, fit, method: 'nearest-exact', color: 0x0000ff }, ctx)).IMAGE;
  const sizes = async (fit: Parameters<typeof run>[0], width: number, height: number) => {
    const out = await run(fit, width, height);
    return [out.width, out.height];
  };
  assert.deepEqual(await sizes('stretch', 3, 3), [3, 3]);
  assert.deepEqual(await sizes('cover', 4, 4), [4, 4]);
  assert.deepEqual(await sizes('inside', 4, 4), [4, 2]);
  assert.deepEqual(await sizes('outside', 4, 4), [8, 4]);
  assert.deepEqual(await sizes('stretch', 0, 4), [8, 4]);
  const boxed = await run('contain', 4, 4);
  assert.deepEqual([boxed.width, boxed.height], [4, 4]);
  assert.deepEqual(pixel(boxed, 0, 0), [0, 0, 1]);
  assert.deepEqual(pixel(boxed, 0, 1), [1, 1, 1]);
  assert.deepEqual(pixel(boxed, 3, 2), [1, 1, 1]);
  assert.deepEqual(pixel(boxed, 3, 3), [0, 0, 1]);
  const unchanged = await imageResize.run({ image, width: 0, height: 0, fit: 'cover', method: 'bilinear', color: 0 }, ctx);
  assert.equal(unchanged.IMAGE, image);
  await assert.rejects(async () => imageResize.run({ image, width: -1, height: 4, fit: 'cover', method: 'bilinear', color: 0 }, ctx), { code: 'invalid_input' });
}));

test('resizing a batch resizes every frame, and an interrupted run stops', () => withContext(async (ctx) => {
  const batch = gradientImage(4, 4, 3);
  const { IMAGE } = await imageScale.run({ image: batch, upscale_method: 'bilinear', width: 2, height: 2, crop: 'disabled' }, ctx);
  assert.equal(IMAGE.count, 3);
  assert.ok(pixel(IMAGE, 0, 0, 2)[0] > pixel(IMAGE, 0, 0, 0)[0]);
  ctx.abort();
  await assert.rejects(async () => imageScale.run({ image: batch, upscale_method: 'lanczos', width: 8, height: 8, crop: 'disabled' }, ctx), { code: 'interrupted' });
}));
