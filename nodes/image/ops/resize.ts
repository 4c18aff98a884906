/**
 * `image.resize`: resizing to a box with a fit mode, like CSS object-fit / sharp's fit:
 * stretch (exact size), contain (fit inside, letterbox with a colour), cover (fill, centre
 * crop), inside (fit inside, no padding), outside (cover, no crop). 0 in width or height keeps
 * the aspect ratio; both 0 leave the image unchanged.
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { MAX_RESOLUTION, allocateValues, requireDimension } from '../limits.js';
import { UPSCALE_METHODS, resampleImage } from '../resample.js';
import type { UpscaleMethod } from '../resample.js';
import { colorToRgb } from './empty.js';
import { scaleImage, targetSize } from './scale.js';

export const FIT_MODES = ['stretch', 'contain', 'cover', 'inside', 'outside'] as const;
export type FitMode = (typeof FIT_MODES)[number];

/** The size `image` is scaled to so that it fits inside (`grow` false) or covers (`grow` true) the box. */
function fittedSize(image: ImageValue, width: number, height: number, grow: boolean): { width: number; height: number } {
  const scale = grow ? Math.max(width / image.width, height / image.height) : Math.min(width / image.width, height / image.height);
  return {
    width: requireDimension('fitted width', Math.max(1, Math.round(image.width * scale)), 1, MAX_RESOLUTION),
    height: requireDimension('fitted height', Math.max(1, Math.round(image.height * scale)), 1, MAX_RESOLUTION),
  };
}

/** Centres every frame of `image` on a `width`×`height` canvas of one colour. */
function letterbox(image: ImageValue, width: number, height: number, rgb: readonly [number, number, number]): ImageValue {
  const data = allocateValues(width * height * 3 * image.count, 'resized image');
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  const left = Math.floor((width - image.width) / 2);
  const top = Math.floor((height - image.height) / 2);
  const rowLength = image.width * 3;
  for (let frame = 0; frame < image.count; frame++) {
    for (let row = 0; row < image.height; row++) {
      const from = (frame * image.height + row) * rowLength;
      data.set(image.data.subarray(from, from + rowLength), ((frame * height + top + row) * width + left) * 3);
    }
  }
  return createImage(width, height, image.count, data);
}

export async function resizeImage(image: ImageValue, width: number, height: number, fit: FitMode, method: UpscaleMethod, color: number, throwIfAborted?: () => void): Promise<ImageValue> {
  const size = targetSize(image, width, height);
  if (!size) return image;
  switch (fit) {
    case 'stretch':
      return resampleImage(image, size.width, size.height, method, throwIfAborted);
    case 'cover':
      return scaleImage(image, size.width, size.height, method, true, throwIfAborted);
    case 'inside':
    case 'outside': {
      const fitted = fittedSize(image, size.width, size.height, fit === 'outside');
      return resampleImage(image, fitted.width, fitted.height, method, throwIfAborted);
    }
    case 'contain': {
      const fitted = fittedSize(image, size.width, size.height, false);
      const scaled = await resampleImage(image, fitted.width, fitted.height, method, throwIfAborted);
      return letterbox(scaled, size.width, size.height, colorToRgb(color));
    }
  }
}

export const imageResize = defineNode({
  type: 'image.resize',
  title: 'Resize Image',
  category: 'image/transform',
  description: 'Resizes to a box: stretch, contain (letterbox with color), cover (centre crop), inside or outside. 0 keeps the aspect ratio.',
  inputs: {
    image: { type: 'IMAGE' },
    width: { type: 'INT', default: 512, min: 0, max: MAX_RESOLUTION },
    height: { type: 'INT', default: 512, min: 0, max: MAX_RESOLUTION },
    fit: { type: 'COMBO', options: FIT_MODES, default: 'stretch' },
    method: { type: 'COMBO', options: UPSCALE_METHODS, default: 'bilinear' },
    color: { type: 'INT', default: 0, min: 0, max: 0xffffff, tooltip: 'Letterbox colour (0xRRGGBB) for fit "contain".' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    const width = requireDimension('width', inputs.width, 0, MAX_RESOLUTION);
    const height = requireDimension('height', inputs.height, 0, MAX_RESOLUTION);
    return { IMAGE: await resizeImage(inputs.image, width, height, inputs.fit, inputs.method, inputs.color, () => ctx.throwIfAborted()) };
  },
});
