/**
 * `diffusion.ksampler` (ComfyUI: KSampler): denoises a latent with a model, a positive and a
 * negative conditioning — seed, steps, cfg, sampler, scheduler and denoise as ComfyUI has them
 * (`seed = 0` is a seed like any other). Progress per step, a cheap latent preview every few
 * steps, interruption between steps.
 */
import { defineNode, type LatentValue } from '../../../engine/nodes/index.js';
import { asConditioning, asModel } from '../model/handles.js';
import { SAMPLERS, SCHEDULERS } from '../model/types.js';
import { useDiffusionModel } from '../model/use.js';
import { sample } from '../pipeline/sample.js';

export const ksampler = defineNode({
  type: 'diffusion.ksampler',
  title: 'KSampler',
  category: 'sampling',
  description: 'Denoises the latent with the model, guided by the positive and negative conditioning. denoise < 1 keeps part of the input latent (img2img).',
  aliases: ['KSampler'],
  inputs: {
    model: { type: 'MODEL' },
    seed: { type: 'INT', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, control: true },
    steps: { type: 'INT', default: 20, min: 1, max: 10000 },
    cfg: { type: 'FLOAT', default: 8, min: 0, max: 100, step: 0.1, tooltip: 'Classifier-free guidance scale; 1 runs the positive prompt alone. For Flux dev, set guidance with Flux Guidance.' },
    sampler_name: { type: 'COMBO', options: SAMPLERS, default: 'euler' },
    scheduler: { type: 'COMBO', options: SCHEDULERS, default: 'normal' },
    positive: { type: 'CONDITIONING' },
    negative: { type: 'CONDITIONING' },
    latent_image: { type: 'LATENT' },
    denoise: { type: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 },
  },
  outputs: { LATENT: { type: 'LATENT' } },
  async run(inputs, ctx) {
    const model = asModel(inputs.model);
    const positive = asConditioning(inputs.positive, 'positive');
    const negative = asConditioning(inputs.negative, 'negative');
    const latent: LatentValue = await useDiffusionModel(ctx, model.id, (runtime) => sample(runtime, {
      positive,
      negative,
      latent: inputs.latent_image,
      seed: inputs.seed,
      steps: inputs.steps,
      cfg: inputs.cfg,
      sampler: inputs.sampler_name,
      scheduler: inputs.scheduler,
      denoise: inputs.denoise,
      signal: ctx.signal,
      onStep: (done, total) => ctx.progress(done, total),
      onPreview: (image) => ctx.preview(image),
    }));
    return { LATENT: latent };
  },
});
