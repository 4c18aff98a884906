/**
 * `diffusion.vae_decode` (ComfyUI: VAEDecode): latents → images with the checkpoint's VAE
 * decoder; `diffusion.vae_encode` (ComfyUI: VAEEncode): images → latents for img2img (the image
 * is cropped to whole latent cells, as ComfyUI does). A model folder without `vae_encoder/`
 * answers "not available".
 */
import { createImage, defineNode, SwitchyardError, type ImageValue } from '../../../engine/nodes/index.js';
import { asVae } from '../model/handles.js';
import { useDiffusionModel } from '../model/use.js';
import { decodeLatents } from '../pipeline/sample.js';

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

/** The image cropped (top-left anchored, centred) to whole multiples of `multiple` pixels. */
function cropTo(image: ImageValue, index: number, multiple: number): { pixels: Float32Array; width: number; height: number } {
  const width = Math.floor(image.width / multiple) * multiple;
  const height = Math.floor(image.height / multiple) * multiple;
  const left = Math.floor((image.width - width) / 2);
  const top = Math.floor((image.height - height) / 2);
  const pixels = new Float32Array(width * height * 3);
  const base = index * image.width * image.height * 3;
  for (let y = 0; y < height; y++) {
    const from = base + ((top + y) * image.width + left) * 3;
    pixels.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { pixels, width, height };
}

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
    const image = inputs.pixels;
    return useDiffusionModel(ctx, vae.id, async (runtime) => {
      if (!runtime.encodeImage) throw new SwitchyardError('not_available', `model ${runtime.id} has no VAE encoder (vae_encoder/model.onnx), so it cannot encode images`, { model: runtime.id });
      const multiple = runtime.downscale * runtime.latentMultiple;
      if (image.width < multiple || image.height < multiple) throw new SwitchyardError('invalid_input', `the image (${image.width}×${image.height}) is smaller than one latent cell (${multiple} px)`, { width: image.width, height: image.height });
      const parts: Float32Array[] = [];
      let dims: number[] = [];
      for (let i = 0; i < image.count; i++) {
        ctx.throwIfAborted();
        const crop = cropTo(image, i, multiple);
        parts.push(await runtime.encodeImage!(crop.pixels, crop.width, crop.height));
        dims = [image.count, runtime.latentChannels, crop.height / runtime.downscale, crop.width / runtime.downscale];
      }
      const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let offset = 0;
      for (const part of parts) {
        data.set(part, offset);
        offset += part.length;
      }
      return { LATENT: { kind: 'latent' as const, samples: { dims, data } } };
    });
  },
});
