/** ImageBlur, ImageInvert, grayscale, ImageBatch and the mask nodes, checked pixel by pixel. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, createMask } from '../../../engine/nodes/index.js';
import { blurKernel, imageBlur } from '../../../nodes/image/ops/blur.js';
import { imageGrayscale, imageInvert } from '../../../nodes/image/ops/color.js';
import { imageBatch } from '../../../nodes/image/ops/batch.js';
import { imageToMask, maskToImage } from '../../../nodes/image/mask/convert.js';
import { invertMask, solidMask } from '../../../nodes/image/mask/solid.js';
import { assertClose, gradientImage, pixel, solidImage, withContext } from './fixtures.js';

test('blur radius 0 passes the image through; a flat image stays flat', () => withContext(async (ctx) => {
  const image = gradientImage(5, 5);
  assert.equal((await imageBlur.run({ image, blur_radius: 0, sigma: 1 }, ctx)).IMAGE, image);
  const flat = (await imageBlur.run({ image: solidImage(3, 4, [0.3, 0.6, 0.9]), blur_radius: 5, sigma: 2 }, ctx)).IMAGE;
  for (let i = 0; i < flat.data.length; i += 3) assertClose(flat.data.subarray(i, i + 3), [0.3, 0.6, 0.9], 1e-6);
}));

test('blur spreads an impulse into the normalised separable Gaussian kernel', () => withContext(async (ctx) => {
  const image = createImage(9, 9, 1);
  image.data.set([1, 1, 1], (4 * 9 + 4) * 3);
  const { IMAGE } = await imageBlur.run({ image, blur_radius: 2, sigma: 1 }, ctx);
  const kernel = blurKernel(2, 1);
  assertClose([kernel.reduce((sum, v) => sum + v, 0)], [1], 1e-12);
  // Kernel positions are spread over -1..1: exp(-t²/2) at t = -1, -0.5, 0, 0.5, 1.
  const raw = [-1, -0.5, 0, 0.5, 1].map((t) => Math.exp(-(t * t) / 2));
  const total = raw.reduce((sum, v) => sum + v, 0);
  assertClose(kernel, raw.map((v) => v / total), 1e-12);
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) assertClose(pixel(IMAGE, 4 + dx, 4 + dy), Array(3).fill(kernel[dx + 2]! * kernel[dy + 2]!), 1e-6);
  }
  assert.deepEqual(pixel(IMAGE, 1, 4), [0, 0, 0]);
  await assert.rejects(async () => imageBlur.run({ image, blur_radius: 2, sigma: 0 }, ctx), { code: 'invalid_input' });
  await assert.rejects(async () => imageBlur.run({ image, blur_radius: 1.5, sigma: 1 }, ctx), { code: 'invalid_input' });
}));

test('blur mirrors at the edges, even with a radius larger than the image', () => withContext(async (ctx) => {
  const image = createImage(2, 1, 1, Float32Array.from([0, 0, 0, 1, 1, 1]));
  const { IMAGE } = await imageBlur.run({ image, blur_radius: 3, sigma: 1 }, ctx);
  // Mirrored, the 2-pixel row reads 1 0 1 [0] 1 0 1 around the left pixel: it gets the odd taps.
  const kernel = blurKernel(3, 1);
  const oddTaps = kernel[0]! + kernel[2]! + kernel[4]! + kernel[6]!;
  assertClose(pixel(IMAGE, 0, 0), [oddTaps, oddTaps, oddTaps], 1e-6);
  assertClose(pixel(IMAGE, 1, 0), [1 - oddTaps, 1 - oddTaps, 1 - oddTaps], 1e-6);
}));

test('invert is 1 - value; grayscale writes Rec. 601 luma to all three channels', () => withContext(async (ctx) => {
  const image = createImage(2, 1, 1, Float32Array.from([1, 0, 0, 0.2, 0.4, 0.6]));
  assertClose((await imageInvert.run({ image }, ctx)).IMAGE.data, [0, 1, 1, 0.8, 0.6, 0.4], 1e-6);
  const grey = (await imageGrayscale.run({ image }, ctx)).IMAGE;
  const luma = 0.299 * 0.2 + 0.587 * 0.4 + 0.114 * 0.6;
  assertClose(grey.data, [0.299, 0.299, 0.299, luma, luma, luma], 1e-6);
}));

test('batch joins frames; a second image of another size is fitted to the first', () => withContext(async (ctx) => {
  const first = solidImage(2, 2, [1, 0, 0]);
  const same = (await imageBatch.run({ image1: first, image2: solidImage(2, 2, [0, 1, 0], 2) }, ctx)).IMAGE;
  assert.deepEqual([same.width, same.height, same.count], [2, 2, 3]);
  assert.deepEqual(pixel(same, 1, 1, 0), [1, 0, 0]);
  assert.deepEqual(pixel(same, 1, 1, 2), [0, 1, 0]);
  const other = (await imageBatch.run({ image1: first, image2: solidImage(6, 3, [0, 0, 1]) }, ctx)).IMAGE;
  assert.deepEqual([other.width, other.height, other.count], [2, 2, 2]);
  assertClose(pixel(other, 0, 0, 1), [0, 0, 1], 1e-3);
  assert.deepEqual(imageBatch.inputNames, ['image1', 'image2']);
}));

test('image ↔ mask conversions, solid masks and inverted masks', () => withContext(async (ctx) => {
  const image = createImage(2, 1, 2, Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 0, 0.5]));
  const green = (await imageToMask.run({ image, channel: 'green' }, ctx)).MASK;
  assert.deepEqual([green.width, green.height, green.count], [2, 1, 2]);
  assertClose(green.data, [0.2, 0.5, 0.8, 0], 1e-6);
  const back = (await maskToImage.run({ mask: green }, ctx)).IMAGE;
  assertClose(pixel(back, 1, 0, 0), [0.5, 0.5, 0.5], 1e-6);
  assert.equal(back.count, 2);
  const solid = (await solidMask.run({ value: 0.25, width: 3, height: 2 }, ctx)).MASK;
  assert.deepEqual([solid.width, solid.height, solid.count], [3, 2, 1]);
  assert.deepEqual(Array.from(solid.data), Array(6).fill(0.25));
  const inverted = (await invertMask.run({ mask: createMask(2, 1, 1, Float32Array.from([0, 0.75])) }, ctx)).MASK;
  assertClose(inverted.data, [1, 0.25], 1e-6);
  await assert.rejects(async () => solidMask.run({ value: 1, width: 0, height: 2 }, ctx), { code: 'invalid_input' });
}));
