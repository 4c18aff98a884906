/**
 * `image.blur` (ComfyUI: ImageBlur): Gaussian blur with a (2·radius+1)-tap kernel whose sigma is
 * measured, as in ComfyUI, on a -1..1 span across the kernel (so sigma sets the shape, radius the
 * reach). Edges mirror. Radius 0 passes the image through unchanged.
 */
import { SwitchyardError, createImage, defineNode } from '../../../engine/nodes/index.js';
import type { ImageValue } from '../../../engine/nodes/index.js';
import { allocateValues } from '../limits.js';

export const MAX_BLUR_RADIUS = 31;

/** Normalised 1-D kernel; the 2-D kernel is its outer product (the Gaussian is separable). */
export function blurKernel(radius: number, sigma: number): Float64Array {
  const size = radius * 2 + 1;
  const kernel = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const t = size === 1 ? 0 : -1 + (2 * i) / (size - 1);
    kernel[i] = Math.exp(-(t * t) / (2 * sigma * sigma));
    sum += kernel[i]!;
  }
  for (let i = 0; i < size; i++) kernel[i]! /= sum;
  return kernel;
}

/** Mirrors an index into 0..size-1 without repeating the edge sample (reflect padding). */
function reflect(index: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  let i = ((index % period) + period) % period;
  if (i >= size) i = period - i;
  return i;
}

export function blurImage(image: ImageValue, radius: number, sigma: number, throwIfAborted?: () => void): ImageValue {
  if (radius === 0) return image;
  const kernel = blurKernel(radius, sigma);
  const { width, height, count } = image;
  const frameLength = width * height * 3;
  const temp = allocateValues(frameLength, 'blur buffer');
  const out = allocateValues(frameLength * count, 'blurred image');
  const columnOffsets = Int32Array.from({ length: width * kernel.length }, (_, k) => reflect((k % width) + Math.floor(k / width) - radius, width));
  const rowOffsets = Int32Array.from({ length: height * kernel.length }, (_, k) => reflect((k % height) + Math.floor(k / height) - radius, height));
  for (let frame = 0; frame < count; frame++) {
    throwIfAborted?.();
    const source = image.data.subarray(frame * frameLength, (frame + 1) * frameLength);
    const target = out.subarray(frame * frameLength, (frame + 1) * frameLength);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < kernel.length; k++) {
          const s = (y * width + columnOffsets[k * width + x]!) * 3;
          const w = kernel[k]!;
          r += w * source[s]!;
          g += w * source[s + 1]!;
          b += w * source[s + 2]!;
        }
        const o = (y * width + x) * 3;
        temp[o] = r;
        temp[o + 1] = g;
        temp[o + 2] = b;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < kernel.length; k++) {
          const s = (rowOffsets[k * height + y]! * width + x) * 3;
          const w = kernel[k]!;
          r += w * temp[s]!;
          g += w * temp[s + 1]!;
          b += w * temp[s + 2]!;
        }
        const o = (y * width + x) * 3;
        target[o] = r;
        target[o + 1] = g;
        target[o + 2] = b;
      }
    }
  }
  return createImage(width, height, count, out);
}

export const imageBlur = defineNode({
  type: 'image.blur',
  title: 'Image Blur',
  category: 'image/postprocessing',
  description: 'Gaussian blur; blur_radius 0 leaves the image unchanged.',
  aliases: ['ImageBlur'],
  inputs: {
    image: { type: 'IMAGE' },
    blur_radius: { type: 'INT', default: 1, min: 0, max: MAX_BLUR_RADIUS },
    sigma: { type: 'FLOAT', default: 1, min: 0.1, max: 10, step: 0.1 },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  run(inputs, ctx) {
    const radius = inputs.blur_radius;
    if (!Number.isInteger(radius) || radius < 0 || radius > MAX_BLUR_RADIUS) {
      throw new SwitchyardError('invalid_input', `blur_radius must be an integer from 0 to ${MAX_BLUR_RADIUS}, got ${String(radius)}`, { input: 'blur_radius', value: radius });
    }
    if (!(inputs.sigma > 0) || !Number.isFinite(inputs.sigma)) {
      throw new SwitchyardError('invalid_input', `sigma must be a positive number, got ${String(inputs.sigma)}`, { input: 'sigma', value: inputs.sigma });
    }
    return { IMAGE: blurImage(inputs.image, radius, inputs.sigma, () => ctx.throwIfAborted()) };
  },
});
