/**
 * Test images for the image pack, made with real sharp (and, for hostile headers, by hand):
 * PNGs from given pixels, an EXIF-rotated JPEG, an animated GIF, and a PNG whose header
 * claims a huge size (a decompression bomb) without the data to back it.
 */
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { createImage } from '../../../engine/nodes/index.js';
import type { FileRef, ImageValue, UiResult } from '../../../engine/nodes/index.js';
import { createTestContext } from '../../helpers/node-context.js';
import type { TestNodeContext } from '../../helpers/node-context.js';

/** A PNG of `width`×`height` from interleaved 8-bit samples with 1–4 channels. */
export function pngFromPixels(width: number, height: number, channels: 1 | 2 | 3 | 4, samples: readonly number[]): Promise<Buffer> {
  return sharp(Buffer.from(samples), { raw: { width, height, channels } }).png().toBuffer();
}

/** A 16-bit RGB PNG from 16-bit samples. */
export function png16FromPixels(width: number, height: number, samples: readonly number[]): Promise<Buffer> {
  return sharp(Uint16Array.from(samples), { raw: { width, height, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
}

/** A 16×8 JPEG, left half red and right half blue, tagged with EXIF orientation 6 (display rotated 90° clockwise). */
export function rotatedJpeg(): Promise<Buffer> {
  const samples: number[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) samples.push(...(x < 8 ? [255, 0, 0] : [0, 0, 255]));
  return sharp(Buffer.from(samples), { raw: { width: 16, height: 8, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** A 2-frame animated GIF of 4×4: a black frame then a white frame. */
export function animatedGif(): Promise<Buffer> {
  const frames = Buffer.concat([Buffer.alloc(4 * 4 * 3, 0), Buffer.alloc(4 * 4 * 3, 255)]);
  return sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } }).gif({ loop: 0 }).toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlibCrc32(Buffer.concat([Buffer.from(type, 'latin1'), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A well-formed PNG header claiming `width`×`height` RGB pixels, followed by a few bytes of data. */
export function bombPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An image whose pixel i has channels (v, v/2, 1-v) for v = i / pixels, to tell pixels apart. */
export function gradientImage(width: number, height: number, count = 1): ImageValue {
  const image = createImage(width, height, count);
  const pixels = width * height * count;
  for (let i = 0; i < pixels; i++) {
    const v = i / pixels;
    image.data[i * 3] = v;
    image.data[i * 3 + 1] = v / 2;
    image.data[i * 3 + 2] = 1 - v;
  }
  return image;
}

/** A constant-colour image batch. */
export function solidImage(width: number, height: number, rgb: readonly [number, number, number], count = 1): ImageValue {
  const image = createImage(width, height, count);
  for (let i = 0; i < image.data.length; i += 3) image.data.set(rgb, i);
  return image;
}

/** RGB of pixel (x, y) of frame `frame`. */
export function pixel(image: ImageValue, x: number, y: number, frame = 0): [number, number, number] {
  const i = ((frame * image.height + y) * image.width + x) * 3;
  return [image.data[i]!, image.data[i + 1]!, image.data[i + 2]!];
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, message = ''): void {
  if (actual.length !== expected.length) throw new Error(`${message} length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) throw new Error(`${message} value ${i}: ${actual[i]} is not within ${tolerance} of ${expected[i]}`);
  }
}

/** Runs `fn` with a fresh test context and always disposes it. */
export async function withContext<T>(fn: (ctx: TestNodeContext) => Promise<T>, options?: Parameters<typeof createTestContext>[0]): Promise<T> {
  const ctx = await createTestContext(options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.dispose();
  }
}

/** The files an output node reported in `ui.images` (fails when there are none). */
export function uiImages(result: void | { ui?: UiResult }): FileRef[] {
  const images = result?.ui?.images;
  if (!images) throw new Error('the node reported no ui.images');
  return images;
}
