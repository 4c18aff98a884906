/**
 * ComfyUI's binary preview frame: a 4-byte big-endian event type (1 = PREVIEW_IMAGE), a 4-byte
 * image format (1 = JPEG, 2 = PNG), then the image bytes. A node's preview (an ImageValue of
 * floats in 0..1) becomes a JPEG of at most 512 px on its longer side: the first image of the
 * batch is box-averaged by an integer factor while copied out of the float data (so the event's
 * pixels are read at once and never held), then sharp fits and encodes it off the main thread.
 */
import sharp from 'sharp';
import type { ImageValue } from '../../nodes/values.js';

export const PREVIEW_IMAGE_EVENT = 1;
export const PREVIEW_FORMAT_JPEG = 1;
export const PREVIEW_FORMAT_PNG = 2;
export const PREVIEW_MAX_SIDE = 512;

export interface RgbPixels {
  width: number;
  height: number;
  data: Buffer;
}

/** The first image of the batch as 8-bit RGB, shrunk by an integer factor to about `maxSide`. */
export function previewPixels(image: ImageValue, maxSide = PREVIEW_MAX_SIDE): RgbPixels | undefined {
  const { width, height, data } = image;
  if (!(width >= 1 && height >= 1) || data.length < width * height * 3) return undefined;
  const factor = Math.max(1, Math.floor(Math.max(width, height) / maxSide));
  const outWidth = Math.max(1, Math.floor(width / factor));
  const outHeight = Math.max(1, Math.floor(height / factor));
  const out = Buffer.allocUnsafe(outWidth * outHeight * 3);
  const area = factor * factor;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let source = ((y * factor + dy) * width + x * factor) * 3;
        for (let dx = 0; dx < factor; dx++, source += 3) {
          r += data[source]!;
          g += data[source + 1]!;
          b += data[source + 2]!;
        }
      }
      const target = (y * outWidth + x) * 3;
      out[target] = toByte(r / area);
      out[target + 1] = toByte(g / area);
      out[target + 2] = toByte(b / area);
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

function toByte(value: number): number {
  if (!(value > 0)) return 0;
  if (value >= 1) return 255;
  return Math.round(value * 255);
}

/** The whole binary frame for these pixels. */
export async function previewFrame(pixels: RgbPixels, maxSide = PREVIEW_MAX_SIDE): Promise<Buffer> {
  const jpeg = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
  const header = Buffer.alloc(8);
  header.writeUInt32BE(PREVIEW_IMAGE_EVENT, 0);
  header.writeUInt32BE(PREVIEW_FORMAT_JPEG, 4);
  return Buffer.concat([header, jpeg]);
}
