/**
 * The built-in `diffusion` pack: text to image (and img2img) with ONNX exports of SD 1.x/2.x,
 * SDXL (and Pony), SD3 and Flux, on the engine's model manager — the ComfyUI-style chain
 * (checkpoint loader → text encode → empty latent → KSampler → VAE decode) under ComfyUI's
 * names as aliases, and the one-node text-to-image shortcut. Families live in `families/`,
 * the sampler loop in `pipeline/`, schedulers and noise in `sampling/`, tokenizers in `text/`,
 * the demo stand-ins the set-up step writes in `demo/`.
 */
import { definePack } from '../../engine/nodes/index.js';
import { checkpointLoader } from './nodes/checkpoint-loader.js';
import { clipTextEncode, fluxGuidance } from './nodes/clip-text-encode.js';
import { ksampler } from './nodes/ksampler.js';
import { emptyLatent, emptyLatent16 } from './nodes/latent.js';
import { textToImage } from './nodes/text-to-image.js';
import { vaeDecode, vaeEncode } from './nodes/vae.js';

export default definePack({
  name: 'diffusion',
  version: '0.2.0',
  engine: '^0.1.0',
  description: 'Text to image and img2img with ONNX exports of Stable Diffusion 1.x/2.x, SDXL, Pony, SD3 and Flux, with tiny demo stand-ins for each.',
  nodes: [checkpointLoader, clipTextEncode, fluxGuidance, emptyLatent, emptyLatent16, ksampler, vaeDecode, vaeEncode, textToImage],
});
