/**
 * ImageValue <-> sharp: decoding files into RGB float batches (plus the alpha as a mask),
 * encoding frames to PNG, and moving pixels through sharp's resampler. Each conversion is one
 * pass over a typed array. Every sharp call sets `limitInputPixels` explicitly, and dimensions
 * are checked from the header before any pixel memory is reserved.
 */
import sharp from 'sharp';
import type { OutputInfo, Sharp, SharpOptions } from 'sharp';
import { SwitchyardError, createImage, createMask } from '../../engine/nodes/index.js';
import type { ImageValue, MaskValue } from '../../engine/nodes/index.js';
import { MAX_IMAGE_BYTES, MAX_INPUT_PIXELS, allocateValues } from './limits.js';
import { sniffImageFormat } from './sniff.js';
import type { ImageFormat } from './sniff.js';

/** Decoder options: explicit pixel limit; fail on errors, tolerate the warnings many real photos carry. */
const DECODE_OPTIONS: SharpOptions = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' };

export interface DecodedImage {
  image: ImageValue;
  /** ComfyUI's convention: 1 - alpha, or all zeros when the file has no alpha. */
  mask: MaskValue;
  format: ImageFormat;
  hasAlpha: boolean;
}

function sharpMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** Pixel count of frames × width × height as a megapixel text for messages. */
function megapixels(pixels: number): string {
  return `${Math.round(pixels / 1e5) / 10} megapixels`;
}

/**
 * Decodes an encoded image (PNG, JPEG, WebP, GIF, TIFF, AVIF) into an RGB batch and its mask.
 * EXIF orientation is applied; animated GIF/WebP give one batch entry per frame. `label` names
 * the source in messages ("image file \"a.png\"", "decoded data").
 */
export async function decodeImage(bytes: Buffer, label: string): Promise<DecodedImage> {
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new SwitchyardError('invalid_image', `${label} is ${bytes.length} bytes, more than the limit of ${MAX_IMAGE_BYTES} bytes`, { bytes: bytes.length, limit: MAX_IMAGE_BYTES });
  }
  const format = sniffImageFormat(bytes);
  if (!format) throw new SwitchyardError('invalid_image', `${label} is not an image (unknown format)`, {});
  if ((format === 'heif' || format === 'avif') && !sharp.format.heif.input.buffer) {
    throw new SwitchyardError('invalid_image', `${label} is ${format.toUpperCase()}, which this build's image library cannot read`, { format });
  }
  let metadata;
  try {
    // Header only: no pixel memory yet. The limit is checked below with a clearer message.
    metadata = await sharp(bytes, { ...DECODE_OPTIONS, limitInputPixels: false }).metadata();
  } catch (error) {
    throw new SwitchyardError('invalid_image', `${label} is a damaged or unsupported ${format.toUpperCase()} image: ${sharpMessage(error)}`, { format }, { cause: error });
  }
  const animated = (format === 'gif' || format === 'webp') && (metadata.pages ?? 1) > 1;
  const frames = animated ? metadata.pages! : 1;
  // Read without `pages`, the header's height is one frame's.
  const frameHeight = animated ? metadata.pageHeight ?? metadata.height : metadata.height;
  const pixels = metadata.width * frameHeight * frames;
  if (!(metadata.width > 0 && frameHeight > 0) || pixels > MAX_INPUT_PIXELS) {
    throw new SwitchyardError('invalid_image', `${label} is ${metadata.width}x${frameHeight}${frames > 1 ? `x${frames} frames` : ''} (${megapixels(pixels)}), more than the limit of ${megapixels(MAX_INPUT_PIXELS)}`, { width: metadata.width, height: frameHeight, frames, limit: MAX_INPUT_PIXELS });
  }
  const sixteenBit = metadata.depth === 'ushort';
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await sharp(bytes, { ...DECODE_OPTIONS, pages: animated ? -1 : 1 })
      .autoOrient()
      .toColourspace(sixteenBit ? 'rgb16' : 'srgb')
      .raw({ depth: sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new SwitchyardError('invalid_image', `${label} is a damaged or unsupported ${format.toUpperCase()} image: ${sharpMessage(error)}`, { format }, { cause: error });
  }
  const { info } = raw;
  const samples = sixteenBit ? uint16View(raw.data) : raw.data;
  // Rotation may swap a single frame's sides, so sizes come from the decoded result.
  const height = animated ? frameHeight : info.height;
  const count = info.height / height;
  if (!Number.isInteger(count) || count < 1) {
    throw new SwitchyardError('invalid_image', `${label}: frames of different sizes are not supported`, { format });
  }
  return { ...unpackPixels(samples, info.width, height, count, info.channels, sixteenBit ? 65535 : 255), format };
}

/** A Buffer's bytes as 16-bit samples (copied only when the buffer is not 2-byte aligned). */
function uint16View(buffer: Buffer): Uint16Array {
  if (buffer.byteOffset % 2 === 0) return new Uint16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 1);
  return new Uint16Array(Uint8Array.from(buffer).buffer);
}

/**
 * One pass from interleaved samples (1–4 channels: grey, grey+alpha, RGB, RGBA) to the RGB batch
 * and mask. Grey is spread to RGB; the mask is 1 - alpha where alpha exists.
 */
export function unpackPixels(samples: ArrayLike<number>, width: number, height: number, count: number, channels: number, maxValue: number): Omit<DecodedImage, 'format'> {
  const pixels = width * height * count;
  const rgb = allocateValues(pixels * 3, 'decoded image');
  const alpha = allocateValues(pixels, 'decoded mask');
  const hasAlpha = channels === 2 || channels === 4;
  const colour = channels >= 3;
  const scale = 1 / maxValue;
  for (let p = 0, s = 0, o = 0; p < pixels; p++, s += channels, o += 3) {
    const r = samples[s]! * scale;
    rgb[o] = r;
    rgb[o + 1] = colour ? samples[s + 1]! * scale : r;
    rgb[o + 2] = colour ? samples[s + 2]! * scale : r;
    if (hasAlpha) alpha[p] = 1 - samples[s + channels - 1]! * scale;
  }
  return { image: createImage(width, height, count, rgb), mask: createMask(width, height, count, alpha), hasAlpha };
}

/** One frame as 8-bit interleaved RGB (rounded, clamped to 0..255). */
export function frameToRgb8(image: ImageValue, index: number): Buffer {
  const length = image.width * image.height * 3;
  const source = image.data.subarray(index * length, (index + 1) * length);
  const out = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) {
    const v = source[i]!;
    // NaN fails both comparisons and lands on 0.
    out[i] = v >= 1 ? 255 : v > 0 ? Math.round(v * 255) : 0;
  }
  return out;
}

/** Encodes one frame of `image` as PNG. `compressionLevel` 0–9 (ComfyUI: 4 for saves, 1 for previews). */
export async function encodePng(image: ImageValue, index: number, compressionLevel: number): Promise<Buffer> {
  return sharp(frameToRgb8(image, index), { raw: { width: image.width, height: image.height, channels: 3 }, limitInputPixels: MAX_INPUT_PIXELS })
    .png({ compressionLevel })
    .toBuffer();
}

export type SharpKernel = 'nearest' | 'linear' | 'cubic' | 'lanczos3';

/**
 * Resamples `count` frames of interleaved float planes (1 or 3 channels) through sharp in
 * 16-bit precision (sharp's float path reinterprets values, 16-bit round-trips exactly).
 * Values are clamped to 0..1 on the way in.
 */
export async function resampleWithSharp(
  data: Float32Array, width: number, height: number, count: number, channels: 1 | 3,
  outWidth: number, outHeight: number, kernel: SharpKernel, throwIfAborted?: () => void,
): Promise<Float32Array> {
  const inFrame = width * height * channels;
  const outFrame = outWidth * outHeight * channels;
  const out = allocateValues(outFrame * count, 'resized image');
  const samples = new Uint16Array(inFrame);
  for (let frame = 0; frame < count; frame++) {
    throwIfAborted?.();
    const source = data.subarray(frame * inFrame, (frame + 1) * inFrame);
    for (let i = 0; i < inFrame; i++) {
      const v = source[i]!;
      samples[i] = v >= 1 ? 65535 : v > 0 ? Math.round(v * 65535) : 0;
    }
    const pipeline: Sharp = sharp(samples, { raw: { width, height, channels }, limitInputPixels: MAX_INPUT_PIXELS })
      .resize(outWidth, outHeight, { fit: 'fill', kernel })
      .toColourspace(channels === 1 ? 'grey16' : 'rgb16');
    const result = await pipeline.raw({ depth: 'ushort' }).toBuffer();
    const resized = uint16View(result);
    const target = out.subarray(frame * outFrame, (frame + 1) * outFrame);
    for (let i = 0; i < outFrame; i++) target[i] = resized[i]! / 65535;
  }
  return out;
}
