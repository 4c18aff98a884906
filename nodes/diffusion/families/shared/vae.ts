/**
 * The VAE around every family: raw latents of one item → the decoder's planar RGB in −1..1
 * (`latent_sample` → `sample`, [1, 3, H, W]), and planar RGB in −1..1 → raw latents through
 * `vae_encoder` (`sample` → `latent_parameters` mean‖logvar, or `latent_sample`). The layout
 * conversions (HWC floats, 8-bit bytes, crops) are one pass each in pixels.ts; `vaeMethods`
 * gives a family its runtime's VAE functions.
 */
import type { OpenedSession } from '../../../../engine/nodes/index.js';
import { floatInput, readFloat } from './tensors.js';
import { hwcToPlanar, planarToHwc } from './pixels.js';
import type { DiffusionRuntime, LatentShape, PlanarImage } from '../../model/types.js';

export { hwcToPlanar, planarToHwc };

/** The decoder's output as it comes (planar, −1..1; float16 outputs widened). */
export async function decodeLatentPlanar(decoder: OpenedSession, latent: Float32Array, shape: LatentShape): Promise<PlanarImage> {
  const out = await decoder.session.run({ latent_sample: floatInput(decoder.info, 'latent_sample', latent, [1, shape.channels, shape.height, shape.width]) });
  const data = readFloat(out.sample, 'sample');
  const dims = out.sample!.dims;
  return { data, width: dims[3]!, height: dims[2]! };
}

export async function decodeLatent(decoder: OpenedSession, latent: Float32Array, shape: LatentShape): Promise<{ pixels: Float32Array; width: number; height: number }> {
  const { data, width, height } = await decodeLatentPlanar(decoder, latent, shape);
  return { pixels: planarToHwc(data, width, height), width, height };
}

/** Planar RGB in −1..1 ([3, H, W]) → the first `channels` latent planes (the mean). */
export async function encodePlanar(encoder: OpenedSession, planar: Float32Array, width: number, height: number, channels: number): Promise<Float32Array> {
  const out = await encoder.session.run({ sample: floatInput(encoder.info, 'sample', planar, [1, 3, height, width]) });
  const name = out.latent_parameters ? 'latent_parameters' : 'latent_sample';
  const values = readFloat(out[name], name);
  // mean‖logvar (or just the sample): the first `channels` planes are the latent.
  const dims = out[name]!.dims;
  return values.slice(0, channels * dims[2]! * dims[3]!);
}

export async function encodePixels(encoder: OpenedSession, pixels: Float32Array, width: number, height: number, channels: number): Promise<Float32Array> {
  return encodePlanar(encoder, hwcToPlanar(pixels, width, height), width, height, channels);
}

/** A runtime's VAE functions from its decoder and (optional) encoder sessions. */
export function vaeMethods(decoder: OpenedSession, encoder: OpenedSession | undefined, latentChannels: number): Pick<DiffusionRuntime, 'decode' | 'decodePlanar' | 'encodeImage' | 'encodePlanar'> {
  return {
    decodePlanar: (latent, shape) => decodeLatentPlanar(decoder, latent, shape),
    decode: async (latent, shape) => (await decodeLatent(decoder, latent, shape)).pixels,
    encodePlanar: encoder ? (planar, width, height) => encodePlanar(encoder, planar, width, height, latentChannels) : undefined,
    encodeImage: encoder ? (pixels, width, height) => encodePixels(encoder, pixels, width, height, latentChannels) : undefined,
  };
}
