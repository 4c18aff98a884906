/**
 * `diffusion.empty_latent` (ComfyUI: EmptyLatentImage, 4 channels) and
 * `diffusion.empty_latent_16` (ComfyUI: EmptySD3LatentImage, 16 channels for SD3/Flux): the
 * all-zero starting latent of text to image. A sampler widens an empty 4-channel latent for a
 * 16-channel model, so either works with any family.
 */
import { defineNode } from '../../../engine/nodes/index.js';
import { emptyLatent as makeEmpty } from '../pipeline/latent.js';

const size = {
  width: { type: 'INT', default: 512, min: 16, max: 8192, step: 8 },
  height: { type: 'INT', default: 512, min: 16, max: 8192, step: 8 },
  batch_size: { type: 'INT', default: 1, min: 1, max: 64 },
} as const;

function cells(pixels: number): number {
  return Math.max(1, Math.floor(pixels / 8));
}

export const emptyLatent = defineNode({
  type: 'diffusion.empty_latent',
  title: 'Empty Latent Image',
  category: 'latent',
  description: 'An empty (all-zero) 4-channel latent of the given size: the start of text to image.',
  aliases: ['EmptyLatentImage'],
  inputs: size,
  outputs: { LATENT: { type: 'LATENT' } },
  run: (inputs) => ({ LATENT: makeEmpty(inputs.batch_size, 4, cells(inputs.height), cells(inputs.width)) }),
});

export const emptyLatent16 = defineNode({
  type: 'diffusion.empty_latent_16',
  title: 'Empty Latent Image (SD3 / Flux)',
  category: 'latent',
  description: 'An empty (all-zero) 16-channel latent of the given size, as SD3 and Flux sample.',
  aliases: ['EmptySD3LatentImage'],
  inputs: size,
  outputs: { LATENT: { type: 'LATENT' } },
  run: (inputs) => ({ LATENT: makeEmpty(inputs.batch_size, 16, cells(inputs.height), cells(inputs.width)) }),
});
