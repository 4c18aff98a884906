/**
 * `image.pad_for_outpaint` (ComfyUI: ImagePadForOutpaint): grows the canvas by the given margins,
 * fills the new area with mid grey, and outputs a mask that is 1 over the new area and fades
 * (quadratically, over `feathering` pixels) into the original image along the padded sides.
 */
import { createImage, createMask, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue, MaskValue } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, allocateValues, requireDimension } from '../limits.js';

export interface Margins {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export function padForOutpaint(image: ImageValue, margins: Margins, feathering: number): { image: ImageValue; mask: MaskValue } {
  const { left, top, right, bottom } = margins;
  const { width, height, count } = image;
  const outWidth = requireDimension('padded width', width + left + right, 1, MAX_RESOLUTION * 2);
  const outHeight = requireDimension('padded height', height + top + bottom, 1, MAX_RESOLUTION * 2);
  const data = allocateValues(outWidth * outHeight * 3 * count, 'padded image').fill(0.5);
  const rowLength = width * 3;
  for (let frame = 0; frame < count; frame++) {
    for (let row = 0; row < height; row++) {
      const from = (frame * height + row) * rowLength;
      data.set(image.data.subarray(from, from + rowLength), ((frame * outHeight + top + row) * outWidth + left) * 3);
    }
  }
  const mask = allocateValues(outWidth * outHeight, 'padding mask').fill(1);
  // Inside the original image: 0, except within `feathering` pixels of a padded side.
  const feather = feathering > 0 && feathering * 2 < height && feathering * 2 < width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = 0;
      if (feather) {
        const distance = Math.min(top !== 0 ? y : height, bottom !== 0 ? height - y : height, left !== 0 ? x : width, right !== 0 ? width - x : width);
        if (distance < feathering) {
          const v = (feathering - distance) / feathering;
          value = v * v;
        }
      }
      mask[(top + y) * outWidth + left + x] = value;
    }
  }
  return { image: createImage(outWidth, outHeight, count, data), mask: createMask(outWidth, outHeight, 1, mask) };
}

export const imagePadForOutpaint = defineNode({
  type: 'image.pad_for_outpaint',
  title: 'Pad Image for Outpainting',
  category: 'image/transform',
  description: 'Adds grey margins and a MASK covering them (feathered into the image) for outpainting.',
  aliases: ['ImagePadForOutpaint'],
  inputs: {
    image: { type: 'IMAGE' },
    left: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION, step: 8 },
    top: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION, step: 8 },
    right: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION, step: 8 },
    bottom: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION, step: 8 },
    feathering: { type: 'INT', default: 40, min: 0, max: MAX_RESOLUTION },
  },
  outputs: { IMAGE: { type: 'IMAGE' }, MASK: { type: 'MASK' } },
  run(inputs) {
    const margins = {
      left: requireDimension('left', inputs.left, 0, MAX_RESOLUTION),
      top: requireDimension('top', inputs.top, 0, MAX_RESOLUTION),
      right: requireDimension('right', inputs.right, 0, MAX_RESOLUTION),
      bottom: requireDimension('bottom', inputs.bottom, 0, MAX_RESOLUTION),
    };
    const feathering = requireDimension('feathering', inputs.feathering, 0, MAX_RESOLUTION);
    const { image, mask } = padForOutpaint(inputs.image, margins, feathering);
    return { IMAGE: image, MASK: mask };
  },
});
