/**
 * Resampling image and mask batches with ComfyUI's method names. Bilinear, bicubic and lanczos
 * go through sharp; "nearest-exact" and "area" are computed here because they are defined by
 * exact index arithmetic (pixel-centre nearest, and integer-bin averages like adaptive pooling).
 */
import { createImage, createMask } from '../../engine/nodes/index.js';
import type { ImageValue, MaskValue } from '../../engine/nodes/index.js';
import { allocateValues } from './limits.js';
import { resampleWithSharp } from './sharp-io.js';
import type { SharpKernel } from './sharp-io.js';

export const UPSCALE_METHODS = ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] as const;
export type UpscaleMethod = (typeof UPSCALE_METHODS)[number];

const SHARP_KERNELS: Partial<Record<UpscaleMethod, SharpKernel>> = { bilinear: 'linear', bicubic: 'cubic', lanczos: 'lanczos3' };

export interface Planes {
  data: Float32Array;
  width: number;
  height: number;
  count: number;
  channels: 1 | 3;
}

/** Source index of each output index for pixel-centre nearest sampling. */
function nearestIndices(inSize: number, outSize: number): Int32Array {
  const indices = new Int32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) indices[i] = Math.min(inSize - 1, Math.floor((i + 0.5) * scale));
  return indices;
}

function nearest(planes: Planes, outWidth: number, outHeight: number): Float32Array {
  const { data, width, height, count, channels } = planes;
  const columns = nearestIndices(width, outWidth);
  const rows = nearestIndices(height, outHeight);
  const out = allocateValues(outWidth * outHeight * channels * count, 'resized image');
  let o = 0;
  for (let frame = 0; frame < count; frame++) {
    for (let y = 0; y < outHeight; y++) {
      const rowStart = (frame * height + rows[y]!) * width;
      for (let x = 0; x < outWidth; x++) {
        const s = (rowStart + columns[x]!) * channels;
        for (let c = 0; c < channels; c++) out[o++] = data[s + c]!;
      }
    }
  }
  return out;
}

/** Bin [floor(i·in/out), ceil((i+1)·in/out)) of each output index (adaptive average pooling). */
function areaBins(inSize: number, outSize: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(outSize);
  const end = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    start[i] = Math.floor((i * inSize) / outSize);
    end[i] = Math.ceil(((i + 1) * inSize) / outSize);
  }
  return { start, end };
}

function area(planes: Planes, outWidth: number, outHeight: number): Float32Array {
  const { data, width, height, count, channels } = planes;
  const columns = areaBins(width, outWidth);
  const rows = areaBins(height, outHeight);
  // Separable: average along rows first, then down the columns.
  const horizontal = allocateValues(outWidth * height * channels * count, 'resized image');
  for (let line = 0; line < height * count; line++) {
    for (let x = 0; x < outWidth; x++) {
      const from = columns.start[x]!;
      const to = columns.end[x]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let sx = from; sx < to; sx++) sum += data[(line * width + sx) * channels + c]!;
        horizontal[(line * outWidth + x) * channels + c] = sum / (to - from);
      }
    }
  }
  const out = allocateValues(outWidth * outHeight * channels * count, 'resized image');
  const rowLength = outWidth * channels;
  for (let frame = 0; frame < count; frame++) {
    for (let y = 0; y < outHeight; y++) {
      const from = rows.start[y]!;
      const to = rows.end[y]!;
      const target = (frame * outHeight + y) * rowLength;
      for (let i = 0; i < rowLength; i++) {
        let sum = 0;
        for (let sy = from; sy < to; sy++) sum += horizontal[(frame * height + sy) * rowLength + i]!;
        out[target + i] = sum / (to - from);
      }
    }
  }
  return out;
}

/** Resamples every frame of `planes` to `outWidth`×`outHeight`. */
export async function resamplePlanes(planes: Planes, outWidth: number, outHeight: number, method: UpscaleMethod, throwIfAborted?: () => void): Promise<Float32Array> {
  if (method === 'nearest-exact') return nearest(planes, outWidth, outHeight);
  if (method === 'area') return area(planes, outWidth, outHeight);
  const kernel = SHARP_KERNELS[method] ?? 'linear';
  return resampleWithSharp(planes.data, planes.width, planes.height, planes.count, planes.channels, outWidth, outHeight, kernel, throwIfAborted);
}

/** An image batch at a new size (the same value when the size does not change). */
export async function resampleImage(image: ImageValue, width: number, height: number, method: UpscaleMethod, throwIfAborted?: () => void): Promise<ImageValue> {
  if (width === image.width && height === image.height) return image;
  const data = await resamplePlanes({ data: image.data, width: image.width, height: image.height, count: image.count, channels: 3 }, width, height, method, throwIfAborted);
  return createImage(width, height, image.count, data);
}

/** A mask batch at a new size (the same value when the size does not change). */
export async function resampleMask(mask: MaskValue, width: number, height: number, method: UpscaleMethod, throwIfAborted?: () => void): Promise<MaskValue> {
  if (width === mask.width && height === mask.height) return mask;
  const data = await resamplePlanes({ data: mask.data, width: mask.width, height: mask.height, count: mask.count, channels: 1 }, width, height, method, throwIfAborted);
  return createMask(width, height, mask.count, data);
}
