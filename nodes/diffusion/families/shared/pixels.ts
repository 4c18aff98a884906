/**
 * Pixel layouts around a VAE, each conversion one typed-array pass with no per-pixel allocation:
 * - the decoder's planar RGB in −1..1 ([3, H, W]) → HWC floats in 0..1 (the IMAGE value), or
 *   straight to 8-bit interleaved RGB (what sharp encodes), clamped and rounded;
 * - HWC floats in 0..1 (an IMAGE, optionally a crop of it), or sharp's raw samples (grey,
 *   grey+alpha, RGB, RGBA; 8- or 16-bit; optionally a crop) → planar RGB in −1..1 for the encoder.
 * Every result equals the two-pass route through the image pack's 0..1 floats bit for bit
 * (`unpackPixels` then `hwcToPlanar`; `planarToHwc` then `frameToRgb8`): the byte paths read a
 * 256- or 65536-entry table built with that route's own float32 roundings.
 */

/** A rectangle of whole pixels inside an image. */
export interface PixelRegion {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Interleaved samples as `sharp().raw()` hands them (`info.channels`: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
export interface RawPixels {
  data: Uint8Array | Uint16Array;
  width: number;
  height: number;
  channels: number;
}

function checkRegion(region: PixelRegion, width: number, height: number): void {
  const { left, top } = region;
  if (!(Number.isInteger(left) && Number.isInteger(top) && Number.isInteger(region.width) && Number.isInteger(region.height))
    || left < 0 || top < 0 || region.width < 1 || region.height < 1 || left + region.width > width || top + region.height > height) {
    throw new RangeError(`region ${region.width}×${region.height} at (${left}, ${top}) is not inside the ${width}×${height} image`);
  }
}

function outputFor<T extends Float32Array | Uint8Array>(out: T | undefined, make: (length: number) => T, length: number, offset: number): T {
  const target = out ?? make(length);
  if (offset < 0 || offset + length > target.length) throw new RangeError(`the output holds ${target.length} values, ${offset + length} needed`);
  return target;
}

/**
 * Planar RGB in −1..1 (the first three planes of `planar`) → HWC in 0..1, clamped (NaN stays
 * NaN, as before), written at `offset` of `out` (a new array by default) so a batch fills in place.
 */
export function planarToHwc(planar: Float32Array, width: number, height: number, out?: Float32Array, offset = 0): Float32Array {
  const plane = width * height;
  if (planar.length < plane * 3) throw new RangeError(`${planar.length} planar values for a ${width}×${height} RGB image`);
  const pixels = outputFor(out, (n) => new Float32Array(n), plane * 3, offset);
  const green = plane;
  const blue = 2 * plane;
  for (let p = 0, o = offset; p < plane; p++, o += 3) {
    const r = (planar[p]! + 1) * 0.5;
    const g = (planar[green + p]! + 1) * 0.5;
    const b = (planar[blue + p]! + 1) * 0.5;
    pixels[o] = r > 1 ? 1 : r < 0 ? 0 : r;
    pixels[o + 1] = g > 1 ? 1 : g < 0 ? 0 : g;
    pixels[o + 2] = b > 1 ? 1 : b < 0 ? 0 : b;
  }
  return pixels;
}

/**
 * Planar RGB in −1..1 → 8-bit interleaved RGB: the pixel (p + 1)/2 rounded to float32, clamped
 * to 0..1 and rounded half up to 0..255 (NaN gives 0), written at `offset` of `out`.
 */
export function planarToRgb8(planar: Float32Array, width: number, height: number, out?: Uint8Array, offset = 0): Uint8Array {
  const plane = width * height;
  if (planar.length < plane * 3) throw new RangeError(`${planar.length} planar values for a ${width}×${height} RGB image`);
  const bytes = outputFor(out, (n) => new Uint8Array(n), plane * 3, offset);
  const green = plane;
  const blue = 2 * plane;
  for (let p = 0, o = offset; p < plane; p++, o += 3) {
    // v·255 is exact in a double (24 × 8 bits), so adding ½ and letting the byte store truncate
    // is Math.round for every v in (0, 1), without its slow path; NaN fails both tests.
    const r = Math.fround((planar[p]! + 1) * 0.5);
    const g = Math.fround((planar[green + p]! + 1) * 0.5);
    const b = Math.fround((planar[blue + p]! + 1) * 0.5);
    bytes[o] = r >= 1 ? 255 : r > 0 ? r * 255 + 0.5 : 0;
    bytes[o + 1] = g >= 1 ? 255 : g > 0 ? g * 255 + 0.5 : 0;
    bytes[o + 2] = b >= 1 ? 255 : b > 0 ? b * 255 + 0.5 : 0;
  }
  return bytes;
}

/**
 * HWC pixels in 0..1 (`width` × `height`, or the `region` of them) → planar RGB in −1..1
 * ([3, h, w], not clamped), as a VAE encoder takes them; cropping costs no extra pass.
 */
export function hwcToPlanar(pixels: Float32Array, width: number, height: number, region?: PixelRegion, out?: Float32Array): Float32Array {
  const area = region ?? { left: 0, top: 0, width, height };
  if (region) checkRegion(region, width, height);
  if (pixels.length < width * height * 3) throw new RangeError(`${pixels.length} values for a ${width}×${height} RGB image`);
  const plane = area.width * area.height;
  const planar = outputFor(out, (n) => new Float32Array(n), plane * 3, 0);
  const green = plane;
  const blue = 2 * plane;
  for (let y = 0, p = 0; y < area.height; y++) {
    const rowEnd = p + area.width;
    for (let s = ((area.top + y) * width + area.left) * 3; p < rowEnd; p++, s += 3) {
      planar[p] = pixels[s]! * 2 - 1;
      planar[green + p] = pixels[s + 1]! * 2 - 1;
      planar[blue + p] = pixels[s + 2]! * 2 - 1;
    }
  }
  return planar;
}

let table8: Float32Array | undefined;
let table16: Float32Array | undefined;

/** sample → −1..1 with the two-pass route's roundings: float32(float32(v · (1/max)) · 2 − 1). */
function sampleTable(bits: 8 | 16): Float32Array {
  const cached = bits === 8 ? table8 : table16;
  if (cached) return cached;
  const max = bits === 8 ? 255 : 65535;
  const scale = 1 / max;
  const table = new Float32Array(max + 1);
  const unit = new Float32Array(1);
  for (let v = 0; v <= max; v++) {
    unit[0] = v * scale;
    table[v] = unit[0]! * 2 - 1;
  }
  if (bits === 8) table8 = table;
  else table16 = table;
  return table;
}

/**
 * Raw interleaved samples (`sharp().raw()` output: grey, grey+alpha, RGB or RGBA; 8-bit, or
 * 16-bit in a Uint16Array) → planar RGB in −1..1 for a VAE encoder, in one pass through a
 * lookup table. Grey is spread to the three planes; alpha is ignored (the image pack turns it
 * into a MASK). `region` crops without an extra pass.
 */
export function rawToPlanar(raw: RawPixels, region?: PixelRegion, out?: Float32Array): Float32Array {
  const { data, width, height, channels } = raw;
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 4)) throw new RangeError(`raw pixels have 1 to 4 channels, got ${String(channels)}`);
  if (data.length < width * height * channels) throw new RangeError(`${data.length} samples for a ${width}×${height} image of ${channels} channels`);
  const area = region ?? { left: 0, top: 0, width, height };
  if (region) checkRegion(region, width, height);
  const table = sampleTable(data instanceof Uint16Array ? 16 : 8);
  const plane = area.width * area.height;
  const planar = outputFor(out, (n) => new Float32Array(n), plane * 3, 0);
  const green = plane;
  const blue = 2 * plane;
  for (let y = 0, p = 0; y < area.height; y++) {
    const rowEnd = p + area.width;
    let s = ((area.top + y) * width + area.left) * channels;
    if (channels >= 3) {
      for (; p < rowEnd; p++, s += channels) {
        planar[p] = table[data[s]!]!;
        planar[green + p] = table[data[s + 1]!]!;
        planar[blue + p] = table[data[s + 2]!]!;
      }
    } else {
      for (; p < rowEnd; p++, s += channels) {
        const v = table[data[s]!]!;
        planar[p] = v;
        planar[green + p] = v;
        planar[blue + p] = v;
      }
    }
  }
  return planar;
}
