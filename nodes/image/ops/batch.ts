/**
 * `image.batch` (ComfyUI: ImageBatch): joins two batches. When the sizes differ, the second is
 * fitted to the first's size (centre crop to its aspect, then bilinear), as ComfyUI does.
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { allocateValues } from '../limits.js';
import { scaleImage } from './scale.js';

export async function batchImages(first: ImageValue, second: ImageValue, throwIfAborted?: () => void): Promise<ImageValue> {
  const fitted = second.width === first.width && second.height === first.height
    ? second
    : await scaleImage(second, first.width, first.height, 'bilinear', true, throwIfAborted);
  const data = allocateValues(first.data.length + fitted.data.length, 'image batch');
  data.set(first.data, 0);
  data.set(fitted.data, first.data.length);
  return createImage(first.width, first.height, first.count + fitted.count, data);
}

export const imageBatch = defineNode({
  type: 'image.batch',
  title: 'Batch Images',
  category: 'image',
  description: 'Joins two image batches; image2 is resized (centre crop + bilinear) to image1 when sizes differ.',
  aliases: ['ImageBatch'],
  inputs: {
    image1: { type: 'IMAGE' },
    image2: { type: 'IMAGE' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    return { IMAGE: await batchImages(inputs.image1, inputs.image2, () => ctx.throwIfAborted()) };
  },
});
