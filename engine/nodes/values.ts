/**
 * The value shapes that travel on links between nodes. Plain typed data: a node receives and
 * returns these, the cache measures them, and packs convert them to tensors or files.
 */

/** A batch of RGB images, row-major [count, height, width, 3], channel values in 0..1. */
export interface ImageValue {
  readonly kind: 'image';
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly data: Float32Array;
}

/** A batch of single-channel masks, row-major [count, height, width], values in 0..1. */
export interface MaskValue {
  readonly kind: 'mask';
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly data: Float32Array;
}

/** A dense float tensor with its dimensions (row-major). */
export interface TensorValue {
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Latent images as diffusion models see them ([batch, channels, height/8, width/8]). */
export interface LatentValue {
  readonly kind: 'latent';
  readonly samples: TensorValue;
  readonly noiseMask?: TensorValue;
}

/** Audio as planar float channels in -1..1. */
export interface AudioValue {
  readonly kind: 'audio';
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

/** Video as a file on disk (encoded), with what is known about it. */
export interface VideoValue {
  readonly kind: 'video';
  readonly path: string;
  readonly fps: number;
  readonly frameCount: number;
  readonly width: number;
  readonly height: number;
}

/** A file a node produced or read, as ComfyUI clients address it. */
export interface FileRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'input' | 'temp';
}

/** What an output node shows the user: files and small values, recorded in history. */
export interface UiResult {
  images?: FileRef[];
  videos?: FileRef[];
  audio?: FileRef[];
  text?: string[];
  [key: string]: unknown;
}

export function createImage(width: number, height: number, count = 1, data?: Float32Array): ImageValue {
  const size = width * height * 3 * count;
  if (data && data.length !== size) {
    throw new RangeError(`image data has ${data.length} values, expected ${size} (${count}x${height}x${width}x3)`);
  }
  return { kind: 'image', width, height, count, data: data ?? new Float32Array(size) };
}

export function createMask(width: number, height: number, count = 1, data?: Float32Array): MaskValue {
  const size = width * height * count;
  if (data && data.length !== size) {
    throw new RangeError(`mask data has ${data.length} values, expected ${size} (${count}x${height}x${width})`);
  }
  return { kind: 'mask', width, height, count, data: data ?? new Float32Array(size) };
}

export function isImageValue(value: unknown): value is ImageValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ImageValue>;
  return v.kind === 'image' && v.data instanceof Float32Array && Number.isInteger(v.width) && Number.isInteger(v.height)
    && Number.isInteger(v.count) && v.data.length === v.width! * v.height! * v.count! * 3;
}

export function isMaskValue(value: unknown): value is MaskValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<MaskValue>;
  return v.kind === 'mask' && v.data instanceof Float32Array && Number.isInteger(v.width) && Number.isInteger(v.height)
    && Number.isInteger(v.count) && v.data.length === v.width! * v.height! * v.count!;
}
