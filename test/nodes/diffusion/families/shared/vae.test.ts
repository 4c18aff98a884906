/**
 * The VAE's pure pixel conversions: HWC 0..1 ↔ planar −1..1 on a hand-made 2×2 image — the
 * planar layout is what a VAE takes ([R plane, G plane, B plane], row-major), the round trip
 * gives the pixels back, and the decoder side clamps values the network overshoots.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hwcToPlanar, planarToHwc } from '../../../../../nodes/diffusion/families/shared/vae.js';

// 2×2 RGB, row-major HWC: (0,0) red, (1,0) green, (0,1) blue, (1,1) mid grey.
const hwc = Float32Array.from([
  1, 0, 0, 0, 1, 0,
  0, 0, 1, 0.5, 0.5, 0.5,
]);

test('hwcToPlanar lays out one plane per channel in −1..1', () => {
  const planar = hwcToPlanar(hwc, 2, 2);
  assert.deepEqual([...planar], [
    1, -1, -1, 0, // R plane
    -1, 1, -1, 0, // G plane
    -1, -1, 1, 0, // B plane
  ]);
});

test('planarToHwc undoes hwcToPlanar exactly', () => {
  assert.deepEqual([...planarToHwc(hwcToPlanar(hwc, 2, 2), 2, 2)], [...hwc]);
});

test('planarToHwc clamps a decoder overshooting −1..1 to 0..1', () => {
  const planar = Float32Array.from([1.5, -3, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.5]);
  assert.deepEqual([...planarToHwc(planar, 2, 2)], [1, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]);
});
