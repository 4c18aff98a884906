/**
 * `image.scale` (ComfyUI: ImageScale) and `image.scale_by` (ComfyUI: ImageScaleBy): resizing
 * with ComfyUI's inputs and semantics. A width or height of 0 keeps the aspect ratio; both 0
 * leave the image as it is; "crop: center" cuts to the target aspect before resizing.
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, requireDimension } from '../limits.js';
import { centerCropBox, cropPlanes } from '../pixels.js';
import { UPSCALE_METHODS, resampleImage } from '../resample.js';
import type { UpscaleMethod } from '../resample.js';

/** Rounds halves to even, as Python's round() does, so sizes match ComfyUI's to the pixel. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Target size with 0 meaning "from the aspect ratio"; undefined when both are 0. */
export function targetSize(image: ImageValue, width: number, height: number): { width: number; height: number } | undefined {
  if (width === 0 && height === 0) return undefined;
  if (width === 0) return { width: Math.max(1, roundHalfEven((image.width * height) / image.height)), height };
  if (height === 0) return { width, height: Math.max(1, roundHalfEven((image.height * width) / image.width)) };
  return { width, height };
}

/** Resizes to exactly `width`×`height`, first cutting the centred box of that aspect when `crop` is set. */
export async function scaleImage(image: ImageValue, width: number, height: number, method: UpscaleMethod, crop: boolean, throwIfAborted?: () => void): Promise<ImageValue> {
  let source = image;
  if (crop) {
    const box = centerCropBox(image.width, image.height, width, height);
    if (box.width !== image.width || box.height !== image.height) {
      source = createImage(box.width, box.height, image.count, cropPlanes(image.data, image.width, image.height, image.count, 3, box));
    }
  }
  return resampleImage(source, width, height, method, throwIfAborted);
}

export const imageScale = defineNode({
  type: 'image.scale',
  title: 'Upscale Image',
  category: 'image/transform',
  description: 'Resizes to width×height; 0 in one of them keeps the aspect ratio, both 0 keeps the size.',
  aliases: ['ImageScale'],
  inputs: {
    image: { type: 'IMAGE' },
    upscale_method: { type: 'COMBO', options: UPSCALE_METHODS, default: 'nearest-exact' },
    width: { type: 'INT', default: 512, min: 0, max: MAX_RESOLUTION },
    height: { type: 'INT', default: 512, min: 0, max: MAX_RESOLUTION },
    crop: { type: 'COMBO', options: ['disabled', 'center'], default: 'disabled' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    const width = requireDimension('width', inputs.width, 0, MAX_RESOLUTION);
    const height = requireDimension('height', inputs.height, 0, MAX_RESOLUTION);
    const size = targetSize(inputs.image, width, height);
    if (!size) return { IMAGE: inputs.image };
    return { IMAGE: await scaleImage(inputs.image, size.width, size.height, inputs.upscale_method, inputs.crop === 'center', () => ctx.throwIfAborted()) };
  },
});

export const imageScaleBy = defineNode({
  type: 'image.scale_by',
  title: 'Upscale Image By',
  category: 'image/transform',
  description: 'Resizes by a factor (sizes rounded to whole pixels, halves to even as ComfyUI).',
  aliases: ['ImageScaleBy'],
  inputs: {
    image: { type: 'IMAGE' },
    upscale_method: { type: 'COMBO', options: UPSCALE_METHODS, default: 'nearest-exact' },
    scale_by: { type: 'FLOAT', default: 1, min: 0.01, max: 8, step: 0.01 },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    const { image, scale_by: factor } = inputs;
    const width = requireDimension('scaled width', Math.max(1, roundHalfEven(image.width * factor)), 1, MAX_RESOLUTION);
    const height = requireDimension('scaled height', Math.max(1, roundHalfEven(image.height * factor)), 1, MAX_RESOLUTION);
    return { IMAGE: await resampleImage(image, width, height, inputs.upscale_method, () => ctx.throwIfAborted()) };
  },
});
