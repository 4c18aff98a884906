/**
 * `image.crop` (ComfyUI: ImageCrop): cuts a width×height box at (x, y). A box reaching past the
 * image is clamped, as ComfyUI does: x/y are limited to the last column/row and the box ends at
 * the image's edge, so the result can be smaller than asked (never empty).
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, requireDimension } from '../limits.js';
import { cropPlanes } from '../pixels.js';
import type { Box } from '../pixels.js';

/** The part of the requested box that lies inside a `width`×`height` image. */
export function clampBox(width: number, height: number, box: Box): Box {
  const left = Math.min(box.left, width - 1);
  const top = Math.min(box.top, height - 1);
  return { left, top, width: Math.min(box.width, width - left), height: Math.min(box.height, height - top) };
}

export function cropImage(image: ImageValue, box: Box): ImageValue {
  const clamped = clampBox(image.width, image.height, box);
  if (clamped.left === 0 && clamped.top === 0 && clamped.width === image.width && clamped.height === image.height) return image;
  return createImage(clamped.width, clamped.height, image.count, cropPlanes(image.data, image.width, image.height, image.count, 3, clamped));
}

export const imageCrop = defineNode({
  type: 'image.crop',
  title: 'Crop Image',
  category: 'image/transform',
  description: 'Cuts a width×height box at (x, y); a box past the edge is clamped to the image.',
  aliases: ['ImageCrop'],
  inputs: {
    image: { type: 'IMAGE' },
    width: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
    height: { type: 'INT', default: 512, min: 1, max: MAX_RESOLUTION },
    x: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION },
    y: { type: 'INT', default: 0, min: 0, max: MAX_RESOLUTION },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run(inputs) {
    const box = {
      width: requireDimension('width', inputs.width, 1, MAX_RESOLUTION),
      height: requireDimension('height', inputs.height, 1, MAX_RESOLUTION),
      left: requireDimension('x', inputs.x, 0, MAX_RESOLUTION),
      top: requireDimension('y', inputs.y, 0, MAX_RESOLUTION),
    };
    return { IMAGE: cropImage(inputs.image, box) };
  },
});
