/**
 * `diffusion.vae_decode` (ComfyUI: VAEDecode): latents → images with the checkpoint's VAE
 * decoder; `diffusion.vae_encode` (ComfyUI: VAEEncode): images → latents for img2img (the image
 * is cropped to whole latent cells, as ComfyUI does, in the same pass that lays it out for the
 * encoder). A model folder without `vae_encoder/` answers "not available".
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import { asVae } from '../model/handles.js';
import { useDiffusionModel } from '../model/use.js';
import { decodeLatents, encodeImages } from '../pipeline/vae-io.js';

export const vaeDecode = defineNode({
  type: 'diffusion.vae_decode',
  title: 'VAE Decode',
  category: 'latent',
  description: 'Decodes latents into images with the checkpoint\'s VAE.',
  aliases: ['VAEDecode'],
  inputs: { samples: { type: 'LATENT' }, vae: { type: 'VAE' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    const vae = asVae(inputs.vae);
    const images = await useDiffusionModel(ctx, vae.id, (runtime) => decodeLatents(runtime, inputs.samples, ctx.signal));
    return { IMAGE: createImage(images.width, images.height, images.count, images.pixels) };
  },
});

export const vaeEncode = defineNode({
  type: 'diffusion.vae_encode',
  title: 'VAE Encode',
  category: 'latent',
  description: 'Encodes images into latents with the checkpoint\'s VAE (for img2img: KSampler with denoise < 1).',
  aliases: ['VAEEncode'],
  inputs: { pixels: { type: 'IMAGE' }, vae: { type: 'VAE' } },
  outputs: { LATENT: { type: 'LATENT' } },
  async run(inputs, ctx) {
    const vae = asVae(inputs.vae);
    return useDiffusionModel(ctx, vae.id, async (runtime) => ({ LATENT: await encodeImages(runtime, inputs.pixels, ctx.throwIfAborted) }));
  },
});
