/** ImageCrop (clamped), ImagePadForOutpaint (grey margins + feathered mask) and ImageCompositeMasked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMask } from '../../../engine/nodes/index.js';
import { imageCrop } from '../../../nodes/image/ops/crop.js';
import { imagePadForOutpaint } from '../../../nodes/image/ops/pad.js';
import { imageCompositeMasked } from '../../../nodes/image/ops/composite.js';
import { assertClose, gradientImage, pixel, solidImage, withContext } from './fixtures.js';

test('crop cuts the box at (x, y)', () => withContext(async (ctx) => {
  const image = gradientImage(4, 4, 2);
  const { IMAGE } = await imageCrop.run({ image, width: 2, height: 2, x: 1, y: 2 }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height, IMAGE.count], [2, 2, 2]);
  assert.deepEqual(pixel(IMAGE, 0, 0), pixel(image, 1, 2));
  assert.deepEqual(pixel(IMAGE, 1, 1, 1), pixel(image, 2, 3, 1));
}));

test('a crop box past the edge is clamped to the image (never empty), like ComfyUI', () => withContext(async (ctx) => {
  const image = gradientImage(4, 4);
  const past = (await imageCrop.run({ image, width: 10, height: 10, x: 3, y: 2 }, ctx)).IMAGE;
  assert.deepEqual([past.width, past.height], [1, 2]);
  assert.deepEqual(pixel(past, 0, 1), pixel(image, 3, 3));
  const outside = (await imageCrop.run({ image, width: 2, height: 2, x: 50, y: 50 }, ctx)).IMAGE;
  assert.deepEqual([outside.width, outside.height], [1, 1]);
  assert.deepEqual(pixel(outside, 0, 0), pixel(image, 3, 3));
  await assert.rejects(async () => imageCrop.run({ image, width: 0, height: 2, x: 0, y: 0 }, ctx), { code: 'invalid_input' });
  await assert.rejects(async () => imageCrop.run({ image, width: 2, height: 2, x: -1, y: 0 }, ctx), { code: 'invalid_input' });
}));

test('pad for outpaint: grey margins, mask 1 over them and 0 over the image', () => withContext(async (ctx) => {
  const image = solidImage(4, 4, [1, 0, 0], 2);
  const { IMAGE, MASK } = await imagePadForOutpaint.run({ image, left: 2, top: 1, right: 0, bottom: 3, feathering: 0 }, ctx);
  assert.deepEqual([IMAGE.width, IMAGE.height, IMAGE.count], [6, 8, 2]);
  assert.deepEqual([MASK.width, MASK.height, MASK.count], [6, 8, 1]);
  assert.deepEqual(pixel(IMAGE, 0, 0, 1), [0.5, 0.5, 0.5]);
  assert.deepEqual(pixel(IMAGE, 2, 1, 1), [1, 0, 0]);
  assert.deepEqual(pixel(IMAGE, 5, 4), [1, 0, 0]);
  assert.deepEqual(pixel(IMAGE, 5, 5), [0.5, 0.5, 0.5]);
  const at = (x: number, y: number) => MASK.data[y * 6 + x];
  assert.equal(at(1, 2), 1);
  assert.equal(at(2, 1), 0);
  assert.equal(at(5, 4), 0);
  assert.equal(at(5, 5), 1);
}));

test('pad feathering fades the mask quadratically into the image along padded sides only', () => withContext(async (ctx) => {
  const { MASK } = await imagePadForOutpaint.run({ image: solidImage(8, 8, [0, 0, 0]), left: 4, top: 0, right: 0, bottom: 0, feathering: 3 }, ctx);
  const row = Array.from({ length: 12 }, (_, x) => MASK.data[4 * 12 + x]!);
  assertClose(row, [1, 1, 1, 1, 1, 4 / 9, 1 / 9, 0, 0, 0, 0, 0], 1e-6);
  // The top row is not padded, so no fade comes from above.
  assertClose([MASK.data[0 * 12 + 8]!], [0], 0);
  // Feathering too wide for the image is ignored, as in ComfyUI.
  const wide = await imagePadForOutpaint.run({ image: solidImage(4, 4, [0, 0, 0]), left: 2, top: 0, right: 0, bottom: 0, feathering: 2 }, ctx);
  assert.equal(wide.MASK.data[2], 0);
}));

test('composite pastes the source at (x, y), blended by the mask', () => withContext(async (ctx) => {
  const destination = solidImage(4, 4, [0, 0, 0], 2);
  const source = solidImage(2, 2, [1, 1, 1]);
  const plain = (await imageCompositeMasked.run({ destination, source, x: 1, y: 1, resize_source: false }, ctx)).IMAGE;
  assert.equal(plain.count, 2);
  assert.deepEqual(pixel(plain, 0, 0, 1), [0, 0, 0]);
  assert.deepEqual(pixel(plain, 1, 1, 1), [1, 1, 1]);
  assert.deepEqual(pixel(plain, 2, 2, 1), [1, 1, 1]);
  assert.deepEqual(pixel(plain, 3, 3, 1), [0, 0, 0]);
  assert.deepEqual(pixel(destination, 1, 1), [0, 0, 0], 'the destination input is not modified');
  const masked = (await imageCompositeMasked.run({ destination, source, x: 0, y: 0, resize_source: false, mask: createMask(1, 1, 1, Float32Array.from([0.25])) }, ctx)).IMAGE;
  assertClose(pixel(masked, 1, 1), [0.25, 0.25, 0.25], 1e-4);
  assert.deepEqual(pixel(masked, 2, 2), [0, 0, 0]);
  const edge = (await imageCompositeMasked.run({ destination, source, x: 3, y: 0, resize_source: false }, ctx)).IMAGE;
  assert.deepEqual(pixel(edge, 3, 1), [1, 1, 1]);
  assert.deepEqual(pixel(edge, 2, 1), [0, 0, 0]);
  const far = (await imageCompositeMasked.run({ destination, source, x: 100, y: 100, resize_source: false }, ctx)).IMAGE;
  assert.deepEqual(Array.from(far.data), Array.from(destination.data));
  const resized = (await imageCompositeMasked.run({ destination, source, x: 2, y: 2, resize_source: true }, ctx)).IMAGE;
  assert.deepEqual(pixel(resized, 1, 1), [0, 0, 0]);
  assertClose(pixel(resized, 3, 3), [1, 1, 1], 1e-4);
}));
