/**
 * Per-pixel colour ops: `image.invert` (ComfyUI: ImageInvert, 1 - value) and `image.grayscale`
 * (luma with Rec. 601 weights, as PIL's "L" conversion, written to all three channels so the
 * result is still an RGB IMAGE).
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { allocateValues } from '../limits.js';

export function invertImage(image: ImageValue): ImageValue {
  const out = allocateValues(image.data.length, 'inverted image');
  for (let i = 0; i < out.length; i++) out[i] = 1 - image.data[i]!;
  return createImage(image.width, image.height, image.count, out);
}

export const LUMA_WEIGHTS = [0.299, 0.587, 0.114] as const;

export function grayscaleImage(image: ImageValue): ImageValue {
  const out = allocateValues(image.data.length, 'grayscale image');
  const [wr, wg, wb] = LUMA_WEIGHTS;
  for (let i = 0; i < out.length; i += 3) {
    const luma = wr * image.data[i]! + wg * image.data[i + 1]! + wb * image.data[i + 2]!;
    out[i] = luma;
    out[i + 1] = luma;
    out[i + 2] = luma;
  }
  return createImage(image.width, image.height, image.count, out);
}

export const imageInvert = defineNode({
  type: 'image.invert',
  title: 'Invert Image',
  category: 'image',
  description: 'Inverts colours (1 - value).',
  aliases: ['ImageInvert'],
  inputs: { image: { type: 'IMAGE' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run: (inputs) => ({ IMAGE: invertImage(inputs.image) }),
});

export const imageGrayscale = defineNode({
  type: 'image.grayscale',
  title: 'Grayscale Image',
  category: 'image',
  description: 'Converts to grey (Rec. 601 luma); the output is still RGB with equal channels.',
  inputs: { image: { type: 'IMAGE' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run: (inputs) => ({ IMAGE: grayscaleImage(inputs.image) }),
});
