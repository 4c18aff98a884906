/**
 * The VAE around every family: raw latents of one item → RGB (HWC, 0..1) through
 * `vae_decoder` (`latent_sample` → `sample` in −1..1, planar), and RGB → raw latents through
 * `vae_encoder` (`sample` in −1..1 → `latent_parameters` mean‖logvar, or `latent_sample`).
 * One typed-array pass each way.
 */
import type { OpenedSession } from '../../../../engine/nodes/index.js';
import { floatInput, readFloat } from './tensors.js';
import type { LatentShape } from '../../model/types.js';

/**
 * A VAE decoder's planar RGB in −1..1 ([3, H, W], the first three planes of `planar`) → HWC
 * pixels in 0..1, clamped.
 */
export function planarToHwc(planar: Float32Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const pixels = new Float32Array(plane * 3);
  for (let ch = 0; ch < 3; ch++) {
    const base = ch * plane;
    for (let p = 0, o = ch; p < plane; p++, o += 3) {
      const v = (planar[base + p]! + 1) * 0.5;
      pixels[o] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return pixels;
}

/** HWC pixels in 0..1 → planar RGB in −1..1 ([3, H, W]), as a VAE encoder takes them; not clamped. */
export function hwcToPlanar(pixels: Float32Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const planar = new Float32Array(plane * 3);
  for (let ch = 0; ch < 3; ch++) {
    const base = ch * plane;
    for (let p = 0, i = ch; p < plane; p++, i += 3) planar[base + p] = pixels[i]! * 2 - 1;
  }
  return planar;
}

export async function decodeLatent(decoder: OpenedSession, latent: Float32Array, shape: LatentShape): Promise<{ pixels: Float32Array; width: number; height: number }> {
  const out = await decoder.session.run({ latent_sample: floatInput(decoder.info, 'latent_sample', latent, [1, shape.channels, shape.height, shape.width]) });
  const sample = readFloat(out.sample, 'sample');
  const dims = out.sample!.dims;
  const height = dims[2]!;
  const width = dims[3]!;
  return { pixels: planarToHwc(sample, width, height), width, height };
}

export async function encodePixels(encoder: OpenedSession, pixels: Float32Array, width: number, height: number, channels: number): Promise<Float32Array> {
  const planar = hwcToPlanar(pixels, width, height);
  const out = await encoder.session.run({ sample: floatInput(encoder.info, 'sample', planar, [1, 3, height, width]) });
  const name = out.latent_parameters ? 'latent_parameters' : 'latent_sample';
  const values = readFloat(out[name], name);
  // mean‖logvar (or just the sample): the first `channels` planes are the latent.
  const dims = out[name]!.dims;
  return values.slice(0, channels * dims[2]! * dims[3]!);
}
