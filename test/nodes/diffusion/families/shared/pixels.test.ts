/**
 * The one-pass VAE pixel conversions against straightforward per-pixel references and against
 * the image pack's own two-pass route (`unpackPixels` then planar; `planarToHwc` then
 * `frameToRgb8`), compared bit for bit: odd sizes, grey / grey+alpha / RGB / RGBA samples in 8
 * and 16 bits, crops, every byte value, and extreme floats (±0, ±1 edges, rounding ties,
 * overshoot, ±Infinity, NaN, subnormals, float32 max).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage } from '../../../../../engine/nodes/index.js';
import { hwcToPlanar, planarToHwc, planarToRgb8, rawToPlanar, type PixelRegion } from '../../../../../nodes/diffusion/families/shared/pixels.js';
import { frameToRgb8, unpackPixels } from '../../../../../nodes/image/sharp-io.js';

/** Deterministic pseudo-random values (an LCG), so failures reproduce. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Bit-for-bit equality of two float arrays (NaN equals NaN, +0 differs from −0). */
function sameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    // Any NaN matches any NaN: engines may canonicalise the payload on a float32 store.
    if (Number.isNaN(actual[i]) && Number.isNaN(expected[i])) continue;
    if (a[i] !== e[i]) assert.fail(`${what}: value ${i} is ${actual[i]} (0x${a[i]!.toString(16)}), expected ${expected[i]} (0x${e[i]!.toString(16)})`);
  }
}

/** Reference: a sample → −1..1 as the two-pass route computes it, pixel by pixel. */
function referenceRawToPlanar(samples: ArrayLike<number>, width: number, channels: number, max: number, region: PixelRegion): Float32Array {
  const plane = region.width * region.height;
  const out = new Float32Array(plane * 3);
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const at = ((region.top + y) * width + region.left + x) * channels;
      for (let c = 0; c < 3; c++) {
        const value = samples[at + (channels >= 3 ? c : 0)]!;
        out[c * plane + y * region.width + x] = Math.fround(Math.fround(value * (1 / max)) * 2 - 1);
      }
    }
  }
  return out;
}

/** Reference: planar −1..1 → HWC 0..1, clamped, pixel by pixel. */
function referencePlanarToHwc(planar: Float32Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (planar[c * plane + p]! + 1) / 2;
      out[p * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}

/** Reference: planar −1..1 → bytes, through a float32 0..1 pixel, clamped and Math.round-ed. */
function referencePlanarToRgb8(planar: Float32Array, width: number, height: number): Uint8Array {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.fround((planar[c * plane + p]! + 1) / 2);
      out[p * 3 + c] = Number.isNaN(v) ? 0 : Math.round(Math.min(1, Math.max(0, v)) * 255);
    }
  }
  return out;
}

const whole = (width: number, height: number): PixelRegion => ({ left: 0, top: 0, width, height });

test('8-bit grey, grey+alpha, RGB and RGBA samples → planar −1..1 in one pass: the two-pass route bit for bit, every byte value', () => {
  const width = 37;
  const height = 7; // 259 pixels: every byte value appears in every channel
  for (const channels of [1, 2, 3, 4]) {
    const samples = new Uint8Array(width * height * channels);
    for (let i = 0; i < samples.length; i++) samples[i] = (i * 7 + Math.floor(i / channels)) % 256;
    samples[0] = 0;
    samples[channels] = 255;
    const planar = rawToPlanar({ data: samples, width, height, channels });
    sameBits(planar, referenceRawToPlanar(samples, width, channels, 255, whole(width, height)), `${channels} channels vs reference`);
    const twoPass = hwcToPlanar(unpackPixels(samples, width, height, 1, channels, 255).image.data, width, height);
    sameBits(planar, twoPass, `${channels} channels vs unpackPixels + hwcToPlanar`);
    assert.equal(planar[0], -1);
    assert.equal(planar[1], 1);
  }
});

test('16-bit samples (sharp raw depth ushort) → planar: extremes and random values match the two-pass route', () => {
  const width = 13;
  const height = 11;
  const random = lcg(16);
  for (const channels of [1, 3, 4]) {
    const samples = new Uint16Array(width * height * channels);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.floor(random() * 65536);
    samples[0] = 0;
    samples[channels] = 65535;
    samples[2 * channels] = 32768;
    const planar = rawToPlanar({ data: samples, width, height, channels });
    sameBits(planar, referenceRawToPlanar(samples, width, channels, 65535, whole(width, height)), `${channels} channels`);
    sameBits(planar, hwcToPlanar(unpackPixels(samples, width, height, 1, channels, 65535).image.data, width, height), `${channels} channels, two-pass`);
  }
});

test('a crop is taken in the same pass, for raw samples and for HWC floats', () => {
  const width = 19;
  const height = 13;
  const random = lcg(3);
  const samples = Uint8Array.from({ length: width * height * 4 }, () => Math.floor(random() * 256));
  const region = { left: 3, top: 2, width: 16, height: 8 };
  sameBits(rawToPlanar({ data: samples, width, height, channels: 4 }, region), referenceRawToPlanar(samples, width, 4, 255, region), 'RGBA crop');

  const pixels = Float32Array.from({ length: width * height * 3 }, () => random());
  const cropped = new Float32Array(region.width * region.height * 3);
  for (let y = 0; y < region.height; y++) {
    const from = ((region.top + y) * width + region.left) * 3;
    cropped.set(pixels.subarray(from, from + region.width * 3), y * region.width * 3);
  }
  sameBits(hwcToPlanar(pixels, width, height, region), hwcToPlanar(cropped, region.width, region.height), 'HWC crop vs copy-then-convert');
  assert.throws(() => hwcToPlanar(pixels, width, height, { left: 4, top: 0, width: 16, height: 8 }), /not inside the 19×13 image/);
  assert.throws(() => rawToPlanar({ data: samples, width, height, channels: 5 }), /1 to 4 channels/);
  assert.throws(() => rawToPlanar({ data: samples.subarray(1), width, height, channels: 4 }), /samples for a 19×13 image/);
});

/** Floats a decoder might answer, with the awkward ones spelled out. */
function extremePlanar(width: number, height: number): Float32Array {
  const random = lcg(99);
  const planar = Float32Array.from({ length: width * height * 3 }, () => random() * 2.4 - 1.2);
  const awkward = [
    0, -0, 1, -1, 1.0000001, -1.0000001, 0.9999999, -0.9999999, 3, -3,
    Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.17549435e-38, 3.4028235e38, -3.4028235e38,
  ];
  // Exact rounding ties: v·255 = k + ½ for the pixel v = (p + 1)/2, where representable.
  for (let k = 0; k < 255; k += 17) awkward.push(Math.fround(((k + 0.5) / 255) * 2 - 1));
  awkward.forEach((v, i) => {
    planar[i * 5] = v;
  });
  return planar;
}

test('planar → HWC floats: clamped to 0..1 (NaN stays NaN), written at an offset of a batch buffer', () => {
  const width = 11;
  const height = 9;
  const planar = extremePlanar(width, height);
  const expected = referencePlanarToHwc(planar, width, height);
  sameBits(planarToHwc(planar, width, height), expected, 'fresh');
  const batch = new Float32Array(width * height * 3 * 2).fill(7);
  planarToHwc(planar, width, height, batch, width * height * 3);
  assert.ok(batch.subarray(0, width * height * 3).every((v) => v === 7), 'the first frame is left alone');
  sameBits(batch.subarray(width * height * 3), expected, 'second frame');
  assert.throws(() => planarToHwc(planar, width, height, new Float32Array(10)), /holds 10 values/);
  assert.throws(() => planarToHwc(planar.subarray(3), width, height), /planar values for a 11×9/);
});

test('planar → 8-bit RGB in one pass: the two-pass route (planarToHwc then frameToRgb8) and a Math.round reference, bit for bit', () => {
  for (const [width, height] of [[11, 9], [1, 1], [64, 33]] as const) {
    const planar = extremePlanar(width, height);
    const bytes = planarToRgb8(planar, width, height);
    assert.deepEqual(bytes, referencePlanarToRgb8(planar, width, height), `${width}×${height} vs reference`);
    const viaImage = frameToRgb8(createImage(width, height, 1, planarToHwc(planar, width, height)), 0);
    assert.deepEqual(Buffer.from(bytes), viaImage, `${width}×${height} vs planarToHwc + frameToRgb8`);
  }
  // Spot checks on the red plane: −1 → 0, 1 → 255, 0 → 128 (127.5 rounds up), overshoot clamps, NaN → 0.
  const red = [-1, 1, 0, -7, 7, NaN];
  const bytes = planarToRgb8(Float32Array.from([...red, ...red.map(() => 0), ...red.map(() => 0)]), 6, 1);
  assert.deepEqual([...bytes].filter((_, i) => i % 3 === 0), [0, 255, 128, 0, 255, 0]);
});

test('the float paths round-trip: HWC → planar → HWC gives back pixels on a 1/64 grid exactly', () => {
  const random = lcg(5);
  const width = 9;
  const height = 7;
  const pixels = Float32Array.from({ length: width * height * 3 }, () => Math.round(random() * 64) / 64);
  sameBits(planarToHwc(hwcToPlanar(pixels, width, height), width, height), pixels, 'round trip');
});
