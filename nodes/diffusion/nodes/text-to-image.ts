/**
 * `diffusion.text_to_image`: the one-node shortcut — pick a model folder of any family
 * (SD 1.x/2.x, SDXL/Pony, SD3, Flux; the `demo-*` stand-ins work everywhere), write a prompt,
 * get an IMAGE. Same steps and same pixels as the ComfyUI-style chain. Progress per sampling
 * step, previews every few steps, interruption between steps; `seed = 0` is a seed like any other.
 */
import { createImage, defineNode } from '../../../engine/nodes/index.js';
import { diffusionModelIds } from '../model/load.js';
import { SAMPLERS, SCHEDULERS } from '../model/types.js';
import { useDiffusionModel } from '../model/use.js';
import { textToImage as generate } from '../pipeline/text-to-image.js';

export { SAMPLERS, SCHEDULERS };
const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const textToImage = defineNode({
  type: 'diffusion.text_to_image',
  title: 'Text to Image',
  category: 'sampling',
  description: 'Generates images from a prompt with a diffusion model folder (SD 1.x/2.x, SDXL, Pony, SD3 or Flux ONNX export). The demo-* models are tiny stand-ins that draw colour fields.',
  inputs: {
    model: { type: 'COMBO', options: (ctx) => diffusionModelIds(ctx.folders.models), default: 'demo-sd15', tooltip: 'A folder in the models folder (diffusers/optimum ONNX export).' },
    prompt: { type: 'STRING', default: '', multiline: true },
    negative_prompt: { type: 'STRING', default: '', multiline: true },
    width: { type: 'INT', default: 512, min: 16, max: 8192, step: 8 },
    height: { type: 'INT', default: 512, min: 16, max: 8192, step: 8 },
    steps: { type: 'INT', default: 20, min: 1, max: 150 },
    cfg: { type: 'FLOAT', default: 7.5, min: 0, max: 30, step: 0.1, tooltip: 'Classifier-free guidance; 1 runs the prompt alone (Turbo, Flux). For Flux dev it is the distilled guidance.' },
    seed: { type: 'INT', default: 0, min: 0, max: MAX_SEED, control: true },
    sampler: { type: 'COMBO', options: SAMPLERS, default: 'euler' },
    scheduler: { type: 'COMBO', options: SCHEDULERS, default: 'normal' },
    batch_size: { type: 'INT', default: 1, min: 1, max: 16, optional: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    const images = await useDiffusionModel(ctx, inputs.model, (runtime) => generate(runtime, {
      prompt: inputs.prompt,
      negativePrompt: inputs.negative_prompt,
      width: inputs.width,
      height: inputs.height,
      steps: inputs.steps,
      cfg: inputs.cfg,
      seed: inputs.seed,
      sampler: inputs.sampler,
      scheduler: inputs.scheduler,
      batch: inputs.batch_size ?? 1,
      signal: ctx.signal,
      onStep: (done, total) => ctx.progress(done, total),
      onPreview: (image) => ctx.preview(image),
    }));
    if (images.truncated > 0) ctx.log.warn({ truncated: images.truncated }, `the prompt is longer than the text encoder's context; the last ${images.truncated} tokens were ignored`);
    return { IMAGE: createImage(images.width, images.height, images.count, images.pixels) };
  },
});
